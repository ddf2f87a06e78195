"""Ground truth, written beside (never inside) the landing folder. dbt never reads it."""

from __future__ import annotations

from pathlib import Path

from .behaviour import factors_sql, true_outcomes_sql
from .world import World

PERSON_ID = "case when {pid} >= 0 then 'P' || lpad(({pid} + 1)::varchar, 7, '0') end"


def write_truth(world: World) -> dict[str, int]:
    folder: Path = world.config.truth
    folder.mkdir(parents=True, exist_ok=True)
    con = world.con
    queries = {
        "record_owners": f"""
            -- one row per record, already in a stable order: no sort of millions of ids
            select source_system, entity, source_record_id,
                {PERSON_ID.format(pid="pid")} as person_id
            from landed
        """,
        "faults": """
            select distinct source_system, entity, source_record_id, file, line, fault_kind
            from fault_log
            order by source_system, entity, fault_kind, file, line nulls first, source_record_id
        """,
        "survey_responses": COUNTED_RESPONSES,
        "arrivals": "select * from arrivals order by source_system, entity, dt",
        "cx_effects": factors_sql(world.config.cx_effects),
        "cx_outcomes": true_outcomes_sql(COUNTED_RESPONSES, world.end_ts),
        "erasures": f"""
            with identifiers as (
                select e.pid, 'email' as identifier_type, p.email as identifier
                from erasures as e inner join people as p on p.pid = e.pid
                union all
                select e.pid, 'email', p.work_email
                from erasures as e inner join people as p on p.pid = e.pid
                union all
                select e.pid, 'phone', '+' || phone::varchar
                from erasures as e inner join people as p on p.pid = e.pid,
                    unnest([p.mobile1, p.mobile2, p.household_phone]) as t(phone)
                where phone > 0
                union all
                select e.pid, 'customer_id', shop_customer_id(cv.customer_no)
                from erasures as e inner join customer_versions as cv
                    on cv.pid = e.pid and cv.version = 0
                union all
                select e.pid, 'loyalty_card', 'LC' || k.card_number_int
                from erasures as e inner join cards as k on k.pid = e.pid
                union all
                select distinct e.pid, 'anonymous_id', printf('%016x', s.device_hash)
                from erasures as e inner join sessions as s on s.pid = e.pid
                union all
                select e.pid, 'commented_response_id',
                    response_record_id(r.response_no)
                from erasures as e inner join responses as r
                    on r.pid = e.pid and r.has_comment
            )
            select distinct {PERSON_ID.format(pid="pid")} as person_id,
                identifier_type, identifier
            from identifiers where identifier is not null
            order by person_id, identifier_type, identifier
        """,
    }
    counts = {}
    for name, sql in queries.items():
        path = folder / f"{name}.parquet"
        con.execute(f"copy ({sql}) to '{path}' (format parquet, compression zstd)")
        counts[name] = con.execute(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
    return counts


# The responses that must count: parseable, not test traffic, complete, the latest
# complete submission of each invitation (every walk-up answer stands alone), and a
# score on its survey's scale. See DECISIONS.md for why the order of the rules is so.
COUNTED_RESPONSES = """
with responses_landed as (
    select
        r.*,
        response_record_id(r.response_no) as response_id,
        coalesce(p.is_test, false) as is_test
    from responses as r
    left join people as p on p.pid = r.pid
),
parseable as (
    select * from responses_landed
    where response_id not in (
        select source_record_id from fault_log
        where entity = 'responses' and fault_kind = 'malformed'
    )
),
latest as (
    select * from parseable
    where not is_test and is_complete
    qualify row_number() over (
        partition by case when invitation_no >= 0 then invitation_no else -2 - response_no end
        order by submit_ts desc, response_no desc
    ) = 1
)
select
    l.response_id,
    ['nps', 'csat', 'ces'][l.survey_type + 1] as survey_type,
    coalesce(
        ['order_delivered', 'call_completed', 'store_purchase', 'relationship'][
            i.trigger_type + 1],
        'walk_up'
    ) as trigger_type,
    i.trigger_ref,
    l.score::integer as score,
    to_timestamp(l.submit_ts)::timestamp as submitted_at
from latest as l
left join invitations as i on i.invitation_no = l.invitation_no
where l.bad_score_kind < 0
order by l.response_id
"""
