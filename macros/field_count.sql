{% macro field_count(line, delimiter=',') %}
    {#- How many fields a delimited raw line holds (delimiters + 1). -#}
    (
        {{ dbt.length(line) }}
        - {{ dbt.length(dbt.replace(line, "'" ~ delimiter ~ "'", "''")) }}
        + 1
    )
{%- endmacro %}
