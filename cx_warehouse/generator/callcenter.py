"""The telephony export: agents, and calls caused by what happened to orders."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import vocab
from .world import CALL_HOURS, World


def build_agents(world: World) -> None:
    n = int(np.clip(world.config.customers // 500, 8, 400))
    rng = world.rng(50)
    world.add(
        "agents",
        pa.table(
            {
                "agent_no": np.arange(n),
                "team": (np.arange(n) % len(vocab.TEAMS)).astype(np.int8),
                "is_female": rng.random(n) < 0.6,
                "first_idx": rng.integers(0, len(vocab.FIRST_NAMES_MALE["PL"]), n),
                "surname_idx": rng.integers(0, len(vocab.SURNAMES["PL"]), n),
                "hired_ts": world.start_ts - rng.integers(30, 3_000, n) * 86_400,
            }
        ),
    )


def _first_calls(world: World) -> pa.Table:
    """Calls about orders (late, returned, cancelled ones far more often) and questions."""
    orders = world.table(
        """
        select order_no, pid, placed_ts, late_days, promised_date_ts,
               cancelled_ts is not null as cancelled, returned_ts is not null as returned,
               coalesce(returned_ts, 0) as returned_ts, coalesce(cancelled_ts, 0) as cancelled_ts
        from orders order by order_no
        """
    )
    rng = world.rng(51)
    n = orders.num_rows
    late = orders["late_days"].to_numpy() > 0
    cancelled = orders["cancelled"].to_numpy()
    returned = orders["returned"].to_numpy()
    p_call = 0.03 + 0.35 * late + 0.35 * returned + 0.25 * cancelled
    calls = rng.random(n) < p_call
    queue = np.select([returned, late & (rng.random(n) < 0.4), late], [1, 2, 0], 0)
    day_offset = rng.integers(9 * 3_600, 18 * 3_600, n) - 3_600
    ts = np.select(
        [returned, late, cancelled],
        [
            orders["returned_ts"].to_numpy() - rng.integers(3_600, 86_400, n),
            orders["promised_date_ts"].to_numpy() + 86_400 + day_offset,
            orders["cancelled_ts"].to_numpy() + rng.integers(600, 7_200, n),
        ],
        orders["placed_ts"].to_numpy() + rng.integers(1, 3, n) * 86_400,
    )
    about_order = pa.table(
        {
            "pid": orders["pid"].to_numpy()[calls],
            "order_no": orders["order_no"].to_numpy()[calls],
            "queue": queue[calls].astype(np.int8),
            "ts": ts[calls],
        }
    )
    people = world.table("select pid from people where not is_test order by pid")["pid"].to_numpy()
    asks = rng.poisson(0.3 * world.config.days / 365.0, len(people))
    pid = np.repeat(people, asks)
    questions = pa.table(
        {
            "pid": pid,
            "order_no": np.full(len(pid), -1, np.int64),
            "queue": np.full(len(pid), 3, np.int8),
            "ts": world.sample_times(52, len(pid), CALL_HOURS),
        }
    )
    return pa.concat_tables([about_order, questions])


def build_calls(world: World) -> None:
    first = _first_calls(world)
    rng = world.rng(53)
    n = first.num_rows
    # Callers unresolved the first time often call again within a week.
    p_outcome = np.array([0.62, 0.12, 0.08, 0.08, 0.10])
    outcome = rng.choice(5, size=n, p=p_outcome)
    again = np.isin(outcome, (1, 4)) & (rng.random(n) < 0.5)
    repeat = first.take(pa.array(np.flatnonzero(again)))
    repeat = repeat.set_column(
        3, "ts", pa.array(repeat["ts"].to_numpy() + rng.integers(1, 7, len(repeat)) * 86_400)
    )
    calls = pa.concat_tables([first, repeat])
    total = calls.num_rows
    extra_outcome = rng.choice(5, size=total - n, p=p_outcome)
    outcome = np.concatenate([outcome, extra_outcome])
    is_repeat = np.arange(total) >= n
    # The 24-hour line also rings on the nights the clocks change (see timestamps fault).
    wait = np.round(rng.exponential(70.0, total) * (1 + rng.random(total)), 1)
    outcome = np.where((wait > 240) & (rng.random(total) < 0.4), 3, outcome)
    talk = np.where(outcome == 3, 0, rng.lognormal(np.log(240.0), 0.6, total).astype(np.int64))
    n_agents = world.con.execute("select count(*) from agents").fetchall()[0][0]
    agent = np.where(outcome == 3, -1, rng.integers(0, n_agents, total))
    ts = np.minimum(calls["ts"].to_numpy(), world.end_ts - 3_600)
    ts = np.maximum(ts, world.start_ts)
    table = pa.table(
        {
            "pid": calls["pid"],
            "order_no": calls["order_no"],
            "queue": calls["queue"],
            "ts": ts,
            "is_repeat": is_repeat,
            "outcome": outcome.astype(np.int8),
            "wait_seconds": wait,
            "talk_seconds": talk,
            "agent_no": agent,
            "wrap_idx": rng.integers(0, 3, total).astype(np.int8),
            "types_ref": (calls["order_no"].to_numpy() >= 0) & (rng.random(total) < 0.75),
            "ref_form": rng.integers(0, 3, total).astype(np.int8),
            "ref_dangles": rng.random(total) < world.rate("dangling_refs"),
            "from_switchboard": rng.random(total) < 0.6,
            "uses_mobile2": rng.random(total) < 0.2,
            "withheld": rng.random(total) < world.rate("withheld_numbers"),
            "phone_style": rng.integers(0, 5, total),
        }
    )
    table = table.take(pa.array(np.lexsort((table["pid"].to_numpy(), ts))))
    table = table.append_column("call_no", pa.array(np.arange(total, dtype=np.int64)))
    world.add("calls", table)
    _add_clock_change_calls(world)


def _add_clock_change_calls(world: World) -> None:
    """Night calls around the DST switches: the hour that repeats and the hour that's skipped."""
    rate = world.rate("timestamps")
    if rate <= 0:
        return
    per_night = max(2, round(rate * world.config.customers / 500))
    rng = world.rng(54)
    nights = world.con.execute(
        """
        with days as (
            select range as d from range(0, $days)
        ),
        offsets as (
            select d,
                epoch(timezone('Europe/Warsaw', to_timestamp($start + d * 86400 + 43200)))
                - ($start + d * 86400 + 43200) as offset_s
            from days
        )
        select d from offsets
        qualify offset_s != lag(offset_s) over (order by d) -- noon offset changed
        order by d
        """,
        {"days": world.config.days, "start": world.start_ts},
    ).fetchall()
    rows = []
    for (day,) in nights:
        # The switch happens at 01:00 UTC on the night before the day whose noon changed.
        switch_ts = world.start_ts + day * 86_400 + 3_600
        rows.append(switch_ts + rng.integers(-3_600, 3_600, per_night))
    if not rows:
        return
    ts = np.concatenate(rows)
    k = len(ts)
    world.con.register(
        "_dst",
        pa.table({"ts": ts, "outcome": rng.choice([0, 1], size=k).astype(np.int8)}),
    )
    world.con.execute(
        """
        insert into calls
        select
            (select pid from people where not is_test order by hash(pid, d.ts) limit 1),
            -1, 3::tinyint, d.ts, false, d.outcome, 12.5, 180, 0, 0::tinyint,
            false, 0::tinyint, false, false, false, false, 0,
            (select count(*) from calls) + row_number() over (order by d.ts) - 1
        from _dst as d
        """
    )
    world.con.unregister("_dst")
