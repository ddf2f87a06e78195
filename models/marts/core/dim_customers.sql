{#-
    One row per known customer: a resolved customer holding a shop account,
    an email, a phone or a loyalty card that links (a component of web
    cookies alone is a visitor nobody knows), with what the customer's
    touchpoints add up to (int_customers_aggregated, from the same union
    that fct_customer_journey lays out; test traffic is already left out),
    the customer's country and segment. No email, phone, card or name
    leaves this model. The segment thresholds are dbt_project.yml vars:
    churn_days, segment_high_value_pln, segment_active_days.
-#}

{%- set churn_days = var('churn_days') -%}
{%- set high_value_pln = var('segment_high_value_pln') -%}
{%- set active_days = var('segment_active_days') -%}

with

aggregated as (

    select
        customer_id,
        acquisition_channel,
        home_store_id,
        latest_nps_category,
        lifetime_orders,
        store_purchases,
        returns,  -- noqa: RF04
        calls,
        net_revenue_pln,
        is_erased,
        first_seen_at,
        last_seen_at,
        last_purchase_at,
        days_since_purchase

    from {{ ref('int_customers_aggregated') }}

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

enriched as (

    select
        aggregated.*,
        coalesce(customers.country, stores.country) as country

    from aggregated

    left join customers
        on aggregated.customer_id = customers.customer_id

    left join stores
        on aggregated.home_store_id = stores.store_id

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
