{#-
    Time to the next shop order after a survey answer, as a Kaplan-Meier
    curve per survey type x score class x month of answer (null: every
    month, each customer's first answer), in whole days since the answer
    (day 1: within 24 hours). An answer whose customer has not ordered
    again is censored at the last whole day it was followed: the longest
    outcome window or the data's end (int_outcome_index_events). Survival
    S(t) = product over days u <= t of (1 - repurchases_u / at_risk_u), with
    Greenwood's 95 % interval; day 0 is S = 1. S is rounded to 12 decimals,
    so that exp(ln(x)) gives back x. docs/cx-pays.md.
-#}

{%- set along_the_curve -%}
    partition by at_risk.survey_type, at_risk.score_class, at_risk.index_month
    order by at_risk.day_number
    rows between unbounded preceding and current row
{%- endset -%}

with

answers as (

    select
        topic as survey_type,
        comparison_group as score_class,
        index_month,
        is_first_overall,
        indexed_at,
        next_order_at,
        followed_until

    from {{ ref('int_outcome_index_events') }}

    where outcome_kind = 'survey'

),

durations as (

    select
        survey_type,
        score_class,
        index_month,
        is_first_overall,
        next_order_at is not null as is_repurchase,
        case
            when next_order_at is not null
                then ceil(
                    {{ dbt.datediff('indexed_at', 'next_order_at', 'second') }}
                    / 86400.0
                )
            else
                floor(
                    {{ dbt.datediff('indexed_at', 'followed_until', 'second') }}
                    / 86400.0
                )
        end as day_number

    from answers

),

cohorts as (

    select
        survey_type,
        score_class,
        index_month,
        is_repurchase,
        day_number

    from durations

    union all

    select
        survey_type,
        score_class,
        cast(null as date) as index_month,
        is_repurchase,
        day_number

    from durations

    where is_first_overall

),

per_day as (

    select
        survey_type,
        score_class,
        index_month,
        cast(day_number as integer) as day_number,
        sum(case when is_repurchase then 1 else 0 end) as repurchases,
        sum(case when is_repurchase then 0 else 1 end) as censored

    from cohorts

    group by survey_type, score_class, index_month, day_number

),

at_risk as (

    select
        per_day.*,
        sum(per_day.repurchases + per_day.censored) over (
            partition by
                per_day.survey_type, per_day.score_class, per_day.index_month
            order by per_day.day_number desc
            rows between unbounded preceding and current row
        ) as customers_at_risk

    from per_day

),

steps as (

    select
        at_risk.*,
        sum(
            ln(
                case
                    when at_risk.repurchases < at_risk.customers_at_risk
                        then
                            1
                            - cast(at_risk.repurchases as double)
                            / at_risk.customers_at_risk
                    else 1
                end
            )
        ) over ({{ along_the_curve }}) as log_survival,
        sum(
            case
                when
                    at_risk.repurchases = at_risk.customers_at_risk
                    then 1
                else 0
            end
        ) over ({{ along_the_curve }}) as exhausted_steps,
        sum(
            case
                when at_risk.repurchases < at_risk.customers_at_risk
                    then
                        cast(at_risk.repurchases as double)
                        / (
                            cast(at_risk.customers_at_risk as double)
                            * (at_risk.customers_at_risk - at_risk.repurchases)
                        )
                else 0
            end
        ) over ({{ along_the_curve }}) as greenwood_sum

    from at_risk

),

curve as (

    select
        survey_type,
        score_class,
        index_month,
        day_number,
        customers_at_risk,
        repurchases,
        censored,
        case
            when exhausted_steps > 0 then 0.0 else round(exp(log_survival), 12)
        end as survival,
        greenwood_sum

    from steps

    where day_number > 0

    union all

    select
        survey_type,
        score_class,
        index_month,
        0 as day_number,
        sum(repurchases + censored) as customers_at_risk,
        0 as repurchases,
        sum(case when day_number = 0 then censored else 0 end) as censored,
        1.0 as survival,
        0.0 as greenwood_sum

    from per_day

    group by survey_type, score_class, index_month

),

final as (

    select
        {{ surrogate_key([
            'survey_type', 'score_class', 'index_month', 'day_number'
        ]) }} as time_to_repurchase_id,
        survey_type,
        score_class,
        day_number,
        cast(customers_at_risk as bigint) as customers_at_risk,
        cast(repurchases as bigint) as repurchases,
        cast(censored as bigint) as censored,
        survival,
        greatest(
            survival - 1.96 * survival * sqrt(greenwood_sum), 0.0
        ) as survival_lower,
        least(survival + 1.96 * survival * sqrt(greenwood_sum), 1.0)
            as survival_upper,
        index_month as month  -- noqa: RF04

    from curve

)

select * from final
