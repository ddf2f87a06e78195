{#-
    One row per row of Shopify's customer table, with what became of it
    (record_status, record_rule): a soft-deleted customer
    (_fivetran_deleted) is excluded; a customer id loaded twice (a
    destination in history mode, a re-sync) keeps its latest version (by
    updated_at, then _fivetran_synced), the others deduplicated. Email
    lower-cased, phone in E.164 (the country of the customer's address);
    city and country from the billing address of the customer's latest
    order (Shopify keeps addresses apart from the customer). An erased
    person keeps the row under an erased key, with email, phone and names
    nulled (is_erased).
-#}

{{ config(enabled=staging_source('shop') == 'shopify') }}

with

customers as (

    select
        id,
        email,
        phone,
        first_name,
        last_name,
        accepts_marketing,
        created_at,
        updated_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('shopify', 'customer') }}

),

orders as (

    select
        customer_id,
        billing_address_city,
        billing_address_country_code,
        processed_at,
        created_at

    from {{ source('shopify', 'order') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

addresses as (

    select
        customer_id,
        billing_address_city as city,
        upper(trim(billing_address_country_code)) as country,
        row_number() over (
            partition by customer_id
            order by coalesce(processed_at, created_at) desc
        ) as order_rank

    from orders

    where customer_id is not null

),

ranked as (

    select
        customers.*,
        row_number() over (
            partition by customers.id
            order by
                customers.updated_at desc, customers._fivetran_synced desc
        ) as version_rank

    from customers

),

normalised as (

    select
        {{ surrogate_key([
            'ranked.id', 'ranked.updated_at', 'ranked._fivetran_synced',
        ]) }} as customer_version_id,
        cast(ranked.id as {{ dbt.type_string() }}) as source_customer_id,
        nullif(lower(trim(ranked.email)), '') as email,
        {{ phone_to_e164('ranked.phone', country='addresses.country') }}
            as phone,
        ranked.first_name,
        ranked.last_name,
        addresses.city,
        addresses.country,
        case
            when coalesce(ranked._fivetran_deleted, false)
                then 'deleted_in_source'
            when ranked.version_rank > 1 then 'superseded_version'
        end as record_rule,
        coalesce(ranked.accepts_marketing, false) as is_marketing_opt_in,
        cast(ranked.created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(
            coalesce(ranked.updated_at, ranked.created_at)
            as {{ dbt.type_timestamp() }}
        ) as updated_at,
        cast(ranked._fivetran_synced as {{ dbt.type_timestamp() }})
            as synced_at

    from ranked

    left join addresses
        on
            ranked.id = addresses.customer_id
            and addresses.order_rank = 1

),

flagged as (

    select
        *,
        {{ erasure_flag({
            'customer_id': ['source_customer_id'],
            'email': ['email'],
            'phone': ['phone'],
        }) }} as is_erased

    from normalised

),

final as (

    select
        customer_version_id,
        {{ customer_id_unless_erased('source_customer_id') }} as customer_id,
        {{ unless_erased('email') }} as email,
        {{ unless_erased('phone') }} as phone,
        {{ unless_erased('first_name') }} as first_name,
        {{ unless_erased('last_name') }} as last_name,
        city,
        country,
        'shopify.customer' as file_name,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'superseded_version' then 'deduplicated'
            else 'excluded'
        end as record_status,
        record_rule,
        {#- no rule quarantines a customer -#}
        cast(null as {{ dbt.type_string() }}) as record_reason,
        is_marketing_opt_in,
        is_erased,
        cast(synced_at as date) as partition_date,
        created_at,
        updated_at,
        synced_at

    from flagged

)

select * from final
