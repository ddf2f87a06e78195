{% macro cxw_incremental_strategy() %}
    {#- The incremental strategy of the project's keyed incremental models,
        which replace rows by one key column (unique_key). -#}
    {{- return(adapter.dispatch('cxw_incremental_strategy', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__cxw_incremental_strategy() -%}
    {#- DuckDB: delete the held rows whose key the batch holds, insert the batch. -#}
    {{- return('delete+insert') -}}
{%- endmacro %}

{% macro spark__cxw_incremental_strategy() -%}
    {#- Spark on Parquet has no keyed strategy (merge needs Delta, Iceberg or
        Hudi): cxw_rebuilds_keyed_incrementals() rebuilds these models on
        every run there, and 'append' only satisfies dbt-spark's check of the
        strategy, which it makes even on a full refresh. -#}
    {{- return('append') -}}
{%- endmacro %}

{% macro cxw_rebuilds_keyed_incrementals() %}
    {#- The full_refresh config of the incremental models that replace or
        delete held rows: true where the engine cannot, so that they build as
        plain tables on every run; none (dbt's --full-refresh decides)
        elsewhere. -#}
    {{- return(adapter.dispatch('cxw_rebuilds_keyed_incrementals', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__cxw_rebuilds_keyed_incrementals() -%}
    {{- return(none) -}}
{%- endmacro %}

{% macro spark__cxw_rebuilds_keyed_incrementals() -%}
    {{- return(true) -}}
{%- endmacro %}
