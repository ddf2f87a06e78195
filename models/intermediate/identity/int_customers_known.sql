{#-
    One row per customer key someone can know: a key (int_customer_keys)
    holding a shop account, an email, a phone or a loyalty card that links
    (not shared). A key of web cookies alone is a visitor nobody knows.
    This model owns that rule: int_touchpoints_unioned flags each
    touchpoint's party by it (is_known_customer), which
    int_customers_aggregated (so dim_customers) and fct_customer_journey
    read.
-#}

with

keys as (

    select
        customer_id,
        identifier_type,
        is_shared

    from {{ ref('int_customer_keys') }}

),

known as (

    select distinct customer_id

    from keys

    where
        customer_id is not null
        and not is_shared
        and identifier_type in (
            'customer_id', 'email', 'phone', 'loyalty_card'
        )

)

select * from known
