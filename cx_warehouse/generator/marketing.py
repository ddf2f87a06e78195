"""The email service provider: campaigns, sends, opens, clicks, bounces, unsubscribes."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa

from . import vocab
from .world import World

EVENTS = ("sent", "open", "click", "bounce", "unsubscribe")


def _campaign_calendar(world: World) -> list[tuple[str, int, int, float]]:
    """(campaign_id, type index, send time, share of the list) for the period."""
    campaigns = []
    first = world.config.start
    for day in range(world.config.days):
        date = first + timedelta(days=day)
        send_ts = world.start_ts + day * 86_400 + 9 * 3_600  # 10:00 Warsaw in winter
        if date.weekday() == 1:
            campaigns.append((0, send_ts, 0.5))
        if date.day in (1, 15) or (date.month == 11 and date.weekday() == 4 and date.day > 23):
            campaigns.append((1, send_ts + 1_800, 0.4))
        if date.weekday() == 0 and date.day <= 7:
            campaigns.append((2, send_ts + 3_600, 0.2))
    return [
        (
            f"CMP-{world.date_of(ts):%Y%m%d}-{vocab.CAMPAIGN_TYPES[kind][:4]}",
            kind,
            ts,
            share,
        )
        for kind, ts, share in campaigns
    ]


def build_campaign_sends(world: World) -> None:
    """Sends of the scheduled campaigns to the opted-in list (table ``email_sends``)."""
    people = world.table("select pid, signup_ts from people where marketing_opt_in order by pid")
    pid = people["pid"].to_numpy()
    signup = people["signup_ts"].to_numpy()
    rng = world.rng(20)
    parts = []
    for campaign_id, kind, ts, share in _campaign_calendar(world):
        chosen = (rng.random(len(pid)) < share) & (signup < ts)
        k = int(chosen.sum())
        parts.append(
            pa.table(
                {
                    "campaign_id": pa.array([campaign_id] * k, pa.string()),
                    "campaign_type": np.full(k, kind, np.int8),
                    "pid": pid[chosen],
                    "order_no": np.full(k, -1, np.int64),
                    "sent_ts": ts + rng.integers(0, 1_200, k),
                }
            )
        )
    schema = pa.schema(
        [
            ("campaign_id", pa.string()),
            ("campaign_type", pa.int8()),
            ("pid", pa.int64()),
            ("order_no", pa.int64()),
            ("sent_ts", pa.int64()),
        ]
    )
    table = pa.concat_tables(parts) if parts else schema.empty_table()
    world.add("email_sends", table.cast(schema))


def add_post_purchase_sends(world: World) -> None:
    """One post-purchase email per delivered order of an opted-in account holder."""
    world.con.execute(
        """
        insert into email_sends
        select
            'CMP-PP-' || strftime(to_timestamp(o.delivered_ts)::date, '%Y%m'),
            3,
            o.pid,
            o.order_no,
            o.delivered_ts + 2 * 86400
        from orders as o
        inner join people as p on p.pid = o.pid
        where o.delivered_ts is not null and p.marketing_opt_in
            and o.delivered_ts + 2 * 86400 < $end
        """,
        {"end": world.end_ts},
    )


def build_email_events(world: World, post_purchase: bool) -> None:
    """Expand sends into ESP events (table ``email_events``): the scheduled campaigns
    first (their clicks start web visits), the post-purchase emails once orders exist."""
    sends = world.table(
        "select campaign_id, campaign_type, pid, sent_ts from email_sends "
        "where (campaign_type = 3) = $pp order by sent_ts, campaign_id, pid",
        {"pp": post_purchase},
    )
    n = sends.num_rows
    rng = world.rng(22 if post_purchase else 21)
    first_no = (
        world.con.execute("select count(distinct message_no) from email_events").fetchall()[0][0]
        if post_purchase
        else 0
    )
    message_no = first_no + np.arange(n, dtype=np.int64)
    bounced = rng.random(n) < 0.015
    opened = ~bounced & (rng.random(n) < 0.30)
    clicked = opened & (rng.random(n) < 0.15)
    unsubscribed = opened & ~clicked & (rng.random(n) < 0.01)
    sent_ts = sends["sent_ts"].to_numpy()
    open_ts = sent_ts + rng.exponential(6 * 3_600, n).astype(np.int64) + 30
    click_ts = open_ts + rng.integers(5, 300, n)
    unsub_ts = open_ts + rng.integers(20, 200, n)
    blocks = [
        (np.ones(n, bool), 0, sent_ts),
        (opened, 1, open_ts),
        (clicked, 2, click_ts),
        (bounced, 3, sent_ts + rng.integers(1, 60, n)),
        (unsubscribed, 4, unsub_ts),
    ]
    idx = np.concatenate([np.flatnonzero(mask) for mask, _, _ in blocks])
    event = np.concatenate([np.full(mask.sum(), code, np.int8) for mask, code, _ in blocks])
    ts = np.concatenate([times[mask] for mask, _, times in blocks])
    keep = ts < world.end_ts
    events = pa.table(
        {
            "message_no": message_no[idx][keep],
            "campaign_id": sends["campaign_id"].take(pa.array(idx[keep])),
            "campaign_type": sends["campaign_type"].to_numpy()[idx][keep],
            "pid": sends["pid"].to_numpy()[idx][keep],
            "event": event[keep],
            "ts": ts[keep],
        }
    )
    if post_purchase:
        world.con.register("_incoming", events)
        world.con.execute("insert into email_events select * from _incoming")
        world.con.unregister("_incoming")
    else:
        world.add("email_events", events)
