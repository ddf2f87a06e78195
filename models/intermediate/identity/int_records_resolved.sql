{#-
    One row per landed record that carries at least one identifier besides
    its own id, with the customer it resolves to (int_customer_keys): the
    key of its identifiers, which all sit in one component unless shared.
    customer_id is null when every identifier it carries is shared (or the
    record holds only references to records nobody is known for).

    Clickstream events are left out: a session, not an event, is a
    touchpoint, and it takes its party from its login's or its cookie's key
    (int_touchpoints_unioned); events would be most of this model's rows,
    read by nothing but a test (docs/performance.md).
-#}

with

observed as (

    select
        node_id,
        source_system,
        entity,
        source_record_id,
        is_record_node

    from {{ ref('int_identifiers_observed') }}

    where entity != 'events'

),

keys as (

    select
        node_id,
        customer_id

    from {{ ref('int_customer_keys') }}

),

resolved as (

    select
        observed.source_system,
        observed.entity,
        observed.source_record_id,
        min(keys.customer_id) as customer_id,
        {#- 0, 1, or 2 for two or more: min and max say as much as a
            count(distinct) per record, at a fraction of its cost
            (docs/performance.md) -#}
        cast(case
            when min(keys.customer_id) is null then 0
            when min(keys.customer_id) = max(keys.customer_id) then 1
            else 2
        end as {{ dbt.type_bigint() }}) as customer_count,
        sum(
            case when observed.is_record_node then 0 else 1 end
        ) as identifier_count

    from observed

    left join keys
        on observed.node_id = keys.node_id

    group by
        observed.source_system,
        observed.entity,
        observed.source_record_id

),

final as (

    select
        {{ surrogate_key([
            'source_system', 'entity', 'source_record_id',
        ]) }} as record_resolution_id,
        source_system,
        entity,
        source_record_id,
        customer_id,
        identifier_count,
        customer_count

    from resolved

    where identifier_count > 0

)

select * from final
