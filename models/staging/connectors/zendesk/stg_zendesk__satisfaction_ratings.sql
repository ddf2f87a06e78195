{#-
    One row per Zendesk satisfaction rating (the CSAT survey Zendesk sends
    when a ticket is solved), with what became of it. A rating offered on a
    call is a csat invitation of that call (trigger call_completed, sent by
    email at created_at); once rated (good or bad, or a number on Zendesk's
    newer scales) it is also a response, submitted at updated_at. The rules,
    in order: a soft-deleted rating (_fivetran_deleted) and one never offered
    (score unoffered) are excluded; a rating of a ticket the ticket table
    does not hold is quarantined (unknown_ticket); one of a ticket that is
    not a modelled call (an email ticket, a deleted or quarantined one) is
    excluded (not_a_call). A ticket merged into another rates the call it
    was merged into. Zendesk's binary score maps to the csat scale by var
    zendesk_satisfaction_scores (good 5, bad 1: top-2-box CSAT is the share
    rated good); a numeric score is read as it is, and either is checked
    against survey_scales as on landing. The respondent is the ticket's
    requester (stg_zendesk__users): an erased person's email, phone and
    comment are nulled.
-#}

{{ config(enabled=zendesk_satisfaction_ratings()) }}

{%- set scores = var('zendesk_satisfaction_scores') %}

with

ratings as (

    select
        id,
        ticket_id,
        requester_id,
        score,
        comment,  -- noqa: RF04
        created_at,
        updated_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('zendesk', 'satisfaction_rating') }}

),

tickets as (

    select
        ticket_id,
        merged_into_ticket_id,
        record_status

    from {{ ref('stg_zendesk__tickets') }}

),

users as (

    select
        user_id,
        email,
        phone,
        is_erased

    from {{ ref('stg_zendesk__users') }}

),

survey_scales as (

    select
        min_score,
        max_score

    from {{ ref('survey_scales') }}

    where survey_type = 'csat'

),

classified as (

    select
        cast(ratings.id as {{ dbt.type_string() }}) as satisfaction_rating_id,
        cast(ratings.ticket_id as {{ dbt.type_string() }}) as ticket_id,
        coalesce(rated.merged_into_ticket_id, rated.ticket_id) as call_id,
        lower(trim(ratings.score)) as score_label,
        case lower(trim(ratings.score))
            {%- for label, score in scores.items() %}
            when '{{ label }}' then '{{ score }}'
            {%- endfor %}
            when 'offered' then null
            when 'unoffered' then null
            else trim(ratings.score)
        end as score_text,
        ratings.comment,
        ratings.requester_id,
        case
            when coalesce(ratings._fivetran_deleted, false)
                then 'deleted_in_source'
            when lower(trim(ratings.score)) = 'unoffered' then 'not_offered'
            when rated.ticket_id is null then 'unknown_ticket'
            when coalesce(rated_calls.record_status, '') != 'modelled'
                then 'not_a_call'
        end as record_rule,
        cast(ratings.created_at as {{ dbt.type_timestamp() }}) as offered_at,
        cast(ratings.updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(ratings._fivetran_synced as {{ dbt.type_timestamp() }})
            as synced_at

    from ratings

    left join tickets as rated
        on cast(ratings.ticket_id as {{ dbt.type_string() }}) = rated.ticket_id

    left join tickets as rated_calls
        on
            coalesce(rated.merged_into_ticket_id, rated.ticket_id)
            = rated_calls.ticket_id

),

scored as (

    select
        classified.*,
        users.email as respondent_email,
        users.phone as respondent_phone,
        coalesce(users.is_erased, false) as is_erased,
        coalesce(classified.score_label, 'offered')
        not in ('offered', 'unoffered') as is_answered,
        {{ dbt.safe_cast('classified.score_text', 'decimal(18, 6)') }}
            as score_number,
        survey_scales.min_score,
        survey_scales.max_score

    from classified

    left join users
        on
            cast(classified.requester_id as {{ dbt.type_string() }})
            = users.user_id

    cross join survey_scales

),

checked as (

    select
        *,
        {{ checked_score('score_number', 'min_score', 'max_score') }}

    from scored

),

final as (

    select
        satisfaction_rating_id,
        ticket_id,
        call_id,
        score_label,
        score_text,
        {{ unless_erased(
            redact_contact_data('comment')
        ) }} as comment,  -- noqa: RF04
        respondent_email,
        respondent_phone,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'unknown_ticket' then 'quarantined'
            else 'excluded'
        end as record_status,
        record_rule,
        case
            when record_rule = 'unknown_ticket'
                then
                    'ticket ' || coalesce(ticket_id, '(none)')
                    || ' is not in the ticket table'
        end as record_reason,
        {#- an offered rating has no score yet, nothing to reject -#}
        case
            when is_answered then score_rejection_reason
        end as score_rejection_reason,
        score,
        is_answered,
        is_erased,
        offered_at,
        case when is_answered then updated_at end as submitted_at,
        synced_at

    from checked

)

select * from final
