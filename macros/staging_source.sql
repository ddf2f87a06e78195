{% macro staging_source(system) %}
    {#- Which implementation builds a system's canonical staging models: the
        landing files, a connector's tables, or none. The one place that
        resolves it (docs/sources.md): the dbt var <system>_source when set,
        else the shape CXW_SOURCES names for every system (landing, the
        default, or fivetran: the system's connector). A system whose
        connector is not built yet stays on landing under fivetran; naming
        that connector in its var, or any unknown value, is a one-line
        error. A built connector joins the fivetran shape once the
        generator writes its tables (in_shape): until then it is chosen by
        its var only. -#}
    {%- set connectors = system_connectors() -%}
    {%- set built = ['zendesk', 'qualtrics', 'shopify'] -%}
    {#- qualtrics: cxw generate --shape fivetran does not write it yet -#}
    {%- set in_shape = ['zendesk', 'shopify'] -%}
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
        if shape == 'fivetran' and connector in in_shape else 'landing' -%}
    {%- set chosen = var(system ~ '_source', shape_default) -%}
    {%- if chosen not in ['landing', 'none', connector] -%}
        {{ exceptions.raise_compiler_error(
            system ~ "_source must be landing, " ~ connector
            ~ " or none, got '" ~ chosen ~ "'") }}
    {%- endif -%}
    {%- if chosen == connector and connector not in built -%}
        {{ exceptions.raise_compiler_error(
            system ~ "_source: the " ~ connector
            ~ " connector is not built yet (docs/sources.md); use landing or none") }}
    {%- endif -%}
    {{- return(chosen) -}}
{% endmacro %}

{% macro system_connectors() %}
    {#- Each system's connector (docs/sources.md), built or not yet. The dbt
        sources named as a connector are its tables in the raw catalog. -#}
    {{- return({
        'callcenter': 'zendesk',
        'shop': 'shopify',
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
