{% macro gram_positions(length_expression, gram_length, stride) %}
    {#- A set-returning select-list expression: one row per start position
        1, 1 + stride, ... of a gram_length slice that fits in a text of
        length_expression characters. A text shorter than a gram gets
        position 1, whose slice is short and matches no gram. -#}
    {{- numbers_up_to(
        'greatest(' ~ length_expression ~ ' - ' ~ gram_length ~ ' + 1, 1)',
        stride,
    ) -}}
{% endmacro %}
