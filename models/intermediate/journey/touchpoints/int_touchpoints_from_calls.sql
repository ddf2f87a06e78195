{#-
    One touchpoint per call; a call about an order (int_calls_linked)
    belongs to the journey of the order placed.
-#}

{{ config(materialized='view') }}

with

calls as (

    select
        call_id,
        agent_id,
        order_id,
        is_erased,
        started_at

    from {{ ref('int_calls_linked') }}

),

touchpoints as (

    select
        {{ touchpoint_key("'call'", 'call_id') }} as touchpoint_id,
        'callcenter' as source_system,
        'calls' as entity,
        call_id as record_key,
        call_id as resolution_key,
        call_id as source_record_id,
        'call' as touchpoint_type,
        'call_center' as channel,
        agent_id,
        case
            when order_id is not null
                then {{ touchpoint_key("'order_placed'", 'order_id') }}
        end as anchor_touchpoint_id,
        is_erased,
        started_at as occurred_at

    from calls

)

select * from touchpoints
