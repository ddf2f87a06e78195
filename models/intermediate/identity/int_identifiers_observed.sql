{#-
    One row per identifier seen on a landed record: the five person
    identifiers (shop customer_id, normalised email, E.164 phone, loyalty
    card, web anonymous_id) and the ids of records that other records point
    to (order, call, receipt, invitation, response), which act as record
    nodes. A reference (a call's order_ref, an invitation's trigger_ref, a
    response's invitation_id) is kept only when it resolves to a landed
    record: calls and invitations through the links int_calls_linked and
    int_survey_invitations_linked build. Erased identifiers are already null in staging. Test traffic
    (int_test_traffic_identified) takes no part: it is no customer's.

    Incremental: the clickstream events are most of the rows, and an
    event's rows follow from the event alone, so a run
    writes the rows of the events written since its last run
    (stg_shop__events.loaded_at after the newest held loaded_at) and
    rewrites every other entity's rows (a few million, whose references
    and test traffic can change with any delivery). The pre-hook first
    deletes every row of the other entities, the rows of the events
    written again (erased, or replaced by an earlier duplicate) and those
    of events that are now test traffic. Test traffic is a property of a
    whole cookie (an event without one: of the event) that a new version
    of a shop account can lift with no new event: a run also writes the
    events of the cookies with a logged-in business event not held.

    Over 250 lines: one import CTE per landed entity whose identifiers it
    observes, and the incremental choice of the web events to write.
-#}

{{ config(
    pre_hook="{{ delete_identifiers_observed_to_rewrite() }}",
    **cxw_incremental_config(),
) }}

{%- set newest_load = newest_load_held() -%}

{#- source_system, entity, import CTE, record id, identifier type,
    identifier, whether the identifier is the record's own node -#}
{%- set observed_parts = [
    ('shop', 'customers', 'customers', 'customer_id', "'customer_id'", 'customer_id', 'true'),
    ('shop', 'customers', 'customers', 'customer_id', "'email'", 'email', 'false'),
    ('shop', 'customers', 'customers', 'customer_id', "'phone'", 'phone', 'false'),
    ('shop', 'orders', 'orders', 'order_id', "'order_id'", 'order_id', 'true'),
    ('shop', 'orders', 'orders', 'order_id', "'customer_id'", 'customer_id', 'false'),
    ('shop', 'orders', 'orders', 'order_id', "'email'", 'guest_email', 'false'),
    ('shop', 'events', 'events', 'event_id', "'anonymous_id'", 'anonymous_id', 'false'),
    ('shop', 'events', 'events', 'event_id', "'customer_id'", 'customer_id', 'false'),
    ('shop', 'events', 'events', 'event_id', "'order_id'", 'order_id', 'false'),
    ('marketing', 'email_events', 'email_events', 'message_id', "'email'", 'email', 'false'),
    ('callcenter', 'calls', 'calls', 'call_id', "'call_id'", 'call_id', 'true'),
    ('callcenter', 'calls', 'calls', 'call_id', "'phone'", 'caller_number', 'false'),
    ('callcenter', 'calls', 'calls', 'call_id', "'order_id'", 'order_id', 'false'),
    ('stores', 'transactions', 'transactions', 'receipt_id', "'receipt_id'", 'receipt_id', 'true'),
    ('stores', 'transactions', 'transactions', 'receipt_id', "'loyalty_card'", 'loyalty_card', 'false'),
    ('stores', 'loyalty_members', 'loyalty_members', 'card_number', "'loyalty_card'", 'card_number', 'true'),
    ('stores', 'loyalty_members', 'loyalty_members', 'card_number', "'email'", 'email', 'false'),
    ('stores', 'loyalty_members', 'loyalty_members', 'card_number', "'phone'", 'phone', 'false'),
    ('surveys', 'invitations', 'invitations_resolved', 'invitation_id', "'invitation_id'", 'invitation_id', 'true'),
    ('surveys', 'invitations', 'invitations_resolved', 'invitation_id', "'email'", 'recipient_email', 'false'),
    ('surveys', 'invitations', 'invitations_resolved', 'invitation_id', "'phone'", 'recipient_phone', 'false'),
    ('surveys', 'invitations', 'invitations_resolved', 'invitation_id', 'trigger_identifier_type', 'trigger_identifier', 'false'),
    ('surveys', 'responses', 'responses_resolved', 'response_id', "'response_id'", 'response_id', 'true'),
    ('surveys', 'responses', 'responses_resolved', 'response_id', "'email'", 'respondent_email', 'false'),
    ('surveys', 'responses', 'responses_resolved', 'response_id', "'phone'", 'respondent_phone', 'false'),
    ('surveys', 'responses', 'responses_resolved', 'response_id', "'invitation_id'", 'invitation_id', 'false'),
] -%}

with

test_traffic as (

    select
        source_system,
        entity,
        record_id

    from {{ ref('int_test_traffic_identified') }}

),

customers as (

    select
        customer_id,
        email,
        phone

    from {{ ref('stg_shop__customers') }}

),

orders as (

    select
        order_id,
        customer_id,
        guest_email

    from {{ ref('stg_shop__orders') }}

),

{%- if is_incremental() %}

cookies_business_again as (

    {#- the cookies (an event without one: the event) with a logged-in
        business event held no more: deleted as test traffic, or never
        written as such, and business again. Only a logged-in event makes a
        cookie test traffic, so only those are looked at. An event written
        since the last run is written anyway -#}
    select coalesce(events.anonymous_id, events.event_id) as cookie_key

    from {{ ref('stg_shop__events') }} as events

    left join test_traffic
        on
            test_traffic.entity = 'events'
            and events.event_id = test_traffic.record_id

    left join (
        select held.source_record_id
        from {{ this }} as held
        where held.entity = 'events' and held.identifier_type = 'customer_id'
    ) as held_logins
        on events.event_id = held_logins.source_record_id

    where
        events.customer_id is not null
        and events.loaded_at <= {{ newest_load }}
        and test_traffic.record_id is null
        and held_logins.source_record_id is null

),
{%- endif %}

events as {{ not_materialized() }} (

    select
        event_id,
        anonymous_id,
        customer_id,
        order_id

    from {{ ref('stg_shop__events') }}
    {%- if is_incremental() %}

    where
        loaded_at > {{ newest_load }}
        or coalesce(anonymous_id, event_id) in (
            select cookie_key from cookies_business_again
        )
    {%- endif %}

),

email_events as (

    {#- test traffic names email events by email_event_id, not message_id #}
    select distinct
        message_id,
        email

    from {{ ref('stg_marketing__email_events') }}

    where email_event_id not in (
        select test_traffic.record_id from test_traffic
        where
            test_traffic.source_system = 'marketing'
            and test_traffic.entity = 'email_events'
    )

),

calls as (

    {#- a call's order_ref resolved to its order (int_calls_linked) -#}
    select
        call_id,
        order_id,
        caller_number

    from {{ ref('int_calls_linked') }}

),

transactions as (

    select
        receipt_id,
        loyalty_card

    from {{ ref('stg_stores__transactions') }}

),

loyalty_members as (

    select
        card_number,
        email,
        phone

    from {{ ref('stg_stores__loyalty_members') }}

),

invitations as (

    select invitation_id

    from {{ ref('stg_surveys__invitations') }}

),

invitations_linked as (

    {#- an invitation's trigger_ref resolved to its order, call or receipt
        (int_survey_invitations_linked; test traffic is left out there) -#}
    select
        invitation_id,
        order_id,
        call_id,
        receipt_id,
        recipient_email,
        recipient_phone

    from {{ ref('int_survey_invitations_linked') }}

),

responses as (

    select
        response_id,
        invitation_id,
        respondent_email,
        respondent_phone

    from {{ ref('stg_surveys__responses') }}

),

invitations_resolved as (

    select
        invitation_id,
        recipient_email,
        recipient_phone,
        case
            when order_id is not null then 'order_id'
            when call_id is not null then 'call_id'
            when receipt_id is not null then 'receipt_id'
        end as trigger_identifier_type,
        coalesce(order_id, call_id, receipt_id) as trigger_identifier

    from invitations_linked

),

responses_resolved as (

    select
        responses.response_id,
        responses.respondent_email,
        responses.respondent_phone,
        invitations.invitation_id

    from responses

    left join invitations
        on responses.invitation_id = invitations.invitation_id

),

observed as (

    {% for part in observed_parts -%}
    select
        '{{ part[0] }}' as source_system,
        '{{ part[1] }}' as entity,
        {{ part[3] }} as source_record_id,
        {{ part[4] }} as identifier_type,
        {{ part[5] }} as identifier,
        {{ part[6] }} as is_record_node
    from {{ part[2] }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

business_records as (

    select observed.*

    from observed

    left join test_traffic
        on
            observed.source_system = test_traffic.source_system
            and observed.entity = test_traffic.entity
            and observed.source_record_id = test_traffic.record_id

    where test_traffic.record_id is null

),

final as (

    {#- a record carries one identifier of each type (unique record ids in
        staging), so no row repeats: the unique test on observation_id says
        so, and no distinct (a hash of every wide row) is needed -#}
    select
        {{ surrogate_key([
            'source_system', 'entity', 'source_record_id',
            'identifier_type', 'identifier',
        ]) }} as observation_id,
        {{ dbt.concat(["identifier_type", "':'", "identifier"]) }}
            as node_id,
        source_system,
        entity,
        source_record_id,
        identifier_type,
        identifier,
        is_record_node,
        {{ run_started_at_timestamp() }} as loaded_at

    from business_records

    where identifier is not null and source_record_id is not null

)

select * from final
