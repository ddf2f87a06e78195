{#-
    One row per row of Shopify's refund table, with what became of it. A
    refund made after the order was delivered (its delivered event in
    stg_shopify__fulfillment_events) is a return, as the landing contract
    has it (status returned): modelled, the first one of its order (by
    created_at); a second refund of an order already returned is
    deduplicated (further_refund). A refund before delivery (a cancelled
    or undelivered order paid back) is no return: excluded
    (not_a_return); the order's own status says what happened to it.
    returned_at is the refund's processed_at (else created_at), never
    _fivetran_synced.
-#}

{{ config(enabled=staging_source('shop') == 'shopify') }}

with

refunds as (

    select
        id,
        order_id,
        created_at,
        processed_at,
        _fivetran_synced

    from {{ source('shopify', 'refund') }}

),

deliveries as (

    select
        order_id,
        happened_at

    from {{ ref('stg_shopify__fulfillment_events') }}

    where record_status = 'modelled'

),

classified as (

    select
        refunds.id,
        refunds.order_id,
        refunds.created_at,
        refunds._fivetran_synced,
        coalesce(refunds.processed_at, refunds.created_at) as returned_at,
        coalesce(
            coalesce(refunds.processed_at, refunds.created_at)
            >= deliveries.happened_at,
            false
        ) as is_return

    from refunds

    left join deliveries
        on
            cast(refunds.order_id as {{ dbt.type_string() }})
            = deliveries.order_id

),

ranked as (

    select
        *,
        case
            when is_return
                then row_number() over (
                    partition by order_id, is_return
                    order by returned_at, id
                )
        end as return_rank

    from classified

),

final as (

    select
        cast(id as {{ dbt.type_string() }}) as refund_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        case
            when not is_return then 'excluded'
            when return_rank > 1 then 'deduplicated'
            else 'modelled'
        end as record_status,
        case
            when not is_return then 'not_a_return'
            when return_rank > 1 then 'further_refund'
        end as record_rule,
        {#- no rule quarantines a refund -#}
        cast(null as {{ dbt.type_string() }}) as record_reason,
        cast(returned_at as {{ dbt.type_timestamp() }}) as returned_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from ranked

)

select * from final
