{% macro order_ref_to_order_id(order_ref_text) %}
    {#- An order reference typed by an agent ('A-0001234', '#A-0001234',
        '0001234', 'a-1234') to the shop's form 'A-' + seven digits. Null
        when it holds no digit. -#}
    {{- return(adapter.dispatch('order_ref_to_order_id', 'cx_warehouse')(order_ref_text)) -}}
{% endmacro %}

{% macro order_ref_from_digits(digits) -%}
    case
        when {{ digits }} = '' then null
        when length({{ digits }}) >= 7 then 'A-' || {{ digits }}
        else 'A-' || lpad({{ digits }}, 7, '0')
    end
{%- endmacro %}

{% macro default__order_ref_to_order_id(order_ref_text) -%}
    {{ order_ref_from_digits(
        "regexp_replace(" ~ order_ref_text ~ ", '[^0-9]', '')"
    ) }}
{%- endmacro %}

{% macro duckdb__order_ref_to_order_id(order_ref_text) -%}
    {{ order_ref_from_digits(
        "regexp_replace(" ~ order_ref_text ~ ", '[^0-9]', '', 'g')"
    ) }}
{%- endmacro %}

{% macro spark__order_ref_to_order_id(order_ref_text) -%}
    {{ default__order_ref_to_order_id(order_ref_text) }}
{%- endmacro %}
