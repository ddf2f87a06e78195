{#-
    One row per store, from the reference file, with the time zone its till
    clock runs in (local store time: Europe/Warsaw in Poland, Europe/Prague
    in Czechia, from the country_time_zones seed).
-#}

{#- The landing file, Shopify's locations (docs/sources.md) or no stores. -#}
{%- set stores_source = staging_source('stores') %}
{% if stores_source == 'landing' -%}

with

source as (

    select
        line,
        file_name

    from {{ source('stores', 'stores') }}

),

country_time_zones as (

    select
        country,
        time_zone

    from {{ ref('country_time_zones') }}

),

records as (

    select
        line,
        file_name

    from source

    where {{ is_landing_record('stores', 'stores') }}

),

split as (

    select
        {{ landing_columns(
            'stores', 'stores', aliases={'format': 'store_format'},
        ) }}
        file_name

    from records

),

final as (

    select
        trim(split.store_id) as store_id,
        trim(split.store_name) as store_name,
        trim(split.city) as city,
        upper(trim(split.country)) as country,
        trim(split.region) as region,
        trim(split.store_format) as store_format,
        coalesce(country_time_zones.time_zone, {{ home_time_zone() }})
            as time_zone,
        split.file_name,
        {{ dbt.safe_cast('trim(opened_on)', 'date') }} as opened_on

    from split

    left join country_time_zones
        on upper(trim(split.country)) = country_time_zones.country

    where split.store_id is not null

)

select * from final

{%- elif stores_source == 'shopify' %}

select
    store_id,
    store_name,
    city,
    country,
    region,
    store_format,
    time_zone,
    file_name,
    opened_on

from {{ ref('stg_shopify__locations') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as store_id,
    cast(null as {{ dbt.type_string() }}) as store_name,
    cast(null as {{ dbt.type_string() }}) as city,
    cast(null as {{ dbt.type_string() }}) as country,
    cast(null as {{ dbt.type_string() }}) as region,
    cast(null as {{ dbt.type_string() }}) as store_format,
    cast(null as {{ dbt.type_string() }}) as time_zone,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as date) as opened_on

where false

{%- endif %}
