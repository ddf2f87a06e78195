{#-
    One row per Qualtrics survey row: which survey it is. A survey named
    in var qualtrics_surveys takes its survey_type, score and comment
    questions and trigger_type from there; another is an nps survey
    (trigger relationship, no comment) when it has exactly one live
    question of question_type NPS, Qualtrics' net promoter question. A
    soft-deleted survey (_fivetran_deleted) is excluded; any other is
    quarantined (unknown_survey, or ambiguous_nps_question for several).
-#}

{{ config(enabled=staging_source('surveys') == 'qualtrics') }}

{%- set configured = var('qualtrics_surveys') %}

with

surveys as (

    select
        id,
        _fivetran_deleted

    from {{ source('qualtrics', 'survey') }}

),

nps_questions as (

    select
        survey_id,
        min(id) as question_id,
        count(*) as nps_questions

    from {{ source('qualtrics', 'question') }}

    where
        upper(question_type) = 'NPS'
        and not coalesce(_fivetran_deleted, false)

    group by survey_id

),

configured as (

    {%- for survey_id, survey in configured.items() %}

    select
        '{{ survey_id }}' as survey_id,
        '{{ survey.survey_type }}' as survey_type,
        '{{ survey.score_question_id }}' as score_question_id,
        {{ "'" ~ survey.comment_question_id ~ "'"
            if survey.comment_question_id else 'null' }}
            as comment_question_id,
        '{{ survey.trigger_type or "relationship" }}' as trigger_type
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- else %}

    select
        cast(null as {{ dbt.type_string() }}) as survey_id,
        cast(null as {{ dbt.type_string() }}) as survey_type,
        cast(null as {{ dbt.type_string() }}) as score_question_id,
        cast(null as {{ dbt.type_string() }}) as comment_question_id,
        cast(null as {{ dbt.type_string() }}) as trigger_type

    where false
    {%- endfor %}

),

classified as (

    select
        surveys.id,
        configured.survey_id is not null as is_configured,
        coalesce(configured.survey_type, 'nps') as survey_type,
        coalesce(configured.score_question_id, nps_questions.question_id)
            as score_question_id,
        configured.comment_question_id,
        coalesce(configured.trigger_type, 'relationship') as trigger_type,
        case
            when coalesce(surveys._fivetran_deleted, false)
                then 'deleted_in_source'
            when configured.survey_id is not null then null
            when nps_questions.nps_questions > 1 then 'ambiguous_nps_question'
            when nps_questions.nps_questions is null then 'unknown_survey'
        end as record_rule

    from surveys

    left join configured
        on surveys.id = configured.survey_id

    left join nps_questions
        on surveys.id = nps_questions.survey_id

),

final as (

    select
        cast(id as {{ dbt.type_string() }}) as survey_id,
        survey_type,
        score_question_id,
        comment_question_id,
        trigger_type,
        case
            when record_rule is null then 'modelled'
            when record_rule = 'deleted_in_source' then 'excluded'
            else 'quarantined'
        end as record_status,
        record_rule,
        case record_rule
            when 'unknown_survey'
                then
                    'not in var qualtrics_surveys and no question of type NPS'
            when 'ambiguous_nps_question'
                then
                    'not in var qualtrics_surveys and several questions of'
                    || ' type NPS'
        end as record_reason,
        is_configured

    from classified

)

select * from final
