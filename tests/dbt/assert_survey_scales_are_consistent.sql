{#-
    Category thresholds sit inside each scale and do not overlap:
    min <= negative max < neutral min (if any) <= positive min <= max.
-#}

with

scales as (

    select
        survey_type,
        min_score,
        max_score,
        positive_min_score,
        neutral_min_score,
        negative_max_score

    from {{ ref('survey_scales') }}

),

broken as (

    select *

    from scales

    where
        not (
            min_score <= negative_max_score
            and negative_max_score < positive_min_score
            and positive_min_score <= max_score
            and (
                neutral_min_score is null
                or (
                    negative_max_score < neutral_min_score
                    and neutral_min_score < positive_min_score
                )
            )
        )

)

select * from broken
