{#-
    One row per Klaviyo person row (a profile), with what became of it. A
    soft-deleted profile (_fivetran_deleted) is excluded
    (deleted_in_source), so is a staff profile: an address at a domain of
    var klaviyo_internal_domains (internal_profile: test and preview sends
    go to staff, who are not customers). email lower-cased, phone in
    E.164; an erased person's email and phone are nulled (is_erased).
    Their events read the profile from here (stg_klaviyo__events).
-#}

{{ config(enabled=staging_source('marketing') == 'klaviyo') }}

{%- set internal_domains = var('klaviyo_internal_domains') %}

with

source as (

    select
        id,
        email,
        phone_number,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('klaviyo', 'person') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

normalised as (

    select
        cast(id as {{ dbt.type_string() }}) as person_id,
        nullif(lower(trim(email)), '') as email,
        {{ phone_to_e164('phone_number') }} as phone,
        coalesce(_fivetran_deleted, false) as is_deleted,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from source

),

flagged as (

    select
        *,
        coalesce(
            {%- for domain in internal_domains %}
            email like '%@{{ domain | lower }}'
            or email like '%.{{ domain | lower }}'
            {%- if not loop.last %} or{% endif %}
            {%- else %}
            false
            {%- endfor %}, false
        ) as is_internal,
        {{ erasure_flag({'email': ['email'], 'phone': ['phone']}) }}
            as is_erased

    from normalised

),

final as (

    select
        person_id,
        {{ unless_erased('email') }} as email,
        {{ unless_erased('phone') }} as phone,
        case
            when is_deleted or is_internal then 'excluded'
            else 'modelled'
        end as record_status,
        case
            when is_deleted then 'deleted_in_source'
            when is_internal then 'internal_profile'
        end as record_rule,
        {#- no rule quarantines a profile -#}
        cast(null as {{ dbt.type_string() }}) as record_reason,
        is_deleted,
        is_internal,
        is_erased,
        synced_at

    from flagged

)

select * from final
