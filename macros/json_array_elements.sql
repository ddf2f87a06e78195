{% macro json_array_elements(json_array, element_alias, index_alias) %}
    {#- A join clause (put it after the from) that gives one row per
        element of the JSON array json_array: the element as JSON text in
        element_alias, its 0-based position in index_alias. Rows whose
        array is null or empty disappear. The joined relation is named
        <element_alias>_elements, for qualified references. -#}
    {{- return(adapter.dispatch('json_array_elements', 'cx_warehouse')(json_array, element_alias, index_alias)) -}}
{% endmacro %}

{% macro default__json_array_elements(json_array, element_alias, index_alias) -%}
    cross join lateral (
        select
            json_elements.element_text as {{ element_alias }},
            json_elements.element_position - 1 as {{ index_alias }}
        from unnest(cast({{ json_array }} as json[])) with ordinality
            as json_elements (element_text, element_position)
    ) as {{ element_alias }}_elements
{%- endmacro %}

{% macro duckdb__json_array_elements(json_array, element_alias, index_alias) -%}
    {{ default__json_array_elements(json_array, element_alias, index_alias) }}
{%- endmacro %}

{% macro spark__json_array_elements(json_array, element_alias, index_alias) -%}
    lateral view posexplode(
        from_json({{ json_array }}, 'array<string>')
    ) {{ element_alias }}_elements as {{ index_alias }}, {{ element_alias }}
{%- endmacro %}
