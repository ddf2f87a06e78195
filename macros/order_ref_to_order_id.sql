{% macro order_ref_to_order_id(order_ref_text) %}
    {#- An order reference typed by an agent ('A-0001234', '#A-0001234',
        '0001234', 'a-1234') to the shop's form 'A-' + seven digits. Null
        when it holds no digit. -#}
    {{- return(order_ref_from_digits(regexp_replace_all(order_ref_text, '[^0-9]', ''))) -}}
{% endmacro %}

{% macro order_ref_from_digits(digits) -%}
    case
        when {{ digits }} = '' then null
        when length({{ digits }}) >= 7 then 'A-' || {{ digits }}
        else 'A-' || lpad({{ digits }}, 7, '0')
    end
{%- endmacro %}
