{#-
    One row per item of the current version of each order (the same CDC
    rule as stg_shop__orders: latest updated_at in UTC, then the later day
    folder and file). The items array is unnested with json_array_elements.
-#}

{#- The landing files, the Shopify connector (docs/sources.md) or no web
    shop. -#}
{%- set shop_source = staging_source('shop') %}
{% if shop_source == 'landing' -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('shop', 'orders') }}

),

parsed as (

    select
        line,
        {{ json_extract_string('line', '$.order_id') }} as order_id,
        {{ iso_timestamp_to_utc(
            json_extract_string('line', '$.updated_at')
        ) }} as updated_at,
        file_name,
        partition_date

    from source

    where {{ is_valid_json('line') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by order_id
            order by updated_at desc, partition_date desc, file_name desc
        ) as version_rank

    from parsed

    where order_id is not null

),

current_versions as (

    select
        order_id,
        {{ json_extract_string('line', '$.items') }} as items_json

    from ranked

    where version_rank = 1

),

items as (

    select
        current_versions.order_id,
        item_elements.item,
        item_elements.item_index

    from current_versions
    {{ json_array_elements(
        'current_versions.items_json', 'item', 'item_index'
    ) }}

),

final as (

    select
        {{ surrogate_key(['order_id', 'item_index']) }} as order_item_id,
        order_id,
        {{ json_extract_string('item', '$.sku') }} as sku,
        cast(item_index + 1 as {{ dbt.type_bigint() }}) as item_number,
        {{ dbt.safe_cast(
            json_extract_string('item', '$.quantity'), dbt.type_int()
        ) }} as quantity,
        {{ dbt.safe_cast(
            json_extract_string('item', '$.unit_price'), 'decimal(18, 2)'
        ) }} as unit_price

    from items

)

select * from final

{%- elif shop_source == 'shopify' %}

select
    order_item_id,
    order_id,
    sku,
    item_number,
    quantity,
    unit_price

from {{ ref('stg_shopify__order_lines') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as order_item_id,
    cast(null as {{ dbt.type_string() }}) as order_id,
    cast(null as {{ dbt.type_string() }}) as sku,
    cast(null as {{ dbt.type_bigint() }}) as item_number,
    cast(null as {{ dbt.type_int() }}) as quantity,
    cast(null as decimal(18, 2)) as unit_price

where false

{%- endif %}
