{#-
    A model's primary key made of several columns: no two rows share the
    same values of all of combination_of_columns (like
    dbt_utils.unique_combination_of_columns; the project has no packages).
    Compares the columns themselves, never a concatenation of them, so
    that 'a:b' + 'c' and 'a' + 'b:c' stay two keys.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

duplicated as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as copies

    from {{ model }}

    group by {{ combination_of_columns | join(', ') }}

    having count(*) > 1

)

select * from duplicated

{% endtest %}
