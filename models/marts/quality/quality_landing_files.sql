{#-
    One row per file under the landing folder at the start of the run, and
    what became of it: loaded (with how many lines the intake rejected, and
    whether staging read it), quarantined whole, or unrecognised (a file not
    named part-*, an unknown system or entity, a day folder whose date is
    not a date). cxw run prints one warning per kind of file not loaded.
-#}

with

landing_files as (

    select * from {{ ref('stg_landing__files') }}

),

read_files as (

    select distinct file_name

    from {{ ref('stg_landing__records') }}

),

final as (

    select
        landing_files.file_name,
        landing_files.source_system,
        landing_files.entity,
        landing_files.partition_date,
        landing_files.size_bytes,
        landing_files.status,
        landing_files.rule,
        landing_files.reason,
        landing_files.rejected_lines,
        landing_files.has_records,
        coalesce(
            landing_files.status = 'loaded'
            and landing_files.has_records
            and read_files.file_name is null,
            false
        ) as is_unread

    from landing_files

    left join read_files
        on landing_files.file_name = read_files.file_name

)

select * from final
