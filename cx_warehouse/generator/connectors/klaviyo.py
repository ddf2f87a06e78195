"""Klaviyo as Fivetran loads it: ``person``, ``campaign``, ``flow``, ``metric``, ``event``.

The same email events as the email service provider's export (``landing.email_events``):
one profile per recipient (``person``, id ``KP`` + the person), one ``campaign`` per
scheduled campaign (named for its type and the export's campaign id), the
post-purchase emails as the messages of one ``flow``, and one ``event`` per email
event, of the metric that names it (Received Email for a send ...). An event's own
time is ``timestamp`` (``datetime`` a moment later, when Klaviyo recorded it), never
the sync time. Beside the business, the connector's quirks, each a known number of rows
(``quirks`` each, one per 500 email events): events synced twice (the ``duplicates``
rate, an older sync of the same id), soft-deleted events and profiles, events of
metrics that are not email events (Placed Order, Viewed Product), test sends to a
staff profile, events of a person the person table does not hold, and sends of a
campaign whose name names no campaign type.
"""

from __future__ import annotations

from pathlib import Path

from .. import vocab
from ..world import World

SCHEMA = "klaviyo"
SYNC_LAG_SECONDS = 6 * 3_600
# one row of each quirk per this many email events (at least one)
EVENTS_PER_QUIRK = 500
# Klaviyo's metric names of the email events, in the generator's event order
# (marketing.EVENTS: sent, open, click, bounce, unsubscribe), then the others.
EMAIL_METRICS = ("Received Email", "Opened Email", "Clicked Email", "Bounced Email", "Unsubscribed")
OTHER_METRICS = ("Placed Order", "Viewed Product")
# a campaign's name begins with its type: Newsletter, Promo, Winback, Post-purchase
CAMPAIGN_NAMES = tuple(kind.replace("_", "-").capitalize() for kind in vocab.CAMPAIGN_TYPES)
FLOW_ID = "KF0001"
FLOW_MESSAGE_ID = "KFM0001"
STAFF_PERSON_ID = "KPSTAFF"
UNTYPED_CAMPAIGN_ID = "KC9999"
PERSON_ID = "'KP' || lpad({pid}::varchar, 8, '0')"


def _timestamp(seconds: str) -> str:
    """A naive UTC timestamp from epoch seconds, whatever the session's time zone."""
    return f"make_timestamp(({seconds})::bigint * 1000000)"


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{value}'" for value in values) + "]"


CAMPAIGNS = f"""
create or replace temp table _kl_campaigns as
select
    'KC' || lpad(row_number() over (order by campaign_id)::varchar, 4, '0') as id,
    campaign_id as export_id,
    {_list(CAMPAIGN_NAMES)}[campaign_type + 1] || ' ' || campaign_id as name,
    min(ts) as sent_ts
from email_events
where campaign_type < 3
group by campaign_id, campaign_type
"""

EVENTS = f"""
create or replace temp table _kl_events as
select
    'KE' || lpad(row_number() over (order by e.ts, e.message_no, e.event)::varchar, 10, '0')
        as id,
    e.message_no,
    e.pid,
    {PERSON_ID.format(pid="e.pid")} as person_id,
    e.event,
    c.id as campaign_id,
    case when e.campaign_type = 3 then '{FLOW_ID}' end as flow_id,
    case when e.campaign_type = 3 then '{FLOW_MESSAGE_ID}' end as flow_message_id,
    e.ts,
    false as deleted,
    'business' as kind
from email_events as e
left join _kl_campaigns as c on c.export_id = e.campaign_id and e.campaign_type < 3
"""

QUIRK_EVENTS = f"""
insert into _kl_events
with firsts as (
    select * from _kl_events where event = 0 order by id limit $quirks
),
beyond as (select count(*) as n from _kl_events)
-- soft-deleted opens of real sends
select 'KX' || lpad((b.n + f.rank)::varchar, 10, '0'), f.message_no, f.pid, f.person_id,
    1, f.campaign_id, f.flow_id, f.flow_message_id, f.ts + 600, true, 'deleted'
from (select *, row_number() over (order by id) as rank from firsts) as f, beyond as b
union all
-- events of other metrics (codes 5, 6: Placed Order, Viewed Product)
select 'KX' || lpad((b.n + $quirks * m.code + f.rank)::varchar, 10, '0'), null, f.pid,
    f.person_id, 4 + m.code, null, null, null, f.ts + 3600, false, 'other_metric'
from (select *, row_number() over (order by id) as rank from firsts) as f, beyond as b,
    (values (1), (2)) as m(code)
union all
-- test sends to the staff profile, a person nobody holds, an untyped campaign
select 'KX' || lpad((b.n + $quirks * k.code + f.rank)::varchar, 10, '0'), null, null,
    case k.kind
        when 'staff' then '{STAFF_PERSON_ID}'
        when 'unknown_person' then 'KPGONE' || f.rank
        else f.person_id
    end,
    0,
    case when k.kind = 'untyped' then '{UNTYPED_CAMPAIGN_ID}' else f.campaign_id end,
    case when k.kind = 'untyped' then null else f.flow_id end,
    case when k.kind = 'untyped' then null else f.flow_message_id end,
    f.ts - 3600, false, k.kind
from (select *, row_number() over (order by id) as rank from firsts) as f, beyond as b,
    (values (3, 'staff'), (4, 'unknown_person'), (5, 'untyped')) as k(code, kind)
"""

PERSONS = f"""
create or replace temp table _kl_persons as
select
    {PERSON_ID.format(pid="p.pid")} as id,
    p.email,
    case when p.contact_phone > 0 then '+' || p.contact_phone end as phone_number,
    p.first_name,
    p.last_name,
    false as deleted
from people as p
where p.pid in (select pid from email_events)
union all
select '{STAFF_PERSON_ID}', 'marketing@cx-shop.example', null, 'Marketing', 'Team', false
union all
-- profiles deleted in Klaviyo: kept by the connector, flagged
select 'KPDEL' || range, 'deleted' || range || '@example.invalid', null, null, null, true
from range($quirks)
"""


def write(world: World, raw: Path) -> dict[str, int]:
    """Write the Klaviyo tables into ``raw``; log each business email event as landed
    (``marketing/email_events`` keyed by its message: the id of its send, the Received
    Email event) for the truth; return rows per table."""
    con = world.con
    n_events = con.execute("select count(*) from email_events").fetchall()[0][0]
    quirks = max(1, n_events // EVENTS_PER_QUIRK)
    con.execute(CAMPAIGNS)
    con.execute(EVENTS)
    con.execute(QUIRK_EVENTS, {"quirks": quirks})
    con.execute(PERSONS, {"quirks": quirks})
    metrics = EMAIL_METRICS + OTHER_METRICS
    start = _timestamp(str(world.start_ts))
    synced = _timestamp(f"{{at}} + {SYNC_LAG_SECONDS}")
    con.execute(f"attach '{raw}' as klaviyo_raw")
    try:
        con.execute(f"create schema klaviyo_raw.{SCHEMA}")
        con.execute(
            f"""
            create table klaviyo_raw.{SCHEMA}.person as
            select id, email, phone_number, first_name, last_name, {start} as created,
                {start} as updated, {synced.format(at=world.start_ts)} as _fivetran_synced,
                deleted as _fivetran_deleted
            from _kl_persons order by id;
            create table klaviyo_raw.{SCHEMA}.metric as
            select 'KM' || lpad((i + 1)::varchar, 4, '0') as id, name,
                case when i < 5 then 'KI0001' else 'KI0002' end as integration_id,
                {start} as created, {start} as updated,
                {synced.format(at=world.start_ts)} as _fivetran_synced,
                false as _fivetran_deleted
            from (select unnest(range({len(metrics)})) as i,
                unnest({_list(metrics)}) as name)
            order by id;
            create table klaviyo_raw.{SCHEMA}.campaign as
            select id, name, 'Regular' as campaign_type, 'sent' as status,
                {_timestamp("sent_ts")} as sent_at, {start} as created,
                {_timestamp("sent_ts")} as updated,
                {synced.format(at="sent_ts")} as _fivetran_synced,
                false as _fivetran_deleted
            from _kl_campaigns
            union all
            select '{UNTYPED_CAMPAIGN_ID}', 'Ad hoc announcement', 'Regular', 'sent',
                {start}, {start}, {start}, {synced.format(at=world.start_ts)}, false
            order by id;
            create table klaviyo_raw.{SCHEMA}.flow as
            select '{FLOW_ID}' as id, 'Post-purchase follow-up' as name, 'live' as status,
                'Fulfilled Order' as "trigger", {start} as created, {start} as updated,
                {synced.format(at=world.start_ts)} as _fivetran_synced,
                false as _fivetran_deleted;
            create table klaviyo_raw.{SCHEMA}.event as
            with synced_rows as (
                select *, {synced.format(at="ts")} as synced from _kl_events
                union all
                -- an older sync of the same event: the latest sync counts
                select *, {synced.format(at="ts - 5 * 3600")}
                from _kl_events
                where kind = 'business' and u01(id, 1301) < $duplicate_rate
            )
            select id, person_id,
                'KM' || lpad((event + 1)::varchar, 4, '0') as metric_id,
                campaign_id, flow_id, flow_message_id, md5(id) as uuid,
                {_timestamp("ts + 2")} as "datetime", {_timestamp("ts")} as "timestamp",
                {_list(metrics)}[event + 1] as type,
                synced as _fivetran_synced, deleted as _fivetran_deleted
            from synced_rows order by id, synced;
            """,
            {"duplicate_rate": world.rate("duplicates")},
        )
        rows = {
            f"{SCHEMA}/{table}": con.execute(
                f"select count(*) from klaviyo_raw.{SCHEMA}.{table}"
            ).fetchall()[0][0]
            for table in ("person", "campaign", "flow", "metric", "event")
        }
    finally:
        con.execute("detach klaviyo_raw")
    con.execute(
        """
        insert into landed
        select 'marketing', 'email_events', sends.id, events.pid
        from _kl_events as events
        inner join _kl_events as sends
            on sends.message_no = events.message_no and sends.event = 0
            and sends.kind = 'business'
        where events.kind = 'business' order by events.id
        """
    )
    return rows
