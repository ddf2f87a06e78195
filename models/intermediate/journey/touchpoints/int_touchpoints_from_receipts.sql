{#-
    One touchpoint per store receipt: a purchase, or a return that belongs
    to the journey of the receipt it returns.
-#}

{{ config(materialized='view') }}

with

transactions as (

    select
        receipt_id,
        store_id,
        original_receipt_id,
        total_amount_pln,
        is_return,
        is_erased,
        occurred_at

    from {{ ref('stg_stores__transactions') }}

),

touchpoints as (

    select
        {{ touchpoint_key("'store_receipt'", 'receipt_id') }}
            as touchpoint_id,
        'stores' as source_system,
        'transactions' as entity,
        receipt_id as record_key,
        receipt_id as resolution_key,
        receipt_id as source_record_id,
        case when is_return then 'store_return' else 'store_purchase' end
            as touchpoint_type,
        'store' as channel,
        store_id,
        case
            when is_return and original_receipt_id is not null
                then {{ touchpoint_key(
                    "'store_receipt'", 'original_receipt_id'
                ) }}
        end as anchor_touchpoint_id,
        total_amount_pln as revenue_pln,
        is_erased,
        occurred_at

    from transactions

)

select * from touchpoints
