{#-
    The canonical agents (the columns of stg_callcenter__agents) from
    Zendesk: every staff user (role agent or admin) that is not deleted.
    Zendesk has no team on a user; team is null. file_name names the
    connector table, hired_on is the day the account was created.
-#}

{{ config(enabled=staging_source('callcenter') == 'zendesk') }}

with

staff as (

    select
        user_id,
        user_name,
        created_at

    from {{ ref('stg_zendesk__users') }}

    where is_staff and record_status = 'modelled'

),

final as (

    select
        user_id as agent_id,
        user_name as agent_name,
        cast(null as {{ dbt.type_string() }}) as team,
        'zendesk.user' as file_name,
        cast(created_at as date) as hired_on

    from staff

)

select * from final
