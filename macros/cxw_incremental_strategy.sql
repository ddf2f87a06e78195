{% macro cxw_incremental_strategy() %}
    {#- The incremental strategy of a model that replaces whole landing days
        (keyed on partition_date): delete+insert on DuckDB; on Spark's
        Parquet tables insert_overwrite, which needs the model to set
        partition_by=['partition_date'] (without it Spark overwrites the
        whole table with the new days). -#}
    {{- return(adapter.dispatch('cxw_incremental_strategy', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__cxw_incremental_strategy() -%}
    {{- return('delete+insert') -}}
{%- endmacro %}

{% macro spark__cxw_incremental_strategy() -%}
    {{- return('insert_overwrite') -}}
{%- endmacro %}
