{% macro checked_score(score_number, min_score, max_score) %}
    {#- Two columns from a response's numeric score and its survey's scale
        (seed survey_scales): score_rejection_reason (not_a_number, or
        out_of_scale when it is not whole or outside the scale) and score
        (the whole number, else null). The one rule for every survey
        source: the landing responses and the Qualtrics connector. -#}
    case
        when {{ score_number }} is null then 'not_a_number'
        when
            {{ score_number }} != floor({{ score_number }})
            or {{ min_score }} is null
            or {{ score_number }} < {{ min_score }}
            or {{ score_number }} > {{ max_score }}
            then 'out_of_scale'
    end as score_rejection_reason,
    cast(
        case
            when {{ score_number }} = floor({{ score_number }})
                then {{ score_number }}
        end as {{ dbt.type_int() }}
    ) as score
{%- endmacro %}
