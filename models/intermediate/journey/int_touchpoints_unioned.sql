{#-
    One row per touchpoint, from every source: web and app sessions
    (int_sessions_aggregated), shop accounts opened, orders placed,
    delivered, cancelled and returned, calls, store receipts (purchases and
    returns), loyalty enrolments, email opens and clicks, and counted survey
    responses. Test traffic is left out.

    Each touchpoint carries the party it belongs to (party_id: the resolved
    key of int_customer_keys, also for a cookie nobody knows) and, when it
    belongs to an earlier touchpoint's journey, that touchpoint
    (anchor_touchpoint_id): an order's delivery, cancellation and return
    and a call about an order belong to the order placed; a store return to
    the receipt it returns; a survey response to the journey of the
    touchpoint that triggered it (trigger_touchpoint_id).
-#}

{#- The kinds that other touchpoints point to, in their touchpoint_id. -#}
{%- set order_placed = "'order_placed'" -%}
{%- set order_delivered = "'order_delivered'" -%}
{%- set store_receipt = "'store_receipt'" -%}

with

sessions as (

    select
        session_id,
        first_event_id,
        anonymous_id,
        customer_id,
        device,
        utm_medium,
        has_product_view,
        has_help_center_view,
        is_erased,
        started_at

    from {{ ref('int_sessions_aggregated') }}

),

customers as (

    select
        customer_id,
        is_erased,
        created_at

    from {{ ref('stg_shop__customers') }}

),

orders as (

    select
        order_id,
        channel,
        status,
        total_amount_pln,
        placed_at,
        updated_at,
        is_erased,
        delivered_at

    from {{ ref('stg_shop__orders') }}

),

calls as (

    select
        call_id,
        agent_id,
        order_id,
        queue,
        is_erased,
        started_at

    from {{ ref('int_calls_linked') }}

),

transactions as (

    select
        receipt_id,
        store_id,
        original_receipt_id,
        total_amount_pln,
        is_return,
        is_erased,
        occurred_at

    from {{ ref('stg_stores__transactions') }}

),

loyalty_members as (

    select
        loyalty_member_id,
        card_number,
        enrolled_store_id,
        is_erased,
        enrolled_at

    from {{ ref('stg_stores__loyalty_members') }}

),

email_events as (

    select
        email_event_id,
        message_id,
        event_type,
        is_erased,
        occurred_at

    from {{ ref('stg_marketing__email_events') }}

    where event_type in ('open', 'click')

),

responses as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        score,
        is_erased,
        submitted_at

    from {{ ref('int_survey_responses_counted') }}

),

invitations as (

    select
        invitation_id,
        trigger_type,
        order_id,
        call_id,
        receipt_id

    from {{ ref('int_survey_invitations_linked') }}

),

resolved as (

    select
        entity,
        source_record_id,
        customer_id

    from {{ ref('int_records_resolved') }}

),

keys as (

    select
        node_id,
        customer_id,
        identifier_type,
        is_shared

    from {{ ref('int_customer_keys') }}

),

test_traffic as (

    select
        entity,
        record_id

    from {{ ref('int_test_traffic_identified') }}

),

known_parties as (

    {#- A person someone can know: a key holding a shop account, an email,
        a phone or a loyalty card that links. A key of web cookies alone
        is a visitor nobody knows. -#}
    select distinct customer_id as party_id

    from keys

    where
        customer_id is not null
        and not is_shared
        and identifier_type in (
            'customer_id', 'email', 'phone', 'loyalty_card'
        )

),

session_parties as (

    {#- A session is its logged-in account's, else its cookie's (joined
        here, in the sessions' own branch: joined to every touchpoint by
        first_event_id, the sessions sat in a hash table of their own) -#}
    select
        sessions.*,
        coalesce(
            account_keys.customer_id, cookie_keys.customer_id
        ) as party_id

    from sessions

    left join keys as account_keys
        on
            account_keys.node_id
            = {{ dbt.concat(["'customer_id:'", 'sessions.customer_id']) }}

    left join keys as cookie_keys
        on
            cookie_keys.node_id
            = {{ dbt.concat(["'anonymous_id:'", 'sessions.anonymous_id']) }}

),

touchpoints as (

    {#- touchpoint_id, source_system, entity, record_key (the staging
        model's key, for test traffic), resolution_key (the id
        int_records_resolved knows), source_record_id, touchpoint_type,
        channel, store_id, agent_id, survey_type, trigger_touchpoint_id,
        anchor_touchpoint_id, session_party_id (a session's party),
        revenue_pln, score, is_erased, occurred_at -#}
    select
        {{ surrogate_key(["'web_session'", 'sessions.session_id']) }}
            as touchpoint_id,
        'shop' as source_system,
        'events' as entity,
        sessions.first_event_id as record_key,
        sessions.first_event_id as resolution_key,
        sessions.first_event_id as source_record_id,
        case
            when sessions.has_product_view then 'product_view'
            when sessions.utm_medium in ('cpc', 'display') then 'ad_click'
            when sessions.has_help_center_view then 'help_center_visit'
            else 'web_session'
        end as touchpoint_type,
        case when sessions.device = 'app' then 'app' else 'web' end
            as channel,
        cast(null as {{ dbt.type_string() }}) as store_id,
        cast(null as {{ dbt.type_string() }}) as agent_id,
        cast(null as {{ dbt.type_string() }}) as survey_type,
        cast(null as {{ dbt.type_string() }}) as trigger_touchpoint_id,
        cast(null as {{ dbt.type_string() }}) as anchor_touchpoint_id,
        sessions.party_id as session_party_id,
        cast(null as {{ dbt.type_numeric() }}) as revenue_pln,
        cast(null as {{ dbt.type_int() }}) as score,
        sessions.is_erased,
        sessions.started_at as occurred_at
    from session_parties as sessions

    union all

    select
        {{ surrogate_key(["'account_created'", 'customer_id']) }}
            as touchpoint_id,
        'shop' as source_system,
        'customers' as entity,
        customer_id as record_key,
        customer_id as resolution_key,
        customer_id as source_record_id,
        'account_created' as touchpoint_type,
        'web' as channel,
        null as store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        null as anchor_touchpoint_id,
        null as session_party_id,
        null as revenue_pln,
        null as score,
        is_erased,
        created_at as occurred_at
    from customers

    union all

    select
        {{ surrogate_key([order_placed, 'order_id']) }} as touchpoint_id,
        'shop' as source_system,
        'orders' as entity,
        order_id as record_key,
        order_id as resolution_key,
        order_id as source_record_id,
        'order_placed' as touchpoint_type,
        channel,
        null as store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        null as anchor_touchpoint_id,
        null as session_party_id,
        total_amount_pln as revenue_pln,
        null as score,
        is_erased,
        placed_at as occurred_at
    from orders

    union all

    select
        {{ surrogate_key([order_delivered, 'order_id']) }} as touchpoint_id,
        'shop' as source_system,
        'orders' as entity,
        order_id as record_key,
        order_id as resolution_key,
        order_id as source_record_id,
        'order_delivered' as touchpoint_type,
        channel,
        null as store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        {{ surrogate_key([order_placed, 'order_id']) }} as anchor_touchpoint_id,
        null as session_party_id,
        null as revenue_pln,
        null as score,
        is_erased,
        delivered_at as occurred_at
    from orders
    where delivered_at is not null

    union all

    {# The current version's updated_at is when the order was last
        changed: its cancellation or return. Revenue is taken back. #}
    select
        {{ surrogate_key([dbt.concat(["'order_'", 'status']), 'order_id']) }}
            as touchpoint_id,
        'shop' as source_system,
        'orders' as entity,
        order_id as record_key,
        order_id as resolution_key,
        order_id as source_record_id,
        {{ dbt.concat(["'order_'", 'status']) }} as touchpoint_type,
        channel,
        null as store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        {{ surrogate_key([order_placed, 'order_id']) }} as anchor_touchpoint_id,
        null as session_party_id,
        -total_amount_pln as revenue_pln,
        null as score,
        is_erased,
        updated_at as occurred_at
    from orders
    where status in ('cancelled', 'returned')

    union all

    select
        {{ surrogate_key(["'call'", 'call_id']) }} as touchpoint_id,
        'callcenter' as source_system,
        'calls' as entity,
        call_id as record_key,
        call_id as resolution_key,
        call_id as source_record_id,
        'call' as touchpoint_type,
        'call_center' as channel,
        null as store_id,
        agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        case
            when order_id is not null
                then {{ surrogate_key([order_placed, 'order_id']) }}
        end as anchor_touchpoint_id,
        null as session_party_id,
        null as revenue_pln,
        null as score,
        is_erased,
        started_at as occurred_at
    from calls

    union all

    select
        {{ surrogate_key([store_receipt, 'receipt_id']) }} as touchpoint_id,
        'stores' as source_system,
        'transactions' as entity,
        receipt_id as record_key,
        receipt_id as resolution_key,
        receipt_id as source_record_id,
        case when is_return then 'store_return' else 'store_purchase' end
            as touchpoint_type,
        'store' as channel,
        store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        case
            when is_return and original_receipt_id is not null
                then {{ surrogate_key([store_receipt, 'original_receipt_id']) }}
        end as anchor_touchpoint_id,
        null as session_party_id,
        total_amount_pln as revenue_pln,
        null as score,
        is_erased,
        occurred_at
    from transactions

    union all

    select
        {{ surrogate_key(["'loyalty_enrolment'", 'loyalty_member_id']) }}
            as touchpoint_id,
        'stores' as source_system,
        'loyalty_members' as entity,
        loyalty_member_id as record_key,
        card_number as resolution_key,
        loyalty_member_id as source_record_id,
        'loyalty_enrolment' as touchpoint_type,
        'store' as channel,
        enrolled_store_id as store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        null as anchor_touchpoint_id,
        null as session_party_id,
        null as revenue_pln,
        null as score,
        is_erased,
        enrolled_at as occurred_at
    from loyalty_members

    union all

    select
        {{ surrogate_key(["'email'", 'email_event_id']) }} as touchpoint_id,
        'marketing' as source_system,
        'email_events' as entity,
        email_event_id as record_key,
        message_id as resolution_key,
        message_id as source_record_id,
        {{ dbt.concat(["'email_'", 'event_type']) }} as touchpoint_type,
        'email' as channel,
        null as store_id,
        null as agent_id,
        null as survey_type,
        null as trigger_touchpoint_id,
        null as anchor_touchpoint_id,
        null as session_party_id,
        null as revenue_pln,
        null as score,
        is_erased,
        occurred_at
    from email_events

    union all

    select
        {{ surrogate_key(["'survey_response'", 'responses.response_id']) }}
            as touchpoint_id,
        'surveys' as source_system,
        'responses' as entity,
        responses.response_id as record_key,
        responses.response_id as resolution_key,
        responses.response_id as source_record_id,
        'survey_response' as touchpoint_type,
        'survey' as channel,
        responses.store_id,
        null as agent_id,
        responses.survey_type,
        case invitations.trigger_type
            when 'order_delivered'
                then {{ surrogate_key(
                    [order_delivered, 'invitations.order_id']
                ) }}
            when 'call_completed'
                then {{ surrogate_key(["'call'", 'invitations.call_id']) }}
            when 'store_purchase'
                then {{ surrogate_key(
                    [store_receipt, 'invitations.receipt_id']
                ) }}
        end as trigger_touchpoint_id,
        null as anchor_touchpoint_id,
        null as session_party_id,
        null as revenue_pln,
        responses.score,
        responses.is_erased,
        responses.submitted_at as occurred_at
    from responses
    left join invitations
        on responses.invitation_id = invitations.invitation_id

),

customer_touchpoints as {{ not_materialized() }} (

    select touchpoints.*

    from touchpoints

    left join test_traffic
        on
            touchpoints.entity = test_traffic.entity
            and touchpoints.record_key = test_traffic.record_id

    where
        test_traffic.record_id is null
        and touchpoints.occurred_at is not null

),

with_parties as (

    {#- a session's party is its session_party_id: int_records_resolved
        holds no clickstream events -#}
    select
        customer_touchpoints.*,
        coalesce(
            customer_touchpoints.session_party_id, resolved.customer_id
        ) as party_id

    from customer_touchpoints

    left join resolved
        on
            customer_touchpoints.entity = resolved.entity
            and customer_touchpoints.resolution_key = resolved.source_record_id

),

anchored as (

    {#- A survey answer joins the journey its trigger belongs to: the
        trigger's own anchor (a call about an order), else the trigger. A
        trigger that is not a touchpoint here anchors nothing. -#}
    select
        with_parties.touchpoint_id,
        with_parties.source_system,
        with_parties.entity,
        with_parties.source_record_id,
        with_parties.touchpoint_type,
        with_parties.channel,
        with_parties.store_id,
        with_parties.agent_id,
        with_parties.survey_type,
        with_parties.party_id,
        triggers.touchpoint_id as trigger_touchpoint_id,
        coalesce(
            with_parties.anchor_touchpoint_id,
            triggers.anchor_touchpoint_id,
            triggers.touchpoint_id
        ) as anchor_touchpoint_id,
        with_parties.revenue_pln,
        with_parties.score,
        with_parties.is_erased,
        known_parties.party_id is not null as is_known_customer,
        with_parties.occurred_at

    from with_parties

    left join customer_touchpoints as triggers
        on
            with_parties.trigger_touchpoint_id = triggers.touchpoint_id
            {# a survey is triggered by a delivery, a call or a receipt
                (trigger_touchpoint_id above), never by a session #}
            and triggers.entity in ('orders', 'calls', 'transactions')

    left join known_parties
        on with_parties.party_id = known_parties.party_id

)

select * from anchored
