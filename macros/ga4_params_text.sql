{% macro ga4_params_text(column) %}
    {#- A GA4 event's event_params as one text, so that two deliveries of
        the same event compare (and hash) equal: DuckDB casts the list,
        Spark writes it as JSON. -#}
    {{- return(adapter.dispatch('ga4_params_text', 'cx_warehouse')(column)) -}}
{% endmacro %}

{% macro default__ga4_params_text(column) -%}
    cast({{ column }} as varchar)
{%- endmacro %}

{% macro spark__ga4_params_text(column) -%}
    to_json({{ column }})
{%- endmacro %}
