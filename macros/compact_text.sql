{% macro compact_text(text) %}
    {#- The text lower-cased, without spaces and dashes: the form in which
        an identifier is searched for inside a raw line. -#}
    lower({{ dbt.replace(dbt.replace(text, "' '", "''"), "'-'", "''") }})
{%- endmacro %}
