{#-
    One row per row of Shopify's fulfillment_event table (carrier tracking
    events), with what became of it: a soft-deleted event is excluded
    (deleted_in_source), and so is any status but delivered
    (not_a_delivery); an order delivered twice (two delivered events, e.g.
    one per fulfillment of a split shipment) is delivered at the last, the
    earlier ones deduplicated (earlier_delivery). delivered_at is the
    carrier's happened_at, never _fivetran_synced.
-#}

{{ config(enabled=staging_source('shop') == 'shopify') }}

with

events as (

    select
        id,
        fulfillment_id,
        order_id,
        status,
        happened_at,
        estimated_delivery_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('shopify', 'fulfillment_event') }}

),

classified as (

    select
        *,
        coalesce(_fivetran_deleted, false) as is_deleted,
        coalesce(lower(status), '') = 'delivered' as is_delivery

    from events

),

ranked as (

    select
        *,
        case
            when not is_deleted and is_delivery
                then row_number() over (
                    partition by order_id, is_deleted, is_delivery
                    order by happened_at desc, id desc
                )
        end as delivery_rank

    from classified

),

final as (

    select
        cast(id as {{ dbt.type_string() }}) as fulfillment_event_id,
        cast(fulfillment_id as {{ dbt.type_string() }}) as fulfillment_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        lower(status) as status,
        case
            when is_deleted or not is_delivery then 'excluded'
            when delivery_rank > 1 then 'deduplicated'
            else 'modelled'
        end as record_status,
        case
            when is_deleted then 'deleted_in_source'
            when not is_delivery then 'not_a_delivery'
            when delivery_rank > 1 then 'earlier_delivery'
        end as record_rule,
        {#- no rule quarantines an event -#}
        cast(null as {{ dbt.type_string() }}) as record_reason,
        cast(happened_at as {{ dbt.type_timestamp() }}) as happened_at,
        cast(estimated_delivery_at as {{ dbt.type_timestamp() }})
            as estimated_delivery_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from ranked

)

select * from final
