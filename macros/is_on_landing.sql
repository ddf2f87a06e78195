{% macro is_on_landing(system, entity=none) %}
    {#- Whether the landing files build a landing entity's staging model:
        an entity of a system with a connector switch (staging_source) only
        when that switch is set to landing; the others (privacy) always.
        The shop's web events are the web's (GA4's, system web), not the
        shop platform's: they follow web_source. The loyalty members have
        no connector table: on landing unless their system is none. -#}
    {%- set governed_by = {'shop.events': 'web'} -%}
    {%- set switch = governed_by.get(system ~ '.' ~ entity, system) -%}
    {%- if switch not in system_connectors() -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set chosen = staging_source(switch) -%}
    {%- if system ~ '.' ~ entity == 'stores.loyalty_members' -%}
        {{- return(chosen != 'none') -}}
    {%- endif -%}
    {{- return(chosen == 'landing') -}}
{% endmacro %}
