{% macro ensure_intake() %}
    {#- on-run-start: the table cxw's intake writes (source intake), created
        empty when dbt runs without cxw, so that the models read no file
        rather than fail. Its columns are the source YAML's. -#}
    {%- if execute -%}
        {%- set columns = [] -%}
        {%- for node in graph.sources.values()
            if node.source_name == 'intake' and node.name == 'landing_files' -%}
            {%- for column in node.columns.values() -%}
                {%- do columns.append(column.name ~ ' ' ~ column.data_type) -%}
            {%- endfor -%}
        {%- endfor -%}
        {{- return(adapter.dispatch('ensure_intake', 'cx_warehouse')(columns)) -}}
    {%- endif -%}
{% endmacro %}

{% macro default__ensure_intake(columns) -%}
    {#- qualified by the catalog: a file named intake.duckdb is the catalog intake -#}
    {%- set schema = adapter.quote(target.database) ~ '.intake' -%}
    {%- do run_query('create schema if not exists ' ~ schema) -%}
    {%- do run_query(
        'create table if not exists ' ~ schema ~ '.landing_files ('
        ~ columns | join(', ') ~ ')'
    ) -%}
{%- endmacro %}

{% macro spark__ensure_intake(columns) -%}
    {%- do run_query('create database if not exists intake') -%}
    {%- do run_query(
        'create table if not exists intake.landing_files ('
        ~ columns | join(', ') | replace('varchar', 'string')
        ~ ') using parquet'
    ) -%}
{%- endmacro %}
