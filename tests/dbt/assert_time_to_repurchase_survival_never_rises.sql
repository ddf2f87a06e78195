-- A Kaplan-Meier curve starts at 1 on day 0, never rises from one day to the
-- next, and its interval holds it (mart_time_to_repurchase).
with

curve as (

    select
        survey_type,
        score_class,
        month,  -- noqa: RF04
        day_number,
        survival,
        survival_lower,
        survival_upper,
        lag(survival) over (
            partition by survey_type, score_class, month
            order by day_number
        ) as previous_survival

    from {{ ref('mart_time_to_repurchase') }}

)

select *

from curve

where
    (day_number = 0 and survival != 1)
    or survival > previous_survival
    or survival < 0
    or survival_lower > survival
    or survival_upper < survival
