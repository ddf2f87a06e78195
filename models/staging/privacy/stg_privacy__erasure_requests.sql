{#-
    One row per erasure request, without the identifier itself: the
    request names a person who asked to be forgotten, so the identifier is
    read only by the erasure layer (models/erasure/erased_identifiers,
    straight from the source), which every staging model applies.
-#}

with

source as (

    select
        line,
        file_name

    from {{ source('privacy', 'erasure_requests') }}

),

records as (

    select
        line,
        file_name

    from source

    where {{ is_landing_record('privacy', 'erasure_requests') }}

),

split as (

    select
        {{ landing_field(
            'privacy', 'erasure_requests', 'request_id'
        ) }} as erasure_request_id,
        {{ landing_field(
            'privacy', 'erasure_requests', 'identifier_type'
        ) }} as identifier_type,
        {{ landing_field(
            'privacy', 'erasure_requests', 'requested_at'
        ) }} as requested_at,
        file_name

    from records

),

normalised as (

    select
        trim(erasure_request_id) as erasure_request_id,
        lower(trim(identifier_type)) as identifier_type,
        file_name,
        {{ iso_timestamp_to_utc('trim(requested_at)') }} as requested_at

    from split

),

final as (

    select
        erasure_request_id,
        identifier_type,
        file_name,
        requested_at

    from normalised

    where erasure_request_id is not null

)

select * from final
