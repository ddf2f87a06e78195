{% macro connected_components(nodes_sql, edges_sql, max_rounds=50, inline_rounds=5) %}
    {#- Connected components by iterative minimum-label propagation.
        nodes_sql selects node_id; edges_sql selects node_id_a, node_id_b
        (undirected). Returns a select of node_id and component_id, the
        smallest node_id of the node's component.

        In a run or build, each round is a table built from the previous
        one (run_query), until a round changes no label (early exit) or
        max_rounds is reached (then the build fails: raise max_rounds).
        When nothing is executed for real (unit tests, compile, lint) the
        first inline_rounds rounds are rendered as chained CTEs instead:
        the same round SQL, enough for small fixtures. -#}
    {%- set is_real_run = execute
        and model.resource_type == 'model'
        and flags.WHICH in ['run', 'build'] -%}
    {%- if is_real_run -%}
        {{ return(connected_components_iterated(
            nodes_sql, edges_sql, max_rounds
        )) }}
    {%- else -%}
        {{ return(connected_components_inline(
            nodes_sql, edges_sql, inline_rounds
        )) }}
    {%- endif -%}
{% endmacro %}


{% macro connected_components_round(labels, edges) -%}
    {#- One round: every node takes the smallest label among its own and
        its neighbours', then the label of that label (pointer jumping,
        which halves the rounds on long chains). -#}
    select
        proposed.node_id,
        case
            when jumped.component_id < proposed.component_id
                then jumped.component_id
            else proposed.component_id
        end as component_id

    from (

        select
            labels.node_id,
            case
                when neighbour_minimum.component_id < labels.component_id
                    then neighbour_minimum.component_id
                else labels.component_id
            end as component_id

        from {{ labels }} as labels

        left join (

            select
                edges.node_id_to as node_id,
                min(neighbour.component_id) as component_id

            from {{ edges }} as edges

            inner join {{ labels }} as neighbour
                on edges.node_id_from = neighbour.node_id

            group by edges.node_id_to

        ) as neighbour_minimum
            on labels.node_id = neighbour_minimum.node_id

    ) as proposed

    left join {{ labels }} as jumped
        on proposed.component_id = jumped.node_id
{%- endmacro %}


{% macro connected_components_directed(edges_sql) -%}
    select
        node_id_a as node_id_from,
        node_id_b as node_id_to
    from ({{ edges_sql }}) as undirected_edges
    union all
    select
        node_id_b as node_id_from,
        node_id_a as node_id_to
    from ({{ edges_sql }}) as undirected_edges
{%- endmacro %}


{% macro connected_components_inline(nodes_sql, edges_sql, rounds) -%}
    {%- set sql -%}
    with

    component_edges as (
        {{ connected_components_directed(edges_sql) }}
    ),

    component_labels_0 as (
        select distinct
            node_id,
            node_id as component_id
        from ({{ nodes_sql }}) as component_nodes
    ),

    {% for round in range(1, rounds + 1) -%}
    component_labels_{{ round }} as (
        {{ connected_components_round(
            'component_labels_' ~ (round - 1), 'component_edges'
        ) }}
    ),

    {% endfor -%}
    component_labels as (
        select * from component_labels_{{ rounds }}
    )

    select
        node_id,
        component_id
    from component_labels
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}


{% macro connected_components_relation(suffix) -%}
    {{ return(api.Relation.create(
        database=this.database,
        schema=this.schema,
        identifier=this.identifier ~ '__' ~ suffix,
        type='table',
    )) }}
{%- endmacro %}


{% macro connected_components_iterated(nodes_sql, edges_sql, max_rounds) -%}
    {%- set edges = connected_components_relation('edges') -%}
    {%- set final = connected_components_relation('labels') -%}
    {%- do adapter.drop_relation(edges) -%}
    {%- do adapter.drop_relation(final) -%}
    {%- do run_query(get_create_table_as_sql(
        False, edges, connected_components_directed(edges_sql)
    )) -%}
    {%- set first = connected_components_relation('round_0') -%}
    {%- do adapter.drop_relation(first) -%}
    {%- do run_query(get_create_table_as_sql(
        False,
        first,
        'select distinct node_id, node_id as component_id from ('
            ~ nodes_sql ~ ') as component_nodes',
    )) -%}
    {%- set state = namespace(labels=first, done=false, rounds=0) -%}
    {%- for round in range(1, max_rounds + 1) -%}
        {%- if not state.done -%}
            {%- set next = connected_components_relation(
                'round_' ~ round
            ) -%}
            {%- do adapter.drop_relation(next) -%}
            {%- do run_query(get_create_table_as_sql(
                False,
                next,
                connected_components_round(state.labels, edges),
            )) -%}
            {%- set changed = run_query(
                'select count(*) from ' ~ next ~ ' as next_round'
                ~ ' inner join ' ~ state.labels ~ ' as previous_round'
                ~ ' on next_round.node_id = previous_round.node_id'
                ~ ' where next_round.component_id'
                ~ ' != previous_round.component_id'
            ).columns[0].values()[0] -%}
            {%- do adapter.drop_relation(state.labels) -%}
            {%- set state.labels = next -%}
            {%- set state.rounds = round -%}
            {%- if changed == 0 -%}
                {%- set state.done = true -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not state.done -%}
        {%- do adapter.drop_relation(state.labels) -%}
        {%- do adapter.drop_relation(edges) -%}
        {{ exceptions.raise_compiler_error(
            'connected_components: labels still changing after '
            ~ max_rounds ~ ' rounds; raise max_rounds'
        ) }}
    {%- endif -%}
    {%- do adapter.rename_relation(state.labels, final) -%}
    {%- do adapter.drop_relation(edges) -%}
    {{ log('connected_components: ' ~ this.identifier ~ ' converged after '
        ~ state.rounds ~ ' rounds', info=true) }}
    {%- set sql -%}
    select
        node_id,
        component_id
    from {{ final }}
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}


{% macro connected_components_cleanup() -%}
    {#- Post-hook: the drop statement for the labels table that
        connected_components left behind for the model to read. -#}
    {{ return(adapter.dispatch('connected_components_cleanup', 'cx_warehouse')()) }}
{%- endmacro %}

{% macro default__connected_components_cleanup() -%}
    {{ return(get_drop_sql(connected_components_relation('labels'))) }}
{%- endmacro %}

{% macro spark__connected_components_cleanup() -%}
    {#- dbt's get_drop_sql ends in `cascade`, which Spark SQL does not parse. -#}
    {{ return('drop table if exists ' ~ connected_components_relation('labels')) }}
{%- endmacro %}
