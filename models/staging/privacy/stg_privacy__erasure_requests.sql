{#-
    One row per erasure request, without the identifier itself: the
    request names a person who asked to be forgotten, so the identifier is
    read only by the erased_identifiers macro (straight from the source),
    which every staging model applies.
-#}

{%- set header = 'request_id,identifier_type,identifier,requested_at' -%}

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

    where
        trim(line) != ''
        and line != '{{ header }}'
        and {{ field_count('line') }} = 4

),

split as (

    select
        {{ split_field('line', 1) }} as erasure_request_id,
        {{ split_field('line', 2) }} as identifier_type,
        {{ split_field('line', 4) }} as requested_at,
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
