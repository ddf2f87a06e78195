{#-
    One touchpoint per email open or click, resolved by its message_id.
-#}

{{ config(materialized='view') }}

with

email_events as (

    select
        email_event_id,
        message_id,
        event_type,
        is_erased,
        occurred_at

    from {{ ref('stg_marketing__email_events') }}

    where event_type in ('open', 'click')

),

touchpoints as (

    select
        {{ touchpoint_key("'email'", 'email_event_id') }} as touchpoint_id,
        'marketing' as source_system,
        'email_events' as entity,
        email_event_id as record_key,
        message_id as resolution_key,
        message_id as source_record_id,
        {{ dbt.concat(["'email_'", 'event_type']) }} as touchpoint_type,
        'email' as channel,
        is_erased,
        occurred_at

    from email_events

)

select * from touchpoints
