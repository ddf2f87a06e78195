{#-
    One row per Klaviyo event row, with what became of it: an email event
    of a known recipient is an email event of stg_marketing__email_events.
    The rules, in order: an older sync of an event id another sync wrote
    again is deduplicated (duplicate_event: the latest _fivetran_synced
    counts); a soft-deleted event (_fivetran_deleted) is excluded
    (deleted_in_source), so is an event of a metric that is not an email
    event (var klaviyo_email_metrics: not_an_email_event, e.g. Placed
    Order) and an event of a staff profile (internal_profile,
    stg_klaviyo__persons); an event whose person_id names no profile
    (unknown_person) or whose campaign or flow has no campaign type (var
    klaviyo_campaign_types: unknown_campaign_type) is quarantined.

    A campaign's message and a flow's message are both email sends: the
    canonical campaign_id is the campaign's id or the flow's id, its
    campaign_type from the campaign's or the flow's name; message_id is
    the id of the send (the Received Email event) an event follows, the
    latest of its campaign (or flow message) to its person, else
    campaign:person when no send is held; email_event_id a
    hash of the event id (Klaviyo's own key). occurred_at is the
    event's own time (timestamp, else datetime), never _fivetran_synced.

    Over 250 lines: five import CTEs, then the rules and the link of each
    event to its send, each a CTE, in one row per event row.
-#}

{{ config(enabled=staging_source('marketing') == 'klaviyo') }}

{%- set email_metrics = var('klaviyo_email_metrics') %}
{%- set campaign_types = var('klaviyo_campaign_types') %}

with

events as (

    select
        id,
        person_id,
        metric_id,
        campaign_id,
        flow_id,
        flow_message_id,
        {{ adapter.quote('timestamp') }} as event_timestamp,
        {{ adapter.quote('datetime') }} as event_datetime,
        type,
        _fivetran_synced,
        _fivetran_deleted

    from {{ source('klaviyo', 'event') }}

),

metrics as (

    select
        id,
        name

    from {{ source('klaviyo', 'metric') }}

),

campaigns as (

    select
        id,
        name

    from {{ source('klaviyo', 'campaign') }}

),

flows as (

    select
        id,
        name

    from {{ source('klaviyo', 'flow') }}

),

persons as (

    select
        person_id,
        email,
        record_rule,
        is_erased

    from {{ ref('stg_klaviyo__persons') }}

),

ranked as (

    select
        cast(id as {{ dbt.type_string() }}) as event_id,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(campaign_id as {{ dbt.type_string() }}) as klaviyo_campaign_id,
        cast(flow_id as {{ dbt.type_string() }}) as flow_id,
        cast(flow_message_id as {{ dbt.type_string() }}) as flow_message_id,
        cast(coalesce(campaign_id, flow_id) as {{ dbt.type_string() }})
            as campaign_id,
        cast(coalesce(campaign_id, flow_message_id) as {{ dbt.type_string() }})
            as message_key,
        type as event_type_name,
        coalesce(_fivetran_deleted, false) as is_deleted,
        cast(
            coalesce(event_timestamp, event_datetime)
            as {{ dbt.type_timestamp() }}
        ) as occurred_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at,
        row_number() over (
            partition by id order by _fivetran_synced desc
        ) as sync_rank

    from events

),

joined as (

    select
        ranked.*,
        coalesce(metrics.name, ranked.event_type_name) as metric_name,
        coalesce(campaigns.name, flows.name) as campaign_name,
        persons.person_id as known_person_id,
        persons.email,
        persons.record_rule as person_rule,
        coalesce(persons.is_erased, false) as is_erased

    from ranked

    left join metrics
        on ranked.metric_id = cast(metrics.id as {{ dbt.type_string() }})

    left join campaigns
        on
            ranked.klaviyo_campaign_id
            = cast(campaigns.id as {{ dbt.type_string() }})

    left join flows
        on ranked.flow_id = cast(flows.id as {{ dbt.type_string() }})

    left join persons
        on ranked.person_id = persons.person_id

),

mapped as (

    select
        *,
        case metric_name
            {%- for metric, event_type in email_metrics.items() %}
            when '{{ metric }}' then '{{ event_type }}'
            {%- endfor %}
        end as event_type,
        case
            {%- for campaign_type, pattern in campaign_types.items() %}
            when lower(campaign_name) like '{{ pattern }}'
                then '{{ campaign_type }}'
            {%- endfor %}
        end as campaign_type

    from joined

),

classified as (

    select
        *,
        case
            when sync_rank > 1 then 'duplicate_event'
            when is_deleted then 'deleted_in_source'
            when event_type is null then 'not_an_email_event'
            when known_person_id is null then 'unknown_person'
            when person_rule = 'internal_profile' then 'internal_profile'
            when campaign_type is null then 'unknown_campaign_type'
        end as record_rule

    from mapped

),

sends as (

    select
        message_key,
        person_id,
        occurred_at,
        min(event_id) as send_event_id

    from classified

    where record_rule is null and event_type = 'sent'

    group by message_key, person_id, occurred_at

),

linked as (

    {#- an event belongs to the latest send of its campaign (or flow
        message) to its person at or before it -#}
    select
        *,
        max(
            case
                when record_rule is null and event_type = 'sent'
                    then occurred_at
            end
        ) over (
            partition by message_key, person_id
            order by
                occurred_at, case when event_type = 'sent' then 0 else 1 end
            rows between unbounded preceding and current row
        ) as sent_at

    from classified

),

final as (

    select
        case
            when linked.sync_rank = 1 then linked.event_id
            else
                linked.event_id || '~'
                || cast(linked.sync_rank as {{ dbt.type_string() }})
        end as event_record_id,
        linked.event_id,
        {{ surrogate_key(['linked.event_id']) }} as email_event_id,
        coalesce(
            sends.send_event_id,
            linked.message_key || ':' || linked.person_id
        ) as message_id,
        linked.person_id,
        linked.metric_name,
        linked.campaign_id,
        linked.campaign_name,
        linked.campaign_type,
        linked.email,
        linked.event_type,
        case
            when linked.record_rule is null then 'modelled'
            when linked.record_rule = 'duplicate_event' then 'deduplicated'
            when linked.record_rule in (
                'unknown_person', 'unknown_campaign_type'
            ) then 'quarantined'
            else 'excluded'
        end as record_status,
        linked.record_rule,
        case linked.record_rule
            when 'unknown_person'
                then
                    'person ' || coalesce(linked.person_id, '(none)')
                    || ' is no Klaviyo profile (person)'
            when 'unknown_campaign_type'
                then
                    'campaign or flow '
                    || coalesce(linked.campaign_id, '(none)')
                    || ' matches no campaign type (var klaviyo_campaign_types)'
        end as record_reason,
        linked.is_erased,
        linked.occurred_at,
        linked.synced_at

    from linked

    left join sends
        on
            linked.message_key = sends.message_key
            and linked.person_id = sends.person_id
            and linked.sent_at = sends.occurred_at

)

select * from final
