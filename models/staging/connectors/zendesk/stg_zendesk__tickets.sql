{#-
    One row per Zendesk ticket row, with what became of it. A voice ticket
    (via_channel voice: Zendesk Talk makes one per call) is a call; the
    rules, in order: a soft-deleted ticket (_fivetran_deleted) and a ticket
    from another channel are excluded; a ticket merged into another (its id
    in the other's merged_ticket_ids) is the same call delivered twice,
    deduplicated; a call whose requester is staff (role agent or admin: an
    internal call, not a customer's) or whose queue or outcome field is
    missing (var zendesk_call_fields) is quarantined. started_at is the
    business timestamp created_at, never _fivetran_synced.
-#}

{{ config(enabled=staging_source('callcenter') == 'zendesk') }}

{%- set call_fields = var('zendesk_call_fields') %}

with

tickets as (

    select
        id,
        requester_id,
        assignee_id,
        via_channel,
        via_source_rel,
        status,
        merged_ticket_ids,
        created_at,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('zendesk', 'ticket') }}

),

users as (

    select
        id,
        role

    from {{ source('zendesk', 'user') }}

),

field_history as (

    select
        ticket_id,
        field_name,
        value

    from {{ source('zendesk', 'ticket_field_history') }}

),

merge_lists as (

    {#- merged_ticket_ids is a JSON array of ids, e.g. [11, 12]: as a
        comma-separated list with a comma at each end, so that a ticket id
        matches whole. Few tickets hold one: the join below stays small. -#}
    select
        id as into_ticket_id,
        ',' || {{ dbt.replace(
            dbt.replace(dbt.replace('merged_ticket_ids', "'['", "''"), "']'", "''"),
            "' '", "''"
        ) }} || ',' as merged_list

    from tickets

    where
        merged_ticket_ids is not null
        and not coalesce(_fivetran_deleted, false)

),

ticket_merges as (

    select
        merge_lists.into_ticket_id,
        tickets.id as merged_ticket_id

    from merge_lists

    inner join tickets
        on
            merge_lists.merged_list like (
                '%,' || cast(tickets.id as {{ dbt.type_string() }}) || ',%'
            )

),

required_fields as (

    select
        ticket_id,
        count(distinct field_name) as required_fields_set

    from field_history

    where
        field_name in (
            '{{ call_fields.queue }}', '{{ call_fields.outcome }}'
        )
        and nullif(trim(value), '') is not null

    group by ticket_id

),

classified as (

    select
        tickets.*,
        users.role as requester_role,
        ticket_merges.into_ticket_id,
        case
            when coalesce(tickets._fivetran_deleted, false)
                then 'deleted_in_source'
            when coalesce(lower(tickets.via_channel), '') != 'voice'
                then 'not_a_call'
            when ticket_merges.into_ticket_id is not null then 'merged_ticket'
            when lower(users.role) in ('agent', 'admin')
                then 'requester_is_staff'
            when coalesce(required_fields.required_fields_set, 0) < 2
                then 'missing_call_fields'
        end as record_rule

    from tickets

    left join users
        on tickets.requester_id = users.id

    left join ticket_merges
        on tickets.id = ticket_merges.merged_ticket_id

    left join required_fields
        on tickets.id = required_fields.ticket_id

),

final as (

    select
        cast(id as {{ dbt.type_string() }}) as ticket_id,
        cast(requester_id as {{ dbt.type_string() }}) as requester_id,
        cast(assignee_id as {{ dbt.type_string() }}) as assignee_id,
        cast(into_ticket_id as {{ dbt.type_string() }})
            as merged_into_ticket_id,
        lower(via_channel) as via_channel,
        case
            when lower(via_source_rel) = 'outbound' then 'outbound'
            else 'inbound'
        end as direction,
        lower(status) as status,
        case
            when record_rule is null then 'modelled'
            when record_rule in ('deleted_in_source', 'not_a_call')
                then 'excluded'
            when record_rule = 'merged_ticket' then 'deduplicated'
            else 'quarantined'
        end as record_status,
        record_rule,
        case record_rule
            when 'requester_is_staff'
                then
                    'the requester is staff (role ' || requester_role
                    || '), not a customer'
            when 'missing_call_fields'
                then 'the queue or outcome ticket field is empty'
        end as record_reason,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from classified

)

select * from final
