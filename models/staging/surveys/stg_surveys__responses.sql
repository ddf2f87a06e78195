{#-
    One row per landed survey response (response_id): parsed, typed and
    normalised from the record alone. Lines that are not valid JSON or have
    no response_id are left for the quarantine models; a response_id landed
    more than once (a repeated file part) is kept once, from the latest
    file. The score (a JSON number or a string, trimmed) is parsed and
    checked against its survey's scale (survey_scales seed). Which
    responses count is decided in int_survey_responses_classified. An
    erased person's response keeps its row and score; the respondent and
    the comment are nulled. Every comment loses its contact data (emails,
    phone and card numbers: redact_contact_data), whoever it names.
-#}

{#- The landing files, the Qualtrics connector (docs/sources.md) or no
    survey platform; then, with the call centre on Zendesk, its
    satisfaction ratings (csat surveys of calls, whatever the platform). -#}
{%- set surveys_source = staging_source('surveys') %}
{% if surveys_source == 'landing' -%}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('surveys', 'responses') }}

),

survey_scales as (

    select
        survey_type,
        min_score,
        max_score

    from {{ ref('survey_scales') }}

),

erased_identifiers as (

    select
        identifier_type,
        identifier

    from {{ ref('erased_identifiers') }}

),

parsed as (

    select
        {{ json_extract_string('line', '$.response_id') }} as response_id,
        {{ json_extract_string('line', '$.invitation_id') }} as invitation_id,
        {{ json_extract_string('line', '$.store_id') }} as store_id,
        {{ json_extract_string('line', '$.survey_type') }} as survey_type,
        {{ json_extract_string('line', '$.score') }} as score_text,
        {{ json_extract_string('line', '$.comment') }}
            as comment,  -- noqa: RF04
        {{ json_extract_string('line', '$.language') }}
            as language,  -- noqa: RF04
        {{ json_extract_string('line', '$.respondent_email') }}
            as respondent_email,
        {{ json_extract_string('line', '$.respondent_phone') }}
            as respondent_phone,
        {{ json_extract_string('line', '$.is_complete') }} as is_complete,
        {{ json_extract_string('line', '$.submitted_at') }} as submitted_at,
        file_name,
        partition_date

    from source

    where {{ is_valid_json('line') }}

),

normalised as (

    select
        response_id,
        nullif(trim(invitation_id), '') as invitation_id,
        nullif(trim(store_id), '') as store_id,
        lower(trim(survey_type)) as survey_type,
        nullif(trim(score_text), '') as score_text,
        comment,
        nullif(lower(trim(language)), '') as language,  -- noqa: RF04
        nullif(lower(trim(respondent_email)), '') as respondent_email,
        {{ phone_to_e164('respondent_phone') }} as respondent_phone,
        file_name,
        coalesce(
            {{ dbt.safe_cast('is_complete', dbt.type_boolean()) }}, false
        ) as is_complete,
        partition_date,
        {{ iso_timestamp_to_utc('submitted_at') }} as submitted_at

    from parsed

    where response_id is not null

),

delivery_ranked as (

    select
        *,
        row_number() over (
            partition by response_id
            order by partition_date desc, file_name desc
        ) as delivery_rank,
        count(*) over (partition by response_id) as delivery_count

    from normalised

),

scored as (

    select
        delivery_ranked.*,
        {{ dbt.safe_cast('delivery_ranked.score_text', 'decimal(18, 6)') }}
            as score_number,
        survey_scales.min_score,
        survey_scales.max_score,
        {{ erasure_flag({
            'invitation_id': ['delivery_ranked.invitation_id'],
            'email': ['delivery_ranked.respondent_email'],
            'phone': ['delivery_ranked.respondent_phone'],
        }) }} as is_erased

    from delivery_ranked

    left join survey_scales
        on delivery_ranked.survey_type = survey_scales.survey_type

    where delivery_ranked.delivery_rank = 1

),

final as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        score_text,
        {{ unless_erased(
            redact_contact_data('comment')
        ) }} as comment,  -- noqa: RF04
        language,  -- noqa: RF04
        {{ unless_erased('respondent_email') }} as respondent_email,
        {{ unless_erased('respondent_phone') }} as respondent_phone,
        file_name,
        {{ checked_score('score_number', 'min_score', 'max_score') }},
        delivery_count - 1 as duplicate_deliveries,
        is_complete,
        is_erased,
        partition_date,
        submitted_at

    from scored

)

select * from final

{%- elif surveys_source == 'qualtrics' %}

select
    response_id,
    invitation_id,
    store_id,
    survey_type,
    score_text,
    comment,  -- noqa: RF04
    language,  -- noqa: RF04
    respondent_email,
    respondent_phone,
    'qualtrics.survey_response' as file_name,
    score_rejection_reason,
    score,
    cast(0 as bigint) as duplicate_deliveries,
    is_complete,
    is_erased,
    cast(synced_at as date) as partition_date,
    submitted_at

from {{ ref('stg_qualtrics__survey_responses') }}

where record_status = 'modelled'

{%- else %}

select
    cast(null as {{ dbt.type_string() }}) as response_id,
    cast(null as {{ dbt.type_string() }}) as invitation_id,
    cast(null as {{ dbt.type_string() }}) as store_id,
    cast(null as {{ dbt.type_string() }}) as survey_type,
    cast(null as {{ dbt.type_string() }}) as score_text,
    cast(null as {{ dbt.type_string() }}) as comment,  -- noqa: RF04
    cast(null as {{ dbt.type_string() }}) as language,  -- noqa: RF04
    cast(null as {{ dbt.type_string() }}) as respondent_email,
    cast(null as {{ dbt.type_string() }}) as respondent_phone,
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_string() }}) as score_rejection_reason,
    cast(null as {{ dbt.type_int() }}) as score,
    cast(null as bigint) as duplicate_deliveries,
    cast(null as {{ dbt.type_boolean() }}) as is_complete,
    cast(null as {{ dbt.type_boolean() }}) as is_erased,
    cast(null as date) as partition_date,
    cast(null as {{ dbt.type_timestamp() }}) as submitted_at

where false

{%- endif %}

{%- if zendesk_satisfaction_ratings() %}

union all

select
    satisfaction_rating_id as response_id,
    satisfaction_rating_id as invitation_id,
    cast(null as {{ dbt.type_string() }}) as store_id,
    'csat' as survey_type,
    score_text,
    comment,  -- noqa: RF04
    cast(null as {{ dbt.type_string() }}) as language,  -- noqa: RF04
    respondent_email,
    respondent_phone,
    'zendesk.satisfaction_rating' as file_name,
    score_rejection_reason,
    score,
    cast(0 as bigint) as duplicate_deliveries,
    true as is_complete,
    is_erased,
    cast(synced_at as date) as partition_date,
    submitted_at

from {{ ref('stg_zendesk__satisfaction_ratings') }}

where record_status = 'modelled' and is_answered

{%- endif %}
