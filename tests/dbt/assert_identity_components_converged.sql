-- Label propagation has converged: no edge that links (neither end
-- shared) joins two nodes with different components.
with

clustered as (

    select
        node_id,
        component_id

    from {{ ref('int_identifiers_clustered') }}

),

linked as (

    select
        node_id_a,
        node_id_b

    from {{ ref('int_identifiers_linked') }}

),

decisions as (

    select node_id

    from {{ ref('int_identifier_decisions') }}

    where is_shared

),

linking as (

    select
        linked.node_id_a,
        linked.node_id_b

    from linked

    left join decisions as shared_a
        on linked.node_id_a = shared_a.node_id

    left join decisions as shared_b
        on linked.node_id_b = shared_b.node_id

    where shared_a.node_id is null and shared_b.node_id is null

),

disagreeing as (

    select
        linking.node_id_a,
        linking.node_id_b,
        clustered_a.component_id as component_id_a,
        clustered_b.component_id as component_id_b

    from linking

    inner join clustered as clustered_a
        on linking.node_id_a = clustered_a.node_id

    inner join clustered as clustered_b
        on linking.node_id_b = clustered_b.node_id

    where clustered_a.component_id != clustered_b.component_id

)

select * from disagreeing
