{#-
    One row per Qualtrics survey_response row, with what became of it. The
    rules, in order: a soft-deleted response (_fivetran_deleted) is
    excluded (deleted_in_source), so is a test or preview response
    (distribution_channel test or preview: test_response); a response to a
    survey that is not modelled (stg_qualtrics__surveys) is quarantined
    (unknown_survey); an unfinished one (finished false or progress under
    100) is modelled with is_complete false (unfinished_response), so that
    the survey marts count it as incomplete, as on landing. The score and
    comment are the answers (question_response) to the survey's score and
    comment questions; submitted_at is the business timestamp end_date
    (else recorded_date), never _fivetran_synced. The invitation is the
    distribution contact the response came from (stg_qualtrics__
    distribution_contacts); store_id is the response's embedded data under
    var qualtrics_store_id_key (a walk-up's store). An erased respondent keeps the row and score,
    respondent and comment nulled; every comment loses its contact data.
-#}

{{ config(enabled=staging_source('surveys') == 'qualtrics') }}

with

responses as (

    select
        id,
        survey_id,
        distribution_channel,
        {#- an integer 1 or 0 as Fivetran types it, or a boolean -#}
        cast(finished as {{ dbt.type_boolean() }}) as is_finished,
        progress,
        recipient_email,
        user_language,
        end_date,
        recorded_date,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('qualtrics', 'survey_response') }}

),

store_ids as (

    {{ qualtrics_embedded_data(var('qualtrics_store_id_key'), 'store_id') }}

),

answers as (

    select
        response_id,
        question_id,
        value,
        row_number() over (
            partition by response_id, question_id
            order by _fivetran_synced desc
        ) as answer_rank

    from {{ source('qualtrics', 'question_response') }}

),

surveys as (

    select
        survey_id,
        survey_type,
        score_question_id,
        comment_question_id

    from {{ ref('stg_qualtrics__surveys') }}

    where record_status = 'modelled'

),

invitations as (

    select
        response_id,
        invitation_id,
        recipient_phone,
        is_erased

    from {{ ref('stg_qualtrics__distribution_contacts') }}

    where response_id is not null and record_status = 'modelled'

),

survey_scales as (

    select
        survey_type,
        min_score,
        max_score

    from {{ ref('survey_scales') }}

),

erased_identifiers as (

    {{ erased_identifiers() }}

),

joined as (

    select
        cast(responses.id as {{ dbt.type_string() }}) as response_id,
        invitations.invitation_id,
        nullif(trim(store_ids.store_id), '') as store_id,
        cast(responses.survey_id as {{ dbt.type_string() }}) as survey_id,
        surveys.survey_type,
        nullif(trim(score_answers.value), '') as score_text,
        comment_answers.value as comment,  -- noqa: RF04
        nullif(
            lower(substring(trim(responses.user_language), 1, 2)), ''
        ) as language,  -- noqa: RF04
        nullif(lower(trim(responses.recipient_email)), '') as respondent_email,
        invitations.recipient_phone as respondent_phone,
        coalesce(invitations.is_erased, false) as is_invitation_erased,
        coalesce(responses.is_finished, false)
        and coalesce(responses.progress, 0) >= 100 as is_complete,
        survey_scales.min_score,
        survey_scales.max_score,
        case
            when coalesce(responses._fivetran_deleted, false)
                then 'deleted_in_source'
            when lower(responses.distribution_channel) in ('preview', 'test')
                then 'test_response'
            when surveys.survey_id is null then 'unknown_survey'
            when
                not coalesce(responses.is_finished, false)
                or coalesce(responses.progress, 0) < 100
                then 'unfinished_response'
        end as record_rule,
        cast(
            coalesce(responses.end_date, responses.recorded_date)
            as {{ dbt.type_timestamp() }}
        ) as submitted_at,
        cast(responses._fivetran_synced as {{ dbt.type_timestamp() }})
            as synced_at

    from responses

    left join surveys
        on responses.survey_id = surveys.survey_id

    left join answers as score_answers
        on
            responses.id = score_answers.response_id
            and surveys.score_question_id = score_answers.question_id
            and score_answers.answer_rank = 1

    left join answers as comment_answers
        on
            responses.id = comment_answers.response_id
            and surveys.comment_question_id = comment_answers.question_id
            and comment_answers.answer_rank = 1

    left join invitations
        on responses.id = invitations.response_id

    left join store_ids
        on
            responses.id = store_ids.response_id
            and store_ids.value_rank = 1

    left join survey_scales
        on surveys.survey_type = survey_scales.survey_type

),

scored as (

    select
        *,
        {{ dbt.safe_cast('score_text', 'decimal(18, 6)') }} as score_number,
        is_invitation_erased or {{ erasure_flag({
            'email': ['respondent_email'],
            'phone': ['respondent_phone'],
        }) }} as is_erased

    from joined

),

final as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_id,
        survey_type,
        score_text,
        {{ unless_erased(
            redact_contact_data('comment')
        ) }} as comment,  -- noqa: RF04
        language,  -- noqa: RF04
        {{ unless_erased('respondent_email') }} as respondent_email,
        {{ unless_erased('respondent_phone') }} as respondent_phone,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'unfinished_response' then 'modelled'
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
        {{ checked_score('score_number', 'min_score', 'max_score') }},
        is_complete,
        is_erased,
        submitted_at,
        synced_at

    from scored

)

select * from final
