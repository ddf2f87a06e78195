{% macro ga4_event_param(column, key, type='string') %}
    {#- The value of one key of a GA4 event's event_params (a repeated
        struct<key, value struct<string_value, int_value, float_value,
        double_value>>), null when the event has no such key. type names
        the value field: string, int, float or double. -#}
    {%- if type not in ['string', 'int', 'float', 'double'] -%}
        {{ exceptions.raise_compiler_error(
            "ga4_event_param: type must be string, int, float or double, got '"
            ~ type ~ "'") }}
    {%- endif -%}
    {{- return(adapter.dispatch('ga4_event_param', 'cx_warehouse')(
        column, key, type)) -}}
{% endmacro %}

{% macro default__ga4_event_param(column, key, type) -%}
    {#- DuckDB: lists are 1-based; an empty filter's [1] is null -#}
    (list_filter({{ column }}, lambda param: param.key = '{{ key }}')[1]).value.{{ type }}_value
{%- endmacro %}

{% macro spark__ga4_event_param(column, key, type) -%}
    {#- Spark: arrays are 0-based; [0] of an empty array is null -#}
    filter({{ column }}, param -> param.key = '{{ key }}')[0].value.{{ type }}_value
{%- endmacro %}
