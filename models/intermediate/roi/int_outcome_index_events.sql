{#-
    One row per index event the outcome marts compare: per known customer,
    for each experience (late_delivery, return, repeat_call,
    unresolved_call, long_wait: with it or without it) and each survey
    score class, the first such event of each month (Europe/Warsaw). Then
    what the customer did next: an order placed within 30, 90, 180 days and
    var churn_days (default 180), the revenue of those orders, the next
    order (followed until the longest window or the data's end), and whether
    each window was complete before the data's end (right-censoring); and
    the stratum of prior behaviour: orders in the 180 days before, and
    tenure (first seen at least 180 days before). docs/cx-pays.md.

    Over 250 lines on purpose: the index events and the orders that follow
    them are read from the same journey rows, so splitting the event list
    from the follow-up would rejoin fct_customer_journey downstream or store
    every index event twice.
-#}

{%- set windows = [30, 90, 180] -%}
{%- set churn_days = var('churn_days') -%}
{%- set longest = [windows | max, churn_days] | max -%}
{%- set repeat_call_days = var('repeat_call_days') -%}

with

journey as (

    select
        customer_id,
        source_record_id,
        touchpoint_type,
        revenue_pln,
        occurred_at

    from {{ ref('fct_customer_journey') }}

),

data_end as (

    select max(occurred_at) as data_end_at

    from journey

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
        wait_seconds

    from {{ ref('int_calls_linked') }}

),

responses as (

    select
        customer_id,
        survey_type,
        score_category,
        submitted_at

    from {{ ref('fct_survey_responses') }}

    where customer_id is not null

),

customers as (

    select
        customer_id,
        first_seen_at

    from {{ ref('dim_customers') }}

),

purchases as (

    select
        customer_id,
        revenue_pln,
        occurred_at as purchased_at

    from journey

    where touchpoint_type = 'order_placed' and customer_id is not null

),

deliveries as (

    select
        journey.customer_id,
        journey.source_record_id as order_id,
        journey.occurred_at as delivered_at,
        coalesce(
            {{ is_late_delivery(
                'orders.delivered_at', 'orders.promised_delivery_date'
            ) }},
            false
        ) as is_late

    from journey

    inner join orders
        on journey.source_record_id = orders.order_id

    where
        journey.touchpoint_type = 'order_delivered'
        and journey.customer_id is not null

),

order_returns as (

    select
        source_record_id as order_id,
        min(occurred_at) as returned_at

    from journey

    where touchpoint_type = 'order_returned'

    group by source_record_id

),

customer_calls as (

    select
        journey.customer_id,
        journey.occurred_at as called_at,
        calls.outcome,
        calls.wait_seconds,
        lag(journey.occurred_at) over (
            partition by journey.customer_id
            order by journey.occurred_at, journey.source_record_id
        ) as previous_call_at

    from journey

    inner join calls
        on journey.source_record_id = calls.call_id

    where
        journey.touchpoint_type = 'call'
        and journey.customer_id is not null

),

flagged_calls as (

    select
        customer_id,
        called_at,
        coalesce(
            called_at <= {{ dbt.dateadd(
                'day', repeat_call_days, 'previous_call_at'
            ) }},
            false
        ) as is_repeat_call,
        coalesce({{ is_unresolved_call('outcome') }}, false)
            as is_unresolved_call,
        coalesce({{ is_long_wait('wait_seconds') }}, false) as is_long_wait

    from customer_calls

),

events as (

    select
        customer_id,
        'experience' as outcome_kind,
        'late_delivery' as topic,
        case when is_late then 'with' else 'without' end
            as comparison_group,
        delivered_at as indexed_at

    from deliveries

    union all

    select
        deliveries.customer_id,
        'experience' as outcome_kind,
        'return' as topic,
        case
            when order_returns.order_id is not null then 'with'
            else 'without'
        end as comparison_group,
        coalesce(order_returns.returned_at, deliveries.delivered_at)
            as indexed_at

    from deliveries

    left join order_returns
        on deliveries.order_id = order_returns.order_id

    {% for flag in ['repeat_call', 'unresolved_call', 'long_wait'] %}

    union all

    select
        customer_id,
        'experience' as outcome_kind,
        '{{ flag }}' as topic,
        case when is_{{ flag }} then 'with' else 'without' end
            as comparison_group,
        called_at as indexed_at

    from flagged_calls

    {% endfor %}

    union all

    select
        customer_id,
        'survey' as outcome_kind,
        survey_type as topic,
        score_category as comparison_group,
        submitted_at as indexed_at

    from responses

),

ranked as (

    select
        customer_id,
        outcome_kind,
        topic,
        comparison_group,
        indexed_at,
        cast(
            {{ dbt.date_trunc('month', utc_to_local_date('indexed_at')) }}
            as date
        ) as index_month,
        row_number() over (
            partition by
                customer_id,
                outcome_kind,
                topic,
                comparison_group,
                {{ dbt.date_trunc('month', utc_to_local_date('indexed_at')) }}
            order by indexed_at
        ) as rank_in_month,
        row_number() over (
            partition by customer_id, outcome_kind, topic, comparison_group
            order by indexed_at
        ) as rank_overall

    from events

),

firsts as (

    select
        ranked.*,
        ranked.rank_overall = 1 as is_first_overall

    from ranked

    where ranked.rank_in_month = 1

),

followed as (

    {#- Orders after the event, up to the longest window, and in the 180
        days before it (the stratum). -#}
    select
        firsts.customer_id,
        firsts.outcome_kind,
        firsts.topic,
        firsts.comparison_group,
        firsts.indexed_at,
        {% for w in windows %}
        max(
            case
                when
                    purchases.purchased_at > firsts.indexed_at
                    and purchases.purchased_at
                    <= {{ dbt.dateadd('day', w, 'firsts.indexed_at') }}
                    then 1
                else 0
            end
        ) as purchased_{{ w }}d,
        sum(
            case
                when
                    purchases.purchased_at > firsts.indexed_at
                    and purchases.purchased_at
                    <= {{ dbt.dateadd('day', w, 'firsts.indexed_at') }}
                    then purchases.revenue_pln
                else 0
            end
        ) as revenue_{{ w }}d_pln,
        {% endfor %}
        max(
            case
                when
                    purchases.purchased_at > firsts.indexed_at
                    and purchases.purchased_at
                    <= {{ dbt.dateadd('day', churn_days, 'firsts.indexed_at') }}
                    then 1
                else 0
            end
        ) as purchased_churn_window,
        sum(
            case
                when purchases.purchased_at < firsts.indexed_at then 1
                else 0
            end
        ) as prior_orders,
        min(
            case
                when purchases.purchased_at > firsts.indexed_at
                    then purchases.purchased_at
            end
        ) as next_order_at

    from firsts

    left join purchases
        on
            firsts.customer_id = purchases.customer_id
            and purchases.purchased_at
            >= {{ dbt.dateadd('day', -180, 'firsts.indexed_at') }}
            and purchases.purchased_at
            <= {{ dbt.dateadd('day', longest, 'firsts.indexed_at') }}

    group by
        firsts.customer_id,
        firsts.outcome_kind,
        firsts.topic,
        firsts.comparison_group,
        firsts.indexed_at

),

final as (

    select
        {{ surrogate_key([
            'firsts.customer_id', 'firsts.outcome_kind', 'firsts.topic',
            'firsts.comparison_group', 'firsts.indexed_at'
        ]) }} as index_event_id,
        firsts.customer_id,
        firsts.outcome_kind,
        firsts.topic,
        firsts.comparison_group,
        case
            when followed.prior_orders >= 3 then '3+'
            else cast(followed.prior_orders as {{ dbt.type_string() }})
        end
        || case
            when
                customers.first_seen_at
                <= {{ dbt.dateadd('day', -180, 'firsts.indexed_at') }}
                then ' orders, established'
            else ' orders, new'
        end as stratum,
        followed.prior_orders,
        {% for w in windows %}
        followed.revenue_{{ w }}d_pln,
        {% endfor %}
        firsts.comparison_group in (
            'without', 'promoter', 'satisfied', 'low_effort'
        ) as is_reference_group,
        firsts.is_first_overall,
        {% for w in windows %}
        {{ dbt.dateadd('day', w, 'firsts.indexed_at') }}
        <= data_end.data_end_at as is_complete_{{ w }}d,
        followed.purchased_{{ w }}d = 1 as has_purchase_{{ w }}d,
        {% endfor %}
        {{ dbt.dateadd('day', churn_days, 'firsts.indexed_at') }}
        <= data_end.data_end_at as is_complete_churn_window,
        followed.purchased_churn_window = 0 as is_lost,
        firsts.index_month,
        firsts.indexed_at,
        followed.next_order_at,
        least(
            {{ dbt.dateadd('day', longest, 'firsts.indexed_at') }},
            data_end.data_end_at
        ) as followed_until,
        data_end.data_end_at

    from firsts

    inner join followed
        on
            firsts.customer_id = followed.customer_id
            and firsts.outcome_kind = followed.outcome_kind
            and firsts.topic = followed.topic
            and firsts.comparison_group = followed.comparison_group
            and firsts.indexed_at = followed.indexed_at

    left join customers
        on firsts.customer_id = customers.customer_id

    cross join data_end

)

select * from final
