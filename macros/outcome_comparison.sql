{% macro outcome_comparison(outcome_kind, id_name, topic_name, group_name) %}
    {#- The body of an outcome mart (mart_cx_outcomes, mart_experience_outcomes):
        int_outcome_index_events of one outcome_kind, by topic x comparison group
        x month (index_month; null: every month together, each customer's first
        event), against the reference group of the same topic and month (the
        best score class, or the customers without the experience). Per window
        (30, 90, 180 days; churn: var churn_days) only complete windows count.
        Shares in percent with their 95 % margins (proportion_margin_of_error),
        revenue per customer with its margin (mean_margin_of_error), the raw
        difference against the reference with its margin and significance, and
        for the repurchase shares and the share lost a difference directly
        standardised to the group's strata (docs/cx-pays.md). -#}
    {%- set windows = ['30d', '90d', '180d'] -%}
    {%- set shares = [] -%}
    {%- for w in windows -%}
        {%- do shares.append({
            'name': 'repurchase_share_' ~ w, 'customers': 'customers_' ~ w,
            'successes': 'repurchasers_' ~ w}) -%}
    {%- endfor -%}
    {%- do shares.append({
        'name': 'lost_share', 'customers': 'customers_churn_window',
        'successes': 'lost_customers'}) -%}

with

events as (

    select *

    from {{ ref('int_outcome_index_events') }}

    where outcome_kind = '{{ outcome_kind }}'

),

by_month as (

    {%- set columns -%}
        topic,
        comparison_group,
        is_reference_group,
        stratum,
        {% for w in windows %}
        is_complete_{{ w }},
        has_purchase_{{ w }},
        revenue_{{ w }}_pln,
        {% endfor %}
        is_complete_churn_window,
        is_lost,
        data_end_at
    {%- endset %}

    select
        {{ columns }},
        index_month

    from events

    union all

    select
        {{ columns }},
        cast(null as date) as index_month

    from events

    where is_first_overall

),

strata as (

    select
        topic,
        comparison_group,
        is_reference_group,
        index_month,
        stratum,
        count(*) as customers,
        {% for w in windows %}
        sum(case when is_complete_{{ w }} then 1 else 0 end)
            as customers_{{ w }},
        sum(
            case when is_complete_{{ w }} and has_purchase_{{ w }} then 1 else 0 end
        ) as repurchasers_{{ w }},
        sum(case when is_complete_{{ w }} then revenue_{{ w }}_pln else 0 end)
            as revenue_{{ w }}_pln,
        sum(
            case
                when is_complete_{{ w }}
                    then revenue_{{ w }}_pln * revenue_{{ w }}_pln
                else 0
            end
        ) as revenue_{{ w }}_pln_sq_sum,
        {% endfor %}
        sum(case when is_complete_churn_window then 1 else 0 end)
            as customers_churn_window,
        sum(case when is_complete_churn_window and is_lost then 1 else 0 end)
            as lost_customers,
        max(data_end_at) as data_end_at

    from by_month

    group by topic, comparison_group, is_reference_group, index_month, stratum

),

stratum_terms as (

    {#- Per stratum, the group's complete customers x (its share - the
        reference's share) and the variance term of that, for the strata
        where both sides have complete customers. -#}
    select
        strata.topic,
        strata.comparison_group,
        strata.index_month,
        {% for s in shares %}
        case
            when strata.{{ s.customers }} > 0 and reference.{{ s.customers }} > 0
                then strata.{{ s.customers }}
        end as {{ s.name }}_weight,
        case
            when strata.{{ s.customers }} > 0 and reference.{{ s.customers }} > 0
                then
                    cast(strata.{{ s.successes }} as double)
                    - strata.{{ s.customers }}
                    * cast(reference.{{ s.successes }} as double)
                    / reference.{{ s.customers }}
        end as {{ s.name }}_weighted_difference,
        case
            when strata.{{ s.customers }} > 0 and reference.{{ s.customers }} > 0
                then
                    {{ proportion_variance(
                        'strata.' ~ s.successes, 'strata.' ~ s.customers
                    ) }}
                    * strata.{{ s.customers }} * strata.{{ s.customers }}
                    + {{ proportion_variance(
                        'reference.' ~ s.successes, 'reference.' ~ s.customers
                    ) }}
                    * strata.{{ s.customers }} * strata.{{ s.customers }}
        end as {{ s.name }}_weighted_variance{% if not loop.last %},{% endif %}
        {% endfor %}

    from strata

    inner join strata as reference
        on
            strata.topic = reference.topic
            and strata.stratum = reference.stratum
            and coalesce(strata.index_month, cast('1900-01-01' as date))
            = coalesce(reference.index_month, cast('1900-01-01' as date))
            and reference.is_reference_group

),

standardised as (

    select
        topic,
        comparison_group,
        index_month,
        {% for s in shares %}
        100 * sum({{ s.name }}_weighted_difference)
        / nullif(sum({{ s.name }}_weight), 0) as {{ s.name }}_adjusted_difference,
        1.96 * 100 * sqrt(sum({{ s.name }}_weighted_variance))
        / nullif(sum({{ s.name }}_weight), 0)
            as {{ s.name }}_adjusted_difference_margin_of_error{% if not loop.last %},{% endif %}
        {% endfor %}

    from stratum_terms

    group by topic, comparison_group, index_month

),

cells as (

    select
        topic,
        comparison_group,
        is_reference_group,
        index_month,
        sum(customers) as customers,
        {% for w in windows %}
        sum(customers_{{ w }}) as customers_{{ w }},
        sum(repurchasers_{{ w }}) as repurchasers_{{ w }},
        sum(revenue_{{ w }}_pln) as revenue_{{ w }}_pln,
        sum(revenue_{{ w }}_pln_sq_sum) as revenue_{{ w }}_pln_sq_sum,
        {% endfor %}
        sum(customers_churn_window) as customers_churn_window,
        sum(lost_customers) as lost_customers,
        max(data_end_at) as data_end_at

    from strata

    group by topic, comparison_group, is_reference_group, index_month

),

measured as (

    select
        cells.*,
        {% for s in shares %}
        100 * cast(cells.{{ s.successes }} as double)
        / nullif(cells.{{ s.customers }}, 0) as {{ s.name }},
        {{ proportion_margin_of_error(s.successes, s.customers) }}
            as {{ s.name }}_margin_of_error,
        {% endfor %}
        {% for w in windows %}
        cast(revenue_{{ w }}_pln as double) / nullif(customers_{{ w }}, 0)
            as revenue_per_customer_{{ w }}_pln,
        {{ mean_margin_of_error(
            'revenue_' ~ w ~ '_pln', 'revenue_' ~ w ~ '_pln_sq_sum',
            'customers_' ~ w
        ) }} as revenue_per_customer_{{ w }}_pln_margin_of_error{% if not loop.last %},{% endif %}
        {% endfor %}

    from cells

),

compared as (

    select
        measured.*,
        {% set measures = [] %}
        {% for s in shares %}
            {% do measures.append((s.name, s.customers)) %}
        {% endfor %}
        {% for w in windows %}
            {% do measures.append(
                ('revenue_per_customer_' ~ w ~ '_pln', 'customers_' ~ w)
            ) %}
        {% endfor %}
        {% for m, n in measures %}
        measured.{{ m }} - reference.{{ m }} as {{ m }}_difference,
        {{ difference_margin_of_error(
            'measured.' ~ m ~ '_margin_of_error',
            'reference.' ~ m ~ '_margin_of_error'
        ) }} as {{ m }}_difference_margin_of_error,
        {{ is_significant_difference(
            'measured.' ~ m, 'measured.' ~ m ~ '_margin_of_error',
            'reference.' ~ m, 'reference.' ~ m ~ '_margin_of_error',
            'measured.' ~ n, 'reference.' ~ n
        ) }} as is_{{ m }}_difference_significant{% if not loop.last %},{% endif %}
        {% endfor %}

    from measured

    left join measured as reference
        on
            measured.topic = reference.topic
            and coalesce(measured.index_month, cast('1900-01-01' as date))
            = coalesce(reference.index_month, cast('1900-01-01' as date))
            and reference.is_reference_group

),

final as (

    select
        {{ surrogate_key(['compared.topic', 'compared.comparison_group',
            'compared.index_month']) }} as {{ id_name }},
        compared.topic as {{ topic_name }},
        compared.comparison_group as {{ group_name }},
        cast(compared.customers as bigint) as customers,
        {% for w in windows %}
        cast(compared.customers_{{ w }} as bigint) as customers_{{ w }},
        cast(compared.repurchasers_{{ w }} as bigint) as repurchasers_{{ w }},
        compared.repurchase_share_{{ w }},
        compared.repurchase_share_{{ w }}_margin_of_error,
        compared.repurchase_share_{{ w }}_difference,
        compared.repurchase_share_{{ w }}_difference_margin_of_error,
        compared.is_repurchase_share_{{ w }}_difference_significant,
        standardised.repurchase_share_{{ w }}_adjusted_difference,
        standardised.repurchase_share_{{ w }}_adjusted_difference_margin_of_error,
        abs(standardised.repurchase_share_{{ w }}_adjusted_difference)
        > standardised.repurchase_share_{{ w }}_adjusted_difference_margin_of_error
            as is_repurchase_share_{{ w }}_adjusted_difference_significant,
        cast(compared.revenue_{{ w }}_pln as decimal(18, 2))
            as revenue_{{ w }}_pln,
        cast(compared.revenue_{{ w }}_pln_sq_sum as double)
            as revenue_{{ w }}_pln_sq_sum,
        compared.revenue_per_customer_{{ w }}_pln,
        compared.revenue_per_customer_{{ w }}_pln_margin_of_error,
        compared.revenue_per_customer_{{ w }}_pln_difference,
        compared.revenue_per_customer_{{ w }}_pln_difference_margin_of_error,
        compared.is_revenue_per_customer_{{ w }}_pln_difference_significant,
        {% endfor %}
        cast(compared.customers_churn_window as bigint)
            as customers_churn_window,
        cast(compared.lost_customers as bigint) as lost_customers,
        compared.lost_share,
        compared.lost_share_margin_of_error,
        compared.lost_share_difference,
        compared.lost_share_difference_margin_of_error,
        compared.is_lost_share_difference_significant,
        standardised.lost_share_adjusted_difference,
        standardised.lost_share_adjusted_difference_margin_of_error,
        abs(standardised.lost_share_adjusted_difference)
        > standardised.lost_share_adjusted_difference_margin_of_error
            as is_lost_share_adjusted_difference_significant,
        compared.is_reference_group,
        compared.index_month as month,  -- noqa: RF04
        {% for w in windows %}
        {{ dbt.dateadd('day', -(w[:-1] | int), 'compared.data_end_at') }}
            as window_{{ w }}_complete_through,
        {% endfor %}
        {{ dbt.dateadd('day', -var('churn_days'), 'compared.data_end_at') }}
            as churn_window_complete_through,
        compared.data_end_at

    from compared

    left join standardised
        on
            compared.topic = standardised.topic
            and compared.comparison_group = standardised.comparison_group
            and coalesce(compared.index_month, cast('1900-01-01' as date))
            = coalesce(standardised.index_month, cast('1900-01-01' as date))

)

select * from final
{% endmacro %}
