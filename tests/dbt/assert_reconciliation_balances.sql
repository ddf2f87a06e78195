{#-
    Every landed record and file is accounted for: for every landing entity,
    landed = modelled + deduplicated + excluded + quarantined, and no file
    the build was given with records is missing from staging.
    Returns the entities that do not balance.
-#}

select
    source_system,
    entity,
    landed_rows,
    modelled_rows,
    deduplicated_rows,
    excluded_rows,
    quarantined_rows,
    unread_files

from {{ ref('quality_reconciliation') }}

where
    landed_rows
    != modelled_rows + deduplicated_rows + excluded_rows + quarantined_rows
    or unread_files != 0
