{% macro is_on_landing(system) %}
    {#- Whether the landing files build a landing system's staging models:
        a system with a connector switch (staging_source) only when it is
        set to landing; the others (stores, privacy) always. -#}
    {%- set switched = ['callcenter', 'shop', 'marketing', 'surveys'] -%}
    {{- return(system not in switched or staging_source(system) == 'landing') -}}
{% endmacro %}
