-- A shared identifier links nothing: it is alone in its component and
-- resolves to no customer.
with

keys as (

    select
        node_id,
        component_id,
        customer_id,
        is_shared

    from {{ ref('int_customer_keys') }}

),

component_sizes as (

    select
        component_id,
        count(*) as nodes

    from keys

    group by component_id

),

offending as (

    select
        keys.node_id,
        keys.customer_id,
        component_sizes.nodes

    from keys

    inner join component_sizes
        on keys.component_id = component_sizes.component_id

    where
        keys.is_shared
        and (component_sizes.nodes > 1 or keys.customer_id is not null)

)

select * from offending
