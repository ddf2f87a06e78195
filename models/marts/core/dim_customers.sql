{#-
    One row per known customer: a resolved customer holding a shop account,
    an email, a phone or a loyalty card that links (a component of web
    cookies alone is a visitor nobody knows), built from the customer's
    touchpoints (int_touchpoints_unioned, the same union that
    fct_customer_journey lays out; test traffic is already left out). No
    email, phone, card or name leaves this model. The segment thresholds
    are dbt_project.yml vars: churn_days, segment_high_value_pln,
    segment_active_days.
    About 250 lines: four imports and one CTE per customer attribute (first
    touch, home store, latest NPS answer, totals), all read from the same
    touchpoints; split, each part would read the union again.
-#}

{%- set churn_days = var('churn_days') -%}
{%- set high_value_pln = var('segment_high_value_pln') -%}
{%- set active_days = var('segment_active_days') -%}

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

    from {{ ref('stg_shop__customers') }}

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

enriched as (

    select
        aggregated.*,
        first_touches.channel as acquisition_channel,
        home_stores.store_id as home_store_id,
        coalesce(customers.country, stores.country) as country,
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

    left join customers
        on aggregated.customer_id = customers.customer_id

    left join stores
        on home_stores.store_id = stores.store_id

    left join nps_answers
        on
            aggregated.customer_id = nps_answers.customer_id
            and nps_answers.answer_rank = 1

),

final as (

    select
        customer_id,
        acquisition_channel,
        country,
        home_store_id,
        case
            when last_purchase_at is null then 'prospect'
            when days_since_purchase > {{ churn_days }} then 'lapsed'
            when
                net_revenue_pln >= {{ high_value_pln }}
                and days_since_purchase <= {{ active_days }}
                then 'champion'
            when net_revenue_pln >= {{ high_value_pln }}
                then 'high_value_at_risk'
            when days_since_purchase <= {{ active_days }} then 'active'
            else 'at_risk'
        end as segment,
        latest_nps_category,
        lifetime_orders,
        store_purchases,
        returns,
        calls,
        cast(net_revenue_pln as decimal(18, 2)) as net_revenue_pln,
        coalesce(
            days_since_purchase > {{ churn_days }}, false
        ) as is_churned,
        is_erased,
        first_seen_at,
        last_seen_at,
        last_purchase_at

    from enriched

)

select * from final
