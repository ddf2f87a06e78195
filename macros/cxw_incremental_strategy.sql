{% macro cxw_incremental_strategy() %}
    {#- The incremental strategy of the project's incremental models, which
        all replace rows by one key column (unique_key). -#}
    {{- return(adapter.dispatch('cxw_incremental_strategy', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__cxw_incremental_strategy() -%}
    {#- DuckDB: delete the held rows whose key the batch holds, insert the batch. -#}
    {{- return('delete+insert') -}}
{%- endmacro %}

{% macro spark__cxw_incremental_strategy() -%}
    {#- Spark: merge on unique_key (needs a Delta or Iceberg table format;
        plain Parquet only supports append and insert_overwrite). -#}
    {{- return('merge') -}}
{%- endmacro %}
