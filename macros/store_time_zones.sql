{% macro store_time_zones() %}
    {#- A select of (store_id, country, time_zone) over the stores reference file
        (source, not stg_stores__stores: staging never reads staging) and
        the country_time_zones seed. Use it as an import CTE of a staging
        model whose records carry local store time. Unknown countries fall
        back to Europe/Warsaw, the company's home. -#}
    select
        trim({{ split_field('stores_reference.line', 1) }}) as store_id,
        upper(trim({{ split_field('stores_reference.line', 4) }})) as country,
        coalesce(
            country_time_zones.time_zone, 'Europe/Warsaw'
        ) as time_zone

    from {{ source('stores', 'stores') }} as stores_reference

    left join {{ ref('country_time_zones') }} as country_time_zones
        on
            upper(trim({{ split_field('stores_reference.line', 4) }}))
            = country_time_zones.country

    where
        {{ field_count('stores_reference.line') }} = 7
        and trim({{ split_field('stores_reference.line', 1) }}) != 'store_id'
{%- endmacro %}
