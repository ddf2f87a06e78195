{#-
    One row per survey invitation. Lines that are not valid JSON or have no
    invitation_id are left for the quarantine models; an invitation landed
    twice (e.g. a repeated file part) is kept once, from the latest file.
    An invitation to an erased person keeps its row, recipient nulled.
-#}

{#- The landing files, the Qualtrics connector (docs/sources.md) or no
    survey platform; then, with the call centre on Zendesk, its
    satisfaction ratings (csat surveys of calls, whatever the platform). -#}
{%- set surveys_source = staging_source('surveys') %}
{% if surveys_source == 'landing' -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('surveys', 'invitations') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

parsed as (

    select
        {{ json_extract_string('line', '$.invitation_id') }} as invitation_id,
        {{ json_extract_string('line', '$.survey_type') }} as survey_type,
        {{ json_extract_string('line', '$.trigger_type') }} as trigger_type,
        {{ json_extract_string('line', '$.trigger_ref') }} as trigger_ref,
        {{ json_extract_string('line', '$.recipient_email') }}
            as recipient_email,
        {{ json_extract_string('line', '$.recipient_phone') }}
            as recipient_phone,
        {{ json_extract_string('line', '$.channel') }} as channel,
        {{ json_extract_string('line', '$.sent_at') }} as sent_at,
        file_name,
        partition_date

    from source

    where {{ is_valid_json('line') }}

),

normalised as (

    select
        invitation_id,
        nullif(trim(trigger_ref), '') as trigger_ref,
        lower(trim(survey_type)) as survey_type,
        lower(trim(trigger_type)) as trigger_type,
        nullif(lower(trim(recipient_email)), '') as recipient_email,
        {{ phone_to_e164('recipient_phone') }} as recipient_phone,
        lower(trim(channel)) as channel,
        file_name,
        partition_date,
        {{ iso_timestamp_to_utc('sent_at') }} as sent_at

    from parsed

    where invitation_id is not null

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by invitation_id
            order by partition_date desc, file_name desc
        ) as delivery_rank,
        {{ erasure_flag({
            'invitation_id': ['invitation_id'],
            'email': ['recipient_email'],
            'phone': ['recipient_phone'],
        }) }} as is_erased

    from normalised

),

final as (

    select
        invitation_id,
        trigger_ref,
        survey_type,
        trigger_type,
        {{ unless_erased('recipient_email') }} as recipient_email,
        {{ unless_erased('recipient_phone') }} as recipient_phone,
        channel,
        file_name,
        is_erased,
        partition_date,
        sent_at

    from deduplicated

    where delivery_rank = 1

)

select * from final

{%- elif surveys_source == 'qualtrics' %}

select
    invitation_id,
    trigger_ref,
    survey_type,
    trigger_type,
    recipient_email,
    recipient_phone,
    channel,
    'qualtrics.distribution_contact' as file_name,
    is_erased,
    cast(synced_at as date) as partition_date,
    sent_at

from {{ ref('stg_qualtrics__distribution_contacts') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as invitation_id,
    cast(null as {{ dbt.type_string() }}) as trigger_ref,
    cast(null as {{ dbt.type_string() }}) as survey_type,
    cast(null as {{ dbt.type_string() }}) as trigger_type,
    cast(null as {{ dbt.type_string() }}) as recipient_email,
    cast(null as {{ dbt.type_string() }}) as recipient_phone,
    cast(null as {{ dbt.type_string() }}) as channel,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as sent_at

where false

{%- endif %}

{%- if zendesk_satisfaction_ratings() %}

union all

select
    satisfaction_rating_id as invitation_id,
    call_id as trigger_ref,
    'csat' as survey_type,
    'call_completed' as trigger_type,
    respondent_email as recipient_email,
    respondent_phone as recipient_phone,
    'email' as channel,
    'zendesk.satisfaction_rating' as file_name,
    is_erased,
    cast(synced_at as date) as partition_date,
    offered_at as sent_at

from {{ ref('stg_zendesk__satisfaction_ratings') }}

where record_status = 'modelled'

{%- endif %}
