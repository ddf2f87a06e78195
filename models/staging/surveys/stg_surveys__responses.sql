{#-
    The survey responses that count: not test traffic, complete, the latest
    complete submission of each invitation (walk-ups stand alone), with an
    integer score on its survey's scale. The classification is made once,
    in stg_surveys__response_submissions.
-#}

with

submissions as (

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
        partition_date,
        submitted_at,
        response_status

    from {{ ref('stg_surveys__response_submissions') }}

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
        partition_date,
        submitted_at

    from submissions

    where response_status = 'counted'

)

select * from counted
