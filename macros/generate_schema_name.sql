{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- Each layer in a schema of its own, named as the layer: staging,
        intermediate, marts, quality, seeds (dbt_project.yml +schema), so
        that BI connects to marts and sees nothing else. dbt's default would
        prefix the target's schema (main_marts); here the file (DuckDB) or
        the metastore (Spark) is the namespace, and CXW_SCHEMA_PREFIX
        (default none) sets a prefix where several warehouses share one
        Spark metastore. What has no layer (the run's hooks) stays in the
        target's schema. -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ env_var('CXW_SCHEMA_PREFIX', '') ~ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
