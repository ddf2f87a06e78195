{#-
    Every currency has exactly one rate for every calendar day of
    2023-01-01..2027-12-31. Returns the currencies that break it.
-#}

with

rates as (

    select
        currency,
        rate_date

    from {{ ref('fx_rates') }}

),

per_currency as (

    select
        currency,
        count(*) as rate_rows,
        count(distinct rate_date) as rate_days,
        min(rate_date) as first_day,
        max(rate_date) as last_day

    from rates

    group by currency

),

broken as (

    select *

    from per_currency

    where
        rate_rows != rate_days
        or rate_days != {{ dbt.datediff('first_day', 'last_day', 'day') }} + 1
        or first_day > cast('2023-01-01' as date)
        or last_day < cast('2027-12-31' as date)

)

select * from broken
