{% macro json_extract_string(json_text, json_path) %}
    {#- The value at json_path (e.g. '$.email') as text; null when the key is
        missing, JSON null, or the text is not valid JSON. -#}
    {{- return(adapter.dispatch('json_extract_string', 'cx_warehouse')(json_text, json_path)) -}}
{% endmacro %}

{% macro default__json_extract_string(json_text, json_path) -%}
    json_extract_string({{ json_text }}, '{{ json_path }}')
{%- endmacro %}

{% macro duckdb__json_extract_string(json_text, json_path) -%}
    {#- DuckDB raises "Malformed JSON" on invalid text: guard it. -#}
    case
        when json_valid({{ json_text }})
            then json_extract_string({{ json_text }}, '{{ json_path }}')
    end
{%- endmacro %}

{% macro spark__json_extract_string(json_text, json_path) -%}
    get_json_object({{ json_text }}, '{{ json_path }}')
{%- endmacro %}
