{#-
    The emotional curve of the journey: counted scores by the touchpoint
    that came just before the answer in its journey (its type and journey
    stage) x survey type. An answer that opens its journey has 'none' for
    both. Counts are additive; the mean, shares and NPS are derived per row.
-#}

with

responses as (

    select
        touchpoint_id,
        survey_type,
        score,
        is_positive,
        is_passive as is_neutral,
        is_promoter,
        is_detractor

    from {{ ref('fct_survey_responses') }}

    where touchpoint_id is not null

),

journey as (

    select
        touchpoint_id,
        journey_id,
        touchpoint_type,
        journey_stage,
        stage_order,
        step_in_journey

    from {{ ref('fct_customer_journey') }}

),

preceded as (

    select
        responses.*,
        coalesce(previous.journey_stage, 'none') as preceding_journey_stage,
        coalesce(previous.touchpoint_type, 'none')
            as preceding_touchpoint_type,
        coalesce(previous.stage_order, 0) as preceding_stage_order

    from responses

    inner join journey as answer
        on responses.touchpoint_id = answer.touchpoint_id

    left join journey as previous
        on
            answer.journey_id = previous.journey_id
            and answer.step_in_journey - 1 = previous.step_in_journey

),

aggregated as (

    select
        survey_type,
        preceding_journey_stage,
        preceding_touchpoint_type,
        preceding_stage_order,
        count(*) as responses,
        sum(case when is_positive then 1 else 0 end) as positive_responses,
        sum(case when is_neutral then 1 else 0 end) as neutral_responses,
        sum(
            case when not is_positive and not is_neutral then 1 else 0 end
        ) as negative_responses,
        sum(case when is_promoter then 1 else 0 end) as promoters,
        sum(case when is_detractor then 1 else 0 end) as detractors,
        sum(score) as score_sum,
        sum(score * score) as score_sq_sum

    from preceded

    group by 1, 2, 3, 4

),

final as (

    select
        {{ surrogate_key([
            'survey_type', 'preceding_journey_stage',
            'preceding_touchpoint_type',
        ]) }} as touchpoint_score_id,
        survey_type,
        preceding_journey_stage,
        preceding_touchpoint_type,
        cast(preceding_stage_order as {{ dbt.type_int() }})
            as preceding_stage_order,
        cast(responses as {{ dbt.type_bigint() }}) as responses,
        cast(positive_responses as {{ dbt.type_bigint() }})
            as positive_responses,
        cast(neutral_responses as {{ dbt.type_bigint() }})
            as neutral_responses,
        cast(negative_responses as {{ dbt.type_bigint() }})
            as negative_responses,
        cast(score_sum as {{ dbt.type_bigint() }}) as score_sum,
        cast(score_sq_sum as {{ dbt.type_bigint() }}) as score_sq_sum,
        cast(score_sum as double) / responses as mean_score,
        {{ mean_margin_of_error('score_sum', 'score_sq_sum', 'responses') }}
            as mean_score_margin_of_error,
        100 * cast(positive_responses as double) / responses
            as positive_pct,
        100 * cast(negative_responses as double) / responses
            as negative_pct,
        case
            when survey_type = 'nps'
                then {{ nps_score('promoters', 'detractors', 'responses') }}
        end as nps,
        case
            when survey_type = 'nps'
                then {{ nps_margin_of_error(
                    'promoters', 'detractors', 'responses'
                ) }}
        end as nps_margin_of_error

    from aggregated

)

select * from final
