{#-
    CSAT by month x trigger type x channel x country (mart_survey_scores):
    the top-2-box share (scores 4-5) with its 95 % margin of error, the
    mean score with its own, and the change of CSAT against the same
    cell's previous month, significant when it exceeds the combined margin.
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
        positive_responses as satisfied_responses,
        score_sum,
        score_sq_sum,
        previous_responses,
        previous_positive_responses as previous_satisfied_responses

    from {{ ref('mart_survey_scores') }}

    where survey_type = 'csat'

),

measured as (

    select
        *,
        100 * cast(satisfied_responses as double)
        / nullif(responses, 0) as csat,
        {{ proportion_margin_of_error('satisfied_responses', 'responses') }}
            as csat_margin_of_error,
        cast(score_sum as double) / nullif(responses, 0) as csat_mean,
        {{ mean_margin_of_error('score_sum', 'score_sq_sum', 'responses') }}
            as csat_mean_margin_of_error,
        100 * cast(previous_satisfied_responses as double)
        / nullif(previous_responses, 0) as previous_csat,
        {{ proportion_margin_of_error(
            'previous_satisfied_responses', 'previous_responses'
        ) }} as previous_csat_margin_of_error

    from scores

),

final as (

    select
        survey_score_id as csat_id,
        month,  -- noqa: RF04
        trigger_type,
        channel,
        country,
        responses,
        satisfied_responses,
        score_sum,
        score_sq_sum,
        csat,
        csat_margin_of_error,
        csat - csat_margin_of_error as csat_lower_95,
        csat + csat_margin_of_error as csat_upper_95,
        csat_mean,
        csat_mean_margin_of_error,
        previous_responses,
        previous_csat,
        csat - previous_csat as csat_change,
        {{ difference_margin_of_error(
            'csat_margin_of_error', 'previous_csat_margin_of_error'
        ) }} as csat_change_margin_of_error,
        {{ is_significant_difference(
            'csat', 'csat_margin_of_error',
            'previous_csat', 'previous_csat_margin_of_error',
            'responses', 'previous_responses'
        ) }} as is_change_significant

    from measured

)

select * from final
