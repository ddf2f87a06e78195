{#-
    One row per clickstream event. Delivery is at least once: an event_id
    that landed more than once is kept from its earliest file (earliest day
    folder, then file name). An erased person's events keep their rows;
    the anonymous_id (the cookie) is nulled on every event of a cookie that
    ever logged in as an erased customer.
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

erased_identifiers as (

    {{ erased_identifiers() }}

),

erased_cookies as (

    select distinct anonymous_id

    from source

    where
        anonymous_id is not null
        and {{ erasure_flag({'customer_id': ['customer_id']}) }}

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

flagged as (

    select
        ranked.*,
        (
            {{ erasure_flag({'customer_id': ['ranked.customer_id']}) }}
            or erased_cookies.anonymous_id is not null
        ) as is_erased

    from ranked

    left join erased_cookies
        on ranked.anonymous_id = erased_cookies.anonymous_id

    where ranked.delivery_rank = 1

),

final as (

    select
        event_id,
        {{ unless_erased('anonymous_id') }} as anonymous_id,
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
        is_erased,
        partition_date,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at

    from flagged

)

select * from final
