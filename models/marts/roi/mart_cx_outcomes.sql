{{ outcome_comparison(
    'survey', 'cx_outcome_id', 'survey_type', 'score_class'
) }}
