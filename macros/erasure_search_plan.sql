{% macro erasure_search_plan() %}
    {#- How an incremental run of stg_landing__records searches the lines it
        holds for erased identifiers, decided at compile time: a dict of
        held_patterns (the keyed hashes of the patterns held lines were
        searched for, <model>__erased_held; none without CXW_ERASURE_KEY or
        that table), new_pattern_count (the patterns not among them) and
        nested_loop (at most var erasure_nested_loop_max_patterns new
        patterns). Logs which search the run makes. -#}
    {%- set plan = {
        'held_patterns': none, 'new_pattern_count': none, 'nested_loop': false,
    } -%}
    {%- if erasure_key_is_set() -%}
        {%- do plan.update({
            'held_patterns': load_cached_relation(side_relation('erased_held')),
        }) -%}
    {%- endif -%}
    {%- if plan.held_patterns is not none -%}
        {%- set new_pattern_count = run_query(
            'select count(*) from ('
            ~ erased_patterns_not_held(
                '(' ~ current_erased_patterns() ~ ') as erased_patterns',
                plan.held_patterns,
            )
            ~ ') as new_patterns'
        ).columns[0].values()[0] -%}
        {%- set nested_loop = new_pattern_count
            <= var('erasure_nested_loop_max_patterns') -%}
        {%- do plan.update({
            'new_pattern_count': new_pattern_count, 'nested_loop': nested_loop,
        }) -%}
        {%- do log(
            this.identifier ~ (
                ': no new erased pattern, held lines not searched'
                if new_pattern_count == 0
                else ': searching held lines for ' ~ new_pattern_count
                    ~ ' new erased pattern(s)'
                    ~ (' by a nested loop' if nested_loop else ' by slices')
            ),
            info=true,
        ) -%}
    {%- endif -%}
    {{- return(plan) -}}
{% endmacro %}
