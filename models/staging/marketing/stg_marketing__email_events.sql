{#-
    One row per email event. The header line and blank lines are not
    records; rows with the wrong number of fields are left for the
    quarantine models. An exact repeat (e.g. the same file part delivered
    twice) is kept once. An erased person's events keep their rows with
    the email nulled.
-#}

{#- The landing files, the Klaviyo connector (docs/sources.md) or no email
    service provider. -#}
{%- set marketing_source = staging_source('marketing') %}
{% if marketing_source == 'landing' -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('marketing', 'email_events') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

records as (

    select
        line,
        file_name,
        partition_date

    from source

    where {{ is_landing_record('marketing', 'email_events') }}

),

split as (

    select
        {{ landing_columns(
            'marketing', 'email_events', aliases={'event': 'event_type'},
        ) }}
        file_name,
        partition_date

    from records

),

normalised as (

    select
        {{ surrogate_key(['message_id', 'event_type', 'occurred_at']) }}
            as email_event_id,
        message_id,
        campaign_id,
        campaign_type,
        nullif(lower(trim(email)), '') as email,
        event_type,
        file_name,
        partition_date,
        {{ dbt.safe_cast('occurred_at', dbt.type_timestamp()) }} as occurred_at

    from split

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by email_event_id
            order by partition_date, file_name
        ) as delivery_rank,
        {{ erasure_flag({'email': ['email']}) }} as is_erased

    from normalised

),

final as (

    select
        email_event_id,
        message_id,
        campaign_id,
        campaign_type,
        {{ unless_erased('email') }} as email,
        event_type,
        file_name,
        is_erased,
        partition_date,
        occurred_at

    from deduplicated

    where delivery_rank = 1

)

select * from final

{%- elif marketing_source == 'klaviyo' %}

select
    email_event_id,
    message_id,
    campaign_id,
    campaign_type,
    email,
    event_type,
    'klaviyo.event' as file_name,
    is_erased,
    cast(synced_at as date) as partition_date,
    occurred_at

from {{ ref('stg_klaviyo__events') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as email_event_id,
    cast(null as {{ dbt.type_string() }}) as message_id,
    cast(null as {{ dbt.type_string() }}) as campaign_id,
    cast(null as {{ dbt.type_string() }}) as campaign_type,
    cast(null as {{ dbt.type_string() }}) as email,
    cast(null as {{ dbt.type_string() }}) as event_type,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as occurred_at

where false

{%- endif %}
