{% macro delete_identifiers_observed_to_rewrite() %}
    {#- Pre-hook of int_identifiers_observed: on an incremental run, deletes
        every row but those of web events, and the rows of the events
        written again since the last run (erased, or replaced by an earlier
        duplicate) or now test traffic; the run writes them again. -#}
    {%- if is_incremental() %}
    delete from {{ this }}
    where
        entity != 'events'
        or source_record_id in (
            select events.event_id
            from {{ ref('stg_shop__events') }} as events
            where events.loaded_at > {{ newest_load_held() }}
        )
        or source_record_id in (
            select test_traffic.record_id
            from {{ ref('int_test_traffic_identified') }} as test_traffic
            where test_traffic.entity = 'events'
        )
    {%- endif %}
{%- endmacro %}
