{#-
    One row per clickstream event. Delivery is at least once: an event_id
    that landed more than once is kept from its earliest file (earliest day
    folder, then file name). An erased person's events keep their rows;
    the anonymous_id (the cookie) is nulled on every event of a cookie that
    ever logged in as an erased customer, and the customer_id is the erased
    key (customer_id_unless_erased).

    Incremental: a run reads only landing files it does not hold yet
    (landing_files_to_load); an event_id it already holds is replaced only
    when the new delivery sits in an earlier day or file. A held file with
    an event that an erasure reaches only now is read again
    (files_to_erase), so the erasure reaches the events already held.
    loaded_at names the run that wrote a row, so that later models can find
    new events.

    The web system's shape (staging_source('web')): these landing files,
    the GA4 export (the modelled rows of stg_ga4__events, every one written
    again by each run) or no web shop.
-#}

{{ config(**cxw_incremental_config(unique_key='event_id')) }}

{%- set web_source = staging_source('web') %}
{% if web_source == 'landing' -%}

{#- a delivery already held from an earlier day or file wins -#}
{%- if is_incremental() %}
{%- set earlier_than_held = '(held.event_id is null'
    ~ ' or ranked.partition_date < held.partition_date'
    ~ ' or (ranked.partition_date = held.partition_date'
    ~ ' and ranked.file_name < held.file_name))' %}
{%- else %}
{%- set earlier_than_held = 'true' %}
{%- endif %}

with

source as {{ not_materialized() }} (

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

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

erased_cookies as (

    select distinct anonymous_id

    from source

    where
        anonymous_id is not null
        and {{ erasure_flag({'customer_id': ['customer_id']}) }}

),

{%- if is_incremental() %}
files_to_erase as (

    {#- held files with an event that an erasure reaches only now (its
        customer or its cookie newly erased): they are read again -#}
    select distinct held_events.file_name

    from {{ this }} as held_events

    left join erased_cookies
        on held_events.anonymous_id = erased_cookies.anonymous_id

    where
        not held_events.is_erased
        and (
            {{ erasure_flag({'customer_id': ['held_events.customer_id']}) }}
            or erased_cookies.anonymous_id is not null
        )

),
{%- endif %}

batch as (

    select *

    from source

    where {{ landing_files_to_load('files_to_erase') }}

),
{%- if is_incremental() %}

held as (

    select
        event_id,
        partition_date,
        file_name

    from {{ this }}

    where file_name not in (select batch.file_name from batch)

),
{%- endif %}

ranked as (

    select
        *,
        row_number() over (
            partition by event_id
            order by partition_date, file_name
        ) as delivery_rank

    from batch

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
    {%- if is_incremental() %}

    left join held
        on ranked.event_id = held.event_id
    {%- endif %}

    where
        ranked.delivery_rank = 1
        and {{ earlier_than_held }}

),

final as (

    select
        event_id,
        {{ unless_erased('anonymous_id') }} as anonymous_id,
        {{ customer_id_unless_erased('customer_id') }} as customer_id,
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
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        {{ run_started_at_timestamp() }} as loaded_at

    from flagged

)

select * from final

{%- elif web_source == 'ga4' %}

with

ga4_events as (

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
        is_erased,
        partition_date,
        occurred_at

    from {{ ref('stg_ga4__events') }}

    where record_status = 'modelled'

),

final as (

    select
        *,
        {{ run_started_at_timestamp() }} as loaded_at

    from ga4_events

)

select * from final

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as event_id,
    cast(null as {{ dbt.type_string() }}) as anonymous_id,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as order_id,
    cast(null as {{ dbt.type_string() }}) as event_type,
    cast(null as {{ dbt.type_string() }}) as page_url,
    cast(null as {{ dbt.type_string() }}) as utm_source,
    cast(null as {{ dbt.type_string() }}) as utm_medium,
    cast(null as {{ dbt.type_string() }}) as utm_campaign,
    cast(null as {{ dbt.type_string() }}) as referrer,
    cast(null as {{ dbt.type_string() }}) as device,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as occurred_at,
    {{ run_started_at_timestamp() }} as loaded_at

where false

{%- endif %}
