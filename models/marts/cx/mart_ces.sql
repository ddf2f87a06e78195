{#-
    CES by month x trigger type x channel x country (mart_survey_scores):
    the mean effort score (1-7, 7 = very easy) with its 95 % margin of
    error, the low-effort share (scores 5-7) with its own, and the change
    of the mean against the same cell's previous month, significant when it
    exceeds the combined margin.
-#}

with

scores as (

    select
        survey_score_id,
        month,  -- noqa: RF04
        trigger_type,
        channel,
        country,
        responses,
        positive_responses as low_effort_responses,
        score_sum,
        score_sq_sum,
        previous_responses,
        previous_score_sum,
        previous_score_sq_sum

    from {{ ref('mart_survey_scores') }}

    where survey_type = 'ces'

),

measured as (

    select
        *,
        cast(score_sum as double) / nullif(responses, 0) as ces_mean,
        {{ mean_margin_of_error('score_sum', 'score_sq_sum', 'responses') }}
            as ces_mean_margin_of_error,
        100 * cast(low_effort_responses as double)
        / nullif(responses, 0) as ces_low_effort_pct,
        {{ proportion_margin_of_error('low_effort_responses', 'responses') }}
            as ces_low_effort_pct_margin_of_error,
        cast(previous_score_sum as double)
        / nullif(previous_responses, 0) as previous_ces_mean,
        {{ mean_margin_of_error(
            'previous_score_sum', 'previous_score_sq_sum', 'previous_responses'
        ) }} as previous_ces_mean_margin_of_error

    from scores

),

final as (

    select
        survey_score_id as ces_id,
        month,  -- noqa: RF04
        trigger_type,
        channel,
        country,
        responses,
        low_effort_responses,
        score_sum,
        score_sq_sum,
        ces_mean,
        ces_mean_margin_of_error,
        ces_mean - ces_mean_margin_of_error as ces_mean_lower_95,
        ces_mean + ces_mean_margin_of_error as ces_mean_upper_95,
        ces_low_effort_pct,
        ces_low_effort_pct_margin_of_error,
        previous_responses,
        previous_ces_mean,
        ces_mean - previous_ces_mean as ces_mean_change,
        {{ difference_margin_of_error(
            'ces_mean_margin_of_error', 'previous_ces_mean_margin_of_error'
        ) }} as ces_mean_change_margin_of_error,
        {{ is_significant_difference(
            'ces_mean', 'ces_mean_margin_of_error',
            'previous_ces_mean', 'previous_ces_mean_margin_of_error',
            'responses', 'previous_responses'
        ) }} as is_change_significant

    from measured

)

select * from final
