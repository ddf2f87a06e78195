{% macro ga4_export_path() %}
    {#- The folder of the GA4 export's daily Parquet files
        (events_YYYYMMDD.parquet), named by CXW_GA4_EXPORT, as an absolute
        path or a URI (s3://..., for Spark on a cluster) without a trailing
        slash: a relative path is taken from the project folder, never from
        dbt's working directory. Unset is a one-line error; a folder that
        does not exist is refused by the DuckDB plugin before dbt opens
        anything. -#}
    {%- set folder = env_var('CXW_GA4_EXPORT', '') | trim -%}
    {%- if folder == '' -%}
        {{ exceptions.raise_compiler_error(
            "web_source is ga4 but CXW_GA4_EXPORT is not set: name the folder"
            ~ " of the GA4 export's events_YYYYMMDD.parquet files") }}
    {%- endif -%}
    {%- if not folder.startswith('/') and '://' not in folder -%}
        {%- set folder = invocation_args_dict.get('project_dir') ~ '/' ~ folder -%}
    {%- endif -%}
    {%- if folder | length > 1 and folder.endswith('/') -%}
        {%- set folder = folder[:-1] -%}
    {%- endif -%}
    {{- return(folder) -}}
{% endmacro %}

{% macro resolve_ga4_export(relation) %}
    {#- A dbt-duckdb source relation whose external_location holds the token
        __GA4_EXPORT__ (the GA4 source) gets it replaced by
        ga4_export_path(); any other relation (a connector's table, the
        GA4 metastore table on Spark) comes back unchanged. -#}
    {%- set external = relation.external if relation.external is defined else none -%}
    {%- if external and '__GA4_EXPORT__' in external -%}
        {%- set folder = ga4_export_path() | replace("'", "''") -%}
        {%- do return(relation.incorporate(
            external=external | replace('__GA4_EXPORT__', folder))) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{% endmacro %}
