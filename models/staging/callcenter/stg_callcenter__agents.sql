{#-
    One row per call-centre agent, from the reference file. It is comma
    separated; the calls export uses semicolons, so a semicolon separated
    file is accepted too (a line with exactly three semicolons).
-#}

{#- The landing file, a connector (docs/sources.md) or no call centre. -#}
{%- set callcenter_source = staging_source('callcenter') %}
{% if callcenter_source == 'landing' -%}

with

source as (

    select
        line,
        file_name

    from {{ source('callcenter', 'agents') }}

),

comma_separated as (

    select
        {{ landing_record_line(landing_entity('callcenter', 'agents')) }}
            as agent_line,
        file_name

    from source

),

records as (

    select
        agent_line,
        file_name

    from comma_separated

    where {{ is_landing_record('callcenter', 'agents', 'agent_line') }}

),

split as (

    select
        {{ landing_columns('callcenter', 'agents', 'agent_line') }}
        file_name

    from records

),

final as (

    select
        trim(agent_id) as agent_id,
        trim(agent_name) as agent_name,
        trim(team) as team,
        file_name,
        {{ dbt.safe_cast('trim(hired_on)', 'date') }} as hired_on

    from split

    where agent_id is not null

)

select * from final

{%- elif callcenter_source == 'zendesk' %}

select * from {{ ref('stg_zendesk__agents') }}  -- noqa: AM04

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as agent_id,
    cast(null as {{ dbt.type_string() }}) as agent_name,
    cast(null as {{ dbt.type_string() }}) as team,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as date) as hired_on

where false

{%- endif %}
