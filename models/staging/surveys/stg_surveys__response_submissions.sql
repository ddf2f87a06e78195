{#-
    One row per landed survey response (response_id), parseable or not
    counted: every rule of the counting is a column here, so that
    stg_surveys__responses and the quality models read one classification.
    Order of the rules: a line that is not valid JSON never reaches this
    model (quarantine: malformed_json); a second delivery of the same
    response_id is a duplicate; then test traffic, incomplete submissions,
    submissions superseded by a later complete one of the same invitation,
    and last the score check. Reads other staging models for the test
    traffic lookup (see the model description).
-#}

with

source as (

    select
        line,
        file_name,
        partition_date

    from {{ source('surveys', 'responses') }}

),

invitations as (

    select
        invitation_id,
        trigger_type,
        trigger_ref,
        recipient_email

    from {{ ref('stg_surveys__invitations') }}

),

orders as (

    select
        order_id,
        customer_id,
        guest_email

    from {{ ref('stg_shop__orders') }}

),

customers as (

    select
        customer_id,
        email

    from {{ ref('stg_shop__customers') }}

),

survey_scales as (

    select
        survey_type,
        min_score,
        max_score

    from {{ ref('survey_scales') }}

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
        nullif(trim(respondent_phone), '') as respondent_phone,
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

deliveries as (

    select *

    from delivery_ranked

    where delivery_rank = 1

),

test_orders as (

    select orders.order_id

    from orders

    left join customers
        on orders.customer_id = customers.customer_id

    where
        orders.guest_email like '%@test.internal'
        or lower(trim(customers.email)) like '%@test.internal'

),

with_invitation as (

    select
        deliveries.*,
        case
            when deliveries.invitation_id is null then 'walk_up'
            else invitations.trigger_type
        end as trigger_type,
        invitations.trigger_ref,
        (
            coalesce(deliveries.respondent_email like '%@test.internal', false)
            or coalesce(
                invitations.recipient_email like '%@test.internal', false
            )
            or test_orders.order_id is not null
        ) as is_test

    from deliveries

    left join invitations
        on deliveries.invitation_id = invitations.invitation_id

    left join test_orders
        on invitations.trigger_ref = test_orders.order_id

),

submission_ranked as (

    select
        *,
        case
            when not is_test and is_complete
                then row_number() over (
                    partition by
                        is_test,
                        is_complete,
                        coalesce(invitation_id, response_id)
                    order by submitted_at desc, response_id desc
                )
        end as submission_rank

    from with_invitation

),

scored as (

    select
        submission_ranked.*,
        {{ dbt.safe_cast('submission_ranked.score_text', 'decimal(18, 6)') }}
            as score_number,
        survey_scales.min_score,
        survey_scales.max_score

    from submission_ranked

    left join survey_scales
        on submission_ranked.survey_type = survey_scales.survey_type

),

classified as (

    select
        response_id,
        invitation_id,
        store_id,
        survey_type,
        trigger_type,
        trigger_ref,
        score_text,
        comment,
        language,
        respondent_email,
        respondent_phone,
        file_name,
        case
            when score_number is null then 'not_a_number'
            when
                score_number != floor(score_number)
                or min_score is null
                or score_number < min_score
                or score_number > max_score
                then 'out_of_scale'
        end as score_rejection_reason,
        case
            when is_test then 'test_traffic'
            when not is_complete then 'incomplete'
            when submission_rank > 1 then 'superseded'
            when score_number is null then 'bad_score'
            when
                score_number != floor(score_number)
                or min_score is null
                or score_number < min_score
                or score_number > max_score
                then 'bad_score'
            else 'counted'
        end as response_status,
        cast(
            case
                when score_number = floor(score_number) then score_number
            end as {{ dbt.type_int() }}
        ) as score,
        delivery_count - 1 as duplicate_deliveries,
        is_test,
        is_complete,
        partition_date,
        submitted_at

    from scored

)

select * from classified
