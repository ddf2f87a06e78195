{#-
    One row per counted survey response (int_survey_responses_counted: not
    test traffic, complete, the latest complete submission, a score on its
    scale), with what happened where the survey was triggered and in the
    journey before the answer. DECISIONS.md, "Survey responses: trigger,
    channel and drivers", says why each column is as it is.
-#}

{%- set long_wait_seconds = var('long_wait_minutes', 5) * 60 -%}
{%- set repeat_call_days = var('repeat_call_days', 7) -%}

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
        channel,
        touchpoint_type,
        occurred_at

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
        talk_seconds,
        started_at

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

journey_events as (

    {#- What happened in each journey, touchpoint by touchpoint. -#}
    select
        journey.journey_id,
        journey.occurred_at,
        coalesce(
            journey.touchpoint_type = 'order_delivered'
            and {{ utc_to_local_date('orders.delivered_at') }}
            > orders.promised_delivery_date,
            false
        ) as is_late_delivery,
        coalesce(
            calls.wait_seconds > {{ long_wait_seconds }}, false
        ) as is_long_wait,
        coalesce(
            calls.outcome in ('unresolved', 'abandoned'), false
        ) as is_unresolved_call,
        journey.touchpoint_type = 'call' as is_call,
        journey.touchpoint_type in ('order_returned', 'store_return')
            as is_return,
        journey.touchpoint_type = 'order_cancelled' as is_cancellation

    from journey

    left join orders
        on
            journey.touchpoint_type = 'order_delivered'
            and journey.source_record_id = orders.order_id

    left join calls
        on
            journey.touchpoint_type = 'call'
            and journey.source_record_id = calls.call_id

    where
        journey.touchpoint_type in (
            'order_delivered', 'call', 'order_returned', 'store_return',
            'order_cancelled'
        )

),

journey_calls as (

    select
        journey_id,
        occurred_at,
        {{ dbt.datediff(
            'lag(occurred_at) over (partition by journey_id '
            ~ 'order by occurred_at)',
            'occurred_at',
            'day'
        ) }} as days_since_previous_call

    from journey_events

    where is_call

),

journey_drivers as (

    {#- Per response: what its journey held up to the answer. -#}
    select
        response_touchpoints.response_id,
        max(case when journey_events.is_late_delivery then 1 else 0 end)
        = 1 as has_late_delivery,
        max(case when journey_events.is_long_wait then 1 else 0 end)
        = 1 as has_long_wait,
        max(case when journey_events.is_unresolved_call then 1 else 0 end)
        = 1 as has_unresolved_call,
        max(case when journey_events.is_return then 1 else 0 end)
        = 1 as has_return,
        max(case when journey_events.is_cancellation then 1 else 0 end)
        = 1 as has_cancellation

    from response_touchpoints

    inner join responses
        on response_touchpoints.response_id = responses.response_id

    inner join journey_events
        on
            response_touchpoints.journey_id = journey_events.journey_id
            and responses.submitted_at >= journey_events.occurred_at

    group by response_touchpoints.response_id

),

journey_repeat_calls as (

    select distinct response_touchpoints.response_id

    from response_touchpoints

    inner join responses
        on response_touchpoints.response_id = responses.response_id

    inner join journey_calls
        on
            response_touchpoints.journey_id = journey_calls.journey_id
            and responses.submitted_at >= journey_calls.occurred_at
            and journey_calls.days_since_previous_call <= {{ repeat_call_days }}

),

customer_calls as (

    select
        customer_id,
        occurred_at

    from journey

    where touchpoint_type = 'call' and customer_id is not null

),

called_again as (

    {#- Call-triggered answers whose customer called again within
        var repeat_call_days (7) days after the triggering call. -#}
    select distinct responses.response_id

    from responses

    inner join invitations
        on responses.invitation_id = invitations.invitation_id

    inner join calls
        on invitations.call_id = calls.call_id

    inner join response_touchpoints
        on responses.response_id = response_touchpoints.response_id

    inner join customer_calls
        on
            response_touchpoints.customer_id = customer_calls.customer_id
            and calls.started_at < customer_calls.occurred_at
            and customer_calls.occurred_at <= {{ dbt.dateadd(
                'day', repeat_call_days, 'calls.started_at'
            ) }}

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
        case
            when invitations.call_id is not null
                then called_again.response_id is not null
        end as is_called_again_within_7_days,
        coalesce(journey_drivers.has_late_delivery, false)
            as has_late_delivery,
        coalesce(journey_drivers.has_long_wait, false) as has_long_wait,
        coalesce(journey_drivers.has_unresolved_call, false)
            as has_unresolved_call,
        journey_repeat_calls.response_id is not null as has_repeat_call,
        coalesce(journey_drivers.has_return, false) as has_return,
        coalesce(journey_drivers.has_cancellation, false)
            as has_cancellation,
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

    left join journey_drivers
        on responses.response_id = journey_drivers.response_id

    left join journey_repeat_calls
        on responses.response_id = journey_repeat_calls.response_id

    left join called_again
        on responses.response_id = called_again.response_id

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
