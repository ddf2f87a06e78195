{{ config(
    materialized='incremental',
    pre_hook="{{ delete_erased_customer_ids(['customer_id']) }}",
) }}
{#-
    Every customer key ever issued by int_customer_keys, with the build that
    first issued it: an append-only register that int_customer_merges reads
    to tell which earlier keys have disappeared since. The key of a person
    erased since is deleted (delete_erased_customer_ids).
-#}

with

keys as (

    select distinct customer_id

    from {{ ref('int_customer_keys') }}

    where customer_id is not null

),

{% if is_incremental() %}

issued as (

    select customer_id

    from {{ this }}

),

{% endif %}

new_keys as (

    select keys.customer_id

    from keys

    {% if is_incremental() %}

        left join issued
            on keys.customer_id = issued.customer_id

        where issued.customer_id is null

    {% endif %}

),

final as (

    select
        customer_id,
        {{ run_started_at_timestamp() }} as first_issued_at

    from new_keys

)

select * from final
