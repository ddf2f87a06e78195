{% macro newest_load_held() %}
    {#- The newest loaded_at of the incremental model's held rows (this)
        as a timestamp literal: the start of a run (of the model's last run,
        or for sessions of the staging run that wrote their newest event);
        upstream rows loaded after it are new.
        Read with a query when the model is rendered for a run: its SQL is
        rendered before its pre-hooks run, so a pre-hook that deletes rows
        cannot move the mark the SQL reads. 1970 when nothing is held or
        the model is not built incrementally. -#}
    {%- set newest = none -%}
    {%- if execute and is_incremental() -%}
        {%- set newest = run_query(
            'select max(loaded_at) from ' ~ this
        ).columns[0].values()[0] -%}
    {%- endif -%}
    {%- set literal = newest.strftime('%Y-%m-%d %H:%M:%S.%f')
        if newest is not none else '1970-01-01 00:00:00' -%}
    {{- return("cast('" ~ literal ~ "' as " ~ dbt.type_timestamp() ~ ")") -}}
{%- endmacro %}
