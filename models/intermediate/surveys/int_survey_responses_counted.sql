{#-
    The survey responses that count (response_status = counted in
    int_survey_responses_classified): not test traffic, complete, the
    latest complete submission of each invitation (walk-ups stand alone),
    with an integer score on its survey's scale.
-#}

with

classified as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        trigger_type,
        trigger_ref,
        comment,
        language,
        respondent_email,
        respondent_phone,
        file_name,
        score,
        is_erased,
        partition_date,
        submitted_at,
        response_status

    from {{ ref('int_survey_responses_classified') }}

),

counted as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        trigger_type,
        trigger_ref,
        comment,
        language,
        respondent_email,
        respondent_phone,
        file_name,
        score,
        is_erased,
        partition_date,
        submitted_at

    from classified

    where response_status = 'counted'

)

select * from counted
