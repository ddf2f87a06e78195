{% macro regex_extract(expression, pattern, group=1) %}
    {{- return(adapter.dispatch('regex_extract', 'cx_warehouse')(expression, pattern, group)) -}}
{% endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    {#- DuckDB and Spark share regexp_extract(text, pattern, group); '' when no match. -#}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}
