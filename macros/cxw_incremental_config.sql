{% macro cxw_incremental_config(unique_key=none) %}
    {#- The config of the project's incremental models that replace or delete
        held rows, as keyword arguments of config(): keyed by one column
        (unique_key given: the held rows with a key of the batch are replaced)
        or appending after a pre-hook that deletes what the run rebuilds
        (no unique_key). A model's hooks are passed beside it:
        config(pre_hook=..., **cxw_incremental_config()). -#}
    {{- return(adapter.dispatch('cxw_incremental_config', 'cx_warehouse')(unique_key)) -}}
{% endmacro %}

{% macro default__cxw_incremental_config(unique_key) -%}
    {#- DuckDB: delete+insert on the key; a new column stops the run
        (on_schema_change fail) until a --full-refresh. -#}
    {%- set config = {'materialized': 'incremental', 'on_schema_change': 'fail'} -%}
    {%- if unique_key is none -%}
        {%- do config.update({'incremental_strategy': 'append'}) -%}
    {%- else -%}
        {%- do config.update({'incremental_strategy': 'delete+insert', 'unique_key': unique_key}) -%}
    {%- endif -%}
    {{- return(config) -}}
{%- endmacro %}

{% macro spark__cxw_incremental_config(unique_key) -%}
    {#- Spark on Parquet can neither replace nor delete rows (merge needs
        Delta, Iceberg or Hudi): full_refresh builds these models as plain
        tables on every run, and 'append' only satisfies dbt-spark's check
        of the strategy, which it makes even on a full refresh. -#}
    {%- set config = default__cxw_incremental_config(unique_key) -%}
    {%- do config.update({'incremental_strategy': 'append', 'full_refresh': true}) -%}
    {{- return(config) -}}
{%- endmacro %}
