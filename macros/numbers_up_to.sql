{% macro numbers_up_to(last_expression, step=1) %}
    {#- A set-returning select-list expression: one row per number 1,
        1 + step, 1 + 2 * step, ... up to last_expression, which must be at
        least 1 (Spark's sequence() rejects an empty range). -#}
    {{- return(adapter.dispatch('numbers_up_to', 'cx_warehouse')(
        last_expression, step
    )) -}}
{% endmacro %}

{% macro duckdb__numbers_up_to(last_expression, step) -%}
    unnest(range(1, {{ last_expression }} + 1, {{ step }}))
{%- endmacro %}

{% macro spark__numbers_up_to(last_expression, step) -%}
    explode(sequence(1, {{ last_expression }}, {{ step }}))
{%- endmacro %}
