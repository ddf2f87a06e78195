{#-
    Stage reach and conversion of journeys (fct_journeys) by the month
    they started (Europe/Warsaw) x entry channel: how many journeys reached
    each stage and how many converted (held a purchase). Counts are
    additive; rates are derived per row.
-#}

with

journeys as (

    select
        started_date,
        entry_channel,
        has_awareness,
        has_consideration,
        has_purchase_stage,
        has_service,
        has_loyalty,
        is_converted,
        is_omnichannel,
        customer_id,
        revenue_pln

    from {{ ref('fct_journeys') }}

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'started_date') }} as date)
            as month,  -- noqa: RF04
        entry_channel,
        count(*) as journeys,
        sum(case when customer_id is not null then 1 else 0 end)
            as known_customer_journeys,
        sum(case when has_awareness then 1 else 0 end) as reached_awareness,
        sum(case when has_consideration then 1 else 0 end)
            as reached_consideration,
        sum(case when has_purchase_stage then 1 else 0 end)
            as reached_purchase,
        sum(case when has_service then 1 else 0 end) as reached_service,
        sum(case when has_loyalty then 1 else 0 end) as reached_loyalty,
        sum(case when is_converted then 1 else 0 end) as converted_journeys,
        sum(case when is_omnichannel then 1 else 0 end)
            as omnichannel_journeys,
        sum(revenue_pln) as revenue_pln

    from journeys

    group by 1, 2

),

final as (

    select
        {{ surrogate_key(['month', 'entry_channel']) }} as journey_funnel_id,
        month,  -- noqa: RF04
        entry_channel,
        cast(journeys as {{ dbt.type_bigint() }}) as journeys,
        cast(known_customer_journeys as {{ dbt.type_bigint() }})
            as known_customer_journeys,
        cast(reached_awareness as {{ dbt.type_bigint() }})
            as reached_awareness,
        cast(reached_consideration as {{ dbt.type_bigint() }})
            as reached_consideration,
        cast(reached_purchase as {{ dbt.type_bigint() }}) as reached_purchase,
        cast(reached_service as {{ dbt.type_bigint() }}) as reached_service,
        cast(reached_loyalty as {{ dbt.type_bigint() }}) as reached_loyalty,
        cast(converted_journeys as {{ dbt.type_bigint() }})
            as converted_journeys,
        cast(omnichannel_journeys as {{ dbt.type_bigint() }})
            as omnichannel_journeys,
        cast(revenue_pln as decimal(18, 2)) as revenue_pln,
        cast(converted_journeys as double) / journeys as conversion_rate,
        cast(omnichannel_journeys as double) / journeys as omnichannel_rate

    from monthly

)

select * from final
