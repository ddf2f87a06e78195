{#-
    The closed loop: every negative answer (an NPS detractor, a CSAT
    answer below 4, a CES answer below 5) submitted in the last var
    followup_days (default 30) days of the data, with its trigger, its
    comment (null when the person was erased), what the customer is worth,
    whether the company was in contact within 48 hours (a call with the
    customer after the answer) and the customer's next answer (recovery).
-#}

{%- set followup_days = var('followup_days') -%}

with

responses as (

    select
        response_id,
        customer_id,
        journey_id,
        trigger_touchpoint_id,
        survey_type,
        trigger_type,
        channel,
        score_category,
        store_id,
        agent_id,
        queue,
        call_outcome,
        comment,
        topics,
        score,
        delivery_delay_days,
        is_positive,
        is_passive,
        submitted_date,
        submitted_at

    from {{ ref('fct_survey_responses') }}

),

customers as (

    select
        customer_id,
        segment,
        net_revenue_pln,
        lifetime_orders,
        store_purchases

    from {{ ref('dim_customers') }}

),

calls as (

    select
        customer_id,
        touchpoint_id,
        occurred_at

    from {{ ref('fct_customer_journey') }}

    where touchpoint_type = 'call' and customer_id is not null

),

data_end as (

    select max(submitted_at) as data_end_at

    from responses

),

negative_responses as (

    select responses.*

    from responses

    cross join data_end

    where
        not responses.is_positive
        and not responses.is_passive
        and responses.submitted_at > {{ dbt.dateadd(
            'day', -followup_days, 'data_end.data_end_at'
        ) }}

),

followups as (

    select
        negative_responses.response_id,
        min(calls.occurred_at) as followup_at

    from negative_responses

    inner join calls
        on
            negative_responses.customer_id = calls.customer_id
            and negative_responses.submitted_at < calls.occurred_at
            and calls.occurred_at <= {{ dbt.dateadd(
                'hour', 48, 'negative_responses.submitted_at'
            ) }}

    group by negative_responses.response_id

),

next_answers as (

    select
        response_id,
        lead(response_id) over (
            partition by customer_id
            order by submitted_at, response_id
        ) as next_response_id

    from responses

    where customer_id is not null

),

final as (

    select
        negative_responses.response_id,
        negative_responses.customer_id,
        negative_responses.journey_id,
        negative_responses.trigger_touchpoint_id,
        next_answers.next_response_id,
        negative_responses.survey_type,
        negative_responses.trigger_type,
        negative_responses.channel,
        negative_responses.score_category,
        negative_responses.store_id,
        negative_responses.agent_id,
        negative_responses.queue,
        negative_responses.call_outcome,
        negative_responses.comment,  -- noqa: RF04
        negative_responses.topics,
        customers.segment as customer_segment,
        next_answer.survey_type as next_survey_type,
        next_answer.score_category as next_score_category,
        negative_responses.score,
        negative_responses.delivery_delay_days,
        next_answer.score as next_score,
        customers.net_revenue_pln as customer_net_revenue_pln,
        customers.lifetime_orders as customer_lifetime_orders,
        customers.store_purchases as customer_store_purchases,
        followups.followup_at is not null as has_followup_within_48h,
        case
            when next_answer.response_id is not null
                then next_answer.is_positive or next_answer.is_passive
        end as is_recovered,
        negative_responses.submitted_date,
        negative_responses.submitted_at,
        followups.followup_at,
        next_answer.submitted_at as next_submitted_at

    from negative_responses

    left join customers
        on negative_responses.customer_id = customers.customer_id

    left join followups
        on negative_responses.response_id = followups.response_id

    left join next_answers
        on negative_responses.response_id = next_answers.response_id

    left join responses as next_answer
        on next_answers.next_response_id = next_answer.response_id

)

select * from final
