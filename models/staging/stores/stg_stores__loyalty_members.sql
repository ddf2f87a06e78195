{#-
    One row per loyalty card. The header line and blank lines are not
    records; rows with the wrong number of fields are left for the
    quarantine models. A card landed twice is kept once (latest file).
    enrolled_at is local store time, converted to UTC with the time zone of
    the enrolling store's country (store_time_zones); phones to E.164 (the
    store's country for national numbers). The key is a keyed hash of the
    card number (keyed_hash: a plain hash of a ten-digit number is reversed
    in minutes), so that an erased person's card keeps its row with the
    card, email and phone nulled. Shopify has no loyalty members: the
    landing file whatever the stores' shape, but none with no stores.
-#}

{% if is_on_landing('stores', 'loyalty_members') -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('stores', 'loyalty_members') }}

),

stores as (

    select
        store_id,
        country,
        time_zone

    from {{ ref('store_time_zones') }}

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

    where {{ is_landing_record('stores', 'loyalty_members') }}

),

split as (

    select
        {{ landing_columns('stores', 'loyalty_members') }}
        file_name,
        partition_date

    from records

),

trimmed as (

    select
        trim(card_number) as card_number,
        email,
        phone,
        trim(enrolled_store_id) as enrolled_store_id,
        trim(enrolled_at) as enrolled_at,
        file_name,
        partition_date

    from split

),

ranked as (

    select
        *,
        row_number() over (
            partition by card_number
            order by partition_date desc, file_name desc
        ) as delivery_rank

    from trimmed

    where card_number is not null

),

normalised as (

    select
        ranked.card_number,
        nullif(lower(trim(ranked.email)), '') as email,
        {{ phone_to_e164('ranked.phone', country='stores.country') }}
            as phone,
        ranked.enrolled_store_id,
        ranked.file_name,
        ranked.partition_date,
        {{ local_timestamp_to_utc(
            'ranked.enrolled_at',
            "coalesce(stores.time_zone, " ~ home_time_zone() ~ ")"
        ) }} as enrolled_at

    from ranked

    left join stores
        on ranked.enrolled_store_id = stores.store_id

    where ranked.delivery_rank = 1

),

flagged as (

    select
        *,
        {{ erasure_flag({
            'loyalty_card': ['card_number'],
            'email': ['email'],
            'phone': ['phone'],
        }) }} as is_erased

    from normalised

),

final as (

    select
        {{ keyed_hash('card_number') }} as loyalty_member_id,
        {{ unless_erased('card_number') }} as card_number,
        {{ unless_erased('email') }} as email,
        {{ unless_erased('phone') }} as phone,
        enrolled_store_id,
        file_name,
        is_erased,
        partition_date,
        enrolled_at

    from flagged

)

select * from final

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as loyalty_member_id,
    cast(null as {{ dbt.type_string() }}) as card_number,
    cast(null as {{ dbt.type_string() }}) as email,
    cast(null as {{ dbt.type_string() }}) as phone,
    cast(null as {{ dbt.type_string() }}) as enrolled_store_id,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as enrolled_at

where false

{%- endif %}
