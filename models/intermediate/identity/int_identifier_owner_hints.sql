{#-
    One row per landed record that has owner evidence or points to a
    record (int_identifiers_observed), with its owner hint: the account or
    address it most likely belongs to, judged from the record and the
    records it points to, never from a phone or a cookie. That is a shop
    customer_id on it (an event's or order's login, a customer record),
    else the owner hint of the record it references (a call's order, an
    invitation's order / call / receipt, a response's invitation, a
    receipt's card), else the shop account whose current email it
    carries, else that email. A record without any (a clickstream event
    with a cookie alone) has no row: it has no hint.

    A table of its own so that the grouping and int_identifier_decisions'
    join to every email, phone and cookie do not hold memory together
    (docs/performance.md).

    Over 250 lines: a record's pointers are followed up to three levels
    (level_one to level_three), a CTE each.
-#}

with

observed as {{ not_materialized() }} (

    select
        source_system,
        entity,
        source_record_id,
        identifier_type,
        identifier

    from {{ ref('int_identifiers_observed') }}

),

account_emails as (

    select
        identifier as email,
        min(source_record_id) as customer_id

    from observed

    where entity = 'customers' and identifier_type = 'email'

    group by identifier

),

direct_hints as {{ not_materialized() }} (

    {#- the record's own evidence: a customer_id, else an email (as the
        account that holds it, when one does) -#}
    select
        observed.source_system,
        observed.entity,
        observed.source_record_id,
        min(
            case
                when observed.identifier_type = 'customer_id'
                    then observed.identifier
            end
        ) as customer_id,
        min(
            case
                when observed.identifier_type = 'email'
                    then coalesce(
                        account_emails.customer_id,
                        {{ dbt.concat(["'email:'", "observed.identifier"]) }}
                    )
            end
        ) as email_hint

    from observed

    left join account_emails
        on
            observed.identifier_type = 'email'
            and observed.identifier = account_emails.email

    {#- only the records with evidence or a pointer: a record without any
        has no hint, and left out here it gets none in the decisions either.
        That leaves out the clickstream events that carry a cookie alone,
        most of the records #}
    where
        observed.identifier_type in (
            'customer_id', 'email', 'order_id', 'call_id', 'receipt_id',
            'loyalty_card', 'invitation_id'
        )

    group by
        observed.source_system,
        observed.entity,
        observed.source_record_id

),

pointers as (

    select
        source_system,
        entity,
        source_record_id,
        identifier_type as referenced_type,
        identifier as referenced_id

    from observed

    where
        identifier_type in (
            'order_id', 'call_id', 'receipt_id', 'loyalty_card',
            'invitation_id'
        )
        and not (
            (entity = 'orders' and identifier_type = 'order_id')
            or (entity = 'calls' and identifier_type = 'call_id')
            or (entity = 'transactions' and identifier_type = 'receipt_id')
            or (entity = 'loyalty_members' and identifier_type = 'loyalty_card')
            or (entity = 'invitations' and identifier_type = 'invitation_id')
        )

),

level_one as (

    {#- orders and cards: their own evidence only -#}
    select
        case entity
            when 'orders' then 'order_id'
            when 'loyalty_members' then 'loyalty_card'
        end as referenced_type,
        source_record_id as referenced_id,
        coalesce(customer_id, email_hint) as owner_hint

    from direct_hints

    where entity in ('orders', 'loyalty_members')

),

level_two as (

    {#- calls (their order) and receipts (their card) -#}
    select
        case direct_hints.entity
            when 'calls' then 'call_id'
            when 'transactions' then 'receipt_id'
        end as referenced_type,
        direct_hints.source_record_id as referenced_id,
        coalesce(
            direct_hints.customer_id,
            min(level_one.owner_hint),
            direct_hints.email_hint
        ) as owner_hint

    from direct_hints

    left join pointers
        on
            direct_hints.source_system = pointers.source_system
            and direct_hints.entity = pointers.entity
            and direct_hints.source_record_id = pointers.source_record_id

    left join level_one
        on
            pointers.referenced_type = level_one.referenced_type
            and pointers.referenced_id = level_one.referenced_id

    where direct_hints.entity in ('calls', 'transactions')

    group by
        direct_hints.entity,
        direct_hints.source_record_id,
        direct_hints.customer_id,
        direct_hints.email_hint

),

level_three as (

    {#- invitations: their trigger -#}
    select
        'invitation_id' as referenced_type,
        direct_hints.source_record_id as referenced_id,
        coalesce(
            direct_hints.customer_id,
            min(coalesce(level_one.owner_hint, level_two.owner_hint)),
            direct_hints.email_hint
        ) as owner_hint

    from direct_hints

    left join pointers
        on
            direct_hints.source_system = pointers.source_system
            and direct_hints.entity = pointers.entity
            and direct_hints.source_record_id = pointers.source_record_id

    left join level_one
        on
            pointers.referenced_type = level_one.referenced_type
            and pointers.referenced_id = level_one.referenced_id

    left join level_two
        on
            pointers.referenced_type = level_two.referenced_type
            and pointers.referenced_id = level_two.referenced_id

    where direct_hints.entity = 'invitations'

    group by
        direct_hints.source_record_id,
        direct_hints.customer_id,
        direct_hints.email_hint

),

referenced_hints as (

    select * from level_one
    union all
    select * from level_two
    union all
    select * from level_three

),

pointer_hints as (

    {#- the owner hint of the records a record points to, for the records
        that point to one (the few that do: orders' events, calls,
        receipts, invitations, responses) -#}
    select
        pointers.source_system,
        pointers.entity,
        pointers.source_record_id,
        min(referenced_hints.owner_hint) as owner_hint

    from pointers

    inner join referenced_hints
        on
            pointers.referenced_type = referenced_hints.referenced_type
            and pointers.referenced_id = referenced_hints.referenced_id

    group by
        pointers.source_system,
        pointers.entity,
        pointers.source_record_id

),

record_hints as (

    select
        direct_hints.source_system,
        direct_hints.entity,
        direct_hints.source_record_id,
        direct_hints.customer_id,
        coalesce(
            direct_hints.customer_id,
            pointer_hints.owner_hint,
            direct_hints.email_hint
        ) as owner_hint,
        coalesce(
            direct_hints.customer_id, direct_hints.email_hint
        ) as direct_owner_hint

    from direct_hints

    left join pointer_hints
        on
            direct_hints.source_system = pointer_hints.source_system
            and direct_hints.entity = pointer_hints.entity
            and direct_hints.source_record_id = pointer_hints.source_record_id

)

select
    source_system,
    entity,
    source_record_id,
    customer_id,
    owner_hint,
    direct_owner_hint

from record_hints
