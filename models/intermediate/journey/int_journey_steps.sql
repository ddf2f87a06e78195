{#-
    One row per touchpoint (int_touchpoints_unioned): its journey stage and
    its place in a journey, on narrow rows (ids, times, stages) that
    fct_customer_journey joins to the wide touchpoints. This model owns the
    journey rule (DECISIONS.md, "Journeys"):
    - a party's touchpoints are its customer's, or its unknown cookie's; a
      touchpoint nobody can be known for is a journey of its own;
    - a touchpoint that belongs to an earlier one (anchor_touchpoint_id of
      the same party: an order's delivery, a call about the order, the
      answer to a survey) joins that touchpoint's journey;
    - every other touchpoint opens a new journey when it is the party's
      first, when more than var journey_gap_days (default 30) days passed
      since the party's previous such touchpoint, or when it is an
      awareness or consideration touch after a purchase, service or
      loyalty touch (the next round of shopping).
    A table of its own, not a CTE of the journey fact: its windows and the
    wide join spill less apart than in one query (DECISIONS.md, "The
    journey steps as a table").

    Incremental: the rule reads one party's touchpoints at a time, so a run
    rebuilds the parties (party_key) whose touchpoints changed and keeps
    the others'. Each row keeps what the rule read of its touchpoint (party,
    type, anchor, whether the customer is known, time); the pre-hook
    compares those with the touchpoints now and deletes the rows of every
    party on either side of a difference (a new, changed or vanished
    touchpoint, or one that moved to another party when two customers
    merged or split). The run then builds the parties that have a
    touchpoint without a row. A changed journey_stages seed or
    journey_gap_days needs a full refresh.

    Over 250 lines: the one home of the journey rule, whose steps (stage,
    anchor, opener, boundary, numbering) read each other's windows; a
    tenth of it is this header.
-#}

{{ config(
    pre_hook="{{ delete_journey_steps_to_rebuild() }}",
    **cxw_incremental_config(),
) }}

{%- set gap_seconds = var('journey_gap_days') * 86400 -%}

with

touchpoints as (

    select
        touchpoint_id,
        touchpoint_type,
        party_id,
        anchor_touchpoint_id,
        is_known_customer,
        occurred_at

    from {{ ref('int_touchpoints_unioned') }}
    {%- if is_incremental() %}

    {#- the parties with a touchpoint that has no row: the pre-hook deleted
        the rows of every party a change reached -#}
    where coalesce(party_id, touchpoint_id) in (
        select coalesce(unheld.party_id, unheld.touchpoint_id)
        from {{ ref('int_touchpoints_unioned') }} as unheld
        left join {{ this }} as held
            on unheld.touchpoint_id = held.touchpoint_id
        where held.touchpoint_id is null
    )
    {%- endif %}

),

stages as (

    select
        touchpoint_type,
        journey_stage,
        stage_order

    from {{ ref('journey_stages') }}

),

parties as {{ not_materialized() }} (

    select
        *,
        coalesce(party_id, touchpoint_id) as party_key,
        touchpoint_type in ('order_placed', 'store_purchase') as is_purchase

    from touchpoints

),

purchases_numbered as (

    select
        touchpoint_id,
        row_number() over (
            partition by party_key
            order by occurred_at, touchpoint_id
        ) as purchase_number

    from parties

    where is_purchase and is_known_customer

),

staged as {{ not_materialized() }} (

    select
        parties.touchpoint_id,
        parties.touchpoint_type,
        parties.party_key,
        parties.anchor_touchpoint_id,
        parties.is_known_customer,
        parties.occurred_at,
        coalesce(purchases_numbered.purchase_number > 1, false)
            as is_repeat_purchase,
        stages.journey_stage,
        stages.stage_order

    from parties

    left join purchases_numbered
        on parties.touchpoint_id = purchases_numbered.touchpoint_id

    left join stages
        on
            stages.touchpoint_type = case
                when purchases_numbered.purchase_number > 1
                    then 'repeat_purchase'
                else parties.touchpoint_type
            end

),

anchored as (

    select
        touchpoint_id,
        party_key,
        anchor_touchpoint_id

    from parties

    where anchor_touchpoint_id is not null

),

anchor_links as (

    {#- An anchor counts only when it is a touchpoint of the same party.
        The hash table holds the anchored touchpoints only, a small share
        of them (docs/performance.md). -#}
    select
        anchored.touchpoint_id,
        anchors.touchpoint_id as journey_anchor_id

    from parties as anchors

    inner join anchored
        on
            anchors.touchpoint_id = anchored.anchor_touchpoint_id
            and anchors.party_key = anchored.party_key

),

openers as (

    select
        staged.touchpoint_id,
        staged.party_key,
        staged.occurred_at,
        staged.stage_order,
        lag(staged.occurred_at) over (
            partition by staged.party_key
            order by staged.occurred_at, staged.touchpoint_id
        ) as previous_occurred_at,
        lag(staged.stage_order) over (
            partition by staged.party_key
            order by staged.occurred_at, staged.touchpoint_id
        ) as previous_stage_order

    from staged

    left join anchor_links
        on staged.touchpoint_id = anchor_links.touchpoint_id

    where anchor_links.touchpoint_id is null

),

boundaries as (

    select
        *,
        case
            when previous_occurred_at is null then 1
            when {{ dbt.datediff(
                'previous_occurred_at', 'occurred_at', 'second'
            ) }} > {{ gap_seconds }} then 1
            when stage_order <= 2 and previous_stage_order >= 3 then 1
            else 0
        end as is_new_journey

    from openers

),

numbered as (

    select
        *,
        sum(is_new_journey) over (
            partition by party_key
            order by occurred_at, touchpoint_id
            rows between unbounded preceding and current row
        ) as journey_number

    from boundaries

),

opened as (

    select
        touchpoint_id,
        max(
            case when is_new_journey = 1 then touchpoint_id end
        ) over (
            partition by party_key, journey_number
        ) as opening_touchpoint_id

    from numbered

),

opener_journeys as (

    select
        touchpoint_id,
        {{ surrogate_key(["'journey'", 'opening_touchpoint_id']) }}
            as journey_id

    from opened

),

journeys_assigned as (

    {#- A touchpoint's journey is its own when it opened or continued one,
        else its anchor's: one join to the journeys by whichever applies,
        so that the windows behind them run once. -#}
    select
        staged.touchpoint_id,
        staged.touchpoint_type,
        staged.party_key,
        staged.anchor_touchpoint_id,
        staged.is_known_customer,
        staged.journey_stage,
        staged.stage_order,
        staged.is_repeat_purchase,
        staged.occurred_at,
        opener_journeys.journey_id

    from staged

    left join anchor_links
        on staged.touchpoint_id = anchor_links.touchpoint_id

    left join opener_journeys
        on
            opener_journeys.touchpoint_id = coalesce(
                anchor_links.journey_anchor_id, staged.touchpoint_id
            )

),

final as (

    select
        touchpoint_id,
        journey_id,
        journey_stage,
        cast(stage_order as {{ dbt.type_int() }}) as stage_order,
        is_repeat_purchase,
        cast(row_number() over (
            partition by journey_id
            order by occurred_at, touchpoint_id
        ) as {{ dbt.type_int() }}) as step_in_journey,
        lag(touchpoint_type) over (
            partition by journey_id
            order by occurred_at, touchpoint_id
        ) as previous_touchpoint_type,
        cast({{ dbt.datediff(
            'lag(occurred_at) over (partition by journey_id '
            ~ 'order by occurred_at, touchpoint_id)',
            'occurred_at',
            'second'
        ) }} as {{ dbt.type_bigint() }}) as seconds_since_previous,
        party_key,
        touchpoint_type,
        anchor_touchpoint_id,
        is_known_customer,
        occurred_at,
        {{ run_started_at_timestamp() }} as loaded_at

    from journeys_assigned

)

select * from final
