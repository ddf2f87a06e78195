{#-
    One row per touchpoint, from every source: web and app sessions
    (int_sessions_aggregated), shop accounts opened, orders placed,
    delivered, cancelled and returned, calls, store receipts (purchases and
    returns), loyalty enrolments, email opens and clicks, and counted survey
    responses. Test traffic is left out.

    Each touchpoint carries the party it belongs to (party_id: the resolved
    key of int_customer_keys, also for a cookie nobody knows), whether that
    party is a known customer (int_customers_known) and, when it
    belongs to an earlier touchpoint's journey, that touchpoint
    (anchor_touchpoint_id): an order's delivery, cancellation and return
    and a call about an order belong to the order placed; a store return to
    the receipt it returns; a survey response to the journey of the
    touchpoint that triggered it (trigger_touchpoint_id).

    Each source's touchpoints come from a model of its own
    (touchpoints/int_touchpoints_from_*); union_touchpoints pads them to
    the columns touchpoint_columns() declares.
-#}

with

unioned as (

    {{ union_touchpoints([
        ref('int_touchpoints_from_sessions'),
        ref('int_touchpoints_from_accounts'),
        ref('int_touchpoints_from_orders'),
        ref('int_touchpoints_from_calls'),
        ref('int_touchpoints_from_receipts'),
        ref('int_touchpoints_from_loyalty_enrolments'),
        ref('int_touchpoints_from_email_events'),
        ref('int_touchpoints_from_survey_responses'),
    ]) }}

),

resolved as (

    select
        entity,
        source_record_id,
        customer_id

    from {{ ref('int_records_resolved') }}

),

known_parties as (

    select customer_id as party_id

    from {{ ref('int_customers_known') }}

),

test_traffic as (

    select
        entity,
        record_id

    from {{ ref('int_test_traffic_identified') }}

),

customer_touchpoints as {{ not_materialized() }} (

    select unioned.*

    from unioned

    left join test_traffic
        on
            unioned.entity = test_traffic.entity
            and unioned.record_key = test_traffic.record_id

    where
        test_traffic.record_id is null
        and unioned.occurred_at is not null

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
