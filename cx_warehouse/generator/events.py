"""The clickstream: visits expanded into events and written as daily Parquet files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from .formats import pick
from .shop import DEVICES, EVENT_TYPES
from .world import World
from .writer import EPOCH, LandingWriter

# Visits are expanded a few days at a time: about a million events per chunk.
EVENTS_PER_CUSTOMER_DAY = 0.33


def chunk_days(world: World) -> int:
    return int(min(31, max(1, 1_000_000 // (world.config.customers * EVENTS_PER_CUSTOMER_DAY))))


COUNT_COLUMNS = ", ".join(f"s.n_{name}" for name in EVENT_TYPES)
# where each event type starts within its visit: 0, n_page_view, n_page_view + n_login, ...
OFFSETS = ", ".join(
    " + ".join(f"n_{name}" for name in EVENT_TYPES[:i]) or "0" for i in range(len(EVENT_TYPES))
)

# Every visit with what its events need, joined once and kept in time order, so that
# each chunk below reads only its own slice (a join per chunk would cost the whole
# table each time: quadratic in scale).
VISITS_SQL = """
create or replace table visits_joined as
select s.*, o.order_no, o.placed_ts,
    case when p.has_account then shop_customer_id(a.customer_no) end
        as customer_id,
    coalesce(p.is_test, false) as is_test
from sessions as s
left join people as p on p.pid = s.pid
left join (select pid, customer_no from customer_versions where version = 0) as a
    on a.pid = s.pid
left join orders as o on o.session_no = s.session_no
order by s.start_ts, s.session_no
"""

EVENTS_SQL = f"""
with visits as (
    select * from visits_joined where start_ts >= $lo and start_ts < $hi
),
typed as (
    select
        v.*,
        t.type_i,
        unnest(range(v.counts[t.type_i + 1])) as k
    from (
        select
            *,
            [{COUNT_COLUMNS.replace("s.", "")}] as counts,
            [{OFFSETS}] as offsets
        from visits
    ) as v
    cross join (select unnest(range({len(EVENT_TYPES)})) as type_i) as t
),
positioned as (
    -- events of a visit in funnel order, 10 to 60 seconds apart; the purchase event is
    -- the order's placement time, which comes after all of them
    select *, offsets[type_i + 1] + k as position from typed
),
events as materialized (
    select
        v.session_no, v.pid, v.is_test, v.type_i, v.k, v.position,
        case when v.type_i = 7 then v.placed_ts
            else v.start_ts + v.position * 35 + hash(v.session_no, v.position, 7) % 25 end as ts,
        printf('%016x%016x', hash(v.session_no, v.position, 1), hash(v.session_no, v.position, 2))
            as event_id,
        printf('%016x', v.device_hash) as anonymous_id,
        case when v.n_login > 0 and v.type_i >= 1 then v.customer_id end as customer_id,
        ['{"', '".join(EVENT_TYPES)}'][v.type_i + 1] as event_type,
        case v.type_i
            when 0 then case when v.k = 0 then '/' else '/c/' || c.name end
            when 1 then '/account/login'
            when 2 then '/search?q=' || c.name
            when 3 then '/p/SKU-' || lpad((1 + hash(v.session_no, v.k, 3) % 400)::varchar, 5, '0')
            when 4 then '/cart/add/SKU-'
                || lpad((1 + hash(v.session_no, v.k, 4) % 400)::varchar, 5, '0')
            when 5 then '/help/' || ['delivery', 'returns', 'payments', 'account'][
                1 + (hash(v.session_no, 5) % 4)::int]
            when 6 then '/checkout'
            else '/checkout/confirmation'
        end as page_url,
        case when v.position = 0 then
            case v.source
                when 2 then ['google', 'facebook', 'instagram'][v.paid_kind + 1]
                when 3 then 'newsletter'
            end
        end as utm_source,
        case when v.position = 0 then
            case v.source
                when 2 then ['cpc', 'paid_social', 'paid_social'][v.paid_kind + 1]
                when 3 then 'email'
            end
        end as utm_medium,
        case when v.position = 0 then
            case v.source
                when 2 then 'always_on_' || c.name
                when 3 then v.campaign_id
            end
        end as utm_campaign,
        case when v.position = 0 then
            case v.source
                when 1 then 'https://www.google.com/'
                when 2 then ['https://www.google.com/', 'https://www.facebook.com/',
                    'https://www.instagram.com/'][v.paid_kind + 1]
            end
        end as referrer,
        {pick(DEVICES, "v.device_type")} as device,
        case when v.type_i = 7 then shop_order_id(v.order_no) end
            as order_id
    from positioned as v
    inner join v_category as c on c.i = hash(v.session_no, 6) % 8
),
delivered as (
    select *, utc_date(ts) as dt, false as is_duplicate from events where ts < $end
    union all
    -- delivered at least once: some events arrive again, the same day or the next
    select *,
        utc_date(ts) + case when u01(event_id, 13) < 0.5 then 1 else 0 end::int as dt,
        true as is_duplicate
    from events
    where ts < $end and u01(event_id, 12) < $dup_rate
)
select * from delivered where dt < $end_date
order by dt, ts, event_id, is_duplicate
"""

COLUMNS = (
    "event_id", "anonymous_id", "customer_id", "event_type", "occurred_at", "page_url",
    "utm_source", "utm_medium", "utm_campaign", "referrer", "device", "order_id",
)  # fmt: skip


SELECT_COLUMNS = ", ".join(
    "to_timestamp(ts)::timestamp as occurred_at" if c == "occurred_at" else c for c in COLUMNS
)


def write_events(
    world: World,
    writer: LandingWriter,
    progress,
    write_day: Callable[[date, pa.Table], None] | None = None,
) -> None:
    """Expand visits a few days at a time; a day that also gets events from the next
    chunk's visits (visits across midnight, re-deliveries) is held until complete.
    Each day's events go to ``write_day`` (the GA4 export's, ``--ga4-export``), else to
    the landing files; a day without events gets an empty file."""
    if write_day is None:

        def write_day(day: date, table: pa.Table) -> None:
            writer.write_parquet_day("shop", "events", day, table)

    written: set[date] = set()
    con = world.con
    end_date = world.config.end + timedelta(days=1)
    held: tuple[date, pa.Table] | None = None
    con.execute(VISITS_SQL)
    step = chunk_days(world)
    for lo_day in range(0, world.config.days, step):
        lo = world.start_ts + lo_day * 86_400
        hi = min(lo + step * 86_400, world.end_ts)
        next_chunk_day = world.config.start + timedelta(days=lo_day + step)
        params = {
            "lo": lo, "hi": hi, "end": world.end_ts, "end_date": end_date,
            "dup_rate": world.rate("duplicates"),
        }  # fmt: skip
        con.execute(f"create or replace table _events as {EVENTS_SQL}", params)
        con.execute(LOG_SQL)
        chunk = world.table(
            f"select dt, {SELECT_COLUMNS} from _events order by dt, ts, event_id, is_duplicate"
        )
        day_numbers = chunk["dt"].cast(pa.int32()).to_numpy()
        chunk = chunk.drop_columns(["dt"])
        cuts = np.flatnonzero(np.diff(day_numbers)) + 1
        for lo_row, hi_row in zip(np.r_[0, cuts], np.r_[cuts, len(day_numbers)], strict=True):
            if hi_row == lo_row:
                continue
            day = EPOCH + timedelta(days=int(day_numbers[lo_row]))
            table = chunk.slice(lo_row, hi_row - lo_row)
            if held is not None and held[0] == day:
                table = pa.concat_tables([held[1], table])
                held = None
            if day >= next_chunk_day:
                held = (day, table)
                continue
            write_day(day, table)
            written.add(day)
        progress.update(1)
    if held is not None:
        write_day(*held)
        written.add(held[0])
    empty = world.table(f"select {SELECT_COLUMNS} from _events limit 0")  # the schema
    for day in writer.period_days():
        if day not in written:
            write_day(day, empty)


def event_chunks(world: World) -> int:
    return -(-world.config.days // chunk_days(world))


LOG_SQL = """
insert into landed select 'shop', 'events', event_id,
    case when is_test then -1 else coalesce(pid, -1) end from _events where not is_duplicate;
insert into fault_log
select 'shop', 'events', event_id,
    'shop/events/dt=' || strftime(dt, '%Y-%m-%d') || '/part-00000.parquet', null,
    unnest(list_filter([case when is_duplicate then 'duplicates' end,
        case when is_test then 'test_traffic' end], lambda x: x is not null))
from _events where is_duplicate or is_test
"""
