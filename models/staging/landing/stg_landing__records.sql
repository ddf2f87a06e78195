{#-
    One row per landed record of every landing entity: every physical line
    of the JSON Lines and CSV sources except blank lines and CSV header
    lines, and every row of the Parquet events. Each record gets the key its
    staging model deduplicates on and, when the staging model cannot use
    it, the rule that rejects it (malformed_json, missing_key,
    too_few_fields, too_many_fields). The quality models count and
    quarantine from here. The raw line is nulled (is_erased) when it holds
    an identifier of an erased person (erased_identifiers: emails, cards
    and customer ids as text, phones by their last nine digits; spaces and
    dashes ignored on both sides).

    Incremental: a run reads only the landing files it does not hold yet
    (landing_files_to_load) and replaces the rows of each file it reads.
    It searches the held lines that are not erased yet for the erased
    identifiers they have not been searched for, and rereads only the
    files where it finds one (files_to_erase), so that an erasure reaches
    the lines already held. Which those are: with CXW_ERASURE_KEY set, the
    patterns whose keyed hash is not among those the post-hook kept
    (<model>__erased_held, keep_erased_patterns_held), by a nested loop
    when they are few (var erasure_nested_loop_max_patterns, default 100);
    otherwise every pattern, when the erased identifiers differ from those
    of the last run that wrote rows (erasure_fingerprint of the newest
    loaded_at).

    Over 250 lines: the records of every text entity, their copies and the
    erasure search are one model, whose lines DuckDB streams from the
    files at each use (docs/performance.md); the compile-time search plan
    is erasure_search_plan().
-#}

{{ config(
    post_hook="{{ keep_erased_patterns_held() }}",
    **cxw_incremental_config(unique_key='file_name'),
) }}

{#- The text entities of the landing contract (var landing_entities,
    dbt_project.yml): JSON Lines and CSV, read as raw lines; those of a
    system a connector builds (is_on_landing) land no file. -#}
{%- set text_entities = [] -%}
{%- for spec in var('landing_entities')
    if spec.format != 'parquet'
    and is_on_landing(spec.system, spec.entity) -%}
{%- do text_entities.append(spec) -%}
{%- endfor -%}

{#- The lines of each text entity to read, written out at each use rather
    than as a CTE: the lines are read twice (parsed, then searched for
    erased identifiers) and DuckDB materialises a CTE over read_csv in
    memory, even when told not to; reading the files again streams
    (docs/performance.md). -#}
{%- set landed_lines = {} -%}
{%- for spec in text_entities -%}
    {%- do landed_lines.update({
        spec.system ~ '__' ~ spec.entity:
            '(select line, file_name, partition_date from '
            ~ source(spec.system, spec.entity)
            ~ ' where ' ~ landing_files_to_load('files_to_erase') ~ ')'
    }) -%}
{%- endfor %}

with

erased_identifiers as (

    {#- the erasure rule itself rather than the erasure layer: this model
        reads every landing source anyway, and with an ephemeral ref()
        sqlfluff's dbt templater cannot compile it (sqlparse's token limit)
        and skips linting it -#}
    {{ erased_identifiers() }}

),

erased_searched as (

    {{ erased_searched_identifiers('erased_identifiers') }}

),

fingerprint as (

    {{ erasure_fingerprint('erased_searched') }}

),

erased_patterns as (

    {{ erased_search_patterns('erased_searched') }}

),
{%- if is_incremental() %}
{#- The search of the held lines, planned at compile time: the count of
    new patterns is known before the model's SQL is. -#}
{%- set plan = erasure_search_plan() %}

new_patterns as (

    {#- the patterns held lines have not been searched for: with held
        hashes, those not among them; without, every pattern -#}
    {%- if plan.held_patterns is not none %}
    {{ erased_patterns_not_held('erased_patterns', plan.held_patterns) }}
    {%- else %}
    select pattern from erased_patterns
    {%- endif %}

),

held_lines as (

    {#- the held lines not erased yet; without held hashes, searched only
        when the erased identifiers differ from those the last run that
        wrote rows applied (a held line was searched for all of those) -#}
    select
        file_name,
        {{ compact_text('line') }} as compact_line

    from {{ this }}

    where
        line is not null
        {%- if plan.held_patterns is none %}
        and (select fingerprint.fingerprint from fingerprint) != (
            select max(held.erasure_fingerprint)
            from {{ this }} as held
            where held.loaded_at = (
                select max(newest.loaded_at) from {{ this }} as newest
            )
        )
        {%- elif plan.new_pattern_count == 0 %}
        and 1 = 0
        {%- endif %}

),

files_to_erase as (

    {#- the held files with a line an erasure reaches only now -#}
    {{ texts_containing_any(
        'held_lines', 'file_name', 'compact_line', 'new_patterns', 'pattern',
        nested_loop=plan.nested_loop,
    ) }}

),
{%- endif %}

shop__events as (

    select
        event_id,
        file_name,
        partition_date

    from {{ source('shop', 'events') }}

    where {{ landing_files_to_load('files_to_erase') }}

),

{% for spec in text_entities %}
{%- set record_line = landing_record_line(spec) -%}
{{ spec.system }}__{{ spec.entity }}_checked as (

    select
        '{{ spec.system }}' as source_system,
        '{{ spec.entity }}' as entity,
        file_name,
        line,
        {%- if spec.format == 'json' %}
        {%- set key = spec.key | first %}
        {#- a line cut short usually still names its record: salvage the key #}
        coalesce(
            {{ json_extract_string('line', '$.' ~ key) }},
            {{ regex_extract('line', '"' ~ key ~ '" *: *"([^"]+)"') }}
        ) as source_record_id,
        {{ json_extract_string('line', '$.' ~ key) }} as dedup_key,
        case
            when {{ intake_rejection_rule('line') }} is not null
                then {{ intake_rejection_rule('line') }}
            when not coalesce({{ is_valid_json('line') }}, false)
                then 'malformed_json'
            when {{ json_extract_string('line', '$.' ~ key) }} is null
                then 'missing_key'
        end as rejection_rule,
        {%- else %}
        {%- set first_field = landing_field(
            spec.system, spec.entity, spec.key | first, record_line
        ) %}
        {%- set fields = field_count(record_line, spec.delimiter) %}
        {%- set key_parts = [] %}
        {%- for column in spec.key %}
            {%- do key_parts.append(landing_field(
                spec.system, spec.entity, column, record_line
            )) %}
        {%- endfor %}
        case
            when {{ intake_rejection_rule('line') }} is null
                then nullif(trim({{ first_field }}), '')
        end as source_record_id,
        {{ surrogate_key(key_parts) }} as dedup_key,
        case
            when {{ intake_rejection_rule('line') }} is not null
                then {{ intake_rejection_rule('line') }}
            when {{ fields }} < {{ spec.columns | length }}
                then 'too_few_fields'
            when {{ fields }} > {{ spec.columns | length }}
                then 'too_many_fields'
            when nullif(trim({{ first_field }}), '') is null
                then 'missing_key'
        end as rejection_rule,
        {%- endif %}
        partition_date,
        copies

    from (
        {#- identical lines of one file (copies) are counted first, on
            narrow keys, not over every parsed column (two long texts per
            row; docs/performance.md) -#}
        select
            file_name,
            line,
            partition_date,
            count(*) as copies

        from {{ landed_lines[spec.system ~ '__' ~ spec.entity] }} as landed

        where
            trim(line) != ''
            {%- if spec.format == 'csv' %}
            and ({{ record_line }}) != '{{ landing_header(spec) }}'
            {%- endif %}

        group by file_name, line, partition_date
    ) as distinct_lines

),

{% endfor %}
shop__events_checked as (

    select
        'shop' as source_system,
        'events' as entity,
        file_name,
        cast(null as {{ dbt.type_string() }}) as line,  -- noqa: RF04
        event_id as source_record_id,
        event_id as dedup_key,
        case when event_id is null then 'missing_key' end as rejection_rule,
        partition_date,
        count(*) as copies

    from shop__events

    group by file_name, event_id, partition_date

),

unioned as (

    {% for spec in text_entities %}
    select * from {{ spec.system }}__{{ spec.entity }}_checked
    union all
    {% endfor %}
    select * from shop__events_checked

),

copied as (

    select
        *,
        {{ numbers_up_to('copies') }} as copy_number

    from unioned

),

keyed as (

    select
        {{ surrogate_key([
            'source_system', 'entity', 'file_name', 'line',
            'source_record_id', 'copy_number',
        ]) }} as landing_record_id,
        source_system,
        entity,
        source_record_id,
        dedup_key,
        file_name,
        line,
        rejection_rule,
        case rejection_rule
            when 'malformed_json' then 'line is not valid JSON (e.g. truncated)'
            when 'missing_key' then 'the record has no key'
            when 'too_few_fields' then 'fewer fields than the header'
            when 'too_many_fields' then 'more fields than the header'
            else {{ intake_rejection_reason('line') }}
        end as rejection_reason,
        partition_date

    from copied

),

compacted as (

    {#- the lines read again from the files (cheaper than holding every
        record in memory to read it twice) and searched as they stream,
        without a distinct first: a line landed twice is rare, and a
        distinct of every long line holds memory beside the counts
        (docs/performance.md) -#}
    select
        text_lines.line,
        {{ compact_text('text_lines.line') }} as compact_line

    from (
        {%- for spec in text_entities %}
        select landed.line
        from {{ landed_lines[spec.system ~ '__' ~ spec.entity] }} as landed
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as text_lines

    where text_lines.line is not null

),

erased_lines as (

    {{ texts_containing_any(
        'compacted', 'line', 'compact_line', 'erased_patterns', 'pattern',
    ) }}

),

flagged as (

    select
        keyed.*,
        erased_lines.line is not null as is_erased,
        (select fingerprint.fingerprint from fingerprint) as erasure_fingerprint

    from keyed

    left join erased_lines
        on keyed.line = erased_lines.line

),

final as (

    select
        landing_record_id,
        source_system,
        entity,
        {#- an erased card is a record id nobody needs; an erased shop
            customer_id becomes the key the staging models give it -#}
        case
            when source_record_id in (
                select erased_identifiers.identifier
                from erased_identifiers
                where erased_identifiers.identifier_type = 'loyalty_card'
            ) then null
            when entity = 'customers'
                then {{ customer_id_unless_erased('source_record_id') }}
            else source_record_id
        end as source_record_id,
        {#- an erased line's key (a customer_id, a plain hash of a card)
            keyed, still telling its copies apart from other records -#}
        case
            when is_erased then {{ keyed_hash('dedup_key') }}
            else dedup_key
        end as dedup_key,
        file_name,
        {{ unless_erased('line') }} as line,  -- noqa: RF04
        rejection_rule,
        rejection_reason,
        is_erased,
        partition_date,
        erasure_fingerprint,
        {{ run_started_at_timestamp() }} as loaded_at

    from flagged

)

select * from final
