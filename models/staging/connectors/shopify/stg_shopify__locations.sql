{#-
    One row per row of Shopify's location table, in the columns of
    stg_stores__stores, with what became of it (record_status,
    record_rule): a location id loaded twice keeps its latest version (by
    updated_at, then _fivetran_synced), the others deduplicated
    (superseded_version); a soft-deleted location (_fivetran_deleted) is
    excluded (deleted_in_source), and so is a test store: its lower-cased
    name matches one of var shopify_test_location_patterns (test_store).
    store_id is the location id as text; region the province; time_zone
    from the country as for the landing stores (the country_time_zones
    seed, else Europe/Warsaw). Shopify has no store format nor opening
    date: both null.
-#}

{{ config(enabled=staging_source('stores') == 'shopify') }}

with

locations as (

    select
        id,
        name,
        city,
        country_code,
        province,
        updated_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('shopify', 'location') }}

),

country_time_zones as (

    select
        country,
        time_zone

    from {{ ref('country_time_zones') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by id
            order by updated_at desc, _fivetran_synced desc
        ) as version_rank

    from locations

),

classified as (

    select
        ranked.*,
        case
            when ranked.version_rank > 1 then 'superseded_version'
            when coalesce(ranked._fivetran_deleted, false)
                then 'deleted_in_source'
            {%- for pattern in var('shopify_test_location_patterns') %}
            when lower(ranked.name) like '{{ pattern }}' then 'test_store'
            {%- endfor %}
        end as record_rule

    from ranked

),

final as (

    select
        {{ surrogate_key([
            'classified.id', 'classified.updated_at',
            'classified._fivetran_synced',
        ]) }} as location_version_id,
        cast(classified.id as {{ dbt.type_string() }}) as store_id,
        trim(classified.name) as store_name,
        trim(classified.city) as city,
        upper(trim(classified.country_code)) as country,
        trim(classified.province) as region,
        cast(null as {{ dbt.type_string() }}) as store_format,
        coalesce(country_time_zones.time_zone, {{ home_time_zone() }})
            as time_zone,
        'shopify.location' as file_name,
        case
            when classified.record_rule is null then 'modelled'
            when classified.record_rule = 'superseded_version'
                then 'deduplicated'
            else 'excluded'
        end as record_status,
        classified.record_rule,
        cast(null as {{ dbt.type_string() }}) as record_reason,
        cast(classified._fivetran_synced as date) as partition_date,
        cast(null as date) as opened_on

    from classified

    left join country_time_zones
        on upper(trim(classified.country_code)) = country_time_zones.country

)

select * from final
