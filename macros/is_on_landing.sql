{% macro is_on_landing(system, entity=none) %}
    {#- Whether the landing files build a landing system's staging models:
        a system with a connector switch (staging_source) only when it is
        set to landing; the others (stores, privacy) always. The shop's
        clickstream (shop/events) is the web system's: it follows
        web_source, the shop's other entities shop_source. -#}
    {%- set switched = ['callcenter', 'shop', 'marketing', 'surveys'] -%}
    {%- if system == 'shop' and entity == 'events' -%}
        {{- return(staging_source('web') == 'landing') -}}
    {%- endif -%}
    {{- return(system not in switched or staging_source(system) == 'landing') -}}
{% endmacro %}
