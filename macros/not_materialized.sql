{% macro not_materialized() %}
    {#- Between a CTE's name and "as (": DuckDB materialises a CTE that is
        read more than once in memory it cannot spill, so a large one must
        be inlined (computed at each use) for a build to stay within
        memory_limit. Other engines inline or spill on their own. -#}
    {{- return(adapter.dispatch('not_materialized', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
