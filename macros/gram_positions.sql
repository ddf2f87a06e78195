{% macro gram_positions(length_expression, gram_length, stride) %}
    {#- A set-returning select-list expression: one row per start position
        1, 1 + stride, ... of a gram_length slice that fits in a text of
        length_expression characters (no row when it is shorter). -#}
    {{- return(adapter.dispatch('gram_positions', 'cx_warehouse')(
        length_expression, gram_length, stride
    )) -}}
{% endmacro %}

{% macro duckdb__gram_positions(length_expression, gram_length, stride) -%}
    unnest(range(1, {{ length_expression }} - {{ gram_length }} + 2, {{ stride }}))
{%- endmacro %}

{% macro spark__gram_positions(length_expression, gram_length, stride) -%}
    {#- sequence() rejects an empty range: a text shorter than a gram gets
        position 1, whose slice is short and matches no gram. -#}
    explode(sequence(
        1,
        greatest({{ length_expression }} - {{ gram_length }} + 1, 1),
        {{ stride }}
    ))
{%- endmacro %}
