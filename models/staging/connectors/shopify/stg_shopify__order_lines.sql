{#-
    One row per row of Shopify's order_line table, in the columns of
    stg_shop__order_items, its order_id its order's (the order's name:
    stg_shopify__orders), with what became of it: a line of a modelled
    order is modelled (item_number its 1-based position by index); a line
    of an order that is not (deleted, a test order, a store purchase ...:
    stg_shopify__orders) is excluded with its order's rule; a line whose
    order is not in the order table is quarantined (order_missing).
-#}

{{ config(enabled=staging_source('shop') == 'shopify') }}

with

lines as (

    select
        id,
        order_id,
        {{ adapter.quote('index') }} as line_index,
        sku,
        quantity,
        price,
        _fivetran_synced

    from {{ source('shopify', 'order_line') }}

),

orders as (

    select
        order_id,
        source_record_id,
        record_status,
        record_rule

    from {{ ref('stg_shopify__orders') }}

    where record_status != 'deduplicated'

),

joined as (

    select
        cast(lines.id as {{ dbt.type_string() }}) as order_item_id,
        coalesce(
            orders.order_id, cast(lines.order_id as {{ dbt.type_string() }})
        ) as order_id,
        lines.sku,
        lines.line_index,
        lines.id,
        lines.quantity,
        lines.price,
        lines._fivetran_synced,
        case
            when orders.order_id is null then 'order_missing'
            when orders.record_status != 'modelled' then orders.record_rule
        end as record_rule

    from lines

    left join orders
        on
            cast(lines.order_id as {{ dbt.type_string() }})
            = orders.source_record_id

),

final as (

    select
        order_item_id,
        order_id,
        sku,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'order_missing' then 'quarantined'
            else 'excluded'
        end as record_status,
        record_rule,
        case
            when record_rule = 'order_missing'
                then 'order ' || order_id || ' is not in the order table'
        end as record_reason,
        cast(row_number() over (
            partition by order_id order by line_index, id
        ) as {{ dbt.type_bigint() }}) as item_number,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        cast(price as decimal(18, 2)) as unit_price,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from joined

)

select * from final
