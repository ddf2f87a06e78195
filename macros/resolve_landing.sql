{% macro resolve_landing(relation) %}
    {#-
        The relation a source reads on this adapter: on DuckDB the
        external_location with __LANDING__ resolved; on Spark the landing
        view register_landing() made for it.
    -#}
    {{- return(adapter.dispatch('resolve_landing', 'cx_warehouse')(relation)) -}}
{% endmacro %}

{% macro default__resolve_landing(relation) %}
    {#-
        A dbt-duckdb source relation whose external_location holds the token
        __LANDING__ gets it replaced by landing_path() (quotes escaped for the
        SQL string it sits in); any other relation comes back unchanged.
    -#}
    {%- set external = relation.external if relation.external is defined else none -%}
    {%- if external and '__LANDING__' in external -%}
        {%- set landing = landing_path() | replace("'", "''") -%}
        {%- do return(relation.incorporate(external=external | replace('__LANDING__', landing))) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{% endmacro %}

{% macro spark__resolve_landing(relation) %}
    {#- The source's schema is its source name (sources set no schema). A
        unit test's fixture (a CTE, no schema) comes back unchanged. -#}
    {%- if relation.schema is none -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- do return(api.Relation.create(
        schema=landing_schema(),
        identifier=landing_view_name(relation.schema, relation.identifier),
        type='view',
    )) -%}
{% endmacro %}

{% macro spark__collect_freshness(source, loaded_at_field, filter) %}
    {#- `dbt source freshness` builds the source relation without source(). -#}
    {{- return(dbt.default__collect_freshness(resolve_landing(source), loaded_at_field, filter)) -}}
{% endmacro %}
