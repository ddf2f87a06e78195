{#-
    One row per file under the landing folder, as cxw's intake saw it when
    the run started (source intake.landing_files): loaded, quarantined whole
    (unreadable_file, header_mismatch) or unrecognised (not part of the
    landing contract). Empty when dbt runs without cxw.
-#}

with

source as (

    select * from {{ source('intake', 'landing_files') }}

),

final as (

    select
        file_name,
        source_system,
        entity,
        partition_date,
        size_bytes,
        status,
        rule,
        reason,
        coalesce(rejected_lines, 0) as rejected_lines,
        coalesce(has_records, false) as has_records,
        coalesce(is_rewritten, false) as is_rewritten

    from source

)

select * from final
