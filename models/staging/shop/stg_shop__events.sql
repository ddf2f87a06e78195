{#-
    One row per clickstream event. Delivery is at least once: an event_id
    that landed more than once is kept from its earliest file (earliest day
    folder, then file name).
-#}

with

source as (

    select
        event_id,
        anonymous_id,
        customer_id,
        order_id,
        event_type,
        page_url,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        device,
        file_name,
        partition_date,
        occurred_at

    from {{ source('shop', 'events') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by partition_date, file_name
        ) as delivery_rank

    from source

    where event_id is not null

),

final as (

    select
        event_id,
        anonymous_id,
        customer_id,
        order_id,
        event_type,
        page_url,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        device,
        file_name,
        partition_date,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at

    from ranked

    where delivery_rank = 1

)

select * from final
