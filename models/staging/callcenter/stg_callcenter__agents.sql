{#-
    One row per call-centre agent, from the reference file. It is comma
    separated; the calls export uses semicolons, so a semicolon separated
    file is accepted too (a line with exactly three semicolons).
-#}

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
