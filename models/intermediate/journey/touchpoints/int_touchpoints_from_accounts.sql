{#- One touchpoint per shop account opened (account_created). -#}

{{ config(materialized='view') }}

with

customers as (

    select
        customer_id,
        is_erased,
        created_at

    from {{ ref('stg_shop__customers') }}

),

touchpoints as (

    select
        {{ touchpoint_key("'account_created'", 'customer_id') }}
            as touchpoint_id,
        'shop' as source_system,
        'customers' as entity,
        customer_id as record_key,
        customer_id as resolution_key,
        customer_id as source_record_id,
        'account_created' as touchpoint_type,
        'web' as channel,
        is_erased,
        created_at as occurred_at

    from customers

)

select * from touchpoints
