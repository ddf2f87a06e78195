{% macro texts_containing_any(
    texts, id_column, text_column, patterns, pattern_column, nested_loop=false
) %}
    {#- A select of the distinct id_column of the rows of the relation or CTE
        texts whose text_column contains (as a substring) any pattern_column
        of patterns. The same answer as a `like '%pattern%'` test of every
        text against every pattern, without that nested loop: every
        occurrence of a pattern of at least gram_length + stride - 1
        characters covers a whole gram_length-character slice of the text
        starting at a position 1, 1 + stride, 1 + 2 * stride, ... and that
        slice equals the pattern's slice at one of its first `stride`
        offsets. So texts are cut into those slices, joined to the patterns'
        slices by equality, and the candidates are confirmed by a substring
        test. Shorter patterns (none among the identifiers today) join every
        text by one more slice per text, the empty one: a nested loop over
        those patterns only. texts is read once: DuckDB holds a relation
        read twice in memory it cannot spill. With nested_loop, a plain
        join on the substring test instead: cheaper for a few patterns,
        since it cuts no text into slices (docs/performance.md). -#}
    {%- if nested_loop %}
    select distinct searched_texts.{{ id_column }}

    from {{ texts }} as searched_texts

    inner join {{ patterns }} as searched_patterns
        on {{ dbt.position(
            'searched_patterns.' ~ pattern_column,
            'searched_texts.' ~ text_column,
        ) }} > 0
    {%- else %}
    {%- set gram_length = 6 -%}
    {%- set stride = 3 -%}
    {%- set min_length = gram_length + stride - 1 -%}
    select distinct text_grams.{{ id_column }}

    from (
        select
            {{ id_column }},
            searched_text,
            {#- shifted by one stride: the first row of a text is the empty
                slice that short patterns join -#}
            case
                when shifted_position = 1 then ''
                else substring(
                    searched_text, shifted_position - {{ stride }}, {{ gram_length }}
                )
            end as gram

        from (
            select
                {{ id_column }},
                {{ text_column }} as searched_text,
                {{ gram_positions(
                    dbt.length(text_column) ~ ' + ' ~ stride, gram_length, stride
                ) }} as shifted_position

            from {{ texts }}

            where {{ text_column }} is not null
        ) as positions
    ) as text_grams

    inner join (
        {%- for offset in range(stride) %}
        select
            {{ pattern_column }} as pattern,
            substring({{ pattern_column }}, {{ offset + 1 }}, {{ gram_length }}) as gram

        from {{ patterns }}

        where {{ dbt.length(pattern_column) }} >= {{ min_length }}

        union all
        {% endfor %}
        select
            {{ pattern_column }} as pattern,
            '' as gram

        from {{ patterns }}

        where {{ dbt.length(pattern_column) }} < {{ min_length }}
    ) as pattern_grams
        on
            text_grams.gram = pattern_grams.gram
            and {{ dbt.position('pattern_grams.pattern', 'text_grams.searched_text') }} > 0
    {%- endif %}
{%- endmacro %}
