{#-
    The additive counts behind mart_nps, mart_csat and mart_ces: one row
    per month (Europe/Warsaw) x survey type x trigger type x channel x
    country with at least one counted response, and the same cell's counts
    in the previous calendar month (null when that month had none). Every
    count and sum adds up over any dimension; ratios never do, so they are
    derived last, in the per-metric marts.
-#}

with

responses as (

    select
        submitted_month,
        survey_type,
        trigger_type,
        channel,
        country,
        score,
        score_category,
        is_positive,
        is_passive as is_neutral

    from {{ ref('fct_survey_responses') }}

),

monthly as (

    select
        submitted_month as month,  -- noqa: RF04
        survey_type,
        trigger_type,
        channel,
        country,
        count(*) as responses,
        sum(case when is_positive then 1 else 0 end) as positive_responses,
        sum(case when is_neutral then 1 else 0 end) as neutral_responses,
        sum(
            case when not is_positive and not is_neutral then 1 else 0 end
        ) as negative_responses,
        sum(score) as score_sum,
        sum(score * score) as score_sq_sum

    from responses

    group by 1, 2, 3, 4, 5

),

compared as (

    select
        monthly.*,
        previous.responses as previous_responses,
        previous.positive_responses as previous_positive_responses,
        previous.neutral_responses as previous_neutral_responses,
        previous.negative_responses as previous_negative_responses,
        previous.score_sum as previous_score_sum,
        previous.score_sq_sum as previous_score_sq_sum

    from monthly

    left join monthly as previous
        on
            monthly.survey_type = previous.survey_type
            and monthly.trigger_type = previous.trigger_type
            and monthly.channel = previous.channel
            and monthly.country = previous.country
            and previous.month = cast(
                {{ dbt.dateadd('month', -1, 'monthly.month') }} as date
            )

),

final as (

    select
        {{ surrogate_key([
            'month', 'survey_type', 'trigger_type', 'channel', 'country',
        ]) }} as survey_score_id,
        month,  -- noqa: RF04
        survey_type,
        trigger_type,
        channel,
        country,
        cast(responses as {{ dbt.type_bigint() }}) as responses,
        cast(positive_responses as {{ dbt.type_bigint() }})
            as positive_responses,
        cast(neutral_responses as {{ dbt.type_bigint() }}) as neutral_responses,
        cast(negative_responses as {{ dbt.type_bigint() }})
            as negative_responses,
        cast(score_sum as {{ dbt.type_bigint() }}) as score_sum,
        cast(score_sq_sum as {{ dbt.type_bigint() }}) as score_sq_sum,
        cast(previous_responses as {{ dbt.type_bigint() }})
            as previous_responses,
        cast(previous_positive_responses as {{ dbt.type_bigint() }})
            as previous_positive_responses,
        cast(previous_neutral_responses as {{ dbt.type_bigint() }})
            as previous_neutral_responses,
        cast(previous_negative_responses as {{ dbt.type_bigint() }})
            as previous_negative_responses,
        cast(previous_score_sum as {{ dbt.type_bigint() }})
            as previous_score_sum,
        cast(previous_score_sq_sum as {{ dbt.type_bigint() }})
            as previous_score_sq_sum

    from compared

)

select * from final
