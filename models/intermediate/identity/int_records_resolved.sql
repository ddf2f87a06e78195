{#-
    One row per landed record that carries at least one identifier besides
    its own id, with the customer it resolves to (int_customer_keys): the
    key of its identifiers, which all sit in one component unless shared.
    customer_id is null when every identifier it carries is shared (or the
    record holds only references to records nobody is known for).
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
        count(distinct keys.customer_id) as customer_count,
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
