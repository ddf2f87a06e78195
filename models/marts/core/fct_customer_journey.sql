{#-
    One row per touchpoint (int_touchpoints_unioned), with its journey
    stage and its place in a journey. This model owns the journey rule
    (DECISIONS.md, "Journeys"):
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
-#}

{%- set gap_seconds = var('journey_gap_days', 30) * 86400 -%}

with

touchpoints as (

    select
        touchpoint_id,
        source_system,
        source_record_id,
        touchpoint_type,
        channel,
        store_id,
        agent_id,
        survey_type,
        party_id,
        trigger_touchpoint_id,
        anchor_touchpoint_id,
        revenue_pln,
        score,
        is_known_customer,
        occurred_at

    from {{ ref('int_touchpoints_unioned') }}

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
        parties.*,
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

anchor_links as (

    {#- An anchor counts only when it is a touchpoint of the same party. -#}
    select
        parties.touchpoint_id,
        anchors.touchpoint_id as journey_anchor_id

    from parties

    inner join parties as anchors
        on
            parties.anchor_touchpoint_id = anchors.touchpoint_id
            and parties.party_key = anchors.party_key

),

openers as (

    {#- The journey steps below run on narrow rows (ids, times, stages)
        and join the wide touchpoints once at the end: carried through
        every window and join, the wide rows spilled 4.1 GB at 100k
        customers with memory_limit 1GB, and the model ran out of memory -#}
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

opener_journeys as {{ not_materialized() }} (

    select
        touchpoint_id,
        {{ surrogate_key(["'journey'", 'opening_touchpoint_id']) }}
            as journey_id

    from opened

),

journeys_assigned as (

    select
        parties.touchpoint_id,
        parties.touchpoint_type,
        parties.occurred_at,
        coalesce(
            own_journeys.journey_id, anchor_journeys.journey_id
        ) as journey_id

    from parties

    left join anchor_links
        on parties.touchpoint_id = anchor_links.touchpoint_id

    left join opener_journeys as own_journeys
        on parties.touchpoint_id = own_journeys.touchpoint_id

    left join opener_journeys as anchor_journeys
        on anchor_links.journey_anchor_id = anchor_journeys.touchpoint_id

),

sequenced as (

    select
        touchpoint_id,
        journey_id,
        row_number() over (
            partition by journey_id
            order by occurred_at, touchpoint_id
        ) as step_in_journey,
        lag(touchpoint_type) over (
            partition by journey_id
            order by occurred_at, touchpoint_id
        ) as previous_touchpoint_type,
        {{ dbt.datediff(
            'lag(occurred_at) over (partition by journey_id '
            ~ 'order by occurred_at, touchpoint_id)',
            'occurred_at',
            'second'
        ) }} as seconds_since_previous

    from journeys_assigned

),

final as (

    select
        staged.touchpoint_id,
        case when staged.is_known_customer then staged.party_id end
            as customer_id,
        sequenced.journey_id,
        staged.trigger_touchpoint_id,
        staged.source_system,
        staged.source_record_id,
        staged.channel,
        staged.touchpoint_type,
        staged.journey_stage,
        sequenced.previous_touchpoint_type,
        staged.store_id,
        staged.agent_id,
        staged.survey_type,
        cast(staged.stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(sequenced.step_in_journey as {{ dbt.type_int() }})
            as step_in_journey,
        cast(sequenced.seconds_since_previous as {{ dbt.type_bigint() }})
            as seconds_since_previous,
        cast(staged.revenue_pln as decimal(18, 2)) as revenue_pln,
        cast(staged.score as {{ dbt.type_int() }}) as score,
        staged.is_repeat_purchase,
        {{ utc_to_local_date('staged.occurred_at') }} as occurred_date,
        staged.occurred_at

    from staged

    inner join sequenced
        on staged.touchpoint_id = sequenced.touchpoint_id

)

select * from final
