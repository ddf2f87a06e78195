{#-
    One row per journey of fct_customer_journey (the journey rule lives in
    int_journey_steps and DECISIONS.md, "Journeys"): its stages, whether it
    converted, its channels, length, revenue and the scores given in it.
    Survey answers are feedback, not a channel the customer chose: they
    count as touchpoints but not towards channels_used / is_omnichannel.
-#}

with

touchpoints as (

    select
        journey_id,
        customer_id,
        touchpoint_id,
        channel,
        touchpoint_type,
        journey_stage,
        survey_type,
        stage_order,
        step_in_journey,
        revenue_pln,
        score,
        occurred_date,
        occurred_at

    from {{ ref('fct_customer_journey') }}

),

stages as (

    select distinct
        journey_stage,
        stage_order

    from {{ ref('journey_stages') }}

),

journey_channels as (

    select distinct
        journey_id,
        channel

    from touchpoints

    where channel != 'survey'

),

channel_lists as (

    select
        journey_id,
        count(*) as channel_count,
        {{ dbt.listagg('channel', "','", 'order by channel') }}
            as channels_used

    from journey_channels

    group by journey_id

),

scores as (

    {#- The latest answer of each survey type given in the journey. -#}
    select
        journey_id,
        survey_type,
        score,
        row_number() over (
            partition by journey_id, survey_type
            order by occurred_at desc, touchpoint_id desc
        ) as answer_rank

    from touchpoints

    where touchpoint_type = 'survey_response'

),

aggregated as (

    select
        journey_id,
        max(customer_id) as customer_id,
        max(
            case when step_in_journey = 1 then channel end
        ) as entry_channel,
        max(
            case when step_in_journey = 1 then touchpoint_type end
        ) as entry_touchpoint_type,
        max(stage_order) as furthest_stage_order,
        count(*) as touchpoints,
        sum(
            case when touchpoint_type = 'survey_response' then 1 else 0 end
        ) as survey_responses,
        coalesce(sum(revenue_pln), 0) as revenue_pln,
        max(
            case when journey_stage = 'awareness' then 1 else 0 end
        ) = 1 as has_awareness,
        max(
            case when journey_stage = 'consideration' then 1 else 0 end
        ) = 1 as has_consideration,
        max(
            case when journey_stage = 'purchase' then 1 else 0 end
        ) = 1 as has_purchase_stage,
        max(
            case when journey_stage = 'service' then 1 else 0 end
        ) = 1 as has_service,
        max(
            case when journey_stage = 'loyalty' then 1 else 0 end
        ) = 1 as has_loyalty,
        max(
            case
                when touchpoint_type in ('order_placed', 'store_purchase')
                    then 1
                else 0
            end
        ) = 1 as is_converted,
        min(occurred_date) as started_date,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        min(
            case
                when touchpoint_type in ('order_placed', 'store_purchase')
                    then occurred_at
            end
        ) as converted_at

    from touchpoints

    group by journey_id

),

final as (

    select
        aggregated.journey_id,
        aggregated.customer_id,
        aggregated.entry_channel,
        aggregated.entry_touchpoint_type,
        stages.journey_stage as furthest_stage,
        channel_lists.channels_used,
        cast(coalesce(channel_lists.channel_count, 0) as {{ dbt.type_int() }})
            as channel_count,
        cast(aggregated.touchpoints as {{ dbt.type_int() }}) as touchpoints,
        cast(aggregated.survey_responses as {{ dbt.type_int() }})
            as survey_responses,
        cast({{ dbt.datediff(
            'aggregated.started_at', 'aggregated.ended_at', 'second'
        ) }} as {{ dbt.type_bigint() }}) as duration_seconds,
        cast(aggregated.revenue_pln as decimal(18, 2)) as revenue_pln,
        cast(nps.score as {{ dbt.type_int() }}) as nps_score,
        cast(csat.score as {{ dbt.type_int() }}) as csat_score,
        cast(ces.score as {{ dbt.type_int() }}) as ces_score,
        aggregated.has_awareness,
        aggregated.has_consideration,
        aggregated.has_purchase_stage,
        aggregated.has_service,
        aggregated.has_loyalty,
        aggregated.is_converted,
        coalesce(channel_lists.channel_count, 0) >= 2 as is_omnichannel,
        aggregated.started_date,
        aggregated.started_at,
        aggregated.ended_at,
        aggregated.converted_at

    from aggregated

    left join channel_lists
        on aggregated.journey_id = channel_lists.journey_id

    left join stages
        on aggregated.furthest_stage_order = stages.stage_order

    left join scores as nps
        on
            aggregated.journey_id = nps.journey_id
            and nps.survey_type = 'nps'
            and nps.answer_rank = 1

    left join scores as csat
        on
            aggregated.journey_id = csat.journey_id
            and csat.survey_type = 'csat'
            and csat.answer_rank = 1

    left join scores as ces
        on
            aggregated.journey_id = ces.journey_id
            and ces.survey_type = 'ces'
            and ces.answer_rank = 1

)

select * from final
