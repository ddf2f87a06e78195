{#-
    One row per till receipt. The header line and blank lines are not
    records; rows with the wrong number of fields are left for the
    quarantine models. A receipt landed twice is kept once (latest file).
    occurred_at is local store time (the store's country: Europe/Warsaw or
    Europe/Prague, from the stores file via store_time_zones), converted
    to UTC; total_amount_pln uses the fx rate of the UTC day of the receipt.
    An erased person's receipts keep their rows, with the card nulled.
-#}

{#- The landing files, Shopify's POS orders (docs/sources.md) or no
    stores. -#}
{%- set stores_source = staging_source('stores') %}
{% if stores_source == 'landing' -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('stores', 'transactions') }}

),

stores as (

    select
        store_id,
        country,
        time_zone

    from {{ ref('store_time_zones') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

fx_rates as (

    select
        rate_date,
        currency,
        rate_to_pln

    from {{ ref('fx_rates') }}

),

records as (

    select
        line,
        file_name,
        partition_date

    from source

    where {{ is_landing_record('stores', 'transactions') }}

),

split as (

    select
        {{ landing_columns('stores', 'transactions') }}
        file_name,
        partition_date

    from records

),

trimmed as (

    select
        trim(receipt_id) as receipt_id,
        trim(store_id) as store_id,
        trim(loyalty_card) as loyalty_card,
        trim(original_receipt_id) as original_receipt_id,
        upper(trim(currency)) as currency,
        lower(trim(payment_method)) as payment_method,
        trim(total_amount) as total_amount,
        trim(items_count) as items_count,
        lower(trim(is_return)) as is_return,
        trim(occurred_at) as occurred_at,
        file_name,
        partition_date

    from split

),

ranked as (

    select
        *,
        row_number() over (
            partition by receipt_id
            order by partition_date desc, file_name desc
        ) as delivery_rank

    from trimmed

    where receipt_id is not null

),

converted as (

    select
        ranked.receipt_id,
        ranked.store_id,
        nullif(ranked.loyalty_card, '') as loyalty_card,
        nullif(ranked.original_receipt_id, '') as original_receipt_id,
        ranked.currency,
        ranked.payment_method,
        ranked.file_name,
        {{ dbt.safe_cast('ranked.total_amount', 'decimal(18, 2)') }}
            as total_amount,
        {{ dbt.safe_cast('ranked.items_count', dbt.type_int()) }}
            as items_count,
        {{ dbt.safe_cast('ranked.is_return', dbt.type_boolean()) }}
            as is_return,
        {{ erasure_flag({'loyalty_card': ['ranked.loyalty_card']}) }}
            as is_erased,
        ranked.partition_date,
        {{ local_timestamp_to_utc(
            'ranked.occurred_at',
            "coalesce(stores.time_zone, " ~ home_time_zone() ~ ")"
        ) }} as occurred_at

    from ranked

    left join stores
        on ranked.store_id = stores.store_id

    where ranked.delivery_rank = 1

),

final as (

    select
        converted.receipt_id,
        converted.store_id,
        {{ unless_erased('converted.loyalty_card', 'converted.is_erased') }}
            as loyalty_card,
        converted.original_receipt_id,
        converted.currency,
        converted.payment_method,
        converted.file_name,
        converted.total_amount,
        cast(
            converted.total_amount * fx_rates.rate_to_pln as decimal(18, 2)
        ) as total_amount_pln,
        converted.items_count,
        converted.is_return,
        converted.is_erased,
        converted.partition_date,
        converted.occurred_at

    from converted

    left join fx_rates
        on
            converted.currency = fx_rates.currency
            and cast(converted.occurred_at as date) = fx_rates.rate_date

)

select * from final

{%- elif stores_source == 'shopify' %}

{#- A POS order is a receipt: the store_purchase rows of the order table
    (stg_shopify__orders, the order table's one row per source row in
    quality_reconciliation), keyed by the order's name as the web shop's
    orders are (DECISIONS.md, "Shopify POS orders as receipts"). Shopify
    keeps times in UTC and has no loyalty card; the payment gateway is on
    its transaction table, not read; items_count is the sum of the order's
    line quantities. A refund of a POS order is not read as a return. -#}

with

pos_orders as (

    select
        order_id,
        source_record_id,
        store_id,
        currency,
        file_name,
        total_amount,
        total_amount_pln,
        is_erased,
        partition_date,
        placed_at

    from {{ ref('stg_shopify__orders') }}

    where record_rule = 'store_purchase'

),

pos_lines as (

    select
        order_id,
        sum(quantity) as items_count

    from {{ ref('stg_shopify__order_lines') }}

    where record_rule = 'store_purchase'

    group by order_id

),

final as (

    select
        pos_orders.order_id as receipt_id,
        pos_orders.store_id,
        cast(null as {{ dbt.type_string() }}) as loyalty_card,
        cast(null as {{ dbt.type_string() }}) as original_receipt_id,
        pos_orders.currency,
        cast(null as {{ dbt.type_string() }}) as payment_method,
        pos_orders.file_name,
        pos_orders.total_amount,
        pos_orders.total_amount_pln,
        cast(
            coalesce(pos_lines.items_count, 0) as {{ dbt.type_int() }}
        ) as items_count,
        false as is_return,
        pos_orders.is_erased,
        pos_orders.partition_date,
        pos_orders.placed_at as occurred_at

    from pos_orders

    left join pos_lines
        on pos_orders.order_id = pos_lines.order_id

)

select * from final

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as receipt_id,
    cast(null as {{ dbt.type_string() }}) as store_id,
    cast(null as {{ dbt.type_string() }}) as loyalty_card,
    cast(null as {{ dbt.type_string() }}) as original_receipt_id,
    cast(null as {{ dbt.type_string() }}) as currency,
    cast(null as {{ dbt.type_string() }}) as payment_method,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as decimal(18, 2)) as total_amount,
    cast(null as decimal(18, 2)) as total_amount_pln,
    cast(null as {{ dbt.type_int() }}) as items_count,
    cast(null as {{ dbt.type_boolean() }}) as is_return,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as occurred_at

where false

{%- endif %}
