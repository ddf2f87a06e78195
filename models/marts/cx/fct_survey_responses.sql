{#-
    One row per counted survey response (int_survey_responses_counted: not
    test traffic, complete, the latest complete submission, a score on its
    scale), with what happened where the survey was triggered and in the
    journey before the answer (int_survey_responses_journey_drivers).
    DECISIONS.md, "Survey responses: trigger, channel and drivers", says
    why each column is as it is.
    Over 250 lines for its twelve import CTEs (one per parent, each with
    the columns it reads) and their one join; the rules live in the
    parents and in survey_scales.
-#}

with

responses as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        trigger_type,
        comment,
        language,
        score,
        submitted_at

    from {{ ref('int_survey_responses_counted') }}

),

invitations as (

    select
        invitation_id,
        order_id,
        call_id,
        receipt_id,
        channel

    from {{ ref('int_survey_invitations_linked') }}

),

journey as (

    select
        touchpoint_id,
        customer_id,
        journey_id,
        trigger_touchpoint_id,
        source_record_id,
        touchpoint_type

    from {{ ref('fct_customer_journey') }}

),

orders as (

    select
        order_id,
        channel,
        promised_delivery_date,
        delivered_at

    from {{ ref('stg_shop__orders') }}

),

calls as (

    select
        call_id,
        agent_id,
        queue,
        outcome,
        wait_seconds,
        talk_seconds

    from {{ ref('int_calls_linked') }}

),

transactions as (

    select
        receipt_id,
        store_id

    from {{ ref('stg_stores__transactions') }}

),

stores as (

    select
        store_id,
        country

    from {{ ref('stg_stores__stores') }}

),

customers as (

    select
        customer_id,
        country

    from {{ ref('dim_customers') }}

),

scales as (

    select
        survey_type,
        positive_min_score,
        neutral_min_score,
        positive_label,
        neutral_label,
        negative_label

    from {{ ref('survey_scales') }}

),

topics as (

    select
        response_id,
        {{ dbt.listagg('topic', "','", 'order by topic') }} as topics

    from {{ ref('int_survey_comments_tagged') }}

    group by response_id

),

drivers as (

    select
        response_id,
        is_called_again_within_7_days,
        has_late_delivery,
        has_long_wait,
        has_unresolved_call,
        has_repeat_call,
        has_return,
        has_cancellation

    from {{ ref('int_survey_responses_journey_drivers') }}

),

response_touchpoints as (

    select
        touchpoint_id,
        customer_id,
        journey_id,
        trigger_touchpoint_id,
        source_record_id as response_id

    from journey

    where touchpoint_type = 'survey_response'

),

joined as (

    select
        responses.response_id,
        response_touchpoints.customer_id,
        response_touchpoints.journey_id,
        response_touchpoints.touchpoint_id,
        response_touchpoints.trigger_touchpoint_id,
        responses.invitation_id,
        responses.survey_type,
        coalesce(responses.trigger_type, 'walk_up') as trigger_type,
        coalesce(invitations.channel, 'walk_up') as invitation_channel,
        case
            when responses.invitation_id is null then 'store'
            when invitations.order_id is not null then orders.channel
            when invitations.call_id is not null then 'call_center'
            when invitations.receipt_id is not null then 'store'
            else 'none'
        end as channel,
        {{ score_category('responses.score', 'scales') }} as score_category,
        scales.positive_label,
        scales.neutral_label,
        coalesce(transactions.store_id, responses.store_id) as store_id,
        calls.agent_id,
        calls.queue,
        calls.outcome as call_outcome,
        coalesce(customers.country, stores.country, 'unknown') as country,
        responses.comment,
        responses.language,
        topics.topics,
        responses.score,
        {{ dbt.datediff(
            'orders.promised_delivery_date',
            utc_to_local_date('orders.delivered_at'),
            'day'
        ) }} as delivery_delay_days,
        calls.wait_seconds,
        calls.talk_seconds,
        drivers.is_called_again_within_7_days,
        drivers.has_late_delivery,
        drivers.has_long_wait,
        drivers.has_unresolved_call,
        drivers.has_repeat_call,
        drivers.has_return,
        drivers.has_cancellation,
        {{ utc_to_local_date('responses.submitted_at') }} as submitted_date,
        responses.submitted_at

    from responses

    left join response_touchpoints
        on responses.response_id = response_touchpoints.response_id

    left join invitations
        on responses.invitation_id = invitations.invitation_id

    left join orders
        on invitations.order_id = orders.order_id

    left join calls
        on invitations.call_id = calls.call_id

    left join transactions
        on invitations.receipt_id = transactions.receipt_id

    left join stores
        on coalesce(transactions.store_id, responses.store_id) = stores.store_id

    left join customers
        on response_touchpoints.customer_id = customers.customer_id

    left join scales
        on responses.survey_type = scales.survey_type

    left join topics
        on responses.response_id = topics.response_id

    left join drivers
        on responses.response_id = drivers.response_id

),

classified as (

    {#- The flags follow the category, so the seed is their one home. -#}
    select
        joined.*,
        coalesce(joined.score_category = joined.positive_label, false)
            as is_positive,
        coalesce(joined.score_category = joined.neutral_label, false)
            as is_neutral

    from joined

),

final as (

    select
        response_id,
        customer_id,
        journey_id,
        touchpoint_id,
        trigger_touchpoint_id,
        invitation_id,
        survey_type,
        trigger_type,
        invitation_channel,
        channel,
        score_category,
        store_id,
        agent_id,
        queue,
        call_outcome,
        country,
        comment,  -- noqa: RF04
        language,
        topics,
        cast(score as {{ dbt.type_int() }}) as score,
        cast(delivery_delay_days as {{ dbt.type_int() }})
            as delivery_delay_days,
        cast(wait_seconds as double) as wait_seconds,
        cast(talk_seconds as double) as talk_seconds,
        survey_type = 'nps' and is_positive as is_promoter,
        survey_type = 'nps' and is_neutral as is_passive,
        survey_type = 'nps' and not is_positive and not is_neutral
            as is_detractor,
        survey_type = 'csat' and is_positive as is_satisfied,
        survey_type = 'ces' and is_positive as is_low_effort,
        is_positive,
        is_called_again_within_7_days,
        has_late_delivery,
        has_long_wait,
        has_unresolved_call,
        has_repeat_call,
        has_return,
        has_cancellation,
        submitted_date,
        cast({{ dbt.date_trunc('month', 'submitted_date') }} as date)
            as submitted_month,
        submitted_at

    from classified

)

select * from final
