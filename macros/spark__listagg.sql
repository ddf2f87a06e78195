{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {#- dbt-spark's listagg ignores order_by_clause (collect_list keeps no
        order). Here the values are sorted by the order expression (ascending;
        `desc` reverses), then joined; nulls are skipped, as in DuckDB's
        string_agg. -#}
    {%- set order_expression = (order_by_clause or measure) | trim -%}
    {%- if order_expression.lower().startswith('order by') -%}
        {%- set order_expression = order_expression[8:] | trim -%}
    {%- endif -%}
    {%- set descending = order_expression.lower().endswith(' desc') -%}
    {%- if descending or order_expression.lower().endswith(' asc') -%}
        {%- set order_expression = order_expression.rsplit(' ', 1)[0] -%}
    {%- endif -%}
    {%- set sorted -%}
        transform(
            array_sort(collect_list(struct(
                {{ order_expression }} as sort_key, {{ measure }} as listagg_value
            ))),
            listagg_entry -> listagg_entry.listagg_value
        )
    {%- endset -%}
    {%- if descending -%}{%- set sorted = 'reverse(' ~ sorted ~ ')' -%}{%- endif -%}
    {%- if limit_num -%}{%- set sorted = 'slice(' ~ sorted ~ ', 1, ' ~ limit_num ~ ')' -%}{%- endif -%}
    array_join({{ sorted }}, {{ delimiter_text }})
{%- endmacro %}
