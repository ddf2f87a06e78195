{#-
    What drives NPS: for each operational driver, the NPS of the counted
    NPS answers whose journey held it before the answer and of those whose
    journey did not, with n, promoters and detractors on each side, the
    difference (with - without) with its 95 % margin of error, whether it
    is significant, and the rank by impact (significant drivers first, then
    the others with answers, each by the largest drop). The
    drivers are flags of fct_survey_responses; late delivery compares the
    delivery date in Warsaw with the promised date; a long wait is over
    var long_wait_minutes (5) minutes; a repeat call follows the previous
    call of the journey within var repeat_call_days (7) days.
-#}

{%- set drivers = [
    ('late_delivery', 'has_late_delivery', 'An order in the journey was delivered after its promised date'),
    ('long_wait', 'has_long_wait', 'A call in the journey waited more than ' ~ var('long_wait_minutes') ~ ' minutes'),
    ('unresolved_call', 'has_unresolved_call', 'A call in the journey ended unresolved or abandoned'),
    ('repeat_call', 'has_repeat_call', 'A call in the journey followed another within ' ~ var('repeat_call_days') ~ ' days'),
    ('return', 'has_return', 'An order or store purchase in the journey was returned'),
    ('cancellation', 'has_cancellation', 'An order in the journey was cancelled'),
] -%}

with

responses as (

    select
        is_promoter,
        is_detractor,
        {%- for driver in drivers %}
        {{ driver[1] }}{% if not loop.last %},{% endif %}
        {%- endfor %}

    from {{ ref('fct_survey_responses') }}

    where survey_type = 'nps'

),

unpivoted as (

    {%- for driver in drivers %}
    select
        '{{ driver[0] }}' as driver,
        '{{ driver[2] }}' as driver_description,
        {{ driver[1] }} as has_driver,
        is_promoter,
        is_detractor
    from responses
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

sides as (

    select
        driver,
        driver_description,
        sum(case when has_driver then 1 else 0 end) as responses_with,
        sum(
            case when has_driver and is_promoter then 1 else 0 end
        ) as promoters_with,
        sum(
            case when has_driver and is_detractor then 1 else 0 end
        ) as detractors_with,
        sum(case when not has_driver then 1 else 0 end) as responses_without,
        sum(
            case when not has_driver and is_promoter then 1 else 0 end
        ) as promoters_without,
        sum(
            case when not has_driver and is_detractor then 1 else 0 end
        ) as detractors_without

    from unpivoted

    group by driver, driver_description

),

measured as (

    select
        *,
        {{ nps_score('promoters_with', 'detractors_with', 'responses_with') }}
            as nps_with,
        {{ nps_margin_of_error(
            'promoters_with', 'detractors_with', 'responses_with'
        ) }} as nps_with_margin_of_error,
        {{ nps_score(
            'promoters_without', 'detractors_without', 'responses_without'
        ) }} as nps_without,
        {{ nps_margin_of_error(
            'promoters_without', 'detractors_without', 'responses_without'
        ) }} as nps_without_margin_of_error

    from sides

),

final as (

    select
        driver,
        driver_description,
        cast(responses_with as {{ dbt.type_bigint() }}) as responses_with,
        cast(promoters_with as {{ dbt.type_bigint() }}) as promoters_with,
        cast(detractors_with as {{ dbt.type_bigint() }}) as detractors_with,
        cast(responses_without as {{ dbt.type_bigint() }})
            as responses_without,
        cast(promoters_without as {{ dbt.type_bigint() }})
            as promoters_without,
        cast(detractors_without as {{ dbt.type_bigint() }})
            as detractors_without,
        nps_with,
        nps_with_margin_of_error,
        nps_without,
        nps_without_margin_of_error,
        nps_with - nps_without as nps_difference,
        {{ difference_margin_of_error(
            'nps_with_margin_of_error', 'nps_without_margin_of_error'
        ) }} as nps_difference_margin_of_error,
        coalesce({{ is_significant_difference(
            'nps_with', 'nps_with_margin_of_error',
            'nps_without', 'nps_without_margin_of_error',
            'responses_with', 'responses_without'
        ) }}, false) as is_significant,
        cast(row_number() over (
            order by
                case
                    when {{ is_significant_difference(
                        'nps_with', 'nps_with_margin_of_error',
                        'nps_without', 'nps_without_margin_of_error',
                        'responses_with', 'responses_without'
                    ) }} then 0
                    when responses_with > 0 then 1
                    else 2
                end,
                nps_with - nps_without,
                driver
        ) as {{ dbt.type_int() }}) as impact_rank

    from measured

)

select * from final
