{#-
    One row per known customer (is_known_customer in int_touchpoints_unioned)
    with what the customer's touchpoints add up to: orders, store purchases,
    returns, calls, net revenue, first and last touch, last purchase and the
    days from it to the last touch in the data, the channel of the first
    touch, the home store (most visits, then the latest) and the category
    of the latest NPS answer (survey_scales). dim_customers classifies the
    customer from these figures. Test traffic is already left out.
-#}

with

touchpoints as (

    select
        party_id as customer_id,
        touchpoint_id,
        touchpoint_type,
        channel,
        store_id,
        survey_type,
        revenue_pln,
        score,
        is_erased,
        occurred_at,
        touchpoint_type in ('order_placed', 'store_purchase') as is_purchase

    from {{ ref('int_touchpoints_unioned') }}

    where is_known_customer

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

first_touches as (

    select
        customer_id,
        channel,
        row_number() over (
            partition by customer_id
            order by occurred_at, channel
        ) as touch_rank

    from touchpoints

),

store_visits as (

    select
        customer_id,
        store_id,
        count(*) as visits,
        max(occurred_at) as last_visit_at

    from touchpoints

    where channel = 'store' and store_id is not null

    group by customer_id, store_id

),

home_stores as (

    select
        customer_id,
        store_id,
        row_number() over (
            partition by customer_id
            order by visits desc, last_visit_at desc, store_id asc
        ) as store_rank

    from store_visits

),

nps_answers as (

    select
        touchpoints.customer_id,
        {{ score_category('touchpoints.score', 'scales') }} as nps_category,
        row_number() over (
            partition by touchpoints.customer_id
            order by
                touchpoints.occurred_at desc, touchpoints.touchpoint_id desc
        ) as answer_rank

    from touchpoints

    inner join scales
        on touchpoints.survey_type = scales.survey_type

    where
        touchpoints.touchpoint_type = 'survey_response'
        and touchpoints.survey_type = 'nps'

),

reference as (

    select max(occurred_at) as reference_at

    from touchpoints

),

aggregated as (

    select
        customer_id,
        cast(sum(
            case touchpoint_type
                when 'order_placed' then 1
                when 'order_cancelled' then -1
                else 0
            end
        ) as {{ dbt.type_int() }}) as lifetime_orders,
        cast(sum(
            case when touchpoint_type = 'store_purchase' then 1 else 0 end
        ) as {{ dbt.type_int() }}) as store_purchases,
        cast(sum(
            case
                when touchpoint_type in ('order_returned', 'store_return')
                    then 1
                else 0
            end
        ) as {{ dbt.type_int() }}) as returns,  -- noqa: RF04
        cast(sum(
            case when touchpoint_type = 'call' then 1 else 0 end
        ) as {{ dbt.type_int() }}) as calls,
        coalesce(sum(revenue_pln), 0) as net_revenue_pln,
        max(case when is_erased then 1 else 0 end) = 1 as is_erased,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        max(case when is_purchase then occurred_at end) as last_purchase_at

    from touchpoints

    group by customer_id

),

final as (

    select
        aggregated.*,
        first_touches.channel as acquisition_channel,
        home_stores.store_id as home_store_id,
        nps_answers.nps_category as latest_nps_category,
        {{ dbt.datediff(
            'aggregated.last_purchase_at', 'reference.reference_at', 'day'
        ) }} as days_since_purchase

    from aggregated

    cross join reference

    left join first_touches
        on
            aggregated.customer_id = first_touches.customer_id
            and first_touches.touch_rank = 1

    left join home_stores
        on
            aggregated.customer_id = home_stores.customer_id
            and home_stores.store_rank = 1

    left join nps_answers
        on
            aggregated.customer_id = nps_answers.customer_id
            and nps_answers.answer_rank = 1

)

select * from final
