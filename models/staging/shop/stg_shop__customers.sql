{#-
    One row per customer: the current version of the change-data-capture
    stream (latest updated_at). Lines that are not valid JSON or have no
    customer_id are left for the quarantine models. Phones to E.164 (the
    customer's country for national numbers). An erased person's customer
    keeps its row under an erased key (customer_id_unless_erased: not the
    customer_id, and not a plain hash of it), with every identifier and
    name nulled.
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

    from {{ source('shop', 'customers') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

parsed as (

    select
        {{ json_extract_string('line', '$.customer_id') }} as customer_id,
        {{ json_extract_string('line', '$.email') }} as email,
        {{ json_extract_string('line', '$.phone') }} as phone,
        {{ json_extract_string('line', '$.first_name') }} as first_name,
        {{ json_extract_string('line', '$.last_name') }} as last_name,
        {{ json_extract_string('line', '$.city') }} as city,
        {{ json_extract_string('line', '$.country') }} as country,
        {{ json_extract_string('line', '$.marketing_opt_in') }}
            as marketing_opt_in,
        {{ json_extract_string('line', '$.created_at') }} as created_at,
        {{ json_extract_string('line', '$.updated_at') }} as updated_at,
        file_name,
        partition_date

    from source

    where {{ is_valid_json('line') }}

),

normalised as (

    select
        customer_id,
        nullif(lower(trim(email)), '') as email,
        {{ phone_to_e164('phone', country='country') }} as phone,
        first_name,
        last_name,
        city,
        upper(trim(country)) as country,
        file_name,
        {{ dbt.safe_cast('marketing_opt_in', dbt.type_boolean()) }}
            as is_marketing_opt_in,
        partition_date,
        {{ iso_timestamp_to_utc('created_at') }} as created_at,
        {{ iso_timestamp_to_utc('updated_at') }} as updated_at

    from parsed

    where customer_id is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by updated_at desc, partition_date desc, file_name desc
        ) as version_rank

    from normalised

),

current_versions as (

    select
        *,
        {{ erasure_flag({
            'customer_id': ['customer_id'],
            'email': ['email'],
            'phone': ['phone'],
        }) }} as is_erased

    from ranked

    where version_rank = 1

),

final as (

    select
        {{ customer_id_unless_erased('customer_id') }} as customer_id,
        {{ unless_erased('email') }} as email,
        {{ unless_erased('phone') }} as phone,
        {{ unless_erased('first_name') }} as first_name,
        {{ unless_erased('last_name') }} as last_name,
        city,
        country,
        file_name,
        is_marketing_opt_in,
        is_erased,
        partition_date,
        created_at,
        updated_at

    from current_versions

)

select * from final

{%- elif shop_source == 'shopify' %}

select
    customer_id,
    email,
    phone,
    first_name,
    last_name,
    city,
    country,
    file_name,
    is_marketing_opt_in,
    is_erased,
    partition_date,
    created_at,
    updated_at

from {{ ref('stg_shopify__customers') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as email,
    cast(null as {{ dbt.type_string() }}) as phone,
    cast(null as {{ dbt.type_string() }}) as first_name,
    cast(null as {{ dbt.type_string() }}) as last_name,
    cast(null as {{ dbt.type_string() }}) as city,
    cast(null as {{ dbt.type_string() }}) as country,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_boolean() }}) as is_marketing_opt_in,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as created_at,
    cast(null as {{ dbt.type_timestamp() }}) as updated_at

where false

{%- endif %}
