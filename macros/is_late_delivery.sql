{% macro is_late_delivery(delivered_at, promised_delivery_date) -%}
    {#- A delivery is late when its Europe/Warsaw day is after the promised
        day (the journey drivers and the outcome marts). -#}
    {{ utc_to_local_date(delivered_at) }} > {{ promised_delivery_date }}
{%- endmacro %}
