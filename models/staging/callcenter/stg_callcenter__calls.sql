{#-
    One row per call. The export is semicolon separated with a decimal
    comma; the header line and blank lines are not records, rows with the
    wrong number of fields are left for the quarantine models, and a call
    landed twice is kept once (latest file). started_at is local Warsaw
    time, converted to UTC; caller_number to E.164; order_ref normalised
    to the shop's form (order_ref_to_order_id); int_calls_linked matches it
    to an order. A call from an erased person's number keeps its row, with
    the number nulled.
-#}

{#- The landing export, a connector (docs/sources.md) or no call centre. -#}
{%- set callcenter_source = staging_source('callcenter') %}
{% if callcenter_source == 'landing' -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('callcenter', 'calls') }}

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

    where {{ is_landing_record('callcenter', 'calls') }}

),

split as (

    select
        {{ landing_columns('callcenter', 'calls') }}
        file_name,
        partition_date

    from records

),

trimmed as (

    select
        trim(call_id) as call_id,
        trim(agent_id) as agent_id,
        trim(caller_number) as caller_number,
        lower(trim(direction)) as direction,
        lower(trim(queue)) as queue,
        lower(trim(outcome)) as outcome,
        trim(wrap_code) as wrap_code,
        trim(order_ref) as order_ref,
        trim(wait_seconds) as wait_seconds,
        trim(talk_seconds) as talk_seconds,
        trim(started_at) as started_at,
        file_name,
        partition_date

    from split

),

ranked as (

    select
        *,
        row_number() over (
            partition by call_id
            order by partition_date desc, file_name desc
        ) as delivery_rank

    from trimmed

    where call_id is not null

),

normalised as (

    select
        call_id,
        agent_id,
        {{ phone_to_e164('caller_number') }} as caller_number,
        direction,
        queue,
        outcome,
        nullif(wrap_code, '') as wrap_code,
        nullif(order_ref, '') as order_ref,
        {{ order_ref_to_order_id('order_ref') }} as order_ref_normalised,
        file_name,
        {{ dbt.safe_cast(
            dbt.replace('wait_seconds', "','", "'.'"), 'decimal(12, 1)'
        ) }} as wait_seconds,
        {{ dbt.safe_cast(
            dbt.replace('talk_seconds', "','", "'.'"), 'decimal(12, 1)'
        ) }} as talk_seconds,
        coalesce(lower(caller_number) = 'anonymous', false)
            as is_caller_withheld,
        partition_date,
        {{ local_timestamp_to_utc('started_at', home_time_zone()) }}
            as started_at

    from ranked

    where delivery_rank = 1

),

flagged as (

    select
        *,
        {{ erasure_flag({'phone': ['caller_number']}) }} as is_erased

    from normalised

),

final as (

    select
        call_id,
        agent_id,
        {{ unless_erased('caller_number') }} as caller_number,
        direction,
        queue,
        outcome,
        wrap_code,
        order_ref,
        order_ref_normalised,
        file_name,
        wait_seconds,
        talk_seconds,
        is_caller_withheld,
        is_erased,
        partition_date,
        started_at

    from flagged

)

select * from final

{%- elif callcenter_source == 'zendesk' %}

select * from {{ ref('stg_zendesk__calls') }}  -- noqa: AM04

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as call_id,
    cast(null as {{ dbt.type_string() }}) as agent_id,
    cast(null as {{ dbt.type_string() }}) as caller_number,
    cast(null as {{ dbt.type_string() }}) as direction,
    cast(null as {{ dbt.type_string() }}) as queue,
    cast(null as {{ dbt.type_string() }}) as outcome,
    cast(null as {{ dbt.type_string() }}) as wrap_code,
    cast(null as {{ dbt.type_string() }}) as order_ref,
    cast(null as {{ dbt.type_string() }}) as order_ref_normalised,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as decimal(12, 1)) as wait_seconds,
    cast(null as decimal(12, 1)) as talk_seconds,
    cast(null as {{ dbt.type_boolean() }}) as is_caller_withheld,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as started_at

where false

{%- endif %}
