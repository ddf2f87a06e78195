{#-
    NPS by month x trigger type x channel x country (mart_survey_scores),
    with its 95 % margin of error and the change against the same cell's
    previous month, significant when it exceeds the combined margin.
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
        positive_responses as promoters,
        neutral_responses as passives,
        negative_responses as detractors,
        score_sum,
        previous_responses,
        previous_positive_responses as previous_promoters,
        previous_negative_responses as previous_detractors

    from {{ ref('mart_survey_scores') }}

    where survey_type = 'nps'

),

measured as (

    select
        *,
        {{ nps_score('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_margin_of_error('promoters', 'detractors', 'responses') }}
            as nps_margin_of_error,
        {{ nps_score(
            'previous_promoters', 'previous_detractors', 'previous_responses'
        ) }} as previous_nps,
        {{ nps_margin_of_error(
            'previous_promoters', 'previous_detractors', 'previous_responses'
        ) }} as previous_nps_margin_of_error

    from scores

),

final as (

    select
        survey_score_id as nps_id,
        month,  -- noqa: RF04
        trigger_type,
        channel,
        country,
        responses,
        promoters,
        passives,
        detractors,
        score_sum,
        nps,
        nps_margin_of_error,
        previous_responses,
        previous_nps,
        nps - previous_nps as nps_change,
        {{ difference_margin_of_error(
            'nps_margin_of_error', 'previous_nps_margin_of_error'
        ) }} as nps_change_margin_of_error,
        {{ is_significant_difference(
            'nps', 'nps_margin_of_error',
            'previous_nps', 'previous_nps_margin_of_error',
            'responses', 'previous_responses'
        ) }} as is_change_significant

    from measured

)

select * from final
