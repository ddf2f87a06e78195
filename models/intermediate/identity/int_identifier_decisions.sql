{#-
    One row per email, phone and anonymous_id, with the decision whether
    its edges may merge records (decision = 'link') or not
    (decision = 'shared'), the reason in words and the counts behind it.

    Each record has an owner hint (int_identifier_owner_hints): the
    account or address it most likely belongs to, never judged from a
    phone or a cookie. An identifier is shared when its records point to
    several owners:
    - a phone seen with two or more owner hints (two accounts, or two
      addresses of whom no account is known: a household landline, a
      company switchboard);
    - an email on two or more shop accounts (a family address);
    - an anonymous_id logged in as two or more shop accounts (a shared
      device).
    Shop customer ids, loyalty cards and record ids always link: each names
    exactly one account, card or record.
-#}

{%- set min_owners = var('identity_shared_min_owners') -%}

with

observed as (

    select
        node_id,
        source_system,
        entity,
        source_record_id,
        identifier_type

    from {{ ref('int_identifiers_observed') }}

),

record_hints as (

    select
        source_system,
        entity,
        source_record_id,
        customer_id,
        owner_hint,
        direct_owner_hint

    from {{ ref('int_identifier_owner_hints') }}

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
        rows, and its memory, which DuckDB cannot spill, stays small. Both
        aggregates group by node_id alone, which names the type and the
        identifier, to keep two texts out of their keys. The hints are
        joined to the identifiers only for the records that have any
        (int_identifier_owner_hints), which keeps the join's build side
        small (docs/performance.md) -#}
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

    select
        node_id,
        {{ node_id_parts('node_id') }},
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
