{% macro unless_erased(column, flag='is_erased') %}
    {#- The column, or null when the record belongs to an erased person. -#}
    case when {{ flag }} then null else {{ column }} end
{%- endmacro %}
