{% macro intake_rejection_rule(line) -%}
    {#- The rule of a line cxw's intake rejected (cx_warehouse/intake.py): it
        replaces such a line in the run's snapshot of the landing folder by
        '#cxw:rejected <rule> line <n>: <reason>', with no byte of the
        original. Null for every other line. -#}
    {{- regex_extract(line, '^#cxw:rejected ([a-z_]+) line [0-9]+: ') -}}
{%- endmacro %}

{% macro intake_rejection_reason(line) -%}
    {#- 'line <n>: <reason>' of a line cxw's intake rejected; null otherwise. -#}
    {{- regex_extract(line, '^#cxw:rejected [a-z_]+ (line [0-9]+: .*)$') -}}
{%- endmacro %}

{% macro intake_rejection_line_number(line) -%}
    {#- The line number (1-based) of a line cxw's intake rejected, as an
        integer; null for every other line. -#}
    cast({{ regex_extract(line, '^#cxw:rejected [a-z_]+ line ([0-9]+): ') }}
        as {{ dbt.type_int() }})
{%- endmacro %}
