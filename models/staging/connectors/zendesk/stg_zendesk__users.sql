{#-
    One row per Zendesk user row, as the connector loaded it: end users are
    callers, staff (role agent or admin) are agents and never customers. A
    soft-deleted user (_fivetran_deleted) is excluded. email lower-cased,
    phone in E.164 (phone_to_e164), has_phone when one was
    given at all; an erased person's name, email and phone
    are nulled (is_erased).
-#}

{{ config(enabled=staging_source('callcenter') == 'zendesk') }}

with

source as (

    select
        id,
        name,
        email,
        phone,
        role,
        created_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('zendesk', 'user') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

normalised as (

    select
        cast(id as {{ dbt.type_string() }}) as user_id,
        name as user_name,
        nullif(lower(trim(email)), '') as email,
        {{ phone_to_e164('phone') }} as phone,
        lower(role) as user_role,
        nullif(trim(phone), '') is not null as has_phone,
        coalesce(lower(role) in ('agent', 'admin'), false) as is_staff,
        coalesce(_fivetran_deleted, false) as is_deleted,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from source

),

flagged as (

    select
        *,
        {{ erasure_flag({'email': ['email'], 'phone': ['phone']}) }}
            as is_erased

    from normalised

),

final as (

    select
        user_id,
        {{ unless_erased('user_name') }} as user_name,
        {{ unless_erased('email') }} as email,
        {{ unless_erased('phone') }} as phone,
        user_role,
        case when is_deleted then 'excluded' else 'modelled' end
            as record_status,
        case when is_deleted then 'deleted_in_source' end as record_rule,
        {#- no rule quarantines a user -#}
        cast(null as {{ dbt.type_string() }}) as record_reason,
        has_phone,
        is_staff,
        is_deleted,
        is_erased,
        created_at,
        synced_at

    from flagged

)

select * from final
