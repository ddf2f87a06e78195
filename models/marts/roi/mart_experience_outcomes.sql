{{ outcome_comparison(
    'experience', 'experience_outcome_id', 'experience', 'experience_group'
) }}
