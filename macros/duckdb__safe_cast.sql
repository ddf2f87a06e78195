{% macro duckdb__safe_cast(field, type) %}
    {#- dbt-duckdb compiles dbt.safe_cast to a plain cast, which raises on bad
        text; try_cast returns null instead, like safe_cast elsewhere. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
