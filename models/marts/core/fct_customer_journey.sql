{#-
    One row per touchpoint (int_touchpoints_unioned) with its journey stage
    and its place in a journey (int_journey_steps, which owns the journey
    rule). A touchpoint's customer is its party when that party is a
    customer someone can know.
-#}

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
        revenue_pln,
        score,
        is_known_customer,
        occurred_at

    from {{ ref('int_touchpoints_unioned') }}

),

steps as (

    select
        touchpoint_id,
        journey_id,
        journey_stage,
        stage_order,
        is_repeat_purchase,
        step_in_journey,
        previous_touchpoint_type,
        seconds_since_previous

    from {{ ref('int_journey_steps') }}

),

final as (

    select
        touchpoints.touchpoint_id,
        case when touchpoints.is_known_customer then touchpoints.party_id end
            as customer_id,
        steps.journey_id,
        touchpoints.trigger_touchpoint_id,
        touchpoints.source_system,
        touchpoints.source_record_id,
        touchpoints.channel,
        touchpoints.touchpoint_type,
        steps.journey_stage,
        steps.previous_touchpoint_type,
        touchpoints.store_id,
        touchpoints.agent_id,
        touchpoints.survey_type,
        steps.stage_order,
        steps.step_in_journey,
        steps.seconds_since_previous,
        cast(touchpoints.revenue_pln as decimal(18, 2)) as revenue_pln,
        cast(touchpoints.score as {{ dbt.type_int() }}) as score,
        steps.is_repeat_purchase,
        {{ utc_to_local_date('touchpoints.occurred_at') }} as occurred_date,
        touchpoints.occurred_at

    from touchpoints

    left join steps
        on touchpoints.touchpoint_id = steps.touchpoint_id

)

select * from final
