{#-
    One row per row of the GA4 export's daily Parquet files, with what
    became of it. GA4 names no event id: an event is its cookie
    (user_pseudo_id), its time (event_timestamp, microseconds UTC), its
    name and its parameters, and event_id is their hash. The rules, in
    order: a row without event_timestamp or event_name is quarantined
    (missing_event_timestamp, naming its file); a consent-mode ping without
    user_pseudo_id (the visitor declined analytics cookies) is excluded
    (no_consent); internal or debug traffic (event param traffic_type
    internal, or debug_mode set) is excluded (internal_traffic); an event
    name var ga4_event_types does not map (user_engagement, scroll ...) is
    excluded (not_modelled_event); the same event in a second file (or
    twice in one) is deduplicated (duplicate_event), the earliest file
    kept. occurred_at is event_timestamp, never the file's day. user_id is
    the shop's customer id, set only while logged in: stitching a cookie's
    earlier events to the customer is identity's job, as on landing.
    Erasure as in stg_shop__events: an erased customer's user_id becomes
    its erased key, and the cookie is nulled on every event of a cookie
    that was ever logged in as an erased customer.
-#}

{{ config(enabled=staging_source('web') == 'ga4') }}

{%- set event_types = var('ga4_event_types') %}

with

source as (

    select
        event_timestamp,
        event_name,
        event_params,
        user_pseudo_id,
        user_id,
        device,
        platform,
        ecommerce,
        file_name,
        partition_date

    from {{ source('ga4', 'events') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

unpacked as (

    select
        source.file_name,
        source.partition_date,
        source.event_timestamp,
        lower(source.event_name) as event_name,
        source.user_pseudo_id,
        source.user_id,
        source.ecommerce.transaction_id as ecommerce_transaction_id,
        {#- an app stream's events come from the shop's app -#}
        case
            when upper(source.platform) in ('ANDROID', 'IOS') then 'app'
            else lower(source.device.category)
        end as device_category,
        {{ ga4_event_param('source.event_params', 'page_location') }}
            as page_location,
        {{ ga4_event_param('source.event_params', 'page_referrer') }}
            as page_referrer,
        {{ ga4_event_param('source.event_params', 'source') }}
            as campaign_source,
        {{ ga4_event_param('source.event_params', 'medium') }}
            as campaign_medium,
        {{ ga4_event_param('source.event_params', 'campaign') }}
            as campaign_name,
        {{ ga4_event_param('source.event_params', 'traffic_type') }}
            as traffic_type,
        coalesce(
            {{ ga4_event_param('source.event_params', 'debug_mode', 'int') }}
            = 1,
            lower(
                {{ ga4_event_param('source.event_params', 'debug_mode') }}
            ) in ('1', 'true'),
            false
        ) as is_debug,
        {{ dbt.hash(dbt.concat([
            "coalesce(source.user_pseudo_id, '')", "'|'",
            "coalesce(cast(source.event_timestamp as "
                ~ dbt.type_string() ~ "), '')",
            "'|'", "coalesce(source.event_name, '')", "'|'",
            "coalesce(" ~ ga4_params_text('source.event_params') ~ ", '')",
        ])) }} as event_id

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by partition_date, file_name
        ) as delivery_rank

    from unpacked

),

classified as (

    select
        *,
        case
            when event_timestamp is null or event_name is null
                then 'missing_event_timestamp'
            when user_pseudo_id is null then 'no_consent'
            when lower(traffic_type) = 'internal' or is_debug
                then 'internal_traffic'
            when
                event_name not in (
                    {%- for name in event_types %}
                    '{{ name }}'{{ ',' if not loop.last }}
                    {%- endfor %}
                )
                then 'not_modelled_event'
            when delivery_rank > 1 then 'duplicate_event'
        end as record_rule

    from ranked

),

erased_cookies as (

    select distinct user_pseudo_id

    from classified

    where
        user_pseudo_id is not null
        and {{ erasure_flag({'customer_id': ['user_id']}) }}

),

flagged as (

    select
        classified.*,
        (
            {{ erasure_flag({'customer_id': ['classified.user_id']}) }}
            or erased_cookies.user_pseudo_id is not null
        ) as is_erased

    from classified

    left join erased_cookies
        on classified.user_pseudo_id = erased_cookies.user_pseudo_id

),

final as (

    select
        file_name || ':' || event_id || ':'
        || cast(delivery_rank as {{ dbt.type_string() }}) as ga4_row_id,
        event_id,
        {{ unless_erased('user_pseudo_id') }} as anonymous_id,
        {{ customer_id_unless_erased('user_id') }} as customer_id,
        case
            when event_name = 'purchase' then ecommerce_transaction_id
        end as order_id,
        event_name,
        case event_name
            {%- for name, event_type in event_types.items() %}
            when '{{ name }}' then '{{ event_type }}'
            {%- endfor %}
        end as event_type,
        page_location as page_url,
        campaign_source as utm_source,
        campaign_medium as utm_medium,
        campaign_name as utm_campaign,
        page_referrer as referrer,
        device_category as device,
        file_name,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'duplicate_event' then 'deduplicated'
            when record_rule = 'missing_event_timestamp' then 'quarantined'
            else 'excluded'
        end as record_status,
        record_rule,
        case
            when record_rule = 'missing_event_timestamp'
                then
                    'the event has no event_timestamp or event_name (file '
                    || file_name || ')'
        end as record_reason,
        is_erased,
        partition_date,
        {{ timestamp_from_micros('event_timestamp') }} as occurred_at

    from flagged

)

select * from final
