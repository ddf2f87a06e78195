{#-
    One row per email event. The header line and blank lines are not
    records; rows with the wrong number of fields are left for the
    quarantine models. An exact repeat (e.g. the same file part delivered
    twice) is kept once. An erased person's events keep their rows with
    the email nulled.
-#}

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
