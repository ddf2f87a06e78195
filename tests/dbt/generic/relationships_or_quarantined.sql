{#-
    Like dbt's relationships test, for a reference to a landing entity
    whose records can be quarantined: every non-null value of column_name
    must be a value of field in `to`, or the key (source_record_id) of a
    record of source_system.entity in quality_quarantine. A receipt of a
    store whose row in stores.csv was cut short names a store that
    stg_stores__stores cannot hold; the quarantine says why, so that is no
    orphan. A value found in neither place is one.
-#}
{% test relationships_or_quarantined(
    model, column_name, to, field, source_system, entity
) %}

with

children as (

    select {{ column_name }} as reference

    from {{ model }}

    where {{ column_name }} is not null

),

parents as (

    select distinct {{ field }} as reference

    from {{ to }}

),

quarantined as (

    select distinct source_record_id as reference

    from {{ ref('quality_quarantine') }}

    where
        source_system = '{{ source_system }}'
        and entity = '{{ entity }}'
        and source_record_id is not null

)

select children.reference

from children

left join parents
    on children.reference = parents.reference

left join quarantined
    on children.reference = quarantined.reference

where parents.reference is null and quarantined.reference is null

{% endtest %}
