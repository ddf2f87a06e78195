{#-
    One touchpoint per loyalty enrolment, resolved by its card number.
-#}

{{ config(materialized='view') }}

with

loyalty_members as (

    select
        loyalty_member_id,
        card_number,
        enrolled_store_id,
        is_erased,
        enrolled_at

    from {{ ref('stg_stores__loyalty_members') }}

),

touchpoints as (

    select
        {{ touchpoint_key("'loyalty_enrolment'", 'loyalty_member_id') }}
            as touchpoint_id,
        'stores' as source_system,
        'loyalty_members' as entity,
        loyalty_member_id as record_key,
        card_number as resolution_key,
        loyalty_member_id as source_record_id,
        'loyalty_enrolment' as touchpoint_type,
        'store' as channel,
        enrolled_store_id as store_id,
        is_erased,
        enrolled_at as occurred_at

    from loyalty_members

)

select * from touchpoints
