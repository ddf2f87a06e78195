{#-
    One row per known customer: a resolved customer (int_customer_keys)
    holding a shop account, an email, a phone or a loyalty card that links
    (a component of web cookies alone is a visitor nobody knows), and who
    is not test traffic. Touches are the customer's own records: account sign-up,
    clickstream events, email opens and clicks, orders, calls, store
    receipts, loyalty enrolments and survey answers (invitations and plain
    sends are the company's, not the customer's). No email, phone, card or
    name leaves this model.
-#}

{%- set churn_days = var('churn_days', 180) -%}

with

resolved as (

    select
        source_system,
        entity,
        source_record_id,
        customer_id

    from {{ ref('int_records_resolved') }}

    where customer_id is not null

),

keys as (

    select
        customer_id,
        identifier_type,
        is_shared

    from {{ ref('int_customer_keys') }}

    where customer_id is not null

),

test_records as (

    select
        source_system,
        entity,
        record_id

    from {{ ref('int_test_traffic_identified') }}

),

customers as (

    select
        customer_id,
        country,
        is_erased,
        created_at

    from {{ ref('stg_shop__customers') }}

),

orders as (

    select
        order_id,
        channel,
        status,
        total_amount_pln,
        is_erased,
        placed_at

    from {{ ref('stg_shop__orders') }}

),

events as (

    select
        event_id,
        occurred_at

    from {{ ref('stg_shop__events') }}

),

email_events as (

    select
        message_id,
        occurred_at

    from {{ ref('stg_marketing__email_events') }}

    where event_type in ('open', 'click')

),

calls as (

    select
        call_id,
        started_at

    from {{ ref('stg_callcenter__calls') }}

),

transactions as (

    select
        receipt_id,
        store_id,
        total_amount_pln,
        is_return,
        is_erased,
        occurred_at

    from {{ ref('stg_stores__transactions') }}

),

loyalty_members as (

    select
        card_number,
        enrolled_store_id,
        is_erased,
        enrolled_at

    from {{ ref('stg_stores__loyalty_members') }}

),

stores as (

    select
        store_id,
        country

    from {{ ref('stg_stores__stores') }}

),

responses as (

    select
        response_id,
        survey_type,
        score,
        submitted_at

    from {{ ref('int_survey_responses_counted') }}

),

known_customers as (

    select distinct customer_id

    from keys

    where
        not is_shared
        and identifier_type in (
            'customer_id', 'email', 'phone', 'loyalty_card'
        )

),

test_customers as (

    select distinct resolved.customer_id

    from resolved

    inner join test_records
        on
            resolved.source_system = test_records.source_system
            and resolved.entity = test_records.entity
            and resolved.source_record_id = test_records.record_id

),

touches as (

    {#- customer_id, channel, store_id, is_purchase, is_return,
        is_erased, revenue_pln, occurred_at -#}
    select
        resolved.customer_id,
        'web' as channel,
        cast(null as {{ dbt.type_string() }}) as store_id,
        false as is_purchase,
        false as is_return,
        customers.is_erased,
        cast(0 as {{ dbt.type_numeric() }}) as revenue_pln,
        customers.created_at as occurred_at
    from customers
    inner join resolved
        on
            resolved.entity = 'customers'
            and customers.customer_id = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        'web' as channel,
        null as store_id,
        false as is_purchase,
        false as is_return,
        false as is_erased,
        0 as revenue_pln,
        events.occurred_at
    from events
    inner join resolved
        on
            resolved.entity = 'events'
            and events.event_id = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        'email' as channel,
        null as store_id,
        false as is_purchase,
        false as is_return,
        false as is_erased,
        0 as revenue_pln,
        email_events.occurred_at
    from email_events
    inner join resolved
        on
            resolved.entity = 'email_events'
            and email_events.message_id = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        orders.channel,
        null as store_id,
        orders.status != 'cancelled' as is_purchase,
        orders.status = 'returned' as is_return,
        orders.is_erased,
        case
            when orders.status in ('cancelled', 'returned') then 0
            else orders.total_amount_pln
        end as revenue_pln,
        orders.placed_at as occurred_at
    from orders
    inner join resolved
        on
            resolved.entity = 'orders'
            and orders.order_id = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        'call_center' as channel,
        null as store_id,
        false as is_purchase,
        false as is_return,
        false as is_erased,
        0 as revenue_pln,
        calls.started_at as occurred_at
    from calls
    inner join resolved
        on
            resolved.entity = 'calls'
            and calls.call_id = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        'store' as channel,
        transactions.store_id,
        not transactions.is_return as is_purchase,
        transactions.is_return,
        transactions.is_erased,
        transactions.total_amount_pln as revenue_pln,
        transactions.occurred_at
    from transactions
    inner join resolved
        on
            resolved.entity = 'transactions'
            and transactions.receipt_id = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        'store' as channel,
        loyalty_members.enrolled_store_id as store_id,
        false as is_purchase,
        false as is_return,
        loyalty_members.is_erased,
        0 as revenue_pln,
        loyalty_members.enrolled_at as occurred_at
    from loyalty_members
    inner join resolved
        on
            resolved.entity = 'loyalty_members'
            and loyalty_members.card_number = resolved.source_record_id

    union all

    select
        resolved.customer_id,
        'survey' as channel,
        null as store_id,
        false as is_purchase,
        false as is_return,
        false as is_erased,
        0 as revenue_pln,
        responses.submitted_at as occurred_at
    from responses
    inner join resolved
        on
            resolved.entity = 'responses'
            and responses.response_id = resolved.source_record_id

),

customer_touches as (

    select touches.*

    from touches

    inner join known_customers
        on touches.customer_id = known_customers.customer_id

    left join test_customers
        on touches.customer_id = test_customers.customer_id

    where test_customers.customer_id is null

),

first_touches as (

    select
        customer_id,
        channel,
        row_number() over (
            partition by customer_id
            order by occurred_at, channel
        ) as touch_rank

    from customer_touches

    where occurred_at is not null

),

store_visits as (

    select
        customer_id,
        store_id,
        count(*) as visits,
        max(occurred_at) as last_visit_at

    from customer_touches

    where store_id is not null

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
        resolved.customer_id,
        case
            when responses.score >= 9 then 'promoter'
            when responses.score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,
        row_number() over (
            partition by resolved.customer_id
            order by responses.submitted_at desc, responses.response_id desc
        ) as answer_rank

    from responses

    inner join resolved
        on
            resolved.entity = 'responses'
            and responses.response_id = resolved.source_record_id

    where responses.survey_type = 'nps'

),

reference as (

    select max(occurred_at) as reference_at

    from customer_touches

),

aggregated as (

    select
        customer_id,
        cast(sum(
            case when is_purchase and channel != 'store' then 1 else 0 end
        ) as {{ dbt.type_int() }}) as lifetime_orders,
        cast(sum(
            case when is_purchase and channel = 'store' then 1 else 0 end
        ) as {{ dbt.type_int() }}) as store_purchases,
        cast(sum(
            case when is_return then 1 else 0 end
        ) as {{ dbt.type_int() }}) as returns,  -- noqa: RF04
        cast(sum(
            case when channel = 'call_center' then 1 else 0 end
        ) as {{ dbt.type_int() }}) as calls,
        sum(revenue_pln) as net_revenue_pln,
        max(case when is_erased then 1 else 0 end) = 1 as is_erased,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        max(case when is_purchase then occurred_at end) as last_purchase_at

    from customer_touches

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
            when net_revenue_pln >= 2000 and days_since_purchase <= 90
                then 'champion'
            when net_revenue_pln >= 2000 then 'high_value_at_risk'
            when days_since_purchase <= 90 then 'active'
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
