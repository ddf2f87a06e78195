"""The survey platform: invitations triggered by what happened, and the answers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .world import World

TRIGGERS = ("order_delivered", "call_completed", "store_purchase", "relationship")
SURVEY_TYPES = ("nps", "csat", "ces")
CHANNELS = ("email", "sms", "receipt_qr")


def build_invitations(world: World) -> None:
    """Invitations from deliveries, completed calls, card purchases and quarterly NPS."""
    con = world.con
    con.execute(
        """
        create or replace table invitation_candidates as
        select 0 as trigger_type, o.order_no as trigger_no, o.pid,
            o.delivered_ts + 86400 as sent_ts,
            least(o.late_days * 1.3, 5)
                + case when o.returned_ts < o.delivered_ts + 3 * 86400 then 1.5 else 0 end
                as penalty,
            case when o.late_days > 0 then 0 when o.returned_ts is not null then 5 else -1 end
                as topic_hint,
            false as withheld
        from orders as o where o.delivered_ts + 86400 < $end
        union all
        select 1, c.call_no, c.pid, c.ts + c.talk_seconds + 900,
            case when c.wait_seconds > 300 then 2 else 0 end
                + case c.outcome when 1 then 2.5 when 4 then 2.5 when 2 then 1 else 0 end
                + case when c.is_repeat then 1.5 else 0 end,
            case when c.wait_seconds > 300 then 3 else 2 end,
            c.withheld or c.from_switchboard
        from calls as c where c.outcome != 3 and c.ts + c.talk_seconds + 900 < $end
        union all
        select 2, t.receipt_no, t.pid, t.ts + 60, 0, -1, false
        from transactions as t
        inner join people as p on p.pid = t.pid and p.is_member
        where not t.is_return and t.shows_card
        order by 1, 2
        """,
        {"end": world.end_ts},
    )
    con.execute(
        "alter table invitation_candidates add column is_test boolean;"
        "update invitation_candidates set is_test = p.is_test from people as p "
        "where p.pid = invitation_candidates.pid"
    )
    cand = world.table("select * from invitation_candidates")
    rng = world.rng(60)
    n = cand.num_rows
    trigger = cand["trigger_type"].to_numpy()
    chosen = rng.random(n) < np.array([0.35, 0.5, 0.25])[trigger]
    survey = np.select(
        [trigger == 0, trigger == 1], [rng.random(n) < 0.4, 1 + (rng.random(n) < 0.5)], 1
    ).astype(np.int8)
    withheld = cand["withheld"].to_numpy()
    channel = np.select(
        [trigger == 2, trigger == 1, rng.random(n) < 0.2], [2, np.where(withheld, 0, 1), 1], 0
    ).astype(np.int8)
    # Test accounts are reached by email: their @test.internal address marks the traffic.
    channel[cand["is_test"].to_numpy()] = 0
    relationship = _relationship_candidates(world)
    table = pa.table(
        {
            "trigger_type": trigger[chosen].astype(np.int8),
            "trigger_no": cand["trigger_no"].to_numpy()[chosen],
            "pid": cand["pid"].to_numpy()[chosen],
            "survey_type": survey[chosen],
            "channel": channel[chosen],
            "sent_ts": cand["sent_ts"].to_numpy()[chosen],
            "penalty": cand["penalty"].to_numpy()[chosen].astype(np.float64),
            "topic_hint": cand["topic_hint"].to_numpy()[chosen].astype(np.int8),
        }
    )
    table = pa.concat_tables([table, relationship])
    k = table.num_rows
    order = np.lexsort((table["trigger_no"].to_numpy(), table["sent_ts"].to_numpy()))
    table = table.take(pa.array(order))
    table = table.append_column("invitation_no", pa.array(np.arange(k, dtype=np.int64)))
    table = table.append_column(
        "ref_dangles",
        pa.array(
            (rng.random(k) < world.rate("dangling_refs")) & (table["trigger_type"].to_numpy() < 3)
        ),
    )
    table = table.append_column(
        "email_messy", pa.array(rng.random(k) < world.rate("messy_identifiers"))
    )
    table = table.append_column("phone_style", pa.array(rng.integers(0, 3, k)))
    world.add("invitations", table)


def _relationship_candidates(world: World) -> pa.Table:
    """A quarterly relationship NPS to a tenth of the accounts."""
    quarter_days = world.con.execute(
        """
        select d from range(0, $days) as t(d)
        where date_part('day', to_timestamp($start + d * 86400)) = 1
            and date_part('month', to_timestamp($start + d * 86400)) in (1, 4, 7, 10)
        """,
        {"days": world.config.days, "start": world.start_ts},
    ).fetchall()
    accounts = world.table("select pid, signup_ts from people where has_account order by pid")
    rng = world.rng(61)
    parts = []
    for (day,) in quarter_days:
        ts = world.start_ts + day * 86_400 + 8 * 3_600
        pick = (rng.random(accounts.num_rows) < 0.1) & (accounts["signup_ts"].to_numpy() < ts)
        k = int(pick.sum())
        parts.append(
            pa.table(
                {
                    "trigger_type": np.full(k, 3, np.int8),
                    "trigger_no": np.full(k, -1, np.int64),
                    "pid": accounts["pid"].to_numpy()[pick],
                    "survey_type": np.zeros(k, np.int8),
                    "channel": np.zeros(k, np.int8),
                    "sent_ts": ts + rng.integers(0, 7_200, k),
                    "penalty": np.zeros(k),
                    "topic_hint": np.full(k, -1, np.int8),
                }
            )
        )
    schema = pa.schema(
        [("trigger_type", pa.int8()), ("trigger_no", pa.int64()), ("pid", pa.int64()),
         ("survey_type", pa.int8()), ("channel", pa.int8()), ("sent_ts", pa.int64()),
         ("penalty", pa.float64()), ("topic_hint", pa.int8())]
    )  # fmt: skip
    return pa.concat_tables(parts).cast(schema) if parts else schema.empty_table()


def _scores(rng: np.random.Generator, latent: np.ndarray, survey: np.ndarray) -> np.ndarray:
    v = np.clip(np.round(latent), 0, 10)
    csat = np.clip(np.round(v / 2.5 + 0.6), 1, 5)
    ces = np.clip(np.round(1 + v * 0.6), 1, 7)
    return np.select([survey == 0, survey == 1], [v, csat], ces).astype(np.int64)


def build_responses(world: World) -> None:
    """Answers: one per responding invitation, resubmissions, partials and store walk-ups."""
    inv = world.table(
        """
        select i.invitation_no, i.pid, i.survey_type, i.channel, i.sent_ts, i.penalty,
            i.trigger_type, i.topic_hint, p.mood, p.is_test, p.country
        from invitations as i inner join people as p on p.pid = i.pid
        order by i.invitation_no
        """
    )
    rng = world.rng(62)
    n = inv.num_rows
    p_respond = np.where(
        inv["is_test"].to_numpy(), 0.5, np.array([0.22, 0.18, 0.12])[inv["channel"].to_numpy()]
    )
    responds = rng.random(n) < p_respond
    submit = inv["sent_ts"].to_numpy() + rng.exponential(20 * 3_600, n).astype(np.int64) + 60
    responds &= submit < world.end_ts
    idx = np.flatnonzero(responds)
    first = _answer_block(world, rng, inv, idx, submit[idx])
    partial = rng.random(len(idx)) < 0.06
    resubmit = partial | (rng.random(len(idx)) < world.rate("duplicates"))
    first = first.set_column(
        first.schema.get_field_index("is_complete"), "is_complete", pa.array(~partial)
    )
    again_idx = idx[resubmit]
    again_ts = (
        first["submit_ts"].to_numpy()[resubmit]
        + rng.exponential(7_200, len(again_idx)).astype(np.int64)
        + 60
    )
    keep = again_ts < world.end_ts
    second = _answer_block(world, rng, inv, again_idx[keep], again_ts[keep])
    walk_ups = _walk_ups(world, rng)
    answers = pa.concat_tables([first, second, walk_ups])
    k = answers.num_rows
    answers = answers.take(
        pa.array(np.lexsort((answers["invitation_no"].to_numpy(), answers["submit_ts"].to_numpy())))
    )
    answers = answers.append_column("response_no", pa.array(np.arange(k, dtype=np.int64)))
    bad = rng.random(k) < world.rate("bad_scores")
    answers = answers.append_column(
        "bad_score_kind", pa.array(np.where(bad, rng.integers(0, 4, k), -1).astype(np.int8))
    )
    answers = answers.append_column(
        "score_form", pa.array(rng.choice(3, size=k, p=[0.8, 0.12, 0.08]).astype(np.int8))
    )
    answers = answers.append_column("respondent_known", pa.array(rng.random(k) < 0.85))
    world.add("responses", answers)


def _answer_block(world, rng, inv: pa.Table, idx: np.ndarray, submit: np.ndarray) -> pa.Table:
    k = len(idx)
    survey = inv["survey_type"].to_numpy()[idx]
    latent = (
        8.4 + inv["mood"].to_numpy()[idx] - inv["penalty"].to_numpy()[idx] + rng.normal(0, 1.3, k)
    )
    trigger = inv["trigger_type"].to_numpy()[idx]
    hint = inv["topic_hint"].to_numpy()[idx]
    generic = np.array([[0, 1, 4], [2, 3, 2], [2, 1, 4], [1, 4, 0]])[trigger, rng.integers(0, 3, k)]
    return pa.table(
        {
            "invitation_no": inv["invitation_no"].to_numpy()[idx],
            "pid": inv["pid"].to_numpy()[idx],
            "survey_type": survey,
            "score": _scores(rng, latent, survey),
            "submit_ts": submit,
            "is_complete": np.ones(k, bool),
            "has_comment": rng.random(k) < 0.4,
            "topic": np.where(hint >= 0, hint, generic).astype(np.int8),
            "language": np.where(
                rng.random(k) < 0.1, 2, np.array([0, 1, 1, 2])[inv["country"].to_numpy()[idx]]
            ).astype(np.int8),
            "store_receipt_no": np.full(k, -1, np.int64),
        }
    )


def _walk_ups(world: World, rng: np.random.Generator) -> pa.Table:
    """QR codes on store counters: answers without an invitation, often anonymous."""
    sales = world.table(
        """
        select t.receipt_no, t.pid, t.ts, coalesce(p.mood, 0) as mood,
            coalesce(p.country, s.country) as country
        from transactions as t
        inner join stores as s on s.store_no = t.store_no
        left join people as p on p.pid = t.pid
        where not t.is_return order by t.receipt_no
        """
    )
    pick = np.flatnonzero(rng.random(sales.num_rows) < 0.03)
    k = len(pick)
    survey = np.where(rng.random(k) < 0.6, 1, 0).astype(np.int8)
    latent = 8.4 + sales["mood"].to_numpy()[pick] + rng.normal(0, 1.5, k)
    return pa.table(
        {
            "invitation_no": np.full(k, -1, np.int64),
            "pid": sales["pid"].to_numpy()[pick],
            "survey_type": survey,
            "score": _scores(rng, latent, survey),
            "submit_ts": np.minimum(
                sales["ts"].to_numpy()[pick] + rng.integers(120, 900, k), world.end_ts - 1
            ),
            "is_complete": np.ones(k, bool),
            "has_comment": rng.random(k) < 0.3,
            "topic": rng.choice([1, 2, 4], size=k).astype(np.int8),
            "language": np.array([0, 1, 1, 2])[sales["country"].to_numpy()[pick]].astype(np.int8),
            "store_receipt_no": sales["receipt_no"].to_numpy()[pick],
        }
    )


def resolve_trigger_refs(world: World) -> None:
    """The id each invitation names; a dangling one names a record that doesn't exist."""
    con = world.con
    beyond = con.execute(
        "select greatest((select count(*) from orders), (select count(*) from calls), "
        "(select count(*) from transactions)) + 1000"
    ).fetchall()[0][0]
    con.execute(
        """
        alter table invitations add column trigger_ref varchar;
        update invitations set trigger_ref = case trigger_type
            when 0 then 'A-' || lpad(ref::varchar, 7, '0')
            when 1 then call_record_id(ref - 1)
            when 2 then 'RC' || lpad(ref::varchar, 9, '0')
        end
        from (
            select invitation_no as no,
                case when ref_dangles then $beyond + invitation_no else trigger_no + 1 end as ref
            from invitations
        ) as r
        where r.no = invitations.invitation_no
        """,
        {"beyond": beyond},
    )
