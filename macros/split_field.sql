{% macro split_field(line, position, delimiter=',') %}
    {#- Field number `position` (1-based) of a delimited raw line, null when
        empty or missing. Values in the landing CSVs are never quoted. -#}
    nullif({{ dbt.split_part(line, "'" ~ delimiter ~ "'", position) }}, '')
{%- endmacro %}
