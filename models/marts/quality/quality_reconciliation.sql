{#-
    One row per landing entity: where every landed record went. For each
    entity landed_rows = modelled_rows + deduplicated_rows + excluded_rows
    + quarantined_rows (tests/dbt/assert_reconciliation_balances.sql).
    modelled_rows are the staged records that reach business models: test
    traffic (int_test_traffic_identified) is counted as excluded instead;
    for survey responses, modelled are the counted responses, excluded the
    test and incomplete ones, and superseded submissions count as
    deduplicated. Every entity of the landing contract (var
    landing_entities) has its row, with zeros when nothing landed (e.g. an
    erasure file with a header and no request). The files: landed_files
    under the entity's path when the run started (quality_landing_files),
    quarantined_files the intake could not read as a whole, unread_files
    loaded with records but held by no staging row; is_balanced needs the
    records to balance and no file unread.

    A system a connector builds (or none: staging_source) models nothing
    from landing files; each connector table it reads has a row of its own
    (connector_tables): landed_rows its rows, each counted once by its
    staging model's record_status, no files.

    Over 250 lines: for every entity, the counts of what landed, was
    modelled, quarantined and excluded, each from its own model, and their
    reconciliation in one row.
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

{#- The entities a connector (or none) builds, as system.entity: they
    count nothing from landing, not even the exclusions and quarantine
    rows the warehouse derives from the connector's rows (is_on_landing;
    the shop's events follow the web system). -#}
{%- set off_landing = [] -%}
{%- for spec in var('landing_entities')
    if not is_on_landing(spec.system, spec.entity) -%}
    {%- do off_landing.append(spec.system ~ '.' ~ spec.entity) -%}
{%- endfor -%}

with

entities as (

    {% for spec in var('landing_entities') %}
    select
        '{{ spec.system }}' as source_system,
        '{{ spec.entity }}' as entity
    {% if not loop.last %}
    union all
    {% endif %}
    {% endfor %}

),

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
        entity,
        is_whole_file

    from {{ ref('quality_quarantine') }}
    {%- if off_landing %}

    where
        source_system || '.' || entity
        not in ('{{ off_landing | join("', '") }}')
    {%- endif %}

),

landing_files as (

    select
        source_system,
        entity,
        status,
        is_unread

    from {{ ref('quality_landing_files') }}

    where source_system is not null

),

files as (

    select
        source_system,
        entity,
        count(*) as landed_files,
        sum(case when status = 'quarantined' then 1 else 0 end)
            as quarantined_files,
        sum(case when is_unread then 1 else 0 end) as unread_files

    from landing_files

    group by source_system, entity

),

test_traffic as (

    select
        source_system,
        entity

    from {{ ref('int_test_traffic_identified') }}
    {%- if off_landing %}

    where
        source_system || '.' || entity
        not in ('{{ off_landing | join("', '") }}')
    {%- endif %}

),

response_submissions as (

    select response_status

    from {{ ref('int_survey_responses_classified') }}
    {%- if 'surveys.responses' in off_landing %}

    where false
    {%- endif %}

),

modelled as (

    {% for key, model in staging_models.items() %}
    select
        '{{ key.split(".")[0] }}' as source_system,
        '{{ key.split(".")[1] }}' as entity,
        count(*) as modelled_rows

    from {{ ref(model) }}
    {%- if key in off_landing %}

    {#- a connector (or none) builds it: nothing modelled from landing #}
    where false
    {%- endif %}
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

    where not is_whole_file

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
        entities.source_system,
        entities.entity,
        coalesce(landed.landed_rows, 0) as landed_rows,
        coalesce(modelled.modelled_rows, 0)
        - coalesce(excluded.test_rows, 0) as modelled_rows,
        coalesce(landed.well_formed_rows, 0)
        - coalesce(landed.distinct_records, 0)
        + coalesce(response_outcomes.superseded_rows, 0) as deduplicated_rows,
        coalesce(response_outcomes.excluded_rows, 0)
        + coalesce(excluded.test_rows, 0) as excluded_rows,
        coalesce(quarantined.quarantined_rows, 0) as quarantined_rows,
        coalesce(files.landed_files, 0) as landed_files,
        coalesce(files.quarantined_files, 0) as quarantined_files,
        coalesce(files.unread_files, 0) as unread_files

    from entities

    left join landed
        on
            entities.source_system = landed.source_system
            and entities.entity = landed.entity

    left join modelled
        on
            entities.source_system = modelled.source_system
            and entities.entity = modelled.entity

    left join quarantined
        on
            entities.source_system = quarantined.source_system
            and entities.entity = quarantined.entity

    left join response_outcomes
        on
            entities.source_system = response_outcomes.source_system
            and entities.entity = response_outcomes.entity

    left join excluded
        on
            entities.source_system = excluded.source_system
            and entities.entity = excluded.entity

    left join files
        on
            entities.source_system = files.source_system
            and entities.entity = files.entity

),

{%- for table in connector_tables() %}

connector_{{ table.connector }}_{{ table.table }} as (

    select
        '{{ table.connector }}' as source_system,
        '{{ table.table }}' as entity,
        count(*) as landed_rows,
        {%- for status in [
            'modelled', 'deduplicated', 'excluded', 'quarantined'
        ] %}
        sum(case when record_status = '{{ status }}' then 1 else 0 end)
            as {{ status }}_rows,
        {%- endfor %}
        0 as landed_files,
        0 as quarantined_files,
        0 as unread_files

    from {{ ref(table.model) }}

),
{%- endfor %}

all_rows as (

    select * from reconciled
    {%- for table in connector_tables() %}

    union all

    select * from connector_{{ table.connector }}_{{ table.table }}
    {%- endfor %}

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
        landed_files,
        quarantined_files,
        unread_files,
        landed_rows = modelled_rows + deduplicated_rows + excluded_rows
        + quarantined_rows
        and unread_files = 0 as is_balanced

    from all_rows

)

select * from final
