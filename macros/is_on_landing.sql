{% macro is_on_landing(system, entity=none) %}
    {#- Whether the landing files build a landing entity's staging model:
        an entity of a system with a connector switch (staging_source) only
        when that switch is set to landing; the others (stores, privacy)
        always. The shop's web events are the web's (GA4's, system web),
        not the shop platform's: they follow web_source. -#}
    {%- set governed_by = {'shop.events': 'web'} -%}
    {%- set switch = governed_by.get(system ~ '.' ~ entity, system) -%}
    {%- set switched = ['callcenter', 'shop', 'marketing', 'surveys', 'web'] -%}
    {{- return(switch not in switched or staging_source(switch) == 'landing') -}}
{% endmacro %}
