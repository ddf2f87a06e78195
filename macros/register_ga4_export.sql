{% macro register_ga4_export() %}
    {#- `dbt run-operation register_ga4_export --target spark`: makes the
        GA4 export's daily Parquet files in the folder CXW_GA4_EXPORT
        (ga4_export_path) the table source ga4.events reads on Spark,
        <ga4_schema>.events. Run once per metastore: the view lists the
        folder's files whenever it is read, so a new day's file needs no
        new run. On DuckDB the source reads the folder itself. -#}
    {{- return(adapter.dispatch('register_ga4_export', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__register_ga4_export() %}
    {{- exceptions.raise_compiler_error(
        "register_ga4_export is for Spark: on " ~ target.type
        ~ " the GA4 source reads the files in CXW_GA4_EXPORT itself") -}}
{% endmacro %}

{% macro spark__register_ga4_export() %}
    {#- A view over events_*.parquet, columns by name across files
        (spark.sql.parquet.mergeSchema, profiles.yml), with file_name (the
        file's name) and partition_date (the day in it, null when the name
        holds none) as the source's external_location derives them on
        DuckDB. -#}
    {%- set relation = source('ga4', 'events') -%}
    {%- set folder = ga4_export_path() -%}
    {%- do run_query('create schema if not exists ' ~ relation.schema) -%}
    {%- set sql -%}
        create or replace view {{ relation }} as
        select
            export_files.*,
            export_files._metadata.file_name as file_name,
            cast(try_to_timestamp(regexp_extract(
                export_files._metadata.file_name,
                'events_([0-9]+)[.]parquet$',
                1
            ), 'yyyyMMdd') as date) as partition_date
        from parquet.`{{ folder | replace('`', '``') }}/events_*.parquet` as export_files
    {%- endset -%}
    {%- do run_query(sql) -%}
    {{- log('register_ga4_export: ' ~ relation ~ ' reads '
        ~ folder ~ '/events_*.parquet', info=true) -}}
{% endmacro %}
