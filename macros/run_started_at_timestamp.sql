{% macro run_started_at_timestamp() %}
    {#- The start of this dbt invocation (UTC) as a timestamp literal: the
        same in every model of one run, later in every later run. -#}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}'
        as {{ dbt.type_timestamp() }})
{%- endmacro %}
