{{ config(
    materialized='incremental',
    pre_hook="{{ delete_erased_customer_ids(['old_customer_id', 'new_customer_id']) }}",
) }}
{#-
    Append-only log of merges: a key issued by an earlier build that no
    longer names a component, because its component joined another one,
    with the key that absorbed it and the time of the build that noticed.
    Where a retired key went: for a shop customer_id, the key its
    customer_id node resolves to now; for a K key, the key of the node whose
    keyed hash it is (its anchor). A retired key whose node is gone (erased) or
    that split is not a merge and is not logged; a merge naming the key of
    a person erased since is deleted (delete_erased_customer_ids).
-#}

{%- set built_at = run_started_at_timestamp() -%}

with

issued as (

    select
        customer_id,
        first_issued_at

    from {{ ref('int_customer_keys_issued') }}

),

keys as (

    select
        node_id,
        customer_id,
        identifier_type,
        identifier

    from {{ ref('int_customer_keys') }}

),

current_keys as (

    select distinct customer_id

    from keys

    where customer_id is not null

),

{% if is_incremental() %}

logged as (

    select old_customer_id

    from {{ this }}

),

{% endif %}

retired as (

    select issued.customer_id

    from issued

    left join current_keys
        on issued.customer_id = current_keys.customer_id

    where
        current_keys.customer_id is null
        and issued.first_issued_at < {{ built_at }}

),

own_keys as (

    {#- the key each node would carry if it were alone -#}
    select
        customer_id,
        case
            when identifier_type = 'customer_id' then identifier
            else {{ anchor_key('node_id') }}
        end as own_customer_id

    from keys

    where
        customer_id is not null
        and identifier_type in (
            'customer_id', 'loyalty_card', 'email', 'phone', 'anonymous_id'
        )

),

merged as (

    select
        retired.customer_id as old_customer_id,
        own_keys.customer_id as new_customer_id

    from retired

    inner join own_keys
        on retired.customer_id = own_keys.own_customer_id

    {% if is_incremental() %}

        left join logged
            on retired.customer_id = logged.old_customer_id

        where logged.old_customer_id is null

    {% endif %}

),

final as (

    select
        {{ surrogate_key(['old_customer_id', 'new_customer_id']) }}
            as customer_merge_id,
        old_customer_id,
        new_customer_id,
        {{ built_at }} as merged_at

    from merged

)

select * from final
