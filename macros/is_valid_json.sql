{% macro is_valid_json(json_text) %}
    {#- A boolean expression: true when json_text parses as a whole JSON
        document (false or null for truncated or blank lines). -#}
    {{- return(adapter.dispatch('is_valid_json', 'cx_warehouse')(json_text)) -}}
{% endmacro %}

{% macro default__is_valid_json(json_text) -%}
    json_valid({{ json_text }})
{%- endmacro %}

{% macro duckdb__is_valid_json(json_text) -%}
    json_valid({{ json_text }})
{%- endmacro %}

{% macro spark__is_valid_json(json_text) -%}
    {#- get_json_object on the root parses the whole document. -#}
    (get_json_object({{ json_text }}, '$') is not null)
{%- endmacro %}
