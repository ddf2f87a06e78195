{% macro resolve_landing(relation) %}
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
