{% macro get_where_subquery(relation) -%}
    {#- dbt's own (a test's where config filters the tested relation), with
        one placeholder: __newest_load__ is the newest loaded_at of the
        tested relation, the run that wrote its latest rows. A test on an
        incremental model configured with where "loaded_at = __newest_load__"
        reads only the rows its run wrote, and every row after a full
        refresh. -#}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- set where = where | replace(
            '__newest_load__',
            '(select max(newest.loaded_at) from ' ~ relation ~ ' as newest)'
        ) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
