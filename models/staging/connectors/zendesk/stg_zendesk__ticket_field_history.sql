{#-
    One row per value a ticket field took (Zendesk ticket_field_history).
    The call's own fields are custom ticket fields, named by var
    zendesk_call_fields (call field -> Zendesk field_name): the latest value
    of each (by updated, then _fivetran_synced) is modelled, earlier values
    are deduplicated, every other field is excluded.
-#}

{{ config(enabled=staging_source('callcenter') == 'zendesk') }}

{%- set call_fields = var('zendesk_call_fields') %}

with

source as (

    select
        ticket_id,
        field_name,
        value,
        updated,
        _fivetran_synced

    from {{ source('zendesk', 'ticket_field_history') }}

),

named as (

    select
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        field_name,
        case field_name
            {%- for call_field, zendesk_field in call_fields.items() %}
            when '{{ zendesk_field }}' then '{{ call_field }}'
            {%- endfor %}
        end as call_field,
        value,
        cast(updated as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_fivetran_synced as {{ dbt.type_timestamp() }}) as synced_at

    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by ticket_id, call_field
            order by updated_at desc, synced_at desc, value desc
        ) as value_rank

    from named

),

final as (

    select
        {{ surrogate_key(['ticket_id', 'field_name', 'updated_at', 'value']) }}
            as field_value_id,
        ticket_id,
        field_name,
        call_field,
        value,
        case
            when call_field is null then 'excluded'
            when value_rank = 1 then 'modelled'
            else 'deduplicated'
        end as record_status,
        case
            when call_field is null then 'not_a_call_field'
            when value_rank > 1 then 'superseded_value'
        end as record_rule,
        {#- no rule quarantines a field value -#}
        cast(null as {{ dbt.type_string() }}) as record_reason,
        updated_at,
        synced_at

    from ranked

)

select * from final
