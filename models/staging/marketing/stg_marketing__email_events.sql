{#-
    One row per email event. The header line and blank lines are not
    records; rows with the wrong number of fields are left for the
    quarantine models. An exact repeat (e.g. the same file part delivered
    twice) is kept once. An erased person's events keep their rows with
    the email nulled.
-#}

{%- set header = [
    'message_id', 'campaign_id', 'campaign_type', 'email', 'event', 'occurred_at'
] | join(',') -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('marketing', 'email_events') }}

),

erased_identifiers as (

    {{ erased_identifiers() }}

),

records as (

    select
        line,
        file_name,
        partition_date

    from source

    where
        trim(line) != ''
        and line != '{{ header }}'
        and {{ field_count('line') }} = 6

),

split as (

    select
        {{ split_field('line', 1) }} as message_id,
        {{ split_field('line', 2) }} as campaign_id,
        {{ split_field('line', 3) }} as campaign_type,
        {{ split_field('line', 4) }} as email,
        {{ split_field('line', 5) }} as event_type,
        {{ split_field('line', 6) }} as occurred_at,
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
