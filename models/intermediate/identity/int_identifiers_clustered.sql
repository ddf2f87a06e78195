{{ config(post_hook="{{ connected_components_cleanup() }}") }}
{#-
    One row per identifier node (person identifiers and record nodes) with
    its connected component: the smallest node_id reachable over edges
    whose identifiers all link (int_identifier_decisions). A shared
    identifier keeps its row but no edge, so it is a component of its own.
    Components come from iterative label propagation in the
    connected_components macro (one table per round, early exit when a
    round changes nothing). A build that is not a full refresh starts
    from the components this table holds and propagates only those a
    change touched (a new edge between them, or an edge gone, which may
    split one); the post-hook keeps the edges as
    int_identifiers_clustered__edges_held for the next build.
-#}

{%- set nodes_sql -%}
    select distinct node_id
    from {{ ref('int_identifiers_observed') }}
{%- endset -%}

{%- set edges_sql -%}
    select
        linked.node_id_a,
        linked.node_id_b
    from {{ ref('int_identifiers_linked') }} as linked
    left join {{ ref('int_identifier_decisions') }} as decision_a
        on linked.node_id_a = decision_a.node_id
    left join {{ ref('int_identifier_decisions') }} as decision_b
        on linked.node_id_b = decision_b.node_id
    where
        coalesce(decision_a.decision, 'link') = 'link'
        and coalesce(decision_b.decision, 'link') = 'link'
{%- endset -%}

with

components as (

    {{ connected_components(nodes_sql, edges_sql, max_rounds=50) }}

),

final as (

    {#- the type and the identifier come from node_id, not from a distinct
        over every observation (docs/performance.md) -#}
    select
        node_id,
        component_id,
        {{ node_id_parts('node_id') }}

    from components

)

select * from final
