{% macro is_long_wait(wait_seconds) -%}
    {#- A call waited long: more than var long_wait_minutes (5) minutes. -#}
    {{ wait_seconds }} > {{ var('long_wait_minutes') * 60 }}
{%- endmacro %}
