{#-
    One touchpoint per web or app session (int_sessions_aggregated): a
    product view, an ad click, a help-centre visit or a plain web session.
    A session's party is its logged-in account's key, else its cookie's
    (int_records_resolved holds no clickstream events).
-#}

{{ config(materialized='view') }}

with

sessions as (

    select
        session_id,
        first_event_id,
        anonymous_id,
        customer_id,
        device,
        utm_medium,
        has_product_view,
        has_help_center_view,
        is_erased,
        started_at

    from {{ ref('int_sessions_aggregated') }}

),

keys as (

    select
        node_id,
        customer_id

    from {{ ref('int_customer_keys') }}

),

session_parties as (

    {#- joined here, on the sessions alone: joined to every touchpoint by
        first_event_id, the sessions sit in a hash table of their own -#}
    select
        sessions.*,
        coalesce(
            account_keys.customer_id, cookie_keys.customer_id
        ) as session_party_id

    from sessions

    left join keys as account_keys
        on
            account_keys.node_id
            = {{ dbt.concat(["'customer_id:'", 'sessions.customer_id']) }}

    left join keys as cookie_keys
        on
            cookie_keys.node_id
            = {{ dbt.concat(["'anonymous_id:'", 'sessions.anonymous_id']) }}

),

touchpoints as (

    select
        {{ touchpoint_key("'web_session'", 'session_id') }} as touchpoint_id,
        'shop' as source_system,
        'events' as entity,
        first_event_id as record_key,
        first_event_id as resolution_key,
        first_event_id as source_record_id,
        case
            when has_product_view then 'product_view'
            when utm_medium in ('cpc', 'display') then 'ad_click'
            when has_help_center_view then 'help_center_visit'
            else 'web_session'
        end as touchpoint_type,
        case when device = 'app' then 'app' else 'web' end as channel,
        session_party_id,
        is_erased,
        started_at as occurred_at

    from session_parties

)

select * from touchpoints
