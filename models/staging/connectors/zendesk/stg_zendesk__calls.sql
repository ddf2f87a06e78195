{#-
    The canonical calls (the columns of stg_callcenter__calls) from Zendesk:
    one row per modelled voice ticket (stg_zendesk__tickets), its caller the
    requester's phone (stg_zendesk__users, where erasure applies), its agent
    the assignee, and the call's fields from their latest values
    (stg_zendesk__ticket_field_history; var zendesk_call_fields names the
    Zendesk fields that hold them). A requester without a phone is a
    withheld number. file_name names the connector table, partition_date is
    the day the connector last synced the ticket.
-#}

{{ config(enabled=staging_source('callcenter') == 'zendesk') }}

with

tickets as (

    select
        ticket_id,
        requester_id,
        assignee_id,
        direction,
        synced_at,
        created_at

    from {{ ref('stg_zendesk__tickets') }}

    where record_status = 'modelled'

),

users as (

    select
        user_id,
        phone,
        has_phone,
        is_erased

    from {{ ref('stg_zendesk__users') }}

),

field_values as (

    select
        ticket_id,
        call_field,
        value

    from {{ ref('stg_zendesk__ticket_field_history') }}

    where record_status = 'modelled'

),

fields as (

    select
        ticket_id,
        max(
            case when call_field = 'queue' then trim(value) end
        ) as queue,
        max(
            case when call_field = 'outcome' then trim(value) end
        ) as outcome,
        max(
            case when call_field = 'wrap_code' then trim(value) end
        ) as wrap_code,
        max(
            case when call_field = 'order_ref' then trim(value) end
        ) as order_ref,
        max(
            case when call_field = 'wait_seconds' then trim(value) end
        ) as wait_seconds,
        max(
            case when call_field = 'talk_seconds' then trim(value) end
        ) as talk_seconds

    from field_values

    group by ticket_id

),

joined as (

    select
        tickets.ticket_id as call_id,
        tickets.assignee_id as agent_id,
        users.phone as caller_number,
        tickets.direction,
        lower(fields.queue) as queue,
        lower(fields.outcome) as outcome,
        nullif(fields.wrap_code, '') as wrap_code,
        nullif(fields.order_ref, '') as order_ref,
        {{ order_ref_to_order_id('fields.order_ref') }} as order_ref_normalised,
        'zendesk.ticket' as file_name,
        cast(
            {{ dbt.safe_cast('fields.wait_seconds', 'decimal(12, 1)') }}
            as decimal(12, 1)
        ) as wait_seconds,
        cast(
            {{ dbt.safe_cast('fields.talk_seconds', 'decimal(12, 1)') }}
            as decimal(12, 1)
        ) as talk_seconds,
        not coalesce(users.has_phone, false) as is_caller_withheld,
        coalesce(users.is_erased, false) as is_erased,
        cast(tickets.synced_at as date) as partition_date,
        tickets.created_at as started_at

    from tickets

    left join users
        on tickets.requester_id = users.user_id

    left join fields
        on tickets.ticket_id = fields.ticket_id

)

select * from joined
