{% macro register_landing() %}
    {#- on-run-start: makes the landing files readable as tables. DuckDB reads
        them through each source's external_location, so nothing is done
        there; Spark gets one view per source table (spark__register_landing). -#}
    {{- return(adapter.dispatch('register_landing', 'cx_warehouse')()) -}}
{% endmacro %}

{% macro default__register_landing() -%}
{%- endmacro %}

{% macro landing_schema() -%}
    {#- The schema of the Spark landing views, next to the target's. -#}
    {{- return(target.schema ~ '_landing') -}}
{%- endmacro %}

{% macro spark__register_landing() -%}
    {#- One view per source table over its landing files, read the way the
        DuckDB external_location reads them (the single definition: its
        file glob, reader and file_name pattern are taken from it). Text
        formats (JSON Lines, both CSV dialects) are read as raw lines, one
        row per physical line, a blank line null; Parquet by column name
        across parts (spark.sql.parquet.mergeSchema, profiles.yml).
        file_name comes from _metadata.file_path, partition_date from the
        dt= folder. Only the systems on landing (is_on_landing): a system a
        connector builds, or none, lands no file, and Spark, unlike DuckDB,
        refuses a view over a path that does not exist. Then the erased
        identifiers, once, as a table (see spark__erased_identifiers). -#}
    {%- if execute -%}
        {%- set landing = landing_path() -%}
        {%- do run_query('create schema if not exists ' ~ landing_schema()) -%}
        {%- for node in graph.sources.values()
            if node.package_name == project_name
            and is_landing_source(node.source_name)
            and is_on_landing(node.source_name, node.name) -%}
            {%- set external = node.config.get('external_location') or '' -%}
            {%- set reader = modules.re.search(
                "read_(csv|parquet)\('([^']+)'", external
            ) -%}
            {%- set file_name = modules.re.search(
                "regexp_extract\(filename, '([^']+)'\) as file_name", external
            ) -%}
            {%- if not reader or not file_name -%}
                {{ exceptions.raise_compiler_error(
                    'register_landing: cannot read the landing files of source '
                    ~ node.source_name ~ '.' ~ node.name
                    ~ ' from its external_location'
                ) }}
            {%- endif -%}
            {%- set files = reader.group(2)
                | replace('__LANDING__', landing)
                | replace('{name}', node.identifier) -%}
            {%- set format = 'parquet' if reader.group(1) == 'parquet' else 'text' -%}
            {%- set sql -%}
                create or replace view {{ landing_schema() }}.{{ landing_view_name(node.schema, node.identifier) }} as
                select
                    {% if format == 'text' -%}
                    nullif(landing_files.value, '') as line,
                    {%- else -%}
                    landing_files.*,
                    {%- endif %}
                    regexp_extract(landing_files._metadata.file_path, '{{ file_name.group(1) }}', 0)
                        as file_name
                    {%- if 'as partition_date' in external %},
                    cast(regexp_extract(
                        landing_files._metadata.file_path,
                        'dt=([0-9]+-[0-9]+-[0-9]+)/',
                        1
                    ) as date) as partition_date
                    {%- endif %}
                from {{ format }}.`{{ files | replace('`', '``') }}` as landing_files
            {%- endset -%}
            {%- do run_query(sql) -%}
        {%- endfor -%}
        {#- Parquet tables on Spark's session catalog cannot be replaced. -#}
        {%- do run_query(
            'drop table if exists ' ~ landing_schema() ~ '.erased_identifiers'
        ) -%}
        {%- do run_query(
            'create table ' ~ landing_schema()
            ~ '.erased_identifiers using parquet as '
            ~ default__erased_identifiers()
        ) -%}
    {%- endif -%}
{%- endmacro %}

{% macro landing_view_name(source_name, table_name) -%}
    {{- return(source_name ~ '__' ~ table_name) -}}
{%- endmacro %}
