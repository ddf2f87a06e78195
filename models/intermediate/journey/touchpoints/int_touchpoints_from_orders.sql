{#-
    Up to three touchpoints per shop order: placed (its revenue), delivered,
    and cancelled or returned at the current version's updated_at, when the
    order was last changed (revenue taken back). A delivery, cancellation
    or return belongs to the journey of the order placed.
-#}

{{ config(materialized='view') }}

with

orders as (

    select
        order_id,
        channel,
        status,
        total_amount_pln,
        placed_at,
        updated_at,
        is_erased,
        delivered_at

    from {{ ref('stg_shop__orders') }}

),

order_events as (

    select
        order_id,
        'order_placed' as touchpoint_type,
        channel,
        total_amount_pln as revenue_pln,
        is_erased,
        placed_at as occurred_at

    from orders

    union all

    select
        order_id,
        'order_delivered' as touchpoint_type,
        channel,
        null as revenue_pln,
        is_erased,
        delivered_at as occurred_at

    from orders

    where delivered_at is not null

    union all

    select
        order_id,
        {{ dbt.concat(["'order_'", 'status']) }} as touchpoint_type,
        channel,
        -total_amount_pln as revenue_pln,
        is_erased,
        updated_at as occurred_at

    from orders

    where status in ('cancelled', 'returned')

),

touchpoints as (

    select
        {{ touchpoint_key('touchpoint_type', 'order_id') }} as touchpoint_id,
        'shop' as source_system,
        'orders' as entity,
        order_id as record_key,
        order_id as resolution_key,
        order_id as source_record_id,
        touchpoint_type,
        channel,
        case
            when touchpoint_type != 'order_placed'
                then {{ touchpoint_key("'order_placed'", 'order_id') }}
        end as anchor_touchpoint_id,
        revenue_pln,
        is_erased,
        occurred_at

    from order_events

)

select * from touchpoints
