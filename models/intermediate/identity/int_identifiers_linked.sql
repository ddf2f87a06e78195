{#-
    One row per pair of identifiers that some landed record carries
    together (an undirected edge, node_id_a < node_id_b). A record with a
    record node (order, call, receipt, card, invitation, response, shop
    customer) links each of its identifiers to that node; a clickstream
    event, which no other record points to, links its anonymous_id,
    customer_id and order_id pairwise. The edge keeps its first source
    record (by system, entity, record id) and how many records carry it.
    Whether an edge may merge anything is decided downstream
    (int_identifier_decisions).
-#}

with

observed as {{ not_materialized() }} (

    select
        node_id,
        source_system,
        entity,
        source_record_id,
        identifier_type,
        is_record_node

    from {{ ref('int_identifiers_observed') }}

),

record_nodes as (

    select
        node_id,
        source_system,
        entity,
        source_record_id,
        identifier_type

    from observed

    where is_record_node

),

record_edges as (

    select
        record_nodes.node_id as node_id_from,
        observed.node_id as node_id_to,
        record_nodes.identifier_type as identifier_type_from,
        observed.identifier_type as identifier_type_to,
        observed.source_system,
        observed.entity,
        observed.source_record_id

    from observed

    inner join record_nodes
        on
            observed.source_system = record_nodes.source_system
            and observed.entity = record_nodes.entity
            and observed.source_record_id = record_nodes.source_record_id

    where not observed.is_record_node

),

event_edges as (

    select
        first_identifier.node_id as node_id_from,
        second_identifier.node_id as node_id_to,
        first_identifier.identifier_type as identifier_type_from,
        second_identifier.identifier_type as identifier_type_to,
        first_identifier.source_system,
        first_identifier.entity,
        first_identifier.source_record_id

    from observed as first_identifier

    inner join observed as second_identifier
        on
            first_identifier.source_record_id
            = second_identifier.source_record_id
            and first_identifier.node_id < second_identifier.node_id

    where
        first_identifier.entity = 'events'
        and second_identifier.entity = 'events'
        {# an event carries one identifier of each type, and anonymous_id:
            sorts before customer_id: and order_id:, so a cookie is never
            the greater node of an event's pair: the join's build side is
            then the few logged-in and ordering events, not every event
            (docs/performance.md) #}
        and second_identifier.identifier_type != 'anonymous_id'

),

edges as (

    select * from record_edges
    union all
    select * from event_edges

),

oriented as (

    select
        case
            when node_id_from < node_id_to then node_id_from else node_id_to
        end as node_id_a,
        case
            when node_id_from < node_id_to then node_id_to else node_id_from
        end as node_id_b,
        case
            when node_id_from < node_id_to
                then identifier_type_from
            else identifier_type_to
        end as identifier_type_a,
        case
            when node_id_from < node_id_to
                then identifier_type_to
            else identifier_type_from
        end as identifier_type_b,
        source_system,
        entity,
        source_record_id

    from edges

    where node_id_from != node_id_to

),

grouped as (

    {#- the records carrying each pair counted per system and entity first:
        millions of clickstream events carry the same few cookie, account
        and order pairs, so the window below reads one row per pair and
        entity instead of one per record. The types follow from the node
        ids (type:identifier) -#}
    select
        node_id_a,
        node_id_b,
        min(identifier_type_a) as identifier_type_a,
        min(identifier_type_b) as identifier_type_b,
        source_system,
        entity,
        min(source_record_id) as source_record_id,
        count(*) as record_count

    from oriented

    group by node_id_a, node_id_b, source_system, entity

),

counted as (

    select
        *,
        sum(record_count) over (
            partition by node_id_a, node_id_b
        ) as edge_record_count,
        row_number() over (
            partition by node_id_a, node_id_b
            order by source_system, entity, source_record_id
        ) as source_rank

    from grouped

),

final as (

    select
        {{ surrogate_key(['node_id_a', 'node_id_b']) }} as edge_id,
        node_id_a,
        node_id_b,
        identifier_type_a,
        identifier_type_b,
        source_system,
        entity,
        source_record_id,
        cast(edge_record_count as {{ dbt.type_bigint() }}) as record_count

    from counted

    where source_rank = 1

)

select * from final
