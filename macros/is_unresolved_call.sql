{% macro is_unresolved_call(outcome) -%}
    {#- A call left unresolved: its outcome is unresolved or abandoned. -#}
    {{ outcome }} in ('unresolved', 'abandoned')
{%- endmacro %}
