{#-
    One row per Qualtrics distribution_contact row (a contact a
    distribution was sent to), with what became of it: an Invite is a
    survey invitation (invitation_id = distribution_id:contact_id). The
    rules, in order: a contact of a soft-deleted distribution is excluded
    (deleted_in_source), so are reminders and thank-you sends
    (not_an_invitation: an Invite, or a GeneratedInvite's personal link,
    is an invitation); an invitation to a survey that is not modelled
    (stg_qualtrics__surveys) is quarantined. sent_at is the business
    timestamp (the contact's sent_at, else the distribution's send_date),
    never _fivetran_synced; trigger_ref is the answer's embedded data (var
    qualtrics_trigger_ref_key), null for an unanswered invitation. An
    erased recipient is nulled (is_erased).
-#}

{{ config(enabled=staging_source('surveys') == 'qualtrics') }}

with

distribution_contacts as (

    select
        distribution_id,
        contact_id,
        response_id,
        sent_at,
        _fivetran_synced

    from {{ source('qualtrics', 'distribution_contact') }}

),

distributions as (

    select
        id,
        survey_link_survey_id,
        request_type,
        header_from_email,
        send_date,
        _fivetran_deleted

    from {{ source('qualtrics', 'distribution') }}

),

contacts as (

    select
        id,
        email,
        phone

    from {{ source('qualtrics', 'directory_contact') }}

),

trigger_refs as (

    {#- what triggered the survey, as the response's embedded data says:
        known for an answered invitation only -#}
    {{ qualtrics_embedded_data(
        var('qualtrics_trigger_ref_key'), 'trigger_ref'
    ) }}

),

surveys as (

    select
        survey_id,
        survey_type,
        trigger_type

    from {{ ref('stg_qualtrics__surveys') }}

    where record_status = 'modelled'

),

erased_identifiers as (

    {{ erased_identifiers() }}

),

classified as (

    select
        cast(distribution_contacts.distribution_id as {{ dbt.type_string() }})
        || ':'
        || cast(distribution_contacts.contact_id as {{ dbt.type_string() }})
            as invitation_id,
        cast(distribution_contacts.distribution_id as {{ dbt.type_string() }})
            as distribution_id,
        cast(distribution_contacts.contact_id as {{ dbt.type_string() }})
            as contact_id,
        cast(distribution_contacts.response_id as {{ dbt.type_string() }})
            as response_id,
        cast(distributions.survey_link_survey_id as {{ dbt.type_string() }})
            as survey_id,
        nullif(trim(trigger_refs.trigger_ref), '') as trigger_ref,
        surveys.survey_type,
        surveys.trigger_type,
        nullif(lower(trim(contacts.email)), '') as recipient_email,
        {{ phone_to_e164('contacts.phone') }} as recipient_phone,
        {#- personal links generated to be printed: the receipt's QR code -#}
        case
            when lower(distributions.request_type) = 'generatedinvite'
                then 'receipt_qr'
            when distributions.header_from_email is null then 'sms'
            else 'email'
        end as channel,
        case
            when coalesce(distributions._fivetran_deleted, false)
                then 'deleted_in_source'
            when
                coalesce(lower(distributions.request_type), '')
                not in ('invite', 'generatedinvite')
                then 'not_an_invitation'
            when surveys.survey_id is null then 'unknown_survey'
        end as record_rule,
        cast(
            coalesce(distribution_contacts.sent_at, distributions.send_date)
            as {{ dbt.type_timestamp() }}
        ) as sent_at,
        cast(
            distribution_contacts._fivetran_synced
            as {{ dbt.type_timestamp() }}
        ) as synced_at

    from distribution_contacts

    left join distributions
        on distribution_contacts.distribution_id = distributions.id

    left join surveys
        on distributions.survey_link_survey_id = surveys.survey_id

    left join contacts
        on distribution_contacts.contact_id = contacts.id

    left join trigger_refs
        on
            distribution_contacts.response_id = trigger_refs.response_id
            and trigger_refs.value_rank = 1

),

flagged as (

    select
        *,
        {{ erasure_flag({
            'invitation_id': ['invitation_id'],
            'email': ['recipient_email'],
            'phone': ['recipient_phone'],
        }) }} as is_erased

    from classified

),

final as (

    select
        invitation_id,
        distribution_id,
        contact_id,
        response_id,
        survey_id,
        trigger_ref,
        survey_type,
        trigger_type,
        {{ unless_erased('recipient_email') }} as recipient_email,
        {{ unless_erased('recipient_phone') }} as recipient_phone,
        channel,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'unknown_survey' then 'quarantined'
            else 'excluded'
        end as record_status,
        record_rule,
        case
            when record_rule = 'unknown_survey'
                then
                    'survey ' || coalesce(survey_id, '(none)')
                    || ' is not a modelled survey (stg_qualtrics__surveys)'
        end as record_reason,
        is_erased,
        sent_at,
        synced_at

    from flagged

)

select * from final
