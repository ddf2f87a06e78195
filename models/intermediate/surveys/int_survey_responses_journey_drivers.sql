{#-
    One row per counted survey response (int_survey_responses_counted):
    what its journey (fct_customer_journey) held before the answer, the
    drivers fct_survey_responses reports: a late delivery, a call that
    waited more than var long_wait_minutes (5) minutes, an unresolved
    call, a call within var repeat_call_days (7) days of the previous one,
    a return, a cancellation; and, for a call-triggered answer, whether the
    customer called again within repeat_call_days days of that call.
    Just over 250 lines: five import CTEs and the seven steps of the
    drivers, which read the same journey events.
-#}

{%- set repeat_call_days = var('repeat_call_days') -%}

with

responses as (

    select
        response_id,
        invitation_id,
        submitted_at

    from {{ ref('int_survey_responses_counted') }}

),

invitations as (

    select
        invitation_id,
        call_id

    from {{ ref('int_survey_invitations_linked') }}

),

journey as (

    select
        customer_id,
        journey_id,
        source_record_id,
        touchpoint_type,
        occurred_at

    from {{ ref('fct_customer_journey') }}

),

orders as (

    select
        order_id,
        promised_delivery_date,
        delivered_at

    from {{ ref('stg_shop__orders') }}

),

calls as (

    select
        call_id,
        outcome,
        wait_seconds,
        started_at

    from {{ ref('int_calls_linked') }}

),

response_touchpoints as (

    select
        customer_id,
        journey_id,
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
            and {{ is_late_delivery(
                'orders.delivered_at', 'orders.promised_delivery_date'
            ) }},
            false
        ) as is_late_delivery,
        coalesce({{ is_long_wait('calls.wait_seconds') }}, false)
            as is_long_wait,
        coalesce({{ is_unresolved_call('calls.outcome') }}, false)
            as is_unresolved_call,
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

final as (

    select
        responses.response_id,
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
            as has_cancellation

    from responses

    left join invitations
        on responses.invitation_id = invitations.invitation_id

    left join journey_drivers
        on responses.response_id = journey_drivers.response_id

    left join journey_repeat_calls
        on responses.response_id = journey_repeat_calls.response_id

    left join called_again
        on responses.response_id = called_again.response_id

)

select * from final
