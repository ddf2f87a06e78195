{#-
    One row per call, linked to the shop order its typed order_ref names.
    Matched on the normalised form on both sides (order_ref_to_order_id),
    so that the padding width of the shop's ids does not matter. A ref that
    names no order is kept, with a null order_id and has_unmatched_order_ref.
-#}

with

calls as (

    select
        call_id,
        agent_id,
        caller_number,
        direction,
        queue,
        outcome,
        wrap_code,
        order_ref,
        order_ref_normalised,
        wait_seconds,
        talk_seconds,
        is_caller_withheld,
        is_erased,
        started_at

    from {{ ref('stg_callcenter__calls') }}

),

orders as (

    select order_id

    from {{ ref('stg_shop__orders') }}

),

order_keys as (

    select
        order_id,
        {{ order_ref_to_order_id('order_id') }} as order_ref_normalised

    from orders

),

linked as (

    select
        calls.call_id,
        calls.agent_id,
        order_keys.order_id,
        calls.caller_number,
        calls.direction,
        calls.queue,
        calls.outcome,
        calls.wrap_code,
        calls.order_ref,
        calls.wait_seconds,
        calls.talk_seconds,
        calls.is_caller_withheld,
        calls.is_erased,
        (
            calls.order_ref_normalised is not null
            and order_keys.order_id is null
        ) as has_unmatched_order_ref,
        calls.started_at

    from calls

    left join order_keys
        on calls.order_ref_normalised = order_keys.order_ref_normalised

)

select * from linked
