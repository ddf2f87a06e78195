{#-
    One row per landing entity: where every landed record went. For each
    entity landed_rows = modelled_rows + deduplicated_rows + excluded_rows
    + quarantined_rows (tests/dbt/assert_reconciliation_balances.sql).
    modelled_rows are the staged records that reach business models: test
    traffic (int_test_traffic_identified) is counted as excluded instead;
    for survey responses, modelled are the counted responses, excluded the
    test and incomplete ones, and superseded submissions count as
    deduplicated.
-#}

{%- set staging_models = {
    'shop.customers': 'stg_shop__customers',
    'shop.orders': 'stg_shop__orders',
    'shop.events': 'stg_shop__events',
    'marketing.email_events': 'stg_marketing__email_events',
    'callcenter.calls': 'stg_callcenter__calls',
    'callcenter.agents': 'stg_callcenter__agents',
    'stores.stores': 'stg_stores__stores',
    'stores.transactions': 'stg_stores__transactions',
    'stores.loyalty_members': 'stg_stores__loyalty_members',
    'surveys.invitations': 'stg_surveys__invitations',
    'surveys.responses': 'int_survey_responses_counted',
    'privacy.erasure_requests': 'stg_privacy__erasure_requests',
} -%}

with

landing_records as {{ not_materialized() }} (

    select
        source_system,
        entity,
        dedup_key,
        rejection_rule

    from {{ ref('stg_landing__records') }}

),

quarantine as (

    select
        source_system,
        entity

    from {{ ref('quality_quarantine') }}

),

test_traffic as (

    select
        source_system,
        entity

    from {{ ref('int_test_traffic_identified') }}

),

response_submissions as (

    select response_status

    from {{ ref('int_survey_responses_classified') }}

),

modelled as (

    {% for key, model in staging_models.items() %}
    select
        '{{ key.split(".")[0] }}' as source_system,
        '{{ key.split(".")[1] }}' as entity,
        count(*) as modelled_rows

    from {{ ref(model) }}
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

landed as (

    select
        source_system,
        entity,
        count(*) as landed_rows,
        count(distinct case when rejection_rule is null then dedup_key end)
            as distinct_records,
        sum(case when rejection_rule is null then 1 else 0 end)
            as well_formed_rows

    from landing_records

    group by source_system, entity

),

quarantined as (

    select
        source_system,
        entity,
        count(*) as quarantined_rows

    from quarantine

    group by source_system, entity

),

excluded as (

    {#- Test traffic of every entity but responses, whose exclusions
        (test traffic and incomplete) come from their classification. #}
    select
        source_system,
        entity,
        count(*) as test_rows

    from test_traffic

    where not (source_system = 'surveys' and entity = 'responses')

    group by source_system, entity

),

response_outcomes as (

    select
        'surveys' as source_system,
        'responses' as entity,
        sum(case when response_status = 'superseded' then 1 else 0 end)
            as superseded_rows,
        sum(
            case
                when response_status in ('test_traffic', 'incomplete') then 1
                else 0
            end
        ) as excluded_rows

    from response_submissions

),

reconciled as (

    select
        landed.source_system,
        landed.entity,
        landed.landed_rows,
        coalesce(modelled.modelled_rows, 0)
        - coalesce(excluded.test_rows, 0) as modelled_rows,
        landed.well_formed_rows - landed.distinct_records
        + coalesce(response_outcomes.superseded_rows, 0) as deduplicated_rows,
        coalesce(response_outcomes.excluded_rows, 0)
        + coalesce(excluded.test_rows, 0) as excluded_rows,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows

    from landed

    left join modelled
        on
            landed.source_system = modelled.source_system
            and landed.entity = modelled.entity

    left join quarantined
        on
            landed.source_system = quarantined.source_system
            and landed.entity = quarantined.entity

    left join response_outcomes
        on
            landed.source_system = response_outcomes.source_system
            and landed.entity = response_outcomes.entity

    left join excluded
        on
            landed.source_system = excluded.source_system
            and landed.entity = excluded.entity

),

final as (

    select
        source_system || '.' || entity as reconciliation_id,
        source_system,
        entity,
        landed_rows,
        modelled_rows,
        deduplicated_rows,
        excluded_rows,
        quarantined_rows,
        landed_rows = modelled_rows + deduplicated_rows + excluded_rows
        + quarantined_rows as is_balanced

    from reconciled

)

select * from final
