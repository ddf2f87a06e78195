{% macro phone_to_e164(phone_text, default_country_code='48', country=none) %}
    {#- A phone number as dialled to E.164 ('+48600200300'): '+' or '00'
        starts an international number; nine digits without one are
        national numbers of default_country_code, or, when country (a SQL
        expression holding an ISO country code) is given, of that country
        (CZ 420, SK 421, DE 49, else the default). Null for withheld
        ('anonymous'), empty or unrecognised text. -#}
    {%- if country is not none -%}
        {%- set code = "case upper(trim(" ~ country ~ ")) when 'CZ' then '420'"
            ~ " when 'SK' then '421' when 'DE' then '49' else '"
            ~ default_country_code ~ "' end" -%}
    {%- else -%}
        {%- set code = "'" ~ default_country_code ~ "'" -%}
    {%- endif -%}
    {{- return(phone_e164_from_digits(
        phone_text, regexp_replace_all(phone_text, '[^0-9]', ''), code,
    )) -}}
{% endmacro %}

{% macro phone_e164_from_digits(phone_text, digits, default_country_code) -%}
    {#- Shared case expression over the digits of the number. -#}
    case
        when {{ digits }} = '' then null
        when trim({{ phone_text }}) like '+%' then '+' || {{ digits }}
        when {{ digits }} like '00%'
            then '+' || substring({{ digits }}, 3)
        when length({{ digits }}) = 9
            then '+' || {{ default_country_code }} || {{ digits }}
    end
{%- endmacro %}
