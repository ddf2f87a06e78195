{#-
    One row per staged survey response (stg_surveys__responses), with the
    outcome of the counting rules in response_status, applied in this
    order (DECISIONS.md, "Which survey responses count"): test traffic
    (int_test_traffic_identified), incomplete, superseded by a later
    complete submission of the same invitation, bad score, counted.
-#}

with

responses as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        score_text,
        comment,
        language,
        respondent_email,
        respondent_phone,
        file_name,
        score_rejection_reason,
        score,
        duplicate_deliveries,
        is_complete,
        is_erased,
        partition_date,
        submitted_at

    from {{ ref('stg_surveys__responses') }}

),

invitations as (

    select
        invitation_id,
        trigger_type,
        trigger_ref

    from {{ ref('stg_surveys__invitations') }}

),

test_responses as (

    select record_id as response_id

    from {{ ref('int_test_traffic_identified') }}

    where source_system = 'surveys' and entity = 'responses'

),

with_invitation as (

    select
        responses.*,
        case
            when responses.invitation_id is null then 'walk_up'
            else invitations.trigger_type
        end as trigger_type,
        invitations.trigger_ref,
        test_responses.response_id is not null as is_test

    from responses

    left join invitations
        on responses.invitation_id = invitations.invitation_id

    left join test_responses
        on responses.response_id = test_responses.response_id

),

submission_ranked as (

    select
        *,
        case
            when not is_test and is_complete
                then row_number() over (
                    partition by
                        is_test,
                        is_complete,
                        coalesce(invitation_id, response_id)
                    order by submitted_at desc, response_id desc
                )
        end as submission_rank

    from with_invitation

),

classified as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        trigger_type,
        trigger_ref,
        score_text,
        comment,
        language,
        respondent_email,
        respondent_phone,
        file_name,
        score_rejection_reason,
        case
            when is_test then 'test_traffic'
            when not is_complete then 'incomplete'
            when submission_rank > 1 then 'superseded'
            when score_rejection_reason is not null then 'bad_score'
            else 'counted'
        end as response_status,
        score,
        duplicate_deliveries,
        is_test,
        is_complete,
        is_erased,
        partition_date,
        submitted_at

    from submission_ranked

)

select * from classified
