"""Zendesk Support as Fivetran loads it: ``user``, ``ticket``, ``ticket_field_history``,
and an empty ``satisfaction_rating`` (the simulated business surveys its calls in
Qualtrics, not with Zendesk's own CSAT).

The same calls as the telephony export (``landing.calls``), one voice ticket each
(id ``call_no + 1``), its requester the end user Zendesk Talk makes for the caller's
number (E.164), its assignee the agent. The call's queue, outcome, wrap code, order
reference and seconds are custom ticket fields (``ticket_field_history``), some
outcomes set twice. Beside the business, the connector's quirks, each a known number
of rows: merged duplicate tickets (``duplicates`` rate), soft-deleted tickets and users,
email tickets (not calls), internal calls from staff, and a ``priority`` field.
"""

from __future__ import annotations

from pathlib import Path

from .. import vocab
from ..formats import pick
from ..landing import CALLER_NUMBER, ORDER_REF_DIGITS, WRAP_CODE_LISTS
from ..world import World

SCHEMA = "zendesk"
ANONYMOUS_USER_ID = 999_999
CALLER_USER_BASE = 1_000_000
DELETED_USER_BASE = 900_000
SYNC_LAG_SECONDS = 6 * 3_600

CALLS = f"""
create or replace temp table _zd_calls as
select
    c.call_no + 1 as ticket_id,
    c.call_no,
    c.pid,
    case when c.withheld then null else {CALLER_NUMBER} end as number,
    case when c.agent_no >= 0 then c.agent_no + 1 end as assignee_id,
    c.ts,
    c.queue,
    c.outcome,
    c.wait_seconds,
    c.talk_seconds,
    c.types_ref,
    c.ref_form,
    {ORDER_REF_DIGITS} as ref_digits,
    c.wrap_idx
from calls as c
inner join people as p on p.pid = c.pid
"""

USERS = f"""
create or replace temp table _zd_users as
with callers as (
    select distinct number from _zd_calls where number is not null
)
select
    a.agent_no + 1 as id,
    'Agent ' || lpad((a.agent_no + 1)::varchar, 4, '0') as name,
    'agent' || (a.agent_no + 1) || '@support.cx-shop.example' as email,
    null::varchar as phone,
    'agent' as role,
    to_timestamp(a.hired_ts) as created_at,
    false as deleted
from agents as a
union all
select
    {CALLER_USER_BASE} + row_number() over (order by number),
    'Caller +' || number, null, '+' || number, 'end-user',
    to_timestamp($start), false
from callers
union all
select {ANONYMOUS_USER_ID}, 'Anonymous caller', null, null, 'end-user',
    to_timestamp($start), false
union all
-- end users deleted in Zendesk: kept by the connector, flagged
select {DELETED_USER_BASE} + range, 'Deleted caller ' || range, null,
    '+48500' || lpad(range::varchar, 6, '0'), 'end-user', to_timestamp($start), true
from range($quirks)
"""

TICKETS = """
create or replace temp table _zd_tickets as
with calls as (
    select
        c.*,
        coalesce(u.id, {anonymous}) as requester_id,
        u01(c.call_no, 1201) < $duplicate_rate as has_duplicate
    from _zd_calls as c
    left join _zd_users as u on u.phone = '+' || c.number and u.role = 'end-user'
),
beyond as (
    select max(ticket_id) + 1000 as id from _zd_calls
)
select
    c.ticket_id as id, c.requester_id, c.assignee_id, 'voice' as via_channel,
    'inbound' as via_source_rel, 'solved' as status,
    case when c.has_duplicate then '[' || (b.id + c.call_no) || ']' end as merged_ticket_ids,
    to_timestamp(c.ts) as created_at, false as deleted, 'call' as kind
from calls as c, beyond as b
union all
-- the same call's second ticket, merged into the first
select b.id + c.call_no, c.requester_id, c.assignee_id, 'voice', 'inbound', 'closed',
    null, to_timestamp(c.ts + 30), false, 'merged'
from calls as c, beyond as b
where c.has_duplicate
union all
-- quirks: a deleted call, an email ticket, an agent calling the line
select b.id * 2 + q.range * 3 + k.kind_no, k.requester_id, 1, k.channel, 'inbound',
    'solved', null, to_timestamp($start + 3600 * (q.range + 9)), k.kind_no = 0, k.kind
from beyond as b, range($quirks) as q,
    (values (0, 'deleted', 'voice', {first_caller}),
            (1, 'email', 'email', {first_caller}),
            (2, 'staff', 'voice', 1)) as k(kind_no, kind, channel, requester_id)
"""

FIELD_HISTORY = f"""
create or replace temp table _zd_field_history as
with fields as (
    select
        c.ticket_id,
        c.ts,
        c.assignee_id,
        [
            ('queue', {pick(vocab.QUEUES, "c.queue")}),
            ('outcome', {pick(vocab.OUTCOMES, "c.outcome")}),
            ('wrap_code', {WRAP_CODE_LISTS}[c.queue + 1][c.wrap_idx + 1]),
            ('order_ref', case when c.types_ref
                then ['A-', '#A-', ''][c.ref_form + 1] || c.ref_digits end),
            ('wait_seconds', printf('%.1f', c.wait_seconds)),
            ('talk_seconds', c.talk_seconds::varchar),
            ('priority', 'normal')
        ] as pairs
    from _zd_calls as c
    union all
    select t.id, epoch(t.created_at)::bigint, 1,
        [('queue', 'product_info'), ('outcome', 'resolved'), ('wait_seconds', '1.0'),
         ('talk_seconds', '60')]
    from _zd_tickets as t where t.kind in ('deleted', 'staff')
)
select f.ticket_id, p.pair[1] as field_name, to_timestamp(f.ts + 120) as updated,
    p.pair[2] as value, f.assignee_id as user_id
from fields as f, unnest(f.pairs) as p(pair)
where p.pair[2] is not null
union all
-- an outcome first set to unresolved, changed two minutes later
select c.ticket_id, 'outcome', to_timestamp(c.ts + 60), 'unresolved', c.assignee_id
from _zd_calls as c
where u01(c.call_no, 1202) < 0.2
"""


def write(world: World, raw: Path) -> dict[str, int]:
    """Write the Zendesk tables into ``raw``; log each business call as landed
    (``callcenter/calls`` keyed by its ticket id) for the truth; return rows per table."""
    con = world.con
    calls = con.execute("select count(*) from calls").fetchall()[0][0]
    params = {
        "start": world.start_ts,
        "quirks": max(1, calls // 300),
        "duplicate_rate": world.rate("duplicates"),
        "n_orders": con.execute("select count(*) from orders").fetchall()[0][0],
    }
    con.execute(CALLS, {"n_orders": params["n_orders"]})
    con.execute(USERS, {"start": params["start"], "quirks": params["quirks"]})
    first_caller = f"(select min(id) from _zd_users where id > {CALLER_USER_BASE})"
    con.execute(
        TICKETS.format(anonymous=ANONYMOUS_USER_ID, first_caller=first_caller),
        {k: params[k] for k in ("start", "quirks", "duplicate_rate")},
    )
    con.execute(FIELD_HISTORY)
    con.execute(f"attach '{raw}' as zendesk_raw")
    try:
        con.execute(f"create schema zendesk_raw.{SCHEMA}")
        synced = f"to_timestamp(epoch({{at}}) + {SYNC_LAG_SECONDS})::timestamp"
        con.execute(
            f"""
            create table zendesk_raw.{SCHEMA}."user" as
            select id::bigint as id, name, email, phone, role, true as active,
                created_at::timestamp as created_at, {synced.format(at="created_at")}
                    as _fivetran_synced, deleted as _fivetran_deleted
            from _zd_users order by id;
            create table zendesk_raw.{SCHEMA}.ticket as
            select id::bigint as id, requester_id::bigint as requester_id,
                assignee_id::bigint as assignee_id, via_channel, via_source_rel, status,
                merged_ticket_ids, created_at::timestamp as created_at,
                {synced.format(at="created_at")} as _fivetran_synced,
                deleted as _fivetran_deleted
            from _zd_tickets order by id;
            create table zendesk_raw.{SCHEMA}.ticket_field_history as
            select ticket_id::bigint as ticket_id, field_name, updated::timestamp as updated,
                value, user_id::bigint as user_id,
                {synced.format(at="updated")} as _fivetran_synced
            from _zd_field_history order by ticket_id, field_name, updated;
            create table zendesk_raw.{SCHEMA}.satisfaction_rating (
                id bigint, ticket_id bigint, requester_id bigint, assignee_id bigint,
                group_id bigint, score varchar, comment varchar, reason varchar,
                created_at timestamp, updated_at timestamp,
                _fivetran_synced timestamp, _fivetran_deleted boolean
            );
            """
        )
        rows = {
            f"{SCHEMA}/{table}": con.execute(
                f'select count(*) from zendesk_raw.{SCHEMA}."{table}"'
            ).fetchall()[0][0]
            for table in ("user", "ticket", "ticket_field_history", "satisfaction_rating")
        }
    finally:
        con.execute("detach zendesk_raw")
    con.execute(
        """
        insert into landed
        select 'callcenter', 'calls', ticket_id::varchar, pid from _zd_calls order by ticket_id
        """
    )
    return rows
