{% macro timestamp_from_micros(column) %}
    {#- A UTC timestamp (without time zone) from microseconds since the
        Unix epoch, e.g. GA4's event_timestamp. -#}
    {{- return(adapter.dispatch('timestamp_from_micros', 'cx_warehouse')(column)) -}}
{% endmacro %}

{% macro default__timestamp_from_micros(column) -%}
    make_timestamp(cast({{ column }} as bigint))
{%- endmacro %}

{% macro spark__timestamp_from_micros(column) -%}
    timestamp_micros(cast({{ column }} as bigint))
{%- endmacro %}
