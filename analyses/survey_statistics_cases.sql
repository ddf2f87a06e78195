{#-
    Hand-computed cases for the macros in macros/survey_statistics.sql:
    tests/python/test_survey_statistics.py compiles this analysis, runs it
    in DuckDB and checks every value against its hand computation (the
    expected values and their arithmetic are in the test). One row per
    case name; a name can feed several macros (no_responses is n = 0 for
    an NPS, a share and a mean). mixed_vs_half_and_half compares two NPS
    results of the macros themselves, as a mart would.
-#}

with

nps_cases as (

    select
        nps_values.case_name,
        nps_values.promoters,
        nps_values.detractors,
        nps_values.responses

    from (
        values
        ('one_promoter', 1, 0, 1),
        ('no_responses', 0, 0, 0),
        ('null_responses', 3, 1, null),
        ('all_promoters_50', 50, 0, 50),
        ('all_detractors_40', 0, 40, 40),
        ('mixed_100', 50, 20, 100),
        ('half_and_half_100', 50, 50, 100)
    ) as nps_values (case_name, promoters, detractors, responses)

),

proportion_cases as (

    select
        proportion_values.case_name,
        proportion_values.successes,
        proportion_values.responses

    from (
        values
        ('no_responses', 0, 0),
        ('half_100', 50, 100),
        ('four_fifths_100', 80, 100),
        ('all_20', 20, 20)
    ) as proportion_values (case_name, successes, responses)

),

mean_cases as (

    select
        mean_values.case_name,
        mean_values.score_sum,
        mean_values.score_sq_sum,
        mean_values.responses

    from (
        values
        ('no_responses', 0, 0, 0),
        ('one_score', 7, 49, 1),
        ('scores_2_4', 6, 20, 2),
        ('scores_1_to_5', 15, 55, 5),
        ('scores_7_7_7', 21, 147, 3)
    ) as mean_values (case_name, score_sum, score_sq_sum, responses)

),

difference_cases as (

    select
        difference_values.case_name,
        cast(difference_values.estimate_a as double) as estimate_a,
        cast(difference_values.moe_a as double) as moe_a,
        cast(difference_values.estimate_b as double) as estimate_b,
        cast(difference_values.moe_b as double) as moe_b

    from (
        values
        ('just_above_margin', 30, 3, 24.999, 4),
        ('just_below_margin', 30, 3, 25.001, 4),
        ('at_margin', 30, 3, 25, 4),
        ('just_above_margin_reversed', 24.999, 4, 30, 3),
        ('null_margin', 30, null, 20, 4)
    ) as difference_values (
        case_name, estimate_a, moe_a, estimate_b, moe_b
    )

),

nps_statistics as (

    select
        case_name,
        {{ nps_score('promoters', 'detractors', 'responses') }} as nps_score,
        {{ nps_margin_of_error('promoters', 'detractors', 'responses') }}
            as nps_margin_of_error

    from nps_cases

),

proportion_statistics as (

    select
        case_name,
        {{ proportion_margin_of_error('successes', 'responses') }}
            as proportion_margin_of_error,
        {{ proportion_variance('successes', 'responses') }}
            as proportion_variance

    from proportion_cases

),

mean_statistics as (

    select
        case_name,
        {{ mean_margin_of_error('score_sum', 'score_sq_sum', 'responses') }}
            as mean_margin_of_error

    from mean_cases

),

nps_compared as (

    select
        'mixed_vs_half_and_half' as case_name,
        mixed.nps_score as estimate_a,
        mixed.nps_margin_of_error as moe_a,
        half_and_half.nps_score as estimate_b,
        half_and_half.nps_margin_of_error as moe_b

    from nps_statistics as mixed

    cross join nps_statistics as half_and_half

    where
        mixed.case_name = 'mixed_100'
        and half_and_half.case_name = 'half_and_half_100'

),

difference_statistics as (

    select
        case_name,
        {{ difference_margin_of_error('moe_a', 'moe_b') }}
            as difference_margin_of_error,
        {{ is_significant_difference(
            'estimate_a', 'moe_a', 'estimate_b', 'moe_b'
        ) }} as is_significant_difference

    from (
        select * from difference_cases
        union all
        select * from nps_compared
    ) as compared

),

case_names as (

    select case_name from nps_statistics
    union
    select case_name from proportion_statistics
    union
    select case_name from mean_statistics
    union
    select case_name from difference_statistics

),

statistics as (

    select
        case_names.case_name,
        nps_statistics.nps_score,
        nps_statistics.nps_margin_of_error,
        proportion_statistics.proportion_margin_of_error,
        proportion_statistics.proportion_variance,
        mean_statistics.mean_margin_of_error,
        difference_statistics.difference_margin_of_error,
        difference_statistics.is_significant_difference

    from case_names

    left join nps_statistics
        on case_names.case_name = nps_statistics.case_name

    left join proportion_statistics
        on case_names.case_name = proportion_statistics.case_name

    left join mean_statistics
        on case_names.case_name = mean_statistics.case_name

    left join difference_statistics
        on case_names.case_name = difference_statistics.case_name

)

select * from statistics
