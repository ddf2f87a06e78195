{% macro delete_sessions_to_rebuild() %}
    {#- Pre-hook of int_sessions_aggregated: on an incremental run, deletes
        the sessions that the cookies' new events can reach (ended no more
        than var session_timeout_minutes before the cookie's first new
        event), the sessions whose first event was written again, and the
        sessions of cookies that are now test traffic. -#}
    {%- if is_incremental() %}
    delete from {{ this }}
    where
        session_id in (
            select held.session_id
            from {{ this }} as held
            inner join (
                select
                    coalesce(events.anonymous_id, events.event_id)
                        as cookie_key,
                    min(events.occurred_at) as first_new_at
                from {{ ref('stg_shop__events') }} as events
                where
                    events.occurred_at is not null
                    and events.loaded_at > {{ newest_load_held() }}
                group by coalesce(events.anonymous_id, events.event_id)
            ) as first_new
                on held.cookie_key = first_new.cookie_key
            where
                {{ dbt.datediff(
                    'held.ended_at', 'first_new.first_new_at', 'second'
                ) }} <= {{ var('session_timeout_minutes') * 60 }}
        )
        or first_event_id in (
            select events.event_id
            from {{ ref('stg_shop__events') }} as events
            where events.loaded_at > {{ newest_load_held() }}
        )
        or cookie_key in (
            select coalesce(events.anonymous_id, events.event_id)
            from {{ ref('stg_shop__events') }} as events
            inner join {{ ref('int_test_traffic_identified') }} as test_traffic
                on
                    test_traffic.entity = 'events'
                    and events.event_id = test_traffic.record_id
        )
    {%- endif %}
{%- endmacro %}
