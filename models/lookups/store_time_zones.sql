{#-
    One row per store of the stores reference file: its country and time
    zone (the country_time_zones seed; an unknown country falls back to
    Europe/Warsaw, the company's home). The staging models whose records
    carry local store time read it through ref(), so that each reads no
    source but its own. Ephemeral: a lookup of a few rows, computed where
    it is read.
-#}

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
