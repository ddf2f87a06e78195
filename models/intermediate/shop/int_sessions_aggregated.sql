{#-
    One row per web or app session: a cookie's (anonymous_id's) events with
    no gap of more than var session_timeout_minutes (default 30) between
    one event and the next. The clickstream has no session id: this model
    owns the rule. Events are already deduplicated by event_id in staging;
    test traffic is left out. An event without an anonymous_id (erased) is
    a session of its own.

    Incremental: sessions never span cookies, and a new event can only
    reach the sessions of its cookie that end no more than the timeout
    before it (a session that ended earlier is followed by a gap longer
    than the timeout whatever comes after it). So a run rebuilds, for each
    cookie (cookie_key) with events written since its last run
    (stg_shop__events.loaded_at after newest_load_held()), the sessions
    from that point on, from the cookie's events after the sessions it
    keeps. The pre-hook first deletes those sessions, and every session
    whose first event was written again: staging rewrites the events an
    erasure reaches, and an erased cookie's events no longer name it, so
    its old sessions are found by their first event. A duplicate delivery
    is the same event (at least once, per the contract), so a rewritten
    event keeps its time. Test traffic is a property of a whole cookie
    (int_test_traffic_identified) that can change with no new event on it
    (a new version of a shop account with or without an @test.internal
    address): the pre-hook also deletes the sessions of cookies that are
    now test traffic, and a run also builds, whole, the cookies with
    business events but no session held.

    Over 250 lines: the session rule and its incremental rebuild (which
    cookies, from which session on) in one model, so that they agree.
-#}

{{ config(
    pre_hook="{{ delete_sessions_to_rebuild() }}",
    **cxw_incremental_config(),
) }}

{%- set timeout_seconds = var('session_timeout_minutes') * 60 -%}

with

events as {{ not_materialized() }} (

    select
        event_id,
        anonymous_id,
        customer_id,
        event_type,
        utm_source,
        utm_medium,
        utm_campaign,
        device,
        is_erased,
        occurred_at,
        loaded_at,
        coalesce(anonymous_id, event_id) as cookie_key

    from {{ ref('stg_shop__events') }}

    where occurred_at is not null

),

test_traffic as (

    select record_id

    from {{ ref('int_test_traffic_identified') }}

    where entity = 'events'

),

business_events as {{ not_materialized() }} (

    select events.*

    from events

    left join test_traffic
        on events.event_id = test_traffic.record_id

    where test_traffic.record_id is null

),
{%- if is_incremental() %}

new_cookies as (

    {#- cookies with events written since the last run -#}
    select events.cookie_key

    from events

    where events.loaded_at > {{ newest_load_held() }}

    union

    {#- cookies with business events and no session held: test traffic
        no more (or new, when their events are new too). A cookie is test
        traffic through an event logged in as a test account, so only
        cookies with a logged-in event can change -#}
    (
        select business_events.cookie_key

        from business_events

        where business_events.customer_id is not null

        except

        select held.cookie_key

        from {{ this }} as held
    )

),

kept_sessions as (

    {#- where the sessions each cookie keeps end: the pre-hook deleted
        those a new event can reach, so the cookie's events after that
        are rebuilt (all of them when it keeps none) -#}
    select
        held.cookie_key,
        max(held.ended_at) as kept_until

    from {{ this }} as held

    group by held.cookie_key

),
{%- endif %}

customer_events as (

    select business_events.*

    from business_events
    {%- if is_incremental() %}

    inner join new_cookies
        on business_events.cookie_key = new_cookies.cookie_key

    left join kept_sessions
        on business_events.cookie_key = kept_sessions.cookie_key

    where
        kept_sessions.kept_until is null
        or business_events.occurred_at > kept_sessions.kept_until
    {%- endif %}

),

gaps as (

    select
        *,
        {{ dbt.datediff(
            'lag(occurred_at) over (partition by cookie_key '
            ~ 'order by occurred_at, event_id)',
            'occurred_at',
            'second'
        ) }} as seconds_since_previous_event

    from customer_events

),

numbered as (

    select
        *,
        sum(
            case
                when
                    seconds_since_previous_event is null
                    or seconds_since_previous_event > {{ timeout_seconds }}
                    then 1
                else 0
            end
        ) over (
            partition by cookie_key
            order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as session_number,
        row_number() over (
            partition by cookie_key
            order by occurred_at, event_id
        ) as event_number

    from gaps

),

ranked as (

    select
        *,
        row_number() over (
            partition by cookie_key, session_number
            order by event_number
        ) as event_in_session

    from numbered

),

sessions as (

    select
        cookie_key,
        session_number,
        max(anonymous_id) as anonymous_id,
        max(customer_id) as customer_id,
        max(
            case when event_in_session = 1 then event_id end
        ) as first_event_id,
        max(
            case when event_in_session = 1 then device end
        ) as device,
        max(
            case when event_in_session = 1 then utm_source end
        ) as utm_source,
        max(
            case when event_in_session = 1 then utm_medium end
        ) as utm_medium,
        max(
            case when event_in_session = 1 then utm_campaign end
        ) as utm_campaign,
        count(*) as event_count,
        max(
            case when event_type = 'product_view' then 1 else 0 end
        ) = 1 as has_product_view,
        max(
            case when event_type = 'help_center_view' then 1 else 0 end
        ) = 1 as has_help_center_view,
        max(
            case when event_type = 'purchase' then 1 else 0 end
        ) = 1 as has_purchase,
        max(case when is_erased then 1 else 0 end) = 1 as is_erased,
        min(occurred_at) as started_at,
        max(occurred_at) as ended_at,
        max(loaded_at) as loaded_at

    from ranked

    group by cookie_key, session_number

),

final as (

    select
        {{ surrogate_key(['first_event_id']) }} as session_id,
        first_event_id,
        anonymous_id,
        customer_id,
        device,
        utm_source,
        utm_medium,
        utm_campaign,
        cast(event_count as {{ dbt.type_int() }}) as event_count,
        cast(
            {{ dbt.datediff('started_at', 'ended_at', 'second') }}
            as {{ dbt.type_int() }}
        ) as duration_seconds,
        has_product_view,
        has_help_center_view,
        has_purchase,
        is_erased,
        started_at,
        ended_at,
        cookie_key,
        loaded_at

    from sessions

)

select * from final
