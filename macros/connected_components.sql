{% macro connected_components(nodes_sql, edges_sql, max_rounds=50, inline_rounds=5) %}
    {#- Connected components by iterative minimum-label propagation.
        nodes_sql selects node_id; edges_sql selects node_id_a, node_id_b
        (undirected). Returns a select of node_id and component_id, the
        smallest node_id of the node's component.

        In a run or build, each round is a table built from the previous
        one (run_query), until a round changes no label (early exit) or
        max_rounds is reached (then the build fails: raise max_rounds).
        Unless it is a full refresh, round 0 starts from the components
        the model holds (connected_components_seeded), so a build that
        adds a few edges converges in a round or two. When nothing is
        executed for real (unit tests, compile, lint) the first
        inline_rounds rounds are rendered as chained CTEs instead: the
        same round SQL, enough for small fixtures. -#}
    {%- if is_real_build() -%}
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


{% macro connected_components_iterated(nodes_sql, edges_sql, max_rounds) -%}
    {%- set edges = side_relation('edges') -%}
    {%- set final = side_relation('labels') -%}
    {%- set first = side_relation('round_0') -%}
    {%- set seeds = side_relation('seeds') -%}
    {%- set touched = side_relation('touched') -%}
    {%- set active_edges = side_relation('active_edges') -%}
    {%- for work_table in [edges, final, first, seeds, touched, active_edges] -%}
        {%- do adapter.drop_relation(work_table) -%}
    {%- endfor -%}
    {%- do run_query(get_create_table_as_sql(
        False, edges, connected_components_directed(edges_sql)
    )) -%}
    {%- set held = load_cached_relation(this) -%}
    {%- set held_edges = load_cached_relation(
        side_relation('edges_held')
    ) -%}
    {%- set seeded = held is not none and held_edges is not none
        and not should_full_refresh() -%}
    {%- if seeded -%}
        {#- only the components a change touched propagate: round 0 holds
            their nodes, the rounds read their edges -#}
        {%- do run_query(get_create_table_as_sql(
            False, seeds, connected_components_seeded(
                nodes_sql, edges, held, held_edges
            )
        )) -%}
        {%- do run_query(get_create_table_as_sql(
            False, touched, connected_components_touched(edges, seeds)
        )) -%}
        {%- do run_query(get_create_table_as_sql(
            False,
            first,
            'select seeds.node_id, seeds.component_id from ' ~ seeds
                ~ ' as seeds inner join ' ~ touched ~ ' as touched'
                ~ ' on seeds.component_id = touched.component_id',
        )) -%}
        {%- do run_query(get_create_table_as_sql(
            False,
            active_edges,
            'select edges.node_id_from, edges.node_id_to from ' ~ edges
                ~ ' as edges inner join ' ~ first ~ ' as active'
                ~ ' on edges.node_id_from = active.node_id',
        )) -%}
        {%- set round_edges = active_edges -%}
    {%- else -%}
        {%- do run_query(get_create_table_as_sql(
            False,
            first,
            'select distinct node_id, node_id as component_id from ('
                ~ nodes_sql ~ ') as component_nodes',
        )) -%}
        {%- set round_edges = edges -%}
    {%- endif -%}
    {%- set propagated = run_query(
        'select count(*) from ' ~ first ~ ' as first_round'
    ).columns[0].values()[0] -%}
    {%- set state = namespace(labels=first, done=false, rounds=0) -%}
    {%- for round in range(1, max_rounds + 1) -%}
        {%- if not state.done -%}
            {%- set next = side_relation(
                'round_' ~ round
            ) -%}
            {%- do adapter.drop_relation(next) -%}
            {%- do run_query(get_create_table_as_sql(
                False,
                next,
                connected_components_round(state.labels, round_edges),
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
        {%- for work_table in [state.labels, edges, seeds, touched, active_edges] -%}
            {%- do adapter.drop_relation(work_table) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            'connected_components: labels still changing after '
            ~ max_rounds ~ ' rounds; raise max_rounds'
        ) }}
    {%- endif -%}
    {%- if seeded -%}
        {#- the untouched components keep their held labels -#}
        {%- do run_query(get_create_table_as_sql(
            False,
            final,
            'select seeds.node_id, seeds.component_id from ' ~ seeds
                ~ ' as seeds left join ' ~ touched ~ ' as touched'
                ~ ' on seeds.component_id = touched.component_id'
                ~ ' where touched.component_id is null'
                ~ ' union all select node_id, component_id from ' ~ state.labels,
        )) -%}
        {%- for work_table in [state.labels, seeds, touched, active_edges] -%}
            {%- do adapter.drop_relation(work_table) -%}
        {%- endfor -%}
    {%- else -%}
        {%- do adapter.rename_relation(state.labels, final) -%}
    {%- endif -%}
    {{ log('connected_components: ' ~ this.identifier ~ ' converged after '
        ~ state.rounds ~ (' round' if state.rounds == 1 else ' rounds')
        ~ ' over ' ~ propagated ~ ' nodes ('
        ~ ('the components a change touched' if seeded else 'all, from scratch')
        ~ ')', info=true) }}
    {%- set sql -%}
    select
        node_id,
        component_id
    from {{ final }}
    {%- endset -%}
    {{ return(sql) }}
{%- endmacro %}


{% macro connected_components_seeded(nodes_sql, edges, held, held_edges) -%}
    {#- Round 0 from the components the model holds (held: node_id,
        component_id) and the directed edges they were computed from
        (held_edges). A held component none of whose edges is gone is
        still connected, so its smallest node lies in the node's new
        component and is no greater than the node: propagation from it
        ends at the new component's smallest node, as from scratch. A
        component that lost an edge (an identifier now shared, erased,
        or test traffic) may have split: its nodes, and new nodes, start
        from their own id. -#}
    select
        nodes.node_id,
        case
            when held.component_id is null or broken.component_id is not null
                then nodes.node_id
            else held.component_id
        end as component_id

    from (
        select distinct node_id
        from ({{ nodes_sql }}) as component_nodes
    ) as nodes

    left join {{ held }} as held
        on nodes.node_id = held.node_id

    left join (

        select distinct held_before.component_id

        from (
            select
                node_id_from,
                node_id_to
            from {{ held_edges }}
            except
            select
                node_id_from,
                node_id_to
            from {{ edges }}
        ) as removed

        inner join {{ held }} as held_before
            on removed.node_id_from = held_before.node_id

    ) as broken
        on held.component_id = broken.component_id
{%- endmacro %}


{% macro connected_components_touched(edges, seeds) -%}
    {#- The seed labels (connected_components_seeded) of the components a
        change touched: those joined by an edge to another seed label. A
        reset component's nodes all start apart, so it is touched when it
        has an edge at all; new edges between held components touch both.
        Any other held component is unchanged: every edge of its nodes
        stays inside it, so it is still a component, with its label. -#}
    select distinct seeds_from.component_id

    from {{ edges }} as edges

    inner join {{ seeds }} as seeds_from
        on edges.node_id_from = seeds_from.node_id

    inner join {{ seeds }} as seeds_to
        on edges.node_id_to = seeds_to.node_id

    where seeds_from.component_id != seeds_to.component_id
{%- endmacro %}


{% macro connected_components_cleanup() -%}
    {#- Post-hook: keeps this run's directed edges as <model>__edges_held
        (the next run's round 0 compares them with its own), and returns
        the drop statement for the labels table that connected_components
        left behind for the model to read. Runs after the model's table
        is written, so the held edges always belong to the held
        components. Whether the edges exist is not asked of get_relation:
        dbt's relation cache does not know tables made with run_query. -#}
    {%- if is_real_build() -%}
        {%- set edges = side_relation('edges') -%}
        {%- set held_edges = side_relation('edges_held') -%}
        {%- do adapter.drop_relation(held_edges) -%}
        {%- do adapter.rename_relation(edges, held_edges) -%}
    {%- endif -%}
    {{ return(adapter.dispatch('connected_components_cleanup', 'cx_warehouse')()) }}
{%- endmacro %}

{% macro default__connected_components_cleanup() -%}
    {{ return(get_drop_sql(side_relation('labels'))) }}
{%- endmacro %}

{% macro spark__connected_components_cleanup() -%}
    {#- dbt's get_drop_sql ends in `cascade`, which Spark SQL does not parse. -#}
    {{ return('drop table if exists ' ~ side_relation('labels')) }}
{%- endmacro %}
