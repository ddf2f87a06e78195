{% macro regexp_replace_all(text, pattern, replacement) %}
    {#- Every match of pattern in text replaced: DuckDB replaces the first
        match only unless told 'g'; Spark replaces every match. pattern and
        replacement are SQL string literals without quotes; keep patterns
        to what RE2 (DuckDB) and Java (Spark) read alike. -#}
    {{- return(adapter.dispatch('regexp_replace_all', 'cx_warehouse')(text, pattern, replacement)) -}}
{% endmacro %}

{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    {#- Spark SQL reads a backslash in a string literal as an escape -#}
    regexp_replace({{ text }}, '{{ pattern | replace('\\', '\\\\') }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}
