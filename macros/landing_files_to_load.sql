{% macro landing_files_to_load(reload_files=none) %}
    {#- A condition on a source's rows: on an incremental run, true for the
        rows of landing files the model ({{ this }}) does not hold yet (a
        late day folder is new whenever it arrives), of day folders within
        var incremental_lookback_days (default: env CXW_LOOKBACK_DAYS,
        else 0) of the newest day it holds (a part rewritten in place), of
        reference files (no day: always reread, they are small), and of
        the files that reload_files (the name of a CTE with a column
        file_name, e.g. held files an erasure now reaches) names. Always
        true on a full build. Needs columns file_name and partition_date. -#}
    {%- if is_incremental() -%}
        {%- set lookback = var(
            'incremental_lookback_days', env_var('CXW_LOOKBACK_DAYS', '0')
        ) | int -%}
        (
            partition_date is null
            or file_name not in (
                {#- distinct first: the anti join then holds one row per
                    file, not one per record -#}
                select distinct held.file_name from {{ this }} as held
                where held.file_name is not null
            )
            or partition_date >= (
                select {{ dbt.dateadd('day', -lookback, 'max(held.partition_date)') }}
                from {{ this }} as held
            )
            {%- if reload_files %}
            or file_name in (
                select {{ reload_files }}.file_name from {{ reload_files }}
            )
            {%- endif %}
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}
