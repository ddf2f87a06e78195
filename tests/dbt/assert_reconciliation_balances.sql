{#-
    Every landed record is accounted for: for every landing entity,
    landed = modelled + deduplicated + excluded + quarantined.
    Returns the entities that do not balance.
-#}

select
    source_system,
    entity,
    landed_rows,
    modelled_rows,
    deduplicated_rows,
    excluded_rows,
    quarantined_rows

from {{ ref('quality_reconciliation') }}

where
    landed_rows
    != modelled_rows + deduplicated_rows + excluded_rows + quarantined_rows
