{% macro staging_source(system) %}
    {#- Which implementation builds a system's canonical staging models: the
        landing files, a connector's tables, or none. The one place that
        resolves it (docs/sources.md): the dbt var <system>_source when set,
        else the shape CXW_SOURCES names for every system (landing, the
        default, or fivetran: the system's connector, but for the stores:
        the generator writes no POS orders, so they stay on landing unless
        stores_source is set). Any other value is a one-line error, and so
        are the stores on Shopify without the shop on it (the POS orders are
        rows of the shop's order table). -#}
    {%- set connectors = system_connectors() -%}
    {%- if system not in connectors -%}
        {{ exceptions.raise_compiler_error(
            "staging_source: unknown system '" ~ system ~ "'; known: "
            ~ connectors.keys() | join(', ')) }}
    {%- endif -%}
    {%- set shape = env_var('CXW_SOURCES', 'landing') -%}
    {%- if shape not in ['landing', 'fivetran'] -%}
        {{ exceptions.raise_compiler_error(
            "CXW_SOURCES must be landing or fivetran, got '" ~ shape ~ "'") }}
    {%- endif -%}
    {%- set connector = connectors[system] -%}
    {%- set shape_default = connector
        if shape == 'fivetran' and system != 'stores' else 'landing' -%}
    {%- set chosen = var(system ~ '_source', shape_default) -%}
    {%- if chosen not in ['landing', 'none', connector] -%}
        {{ exceptions.raise_compiler_error(
            system ~ "_source must be landing, " ~ connector
            ~ " or none, got '" ~ chosen ~ "'") }}
    {%- endif -%}
    {%- if system == 'stores' and chosen == 'shopify'
        and staging_source('shop') != 'shopify' -%}
        {{ exceptions.raise_compiler_error(
            "stores_source shopify needs shop_source shopify: the POS orders"
            ~ " are rows of the shop's order table") }}
    {%- endif -%}
    {{- return(chosen) -}}
{% endmacro %}

{% macro system_connectors() %}
    {#- Each system's connector (docs/sources.md). The dbt
        sources named as a connector are its tables in the raw catalog. -#}
    {{- return({
        'callcenter': 'zendesk',
        'shop': 'shopify',
        'stores': 'shopify',
        'marketing': 'klaviyo',
        'surveys': 'qualtrics',
        'web': 'ga4',
    }) -}}
{% endmacro %}

{% macro is_landing_source(source_name) %}
    {#- Whether a dbt source is read from the landing folder: all but the
        run's intake (a table cxw writes) and the connectors' tables. -#}
    {{- return(source_name != 'intake'
        and source_name not in system_connectors().values()) -}}
{% endmacro %}

{% macro zendesk_satisfaction_ratings() %}
    {#- Whether Zendesk's satisfaction ratings are read as csat surveys of
        calls: the call centre on Zendesk, and var
        zendesk_using_satisfaction_ratings (docs/sources.md). -#}
    {{- return(staging_source('callcenter') == 'zendesk'
        and var('zendesk_using_satisfaction_ratings')) -}}
{% endmacro %}
