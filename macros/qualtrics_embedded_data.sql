{% macro qualtrics_embedded_data(key, column) %}
    {#- A Qualtrics response's embedded data under one key, as the column
        named: the latest synced value (value_rank 1) of each response. -#}
    select
        response_id,
        value as {{ column }},
        row_number() over (
            partition by response_id order by _fivetran_synced desc
        ) as value_rank

    from {{ source('qualtrics', 'survey_embedded_data') }}

    where key = '{{ key }}'
{% endmacro %}
