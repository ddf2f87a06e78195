{% macro numbers_up_to(count_expression) %}
    {#- A set-returning select-list expression: one row per number 1, 2,
        ..., count_expression (at least 1), e.g. to give each of a row's
        copies its number. -#}
    {{- return(adapter.dispatch('numbers_up_to', 'cx_warehouse')(count_expression)) -}}
{% endmacro %}

{% macro duckdb__numbers_up_to(count_expression) -%}
    unnest(range(1, {{ count_expression }} + 1))
{%- endmacro %}

{% macro spark__numbers_up_to(count_expression) -%}
    explode(sequence(1, {{ count_expression }}))
{%- endmacro %}
