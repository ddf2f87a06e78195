{#-
    One touchpoint per counted survey response, with the touchpoint that
    triggered its survey (int_survey_invitations_linked): its order's
    delivery, its call or its receipt.
-#}

{{ config(materialized='view') }}

with

responses as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        score,
        is_erased,
        submitted_at

    from {{ ref('int_survey_responses_counted') }}

),

invitations as (

    select
        invitation_id,
        trigger_type,
        order_id,
        call_id,
        receipt_id

    from {{ ref('int_survey_invitations_linked') }}

),

touchpoints as (

    select
        {{ touchpoint_key("'survey_response'", 'responses.response_id') }}
            as touchpoint_id,
        'surveys' as source_system,
        'responses' as entity,
        responses.response_id as record_key,
        responses.response_id as resolution_key,
        responses.response_id as source_record_id,
        'survey_response' as touchpoint_type,
        'survey' as channel,
        responses.store_id,
        responses.survey_type,
        case invitations.trigger_type
            when 'order_delivered'
                then {{ touchpoint_key(
                    "'order_delivered'", 'invitations.order_id'
                ) }}
            when 'call_completed'
                then {{ touchpoint_key("'call'", 'invitations.call_id') }}
            when 'store_purchase'
                then {{ touchpoint_key(
                    "'store_receipt'", 'invitations.receipt_id'
                ) }}
        end as trigger_touchpoint_id,
        responses.score,
        responses.is_erased,
        responses.submitted_at as occurred_at

    from responses

    left join invitations
        on responses.invitation_id = invitations.invitation_id

)

select * from touchpoints
