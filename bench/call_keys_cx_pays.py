"""Why do the call rows of mart_experience_outcomes sit closer to 0 than the truth?
(a script, not a test; docs/cx-pays.md, "Call rows")

Reads a warehouse and the truth of one run of ``bench/prove_cx_pays.py`` (its
``--workdir`` sub-folder, e.g. /tmp/cxw-prove/20000-1-on) and recomputes the three call
comparisons (first event per key, with or without; a shop order within 30, 90, 180
days, windows complete before the data's end) from the warehouse's own calls and
orders, keyed four ways:

- ``customer``: the warehouse's customer_id, as the mart counts (it should match it);
- ``person, calls with a customer``: the true person of each call and order
  (truth/record_owners.parquet), only the calls the warehouse ties to a customer;
- ``person, every call``: the same with the calls tied to no customer;
- ``customer, call-only keys re-keyed``: the warehouse's keys, but a call whose key has
  no shop order while its person has some (on another key) moved to that other key.

It also counts those call-only keys and where their caller numbers were seen.

    python bench/call_keys_cx_pays.py /tmp/cxw-prove/20000-1-on
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cx_warehouse.generator.behaviour import (
    LONG_WAIT_SECONDS,
    REPEAT_CALL_DAYS,
    WINDOWS,
)

SETUP = """
create table owners as select source_record_id, person_id
from read_parquet('{truth}/record_owners.parquet');
create table calls as
select j.customer_id, o.person_id, c.call_id, c.started_at as ts, c.outcome,
    c.wait_seconds, c.caller_number
from wh.marts.fct_customer_journey as j
inner join wh.intermediate.int_calls_linked as c on c.call_id = j.source_record_id
left join owners as o on o.source_record_id = j.source_record_id
where j.touchpoint_type = 'call';
create table orders as
select j.customer_id, o.person_id, j.occurred_at as ts
from wh.marts.fct_customer_journey as j
left join owners as o on o.source_record_id = j.source_record_id
where j.touchpoint_type = 'order_placed';
-- a person's key holding most of their orders
create table order_keys as
select person_id, arg_max(customer_id, n) as order_key
from (select person_id, customer_id, count(*) as n from orders
      where customer_id is not null group by all)
group by all;
-- keys with calls and no shop order, of persons with shop orders on another key
create table call_only_keys as
select distinct c.customer_id, c.person_id, k.order_key
from calls as c inner join order_keys as k on k.person_id = c.person_id
where c.customer_id is not null
    and c.customer_id not in (select customer_id from orders where customer_id is not null);
alter table calls add column rekeyed varchar;
update calls set rekeyed = coalesce(
    (select k.order_key from call_only_keys as k
     where k.customer_id = calls.customer_id and k.person_id = calls.person_id),
    customer_id);
"""

# One row per comparison and window: customers and repurchase share with / without.
DIFFERENCES = """
with c as (
    select {call_key} as k, call_id, ts, outcome, wait_seconds
    from calls where {call_key} is not null {only}
),
flagged as (
    select k, ts,
        coalesce(ts <= lag(ts) over (partition by k order by ts, call_id)
            + to_days({repeat_days}), false) as repeat_call,
        coalesce(outcome in ('unresolved', 'abandoned'), false) as unresolved_call,
        coalesce(wait_seconds > {long_wait}, false) as long_wait
    from c
),
events as (
    select k, 'repeat_call' as topic, repeat_call as is_with, ts from flagged
    union all select k, 'unresolved_call', unresolved_call, ts from flagged
    union all select k, 'long_wait', long_wait, ts from flagged
),
firsts as (
    select * from events
    qualify row_number() over (partition by k, topic, is_with order by ts) = 1
),
purchases as (select {order_key} as k, ts from orders where {order_key} is not null),
followed as (
    select f.topic, f.is_with, w.days, exists (
        select 1 from purchases as p
        where p.k = f.k and p.ts > f.ts and p.ts <= f.ts + to_days(w.days)
    ) as bought
    from firsts as f, (values {windows}) as w(days)
    where f.ts + to_days(w.days) <= (select max(occurred_at) from wh.marts.fct_customer_journey)
),
shares as (
    select topic, days, is_with, count(*) as n, 100.0 * avg(bought::int) as share
    from followed group by all
)
select a.topic, a.days, a.n, a.share, b.n, b.share, a.share - b.share
from shares as a
inner join shares as b on b.topic = a.topic and b.days = a.days and not b.is_with
where a.is_with
order by a.topic, a.days
"""

KEYINGS = {
    "customer": ("customer_id", "customer_id", ""),
    "person, calls with a customer": ("person_id", "person_id", "and customer_id is not null"),
    "person, every call": ("person_id", "person_id", ""),
    "customer, call-only keys re-keyed": ("rekeyed", "customer_id", ""),
}

COUNTS = """
select
    (select count(*) from calls) as calls,
    (select count(*) from calls where customer_id is null) as calls_without_customer,
    (select count(distinct customer_id) from calls) as caller_keys,
    (select count(*) from call_only_keys) as call_only_keys,
    (select count(*) from calls as c inner join call_only_keys as k
        on k.customer_id = c.customer_id and k.person_id = c.person_id) as their_calls,
    (select count(distinct o.node_id)
     from wh.intermediate.int_identifiers_observed as o
     where o.identifier_type = 'phone' and o.source_system = 'shop'
        and o.node_id in (
            select p.node_id from wh.intermediate.int_identifiers_observed as p
            inner join calls as c on c.call_id = p.source_record_id
            inner join call_only_keys as k
                on k.customer_id = c.customer_id and k.person_id = c.person_id
            where p.identifier_type = 'phone'
        )) as their_numbers_seen_in_shop
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="a prove_cx_pays run folder")
    args = parser.parse_args()
    con = duckdb.connect()
    con.execute(f"attach '{args.run / 'warehouse.duckdb'}' as wh (read_only)")
    con.execute(SETUP.format(truth=args.run / "truth"))
    result = con.execute(COUNTS)
    names = [d[0] for d in result.description]
    print(", ".join(f"{n} {v}" for n, v in zip(names, result.fetchall()[0], strict=True)))
    windows = ", ".join(f"({w})" for w in WINDOWS)
    for label, (call_key, order_key, only) in KEYINGS.items():
        print(f"\nkeyed by {label}")
        print(
            f"{'comparison':<16} {'win':>4} {'with':>6} {'share':>6} {'without':>7} "
            f"{'share':>6} {'diff':>6}"
        )
        rows = con.execute(
            DIFFERENCES.format(
                call_key=call_key,
                order_key=order_key,
                only=only,
                repeat_days=REPEAT_CALL_DAYS,
                long_wait=LONG_WAIT_SECONDS,
                windows=windows,
            )
        ).fetchall()
        for topic, days, n_with, s_with, n_without, s_without, diff in rows:
            print(
                f"{topic:<16} {days:>3}d {n_with:>6} {s_with:>6.1f} {n_without:>7} "
                f"{s_without:>6.1f} {diff:>+6.1f}"
            )


if __name__ == "__main__":
    main()
