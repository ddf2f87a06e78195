{#-
    One row per store of the stores reference file: its country and time
    zone (the country_time_zones seed; an unknown country falls back to
    Europe/Warsaw, the company's home). The staging models whose records
    carry local store time read it through ref(), so that each reads no
    source but its own. Ephemeral: a lookup of a few rows, computed where
    it is read. With stores_source shopify, the stores are Shopify's
    locations (stg_shopify__locations, which gives their time zone the same
    way), and the loyalty members, still landing files, are localised with
    them. No stores (none): no rows.
-#}

{%- set stores_source = staging_source('stores') %}
{% if stores_source == 'shopify' -%}

select
    store_id,
    country,
    time_zone

from {{ ref('stg_shopify__locations') }}

where record_status = 'modelled'

{%- elif stores_source == 'none' %}

select
    cast(null as {{ dbt.type_string() }}) as store_id,
    cast(null as {{ dbt.type_string() }}) as country,
    cast(null as {{ dbt.type_string() }}) as time_zone

where false

{%- else %}

with

stores_reference as (

    select line

    from {{ source('stores', 'stores') }}

),

country_time_zones as (

    select
        country,
        time_zone

    from {{ ref('country_time_zones') }}

),

stores as (

    select
        trim({{ landing_field('stores', 'stores', 'store_id') }}) as store_id,
        upper(trim({{ landing_field('stores', 'stores', 'country') }}))
            as country

    from stores_reference

    where {{ is_landing_record('stores', 'stores') }}

),

final as (

    select
        stores.store_id,
        stores.country,
        coalesce(
            country_time_zones.time_zone, {{ home_time_zone() }}
        ) as time_zone

    from stores

    left join country_time_zones
        on stores.country = country_time_zones.country

)

select * from final

{%- endif %}
