{{ config(post_hook="{{ connected_components_cleanup() }}") }}
{#-
    One row per identifier node (person identifiers and record nodes) with
    its connected component: the smallest node_id reachable over edges
    whose identifiers all link (int_identifier_decisions). A shared
    identifier keeps its row but no edge, so it is a component of its own.
    Components come from iterative label propagation in the
    connected_components macro (one table per round, early exit when a
    round changes nothing).
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

observed as (

    select distinct
        node_id,
        identifier_type,
        identifier

    from {{ ref('int_identifiers_observed') }}

),

final as (

    select
        components.node_id,
        components.component_id,
        observed.identifier_type,
        observed.identifier

    from components

    inner join observed
        on components.node_id = observed.node_id

)

select * from final
