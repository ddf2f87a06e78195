{#-
    The daily time spine MetricFlow joins metrics to (metric_time): one row
    per calendar day from 2023-01-01 to 2027-12-31. Built with dbt's own
    cross-database date_spine, so it compiles on DuckDB and Spark alike.
-#}

with

days as (

    {#- date_spine's end date is exclusive: 2028-01-01 gives 2027-12-31. -#}
    {{ dbt.date_spine(
        'day',
        "cast('2023-01-01' as date)",
        "cast('2028-01-01' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day

    from days

)

select * from final
