"""What customers do next: experiences and survey answers change later shop purchases.

Without this step every person buys at a fixed rate, so a correct warehouse would find
no link between experience and loyalty. With ``cx_effects`` on (the default; ``cxw
generate --cx-effects none`` switches it off) a person's rate of shop purchases, from
an experience on, for ``EFFECT_DAYS`` days, is multiplied by the experience's factor
(``FACTORS``); several experiences multiply, and the product is held to
``[FLOOR, CAP]``.

Vectorised as a thinned Poisson process, so nothing is simulated person by person:
``shop.add_orders`` keeps of the visits' orders every cancelled, late or returned one
and ``SMOOTH_SHARE`` of the others, together ``FLOOR`` of a person's rate (the orders
made whatever happens; the experiences, and the calls and answers they cause, come as
often as without effects). This step, run after every experience exists, draws extra
purchase visits at ``(CAP - FLOOR)`` times the person's own purchase rate, keeping each
with probability ``(m - FLOOR) / (CAP - FLOOR)``, ``m`` the person's multiplier at that
moment. A person with no experience keeps on average ``FLOOR + 1 - FLOOR`` = their old
rate. The extra orders are quiet: delivered on time, not returned nor cancelled, and
they trigger no call, email or survey (those were simulated before them), so that no
experience follows from an experience's own effect.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import shop
from .world import WEB_HOURS, World

# Multiplicative factor on the later shop purchase rate, per experience.
FACTORS: dict[str, float] = {
    "late_delivery": 0.70,
    "return": 0.80,
    "repeat_call": 0.80,
    "unresolved_call": 0.70,
    "long_wait": 0.85,
    "nps_promoter": 1.30,
    "nps_passive": 1.00,
    "nps_detractor": 0.60,
    "csat_satisfied": 1.15,
    "csat_not_satisfied": 0.70,
    "ces_low_effort": 1.10,
    "ces_high_effort": 0.75,
}
FLOOR = 0.3  # the least a person's multiplier can be: the share of purchases always made
CAP = 2.0  # the most it can be
EFFECT_DAYS = 180  # how long an experience moves the rate
# Purchases per own visit of a known person in shop.build_sessions:
# product view 0.75 x cart 0.22 x checkout 0.55 x purchase 0.75.
PURCHASES_PER_VISIT = 0.75 * 0.22 * 0.55 * 0.75
LONG_WAIT_SECONDS = 300  # dbt var long_wait_minutes x 60
REPEAT_CALL_DAYS = 7  # dbt var repeat_call_days
# Outcomes of an unresolved call (vocab.OUTCOMES: unresolved, abandoned), as the macro
# is_unresolved_call names them.
UNRESOLVED_OUTCOMES = (1, 3)

# Calls of real persons with their experiences flagged, as the warehouse flags them.
CALLS_FLAGGED = f"""
calls_ordered as (
    select pid, ts, outcome, wait_seconds,
        lag(ts) over (partition by pid order by ts, call_no) as previous_ts
    from calls where pid >= 0
),
calls_flagged as (
    select pid, ts,
        coalesce(ts - previous_ts <= {REPEAT_CALL_DAYS} * 86400, false) as repeat_call,
        outcome in {UNRESOLVED_OUTCOMES} as unresolved_call,
        wait_seconds > {LONG_WAIT_SECONDS} as long_wait
    from calls_ordered
)
"""


def score_class_sql(survey_type: str, score: str) -> str:
    """The score class of ``score`` on the scale of ``survey_type`` ('nps', 'csat', 'ces'),
    as the survey_scales seed draws the lines."""
    return f"""case {survey_type}
        when 'nps' then case when {score} >= 9 then 'promoter'
            when {score} >= 7 then 'passive' else 'detractor' end
        when 'csat' then case when {score} >= 4 then 'satisfied' else 'not_satisfied' end
        else case when {score} >= 5 then 'low_effort' else 'high_effort' end
    end"""


# Every experience of a real person: one row per (pid, experience, ts), experience
# named as in FACTORS. Answers: complete ones with a score on their scale.
EXPERIENCES = f"""
with {CALLS_FLAGGED},
answers as (
    select r.pid, r.submit_ts as ts, r.score,
        ['nps', 'csat', 'ces'][r.survey_type + 1] as survey_type
    from responses as r inner join people as p on p.pid = r.pid and not p.is_test
    where r.is_complete and r.bad_score_kind < 0
)
select pid, 'late_delivery' as experience, delivered_ts as ts
from orders where late_days > 0 and delivered_ts is not null and pid >= 0
union all
select pid, 'return', returned_ts from orders where returned_ts is not null and pid >= 0
union all
select pid, 'repeat_call', ts from calls_flagged where repeat_call
union all
select pid, 'unresolved_call', ts from calls_flagged where unresolved_call
union all
select pid, 'long_wait', ts from calls_flagged where long_wait
union all
select pid, survey_type || '_' || {score_class_sql("survey_type", "score")}, ts from answers
"""


# shop.add_orders: an order is cancelled (4 %), else late (15 %) or returned (8 %).
TROUBLE = 1 - 0.96 * 0.85 * 0.92
# The share of trouble-free orders kept, so that the orders a person makes whatever
# happens are FLOOR of their rate: TROUBLE + (1 - TROUBLE) x SMOOTH_SHARE = FLOOR.
SMOOTH_SHARE = (FLOOR - TROUBLE) / (1 - TROUBLE)


def base_orders_kept(world: World, trouble: np.ndarray) -> np.ndarray:
    """Which of the visits' orders stay: all with effects off; with effects on every
    cancelled, late or returned one (so the experiences, and the calls and answers they
    cause, come as often as without effects) and SMOOTH_SHARE of the others."""
    if not world.config.cx_effects:
        return np.ones(len(trouble), bool)
    return trouble | (world.rng(94).random(len(trouble)) < SMOOTH_SHARE)


def add_later_purchases(world: World) -> None:
    """Draw the extra purchase visits and their quiet orders (nothing when effects are off)."""
    if not world.config.cx_effects:
        return
    con = world.con
    world.add(
        "cx_factors", pa.table({"experience": list(FACTORS), "factor": list(FACTORS.values())})
    )
    con.execute(f"create or replace table experiences as {EXPERIENCES}")
    people = world.table(
        "select pid, web_rate, devices, has_account from people where not is_test order by pid"
    )
    rng = world.rng(90)
    pid = people["pid"].to_numpy()
    yearly = people["web_rate"].to_numpy() * PURCHASES_PER_VISIT * (CAP - FLOOR)
    counts = rng.poisson(yearly * world.config.days / 365.0)
    candidate_pid = np.repeat(pid, counts)
    start_ts = world.sample_times(91, len(candidate_pid), WEB_HOURS)
    keep_u = rng.random(len(candidate_pid))
    con.register(
        "_candidates",
        pa.table(
            {
                "candidate_no": np.arange(len(candidate_pid), dtype=np.int64),
                "pid": candidate_pid,
                "start_ts": start_ts,
                "keep_u": keep_u,
            }
        ),
    )
    kept = world.table(
        f"""
        with multipliers as (
            select c.candidate_no, c.pid, c.start_ts, c.keep_u,
                -- logs summed as whole nano-units: exact, so the same in any order
                least(greatest(
                    exp(coalesce(sum(round(ln(f.factor) * 1e9)::bigint), 0) / 1e9), {FLOOR}
                ), {CAP}) as m
            from _candidates as c
            left join experiences as e
                on e.pid = c.pid and e.ts < c.start_ts
                and e.ts >= c.start_ts - {EFFECT_DAYS} * 86400
            left join cx_factors as f on f.experience = e.experience
            group by all
        )
        select pid, start_ts from multipliers
        where keep_u < (m - {FLOOR}) / ({CAP} - {FLOOR})
        order by start_ts, pid
        """
    )
    con.unregister("_candidates")
    first_session = con.execute("select count(*) from sessions").fetchall()[0][0]
    shop.add_purchase_sessions(world, kept, first_session, salt=92)
    first_order = con.execute("select count(*) from orders").fetchall()[0][0]
    shop.add_orders(
        world, f"s.session_no >= {first_session}", first_order=first_order, salt=93, quiet=True
    )


WINDOWS = (30, 90, 180)

# The index events the marts compare (docs/cx-pays.md): per real person, experience
# or survey class, group and month, the first event. Experiences against the same
# kind of event without it: deliveries late or on time (delivered_ts), returned
# orders (returned_ts) or delivered ones kept (delivered_ts), calls with or without
# the experience (ts). Answers: counted responses (truth.COUNTED_RESPONSES) of a
# known person, by survey type and class.
INDEX_EVENTS = f"""
with {CALLS_FLAGGED},
counted as (
    select c.survey_type, c.score, r.pid, epoch(c.submitted_at)::bigint as ts
    from ({{counted}}) as c
    inner join responses as r on 'RS' || lpad((r.response_no + 1)::varchar, 9, '0') = c.response_id
    where r.pid >= 0
),
events as (
    select pid, 'experience' as kind, 'late_delivery' as subject, late_days > 0 as is_exposed,
        delivered_ts as ts
    from orders where delivered_ts is not null
    union all
    select pid, 'experience', 'return', returned_ts is not null,
        coalesce(returned_ts, delivered_ts)
    from orders where delivered_ts is not null
    union all
    select pid, 'experience', 'repeat_call', repeat_call, ts from calls_flagged
    union all
    select pid, 'experience', 'unresolved_call', unresolved_call, ts from calls_flagged
    union all
    select pid, 'experience', 'long_wait', long_wait, ts from calls_flagged
    union all
    select pid, 'survey', survey_type || ':' || {score_class_sql("survey_type", "score")},
        null, ts
    from counted
)
select e.*
from events as e inner join people as p on p.pid = e.pid and not p.is_test
qualify row_number() over (
    partition by e.pid, e.kind, e.subject, e.is_exposed order by e.ts
) = 1
"""


def true_outcomes_sql(counted_responses: str, end_ts: int) -> str:
    """Per experience (exposed against not) and survey class (against the best class of
    its survey), over the whole period: customers, the share who ordered again within
    each window and the revenue per customer of those orders (PLN, the items at their
    catalogue price), counting only windows complete before ``end_ts``, and the true
    differences. What ``mart_experience_outcomes`` and ``mart_cx_outcomes`` estimate."""
    windows = ",\n".join(
        f"""count(*) filter (where ts + {w} * 86400 <= {end_ts}) as customers_{w}d,
        count(*) filter (where ts + {w} * 86400 <= {end_ts} and exists (
            select 1 from orders as o
            where o.pid = ev.pid and o.placed_ts > ev.ts and o.placed_ts <= ev.ts + {w} * 86400
        )) as repurchased_{w}d,
        sum((
            select coalesce(sum(v.value_pln), 0) from order_values as v
            where v.pid = ev.pid and v.placed_ts > ev.ts and v.placed_ts <= ev.ts + {w} * 86400
        )) filter (where ts + {w} * 86400 <= {end_ts}) as revenue_{w}d_pln"""
        for w in WINDOWS
    )
    shares = ",\n".join(
        f"""100.0 * repurchased_{w}d / nullif(customers_{w}d, 0) as repurchase_share_{w}d,
        revenue_{w}d_pln / nullif(customers_{w}d, 0) as revenue_per_customer_{w}d_pln"""
        for w in WINDOWS
    )
    differences = ",\n".join(
        f"""g.repurchase_share_{w}d - b.repurchase_share_{w}d as true_difference_{w}d,
        g.revenue_per_customer_{w}d_pln - b.revenue_per_customer_{w}d_pln
            as true_revenue_difference_{w}d_pln"""
        for w in WINDOWS
    )
    return f"""
    with ev as ({INDEX_EVENTS.replace("{counted}", counted_responses)}),
    order_values as (
        select o.pid, o.placed_ts, sum(i.quantity * k.price_pln) as value_pln
        from orders as o
        inner join order_items as i on i.order_no = o.order_no
        inner join catalog as k on k.sku_idx = i.sku_idx
        group by all
    ),
    groups as (
        select kind, subject, is_exposed, count(*) as customers, {windows}
        from ev group by all
    ),
    rates as (
        select *,
            case when kind = 'survey' then split_part(subject, ':', 1) else subject end
                as topic,
            case when kind = 'survey' then split_part(subject, ':', 2) end as score_class,
            {shares}
        from groups
    ),
    reference as (
        select * from rates
        where (kind = 'experience' and not is_exposed)
            or score_class in ('promoter', 'satisfied', 'low_effort')
    )
    select g.kind, g.topic, g.score_class, g.is_exposed, g.customers,
        {
        ", ".join(
            f"g.customers_{w}d, g.repurchase_share_{w}d, g.revenue_per_customer_{w}d_pln"
            for w in WINDOWS
        )
    },
        {differences}
    from rates as g
    inner join reference as b on b.kind = g.kind and b.topic = g.topic
    where g.kind = 'survey' or g.is_exposed
    order by g.kind, g.topic, g.score_class
    """


def factors_sql(enabled: bool) -> str:
    """The true factors, as ``truth/cx_effects.parquet`` holds them."""
    rows = ", ".join(f"('{name}', {factor})" for name, factor in FACTORS.items())
    return f"""
    select experience, factor, {FLOOR} as floor, {CAP} as cap,
        {EFFECT_DAYS} as effect_days, {str(enabled).lower()} as is_enabled
    from (values {rows}) as t(experience, factor)
    """
