{#-
    One row per order: the current version of the change-data-capture
    stream (latest updated_at in UTC; ties: the later day folder, then the
    later file). Lines that are not valid JSON or have no order_id are left
    for the quarantine models. total_amount_pln uses the fx rate of the UTC
    day the order was placed (see the model description). An erased
    person's order keeps its row, with the guest email nulled.
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

parsed as (

    select
        {{ json_extract_string('line', '$.order_id') }} as order_id,
        {{ json_extract_string('line', '$.customer_id') }} as customer_id,
        {{ json_extract_string('line', '$.guest_email') }} as guest_email,
        {{ json_extract_string('line', '$.channel') }} as channel,
        {{ json_extract_string('line', '$.status') }} as status,
        {{ json_extract_string('line', '$.currency') }} as currency,
        {{ json_extract_string('line', '$.shipping_method') }}
            as shipping_method,
        {{ json_extract_string('line', '$.total_amount') }} as total_amount,
        {{ json_extract_string('line', '$.promised_delivery_date') }}
            as promised_delivery_date,
        {{ json_extract_string('line', '$.placed_at') }} as placed_at,
        {{ json_extract_string('line', '$.updated_at') }} as updated_at,
        {{ json_extract_string('line', '$.delivered_at') }} as delivered_at,
        file_name,
        partition_date

    from source

    where {{ is_valid_json('line') }}

),

normalised as (

    select
        order_id,
        nullif(trim(customer_id), '') as customer_id,
        nullif(lower(trim(guest_email)), '') as guest_email,
        lower(trim(channel)) as channel,
        lower(trim(status)) as status,
        upper(trim(currency)) as currency,
        shipping_method,
        file_name,
        {{ dbt.safe_cast('trim(total_amount)', 'decimal(18, 2)') }}
            as total_amount,
        partition_date,
        {{ dbt.safe_cast('promised_delivery_date', 'date') }}
            as promised_delivery_date,
        {{ iso_timestamp_to_utc('placed_at') }} as placed_at,
        {{ iso_timestamp_to_utc('updated_at') }} as updated_at,
        {{ iso_timestamp_to_utc('delivered_at') }} as delivered_at

    from parsed

    where order_id is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by order_id
            order by updated_at desc, partition_date desc, file_name desc
        ) as version_rank

    from normalised

),

current_versions as (

    select
        *,
        {{ erasure_flag({
            'customer_id': ['customer_id'],
            'email': ['guest_email'],
        }) }} as is_erased

    from ranked

    where version_rank = 1

),

converted as (

    select
        current_versions.order_id,
        {{ customer_id_unless_erased('current_versions.customer_id') }}
            as customer_id,
        {{ unless_erased('current_versions.guest_email',
            'current_versions.is_erased') }} as guest_email,
        current_versions.channel,
        current_versions.status,
        current_versions.currency,
        current_versions.shipping_method,
        current_versions.file_name,
        current_versions.total_amount,
        cast(
            current_versions.total_amount * fx_rates.rate_to_pln
            as decimal(18, 2)
        ) as total_amount_pln,
        current_versions.is_erased,
        current_versions.partition_date,
        current_versions.promised_delivery_date,
        current_versions.placed_at,
        current_versions.updated_at,
        current_versions.delivered_at

    from current_versions

    left join fx_rates
        on
            current_versions.currency = fx_rates.currency
            and cast(current_versions.placed_at as date) = fx_rates.rate_date

)

select * from converted

{%- elif shop_source == 'shopify' %}

select
    order_id,
    customer_id,
    guest_email,
    channel,
    status,
    currency,
    shipping_method,
    file_name,
    total_amount,
    total_amount_pln,
    is_erased,
    partition_date,
    promised_delivery_date,
    placed_at,
    updated_at,
    delivered_at

from {{ ref('stg_shopify__orders') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as order_id,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as guest_email,
    cast(null as {{ dbt.type_string() }}) as channel,
    cast(null as {{ dbt.type_string() }}) as status,
    cast(null as {{ dbt.type_string() }}) as currency,
    cast(null as {{ dbt.type_string() }}) as shipping_method,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as decimal(18, 2)) as total_amount,
    cast(null as decimal(18, 2)) as total_amount_pln,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as date) as promised_delivery_date,
    cast(null as {{ dbt.type_timestamp() }}) as placed_at,
    cast(null as {{ dbt.type_timestamp() }}) as updated_at,
    cast(null as {{ dbt.type_timestamp() }}) as delivered_at

where false

{%- endif %}
