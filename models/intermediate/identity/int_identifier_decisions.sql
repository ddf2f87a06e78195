{#-
    One row per email, phone and anonymous_id, with the decision whether
    its edges may merge records (decision = 'link') or not
    (decision = 'shared'), the reason in words and the counts behind it.

    Each record gets an owner hint, the account or address it most likely
    belongs to, judged from the record and the records it points to, never
    from a phone or a cookie: a shop customer_id on it (an event's or
    order's login, a customer record), else the owner hint of the record it
    references (a call's order, an invitation's order / call / receipt, a
    response's invitation, a receipt's card), else the shop account whose
    current email it carries, else that email. An identifier is shared when
    its records point to several owners:
    - a phone seen with two or more owner hints (two accounts, or two
      addresses of whom no account is known: a household landline, a
      company switchboard);
    - an email on two or more shop accounts (a family address);
    - an anonymous_id logged in as two or more shop accounts (a shared
      device).
    Shop customer ids, loyalty cards and record ids always link: each names
    exactly one account, card or record.
-#}

{%- set min_owners = var('identity_shared_min_owners', 2) -%}

with

observed as {{ not_materialized() }} (

    select
        node_id,
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
        has no hint, and left out here it gets none in record_nodes either.
        That leaves out the clickstream events that carry a cookie alone
        (at 100k customers 10 M of the 13.8 M records) #}
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

),

record_nodes as (

    {#- one row per record and email, phone or anonymous_id it carries,
        with the record's hints -#}
    select
        observed.node_id,
        observed.entity,
        record_hints.owner_hint,
        record_hints.direct_owner_hint,
        record_hints.customer_id

    from observed

    left join record_hints
        on
            observed.source_system = record_hints.source_system
            and observed.entity = record_hints.entity
            and observed.source_record_id = record_hints.source_record_id

    where observed.identifier_type in ('email', 'phone', 'anonymous_id')

),

record_owners as (

    {#- the records of each identifier, collapsed to their distinct owner
        evidence first (millions of clickstream events share a few cookie
        and account pairs): the count(distinct) below then reads far fewer
        rows, and its memory, which DuckDB cannot spill, stays small (the
        100k build failed on it at 4GB beside another model). Both
        aggregates group by node_id alone, which names the type and the
        identifier: with those two texts in their keys as well, the model
        ran out of memory at 100k with memory_limit 1GB (and at 4GB beside
        int_sessions_aggregated's tests); without them it passed at 1GB.
        The hints are joined to the identifiers only for the records that
        have any (direct_hints): with every record on the join's build side
        and hints grouped per record twice, the model spilled 3.4 GB at 100k
        with 1GB -#}
    select
        node_id,
        entity,
        owner_hint,
        direct_owner_hint,
        customer_id,
        count(*) as record_count

    from record_nodes

    group by
        node_id,
        entity,
        owner_hint,
        direct_owner_hint,
        customer_id

),

counted as (

    select
        node_id,
        cast(sum(record_count) as {{ dbt.type_bigint() }}) as record_count,
        count(distinct owner_hint) as owner_count,
        count(distinct direct_owner_hint) as direct_owner_count,
        count(distinct case
            when entity = 'customers' then customer_id
        end) as account_count,
        count(distinct customer_id) as login_count,
        count(distinct case
            when entity = 'calls' then owner_hint
        end) as caller_owner_count

    from record_owners

    group by node_id

),

named as (

    {#- the type and the identifier read back from node_id
        (type:identifier, int_identifiers_observed; a type has no colon) -#}
    {%- set colon = dbt.position("':'", 'node_id') %}
    select
        node_id,
        substring(node_id, 1, {{ colon }} - 1) as identifier_type,
        substring(node_id, {{ colon }} + 1) as identifier,
        record_count,
        owner_count,
        direct_owner_count,
        account_count,
        login_count,
        caller_owner_count

    from counted

),

decided as (

    select
        *,
        case
            when identifier_type = 'phone' and owner_count >= {{ min_owners }}
                then 'shared'
            when identifier_type = 'email' and account_count >= 2
                then 'shared'
            when identifier_type = 'anonymous_id' and login_count >= 2
                then 'shared'
            else 'link'
        end as decision,
        case
            when identifier_type = 'phone' and owner_count >= {{ min_owners }}
                then {{ dbt.concat([
                    "'phone given for '",
                    dbt.cast("owner_count", dbt.type_string()),
                    "' different accounts or addresses'",
                ]) }}
            when identifier_type = 'email' and account_count >= 2
                then {{ dbt.concat([
                    "'email on '",
                    dbt.cast("account_count", dbt.type_string()),
                    "' shop accounts'",
                ]) }}
            when identifier_type = 'anonymous_id' and login_count >= 2
                then {{ dbt.concat([
                    "'device logged in as '",
                    dbt.cast("login_count", dbt.type_string()),
                    "' shop accounts'",
                ]) }}
            when owner_count = 0 then 'no owner evidence; links its records'
            when owner_count = 1 then 'one owner; links its records'
            else {{ dbt.concat([
                dbt.cast("owner_count", dbt.type_string()),
                "' owners, under the shared threshold; links its records'",
            ]) }}
        end as reason

    from named

),

final as (

    select
        node_id,
        identifier_type,
        identifier,
        decision,
        reason,
        record_count,
        owner_count,
        direct_owner_count,
        account_count,
        login_count,
        caller_owner_count,
        decision = 'shared' as is_shared

    from decided

)

select * from final
