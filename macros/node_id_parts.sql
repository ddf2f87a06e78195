{% macro node_id_parts(node_id) %}
    {#- identifier_type and identifier read back from an identity node_id
        (type:identifier, int_identifiers_observed; a type has no colon),
        as two select columns. -#}
    {%- set colon = dbt.position("':'", node_id) -%}
    substring({{ node_id }}, 1, {{ colon }} - 1) as identifier_type,
    substring({{ node_id }}, {{ colon }} + 1) as identifier
{%- endmacro %}
