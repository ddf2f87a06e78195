{#-
    One row per rejected landing record, with the rule it broke: lines the
    staging models cannot parse (stg_landing__records; with their line
    number when cxw's intake rejected them), survey responses whose counted
    submission has a bad score, and files the intake could not read as a
    whole (stg_landing__files: one row per file, no record id), and the
    rows of connector tables a rule rejected (connector_tables; file_name
    names the table, as connector.table, or the file of a connector that
    delivers files (GA4), and no raw line is kept).
-#}

with

landing_records as (

    select
        landing_record_id,
        source_system,
        entity,
        source_record_id,
        file_name,
        line,
        rejection_rule,
        rejection_reason

    from {{ ref('stg_landing__records') }}

),

response_submissions as (

    select
        response_id,
        file_name,
        score_rejection_reason

    from {{ ref('int_survey_responses_classified') }}

    where response_status = 'bad_score'

),

unparseable_records as (

    select
        landing_record_id,
        source_system,
        entity,
        source_record_id,
        file_name,
        line as raw_line,
        rejection_rule as rule,  -- noqa: RF04
        rejection_reason as reason,
        false as is_whole_file

    from landing_records

    where rejection_rule is not null

),

bad_scores as (

    select
        landing_records.landing_record_id,
        landing_records.source_system,
        landing_records.entity,
        landing_records.source_record_id,
        landing_records.file_name,
        landing_records.line as raw_line,
        'bad_score' as rule,  -- noqa: RF04
        response_submissions.score_rejection_reason as reason,
        false as is_whole_file

    from response_submissions

    inner join landing_records
        on
            landing_records.entity = 'responses'
            and landing_records.source_system = 'surveys'
            and response_submissions.response_id
            = landing_records.source_record_id
            and response_submissions.file_name = landing_records.file_name
            and landing_records.rejection_rule is null

),

quarantined_files as (

    select
        {{ surrogate_key(['file_name']) }} as landing_record_id,
        source_system,
        entity,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        file_name,
        cast(null as {{ dbt.type_string() }}) as raw_line,
        rule,
        reason,
        true as is_whole_file

    from {{ ref('stg_landing__files') }}

    where status = 'quarantined'

),

{%- for table in connector_tables() %}

connector_{{ table.connector }}_{{ table.table }} as (

    select
        {{ surrogate_key([
            "'" ~ table.connector ~ "'", "'" ~ table.table ~ "'", table.key
        ]) }} as landing_record_id,
        '{{ table.connector }}' as source_system,
        '{{ table.table }}' as entity,
        {{ table.key }} as source_record_id,
        {%- if table.file %}
        {{ table.file }} as file_name,
        {%- else %}
        '{{ table.connector }}.{{ table.table }}' as file_name,
        {%- endif %}
        cast(null as {{ dbt.type_string() }}) as raw_line,
        record_rule as rule,  -- noqa: RF04
        record_reason as reason,
        false as is_whole_file

    from {{ ref(table.model) }}

    where record_status = 'quarantined'

),
{%- endfor %}

unioned as (

    select * from unparseable_records
    {%- for table in connector_tables() %}

    union all

    select * from connector_{{ table.connector }}_{{ table.table }}
    {%- endfor %}

    union all

    select * from bad_scores

    union all

    select * from quarantined_files

),

final as (

    select
        {{ surrogate_key(['landing_record_id', 'rule']) }} as quarantine_id,
        source_system,
        entity,
        source_record_id,
        file_name,
        raw_line,
        rule,
        reason,
        {{ intake_rejection_line_number('raw_line') }} as line_number,
        is_whole_file

    from unioned

)

select * from final
