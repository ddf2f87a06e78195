{% macro source(source_name, table_name) %}
    {#-
        The built-in source(), with the landing folder filled in. Source YAML
        is rendered without project macros and without the project dir, so
        external_location holds the token __LANDING__ and it is resolved here,
        at compile time, by resolve_landing() / landing_path().
    -#}
    {#- The run's intake is a table of the warehouse, and a connector's
        tables (docs/sources.md) are tables of the raw catalog: not landing
        files (the GA4 export's folder is resolved, resolve_ga4_export). -#}
    {%- if not is_landing_source(source_name) -%}
        {%- do return(resolve_ga4_export(builtins.source(source_name, table_name))) -%}
    {%- endif -%}
    {%- do return(resolve_landing(builtins.source(source_name, table_name))) -%}
{% endmacro %}
