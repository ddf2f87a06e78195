{#-
    One row per row of Shopify's order table, with what became of it
    (record_status, record_rule), in the columns of stg_shop__orders, keyed
    by the order's name (order_id) and its Shopify id (source_record_id). The
    rules, in order: an order id loaded more than once (an edited order
    re-synced with a changed total, a destination in history mode) counts
    in its latest version (by updated_at, then _fivetran_synced), the
    others deduplicated (superseded_version); a soft-deleted order
    (_fivetran_deleted) and a test order (test) are excluded; an order
    (web or point of sale) in a currency the warehouse has no rates for is
    quarantined (unknown_currency); a point-of-sale order (source_name pos,
    or a location_id) is a store purchase, not a web shop order: excluded
    (store_purchase; with stores_source shopify, stg_stores__transactions
    reads these rows as receipts), but a sale in a test store
    (stg_shopify__locations) is excluded as test_store. placed_at is processed_at (else created_at),
    never _fivetran_synced. status, as the landing contract's: cancelled
    (cancelled_at), returned (a refund after delivery:
    stg_shopify__refunds), delivered (a delivered fulfillment event:
    stg_shopify__fulfillment_events), shipped (fulfillment_status), paid
    (financial_status), else placed. A guest order (no customer) keeps
    its email as guest_email; an erased person's order keeps its row.
-#}

{{ config(enabled=staging_source('shop') == 'shopify') }}

{%- set stores_on_shopify = staging_source('stores') == 'shopify' %}

with

orders as (

    select
        id,
        customer_id,
        email,
        name,
        source_name,
        location_id,
        financial_status,
        fulfillment_status,
        currency,
        total_price,
        test,
        created_at,
        processed_at,
        updated_at,
        cancelled_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('shopify', 'order') }}

),

deliveries as (

    select
        order_id,
        happened_at,
        estimated_delivery_at

    from {{ ref('stg_shopify__fulfillment_events') }}

    where record_status = 'modelled'

),

returns as (

    select order_id

    from {{ ref('stg_shopify__refunds') }}

    where record_status = 'modelled'

),

fx_rates as (

    select
        rate_date,
        currency,
        rate_to_pln

    from {{ ref('fx_rates') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

test_stores as (
    {#- the test stores' location ids: none unless the stores are
        Shopify's -#}
    {%- if stores_on_shopify %}

    select store_id

    from {{ ref('stg_shopify__locations') }}

    where record_rule = 'test_store'
    {%- else %}

    select cast(null as {{ dbt.type_string() }}) as store_id

    where false
    {%- endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by id
            order by updated_at desc, _fivetran_synced desc
        ) as version_rank

    from orders

),

classified as (

    select
        ranked.*,
        upper(trim(ranked.currency)) as currency_code,
        case
            when ranked.version_rank > 1 then 'superseded_version'
            when coalesce(ranked._fivetran_deleted, false)
                then 'deleted_in_source'
            when coalesce(ranked.test, false) then 'test_order'
            when
                coalesce(upper(trim(ranked.currency)), '')
                not in ('PLN', 'CZK', 'EUR')
                then 'unknown_currency'
            when test_stores.store_id is not null then 'test_store'
            when
                lower(ranked.source_name) = 'pos'
                or ranked.location_id is not null
                then 'store_purchase'
        end as record_rule

    from ranked

    left join test_stores
        on
            cast(ranked.location_id as {{ dbt.type_string() }})
            = test_stores.store_id

),

normalised as (

    select
        {{ surrogate_key([
            'classified.id', 'classified.updated_at',
            'classified._fivetran_synced',
        ]) }} as order_version_id,
        {#- the order number customers, agents and surveys quote: the
            order's name in the shop's form (DECISIONS.md, "Shopify order
            keys"); the numeric id stays as source_record_id -#}
        coalesce(
            {{ order_ref_to_order_id('classified.name') }},
            cast(classified.id as {{ dbt.type_string() }})
        ) as order_id,
        cast(classified.id as {{ dbt.type_string() }}) as source_record_id,
        cast(classified.location_id as {{ dbt.type_string() }}) as store_id,
        cast(classified.customer_id as {{ dbt.type_string() }})
            as source_customer_id,
        case
            when classified.customer_id is null
                then nullif(lower(trim(classified.email)), '')
        end as guest_email,
        case
            when lower(classified.source_name) in ('iphone', 'android')
                then 'app'
            else 'web'
        end as channel,
        case
            when classified.cancelled_at is not null then 'cancelled'
            when returns.order_id is not null then 'returned'
            when deliveries.order_id is not null then 'delivered'
            when
                lower(classified.fulfillment_status) in ('fulfilled', 'partial')
                then 'shipped'
            when
                lower(classified.financial_status) in (
                    'paid', 'partially_paid', 'partially_refunded', 'refunded'
                )
                then 'paid'
            else 'placed'
        end as status,
        classified.currency_code as currency,
        classified.record_rule,
        cast(classified.total_price as decimal(18, 2)) as total_amount,
        cast(deliveries.estimated_delivery_at as date)
            as promised_delivery_date,
        cast(
            coalesce(classified.processed_at, classified.created_at)
            as {{ dbt.type_timestamp() }}
        ) as placed_at,
        cast(
            coalesce(classified.updated_at, classified.created_at)
            as {{ dbt.type_timestamp() }}
        ) as updated_at,
        cast(deliveries.happened_at as {{ dbt.type_timestamp() }})
            as delivered_at,
        cast(classified._fivetran_synced as {{ dbt.type_timestamp() }})
            as synced_at

    from classified

    left join deliveries
        on cast(classified.id as {{ dbt.type_string() }}) = deliveries.order_id

    left join returns
        on cast(classified.id as {{ dbt.type_string() }}) = returns.order_id

),

flagged as (

    select
        *,
        {{ erasure_flag({
            'customer_id': ['source_customer_id'],
            'email': ['guest_email'],
        }) }} as is_erased

    from normalised

),

final as (

    select
        flagged.order_version_id,
        flagged.order_id,
        flagged.source_record_id,
        flagged.store_id,
        {{ customer_id_unless_erased('flagged.source_customer_id') }}
            as customer_id,
        {{ unless_erased('flagged.guest_email', 'flagged.is_erased') }}
            as guest_email,
        flagged.channel,
        flagged.status,
        flagged.currency,
        {#- Shopify keeps the shipping method on shipping lines, not read -#}
        cast(null as {{ dbt.type_string() }}) as shipping_method,
        'shopify.order' as file_name,
        case
            when flagged.record_rule is null then 'modelled'
            when flagged.record_rule = 'superseded_version'
                then 'deduplicated'
            when flagged.record_rule = 'unknown_currency' then 'quarantined'
            else 'excluded'
        end as record_status,
        flagged.record_rule,
        case
            when flagged.record_rule = 'unknown_currency'
                then
                    'currency ' || coalesce(flagged.currency, 'null')
                    || ' has no fx rate (PLN, CZK or EUR)'
        end as record_reason,
        flagged.total_amount,
        cast(
            flagged.total_amount * fx_rates.rate_to_pln as decimal(18, 2)
        ) as total_amount_pln,
        flagged.is_erased,
        cast(flagged.synced_at as date) as partition_date,
        flagged.promised_delivery_date,
        flagged.placed_at,
        flagged.updated_at,
        flagged.delivered_at,
        flagged.synced_at

    from flagged

    left join fx_rates
        on
            flagged.currency = fx_rates.currency
            and cast(flagged.placed_at as date) = fx_rates.rate_date

)

select * from final
