{% macro erased_searched_identifiers(identifiers) %}
    {#- A select of the erased identifiers a raw line is searched for
        (identifiers: a relation, CTE or parenthesised subquery of
        identifier_type, identifier, as erased_identifiers() selects them):
        emails, phones, customer ids, cards and invitation ids. -#}
    select
        identifier_type,
        identifier

    from {{ identifiers }}

    where
        identifier_type in (
            'email', 'phone', 'customer_id', 'loyalty_card', 'invitation_id'
        )
{%- endmacro %}


{% macro erased_search_patterns(identifiers) %}
    {#- A select of the distinct patterns the raw lines are searched for
        (identifiers: as erased_searched_identifiers() selects them): the
        identifiers compacted like the line (compact_text), phones by their
        last nine digits. -#}
    select distinct
        case
            when identifier_type = 'phone'
                then {{ dbt.right('identifier', 9) }}
            else {{ compact_text('identifier') }}
        end as pattern

    from {{ identifiers }}
{%- endmacro %}


{% macro current_erased_patterns() %}
    {#- erased_search_patterns() of the current erased identifiers, as a
        query of its own (the count before stg_landing__records' SQL is
        rendered, and its post-hook). -#}
    {{ return(erased_search_patterns(
        '(' ~ erased_searched_identifiers(
            '(' ~ erased_identifiers() ~ ') as erased_identifiers'
        ) ~ ') as erased_searched'
    )) }}
{%- endmacro %}


{% macro erasure_key_is_set() %}
    {#- Whether CXW_ERASURE_KEY is set in the dbt process. Asked of the
        cx_warehouse DuckDB plugin's function, never read by dbt: dbt keeps
        the values of the env vars a project reads (partial parsing), and
        the key must not be written anywhere. False on Spark (no plugin)
        and when not executing. -#}
    {%- if not execute or target.type != 'duckdb' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(run_query('select cxw_erasure_key_is_set()').columns[0].values()[0]) }}
{%- endmacro %}


{% macro erased_patterns_not_held(patterns, held) %}
    {#- A select of the patterns (a relation, CTE or parenthesised subquery
        of pattern) whose keyed hash is not among held's pattern_hash: the
        patterns the held lines have not been searched for. A changed key
        makes every pattern new, which only costs a full search. -#}
    select pattern

    from {{ patterns }}

    where {{ keyed_hash('pattern') }} not in (
        select pattern_hash from {{ held }}
    )
{%- endmacro %}


{% macro keep_erased_patterns_held() %}
    {#- Post-hook of stg_landing__records (DuckDB): writes the keyed hashes
        (keyed_hash) of the current erased patterns to
        <model>__erased_held after the model's rows are written, so that
        the table names what every held line not erased has been searched
        for; without CXW_ERASURE_KEY it drops the table (a run without it
        searches by the fingerprint rule, and the next run must not take
        an older set for what the held lines were searched for). Like every
        staging model it assumes the landing folder does not change during
        a run. Runs its statements as the hook renders and returns no SQL. -#}
    {%- if is_real_build() and target.type == 'duckdb' -%}
        {%- set held = side_relation('erased_held') -%}
        {%- do adapter.drop_relation(held) -%}
        {%- if erasure_key_is_set() -%}
            {%- do run_query(get_create_table_as_sql(
                False,
                held,
                'select ' ~ keyed_hash('pattern') ~ ' as pattern_hash from ('
                    ~ current_erased_patterns() ~ ') as erased_patterns',
            )) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
