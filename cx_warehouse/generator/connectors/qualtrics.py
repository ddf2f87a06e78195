"""Qualtrics as Fivetran loads it: ``survey``, ``question``, ``distribution``,
``distribution_contact``, ``directory_contact``, ``survey_response``,
``survey_embedded_data`` and ``question_response``.

The same invitations and answers as the survey platform's export (``landing.invitations``
and ``landing.responses``): the surveys are those ``dbt_project.yml``'s default
``qualtrics_surveys`` names, one per survey type and trigger (walk-ups answer the
``walk_up`` ones through an anonymous link, their store as embedded data). An
invitation is a directory contact (one per email and phone as written) of a
distribution (one per survey, channel and day; a contact's second invitation of a day
goes to a second one): an email ``Invite``, an sms ``Invite`` or, for receipts, a
``GeneratedInvite`` (a personal link printed as a QR code). A response is Qualtrics'
own: an invitation's complete submissions are one response whose score was re-synced
(the latest counts, as the latest complete submission does on landing); an unfinished
one is a response of its own (``finished`` 0), and the contact's ``response_id`` is
the complete one, else the latest. Beside the business, the connector's quirks, each a
known number of rows (``quirks``): preview and test responses, soft-deleted responses,
a soft-deleted survey and distribution, reminders to unanswered invitations, and
answers re-synced with a later value.
"""

from __future__ import annotations

from pathlib import Path

from cx_warehouse.contract import project_vars

from .. import vocab
from ..config import ConfigError
from ..formats import pick
from ..landing import (
    COMMENT_TEXT,
    CONTACTS,
    KNOWN_RESPONDENT,
    PHRASES,
    RESPONSE_STORES,
    SCORE_JSON,
    STORE_ID,
)
from ..surveys import SURVEY_TYPES, TRIGGERS
from ..world import World

SCHEMA = "qualtrics"
SYNC_LAG_SECONDS = 6 * 3_600
FROM_EMAIL = "cx@cx-shop.example"
DELETED_SURVEY = "SV_retired000001"
# Qualtrics' distribution_channel of a response to each invitation channel
RESPONSE_CHANNELS = ("email", "smsinvite", "gl")
TABLES = (
    "survey", "question", "distribution", "distribution_contact", "directory_contact",
    "survey_response", "survey_embedded_data", "question_response",
)  # fmt: skip


class SurveyConfigError(ConfigError):
    """dbt_project.yml's qualtrics_surveys lacks a survey the generator needs."""


def survey_rows() -> list[tuple[str, int, int, str, str]]:
    """(survey id, survey type no, trigger no (-1 walk_up), score and comment
    question) of each survey the default var ``qualtrics_surveys`` names."""
    triggers = (*TRIGGERS, "walk_up")
    rows = []
    for survey_id, survey in project_vars()["qualtrics_surveys"].items():
        trigger = triggers.index(survey.get("trigger_type") or "relationship")
        rows.append(
            (
                survey_id,
                SURVEY_TYPES.index(survey["survey_type"]),
                trigger if trigger < len(TRIGGERS) else -1,
                survey["score_question_id"],
                survey["comment_question_id"],
            )
        )
    return rows


SURVEYS = """
create or replace temp table _qx_surveys as
select * from (values {values}) as s(
    survey_id, survey_type, trigger_type, score_question_id, comment_question_id
)
"""

# One row per invitation: its survey and the contact as the export writes it.
INVITATIONS = f"""
create or replace temp table _qx_invitations as
with {CONTACTS}
select
    i.invitation_no,
    case when p.is_test then -1 else p.pid end as owner,
    i.channel,
    i.sent_ts,
    i.trigger_ref,
    messy_email(ct.email, i.email_messy) as email,
    fmt_phone(ct.phone, i.phone_style) as phone,
    s.survey_id
from invitations as i
inner join people as p on p.pid = i.pid
inner join contacts as ct on ct.invitation_no = i.invitation_no
left join _qx_surveys as s
    on s.survey_type = i.survey_type and s.trigger_type = i.trigger_type
"""

CONTACTS_TABLE = """
create or replace temp table _qx_contacts as
select
    'CID_' || lpad(row_number() over (order by min(invitation_no))::varchar, 11, '0') as id,
    email,
    phone
from _qx_invitations
group by email, phone
"""

DISTRIBUTION_CONTACTS = """
create or replace temp table _qx_distribution_contacts as
with placed as (
    select
        i.*,
        c.id as contact_id,
        i.sent_ts // 86400 as day,
        row_number() over (
            partition by i.survey_id, i.channel, i.sent_ts // 86400, c.id
            order by i.invitation_no
        ) as nth
    from _qx_invitations as i
    inner join _qx_contacts as c
        on c.email is not distinct from i.email and c.phone is not distinct from i.phone
)
select
    'EMD_' || lpad(
        dense_rank() over (order by day, survey_id, channel, nth)::varchar, 11, '0'
    ) as distribution_id,
    *
from placed
"""

# Each landing response, with the Qualtrics response it is part of: an invitation's
# complete submissions are one response, numbered by the latest; every other its own.
RESPONSES = f"""
create or replace temp table _qx_responses as
with {CONTACTS},
{PHRASES},
{RESPONSE_STORES},
grouped as (
    select
        r.*,
        case
            when r.invitation_no >= 0 and r.is_complete then arg_max(
                r.response_no, (r.submit_ts, r.response_no)
            ) over (partition by r.invitation_no, r.is_complete)
            else r.response_no
        end as qualtrics_no
    from responses as r
)
select
    r.response_no,
    r.qualtrics_no,
    response_record_id(r.qualtrics_no) as response_id,
    r.invitation_no,
    r.is_complete,
    r.submit_ts,
    case when coalesce(p.is_test, false) then -1 else coalesce(r.pid, -1) end as owner,
    coalesce(d.survey_id, w.survey_id) as survey_id,
    case when r.invitation_no >= 0 then d.email
        when {KNOWN_RESPONDENT} then p.email end as recipient_email,
    case when r.invitation_no >= 0 then {pick(RESPONSE_CHANNELS, "d.channel")}
        else 'anonymous' end as distribution_channel,
    upper({pick(vocab.LANGUAGES, "r.language")}) as user_language,
    nullif(({SCORE_JSON})::json ->> '$', '') as score_value,
    case when r.has_comment then {COMMENT_TEXT} end as comment,
    d.trigger_ref,
    case when s.store_no is not null then {STORE_ID} end as store_id
from grouped as r
left join people as p on p.pid = r.pid
left join _qx_distribution_contacts as d on d.invitation_no = r.invitation_no
left join _qx_surveys as w on r.invitation_no < 0 and w.trigger_type = -1
    and w.survey_type = r.survey_type
left join phrases as ph on ph.language_i = r.language
left join response_stores as rs on rs.response_no = r.response_no
left join stores as s on s.store_no = rs.store_no
"""

# The contact's response: the complete one, else the latest unfinished one.
ANSWERED = """
create or replace temp table _qx_answered as
select invitation_no, arg_max(response_id, (is_complete, submit_ts, response_no)) as response_id
from _qx_responses
where invitation_no >= 0
group by invitation_no
"""

# The tables as the connector loads them; $quirks rows of each quirk.
SYNCED = f"to_timestamp({{at}} + {SYNC_LAG_SECONDS})::timestamp"
RAW_TABLES = f"""
create table qualtrics_raw.{SCHEMA}.survey as
select survey_id as id, survey_id as survey_name, {SYNCED.format(at="$start")} as
    _fivetran_synced, false as _fivetran_deleted
from _qx_surveys
union all
select '{DELETED_SURVEY}', 'Retired survey', {SYNCED.format(at="$start")}, true
order by id;

create table qualtrics_raw.{SCHEMA}.question as
select score_question_id as id, survey_id,
    case when survey_type = 0 then 'NPS' else 'MC' end as question_type,
    false as _fivetran_deleted
from _qx_surveys
union all
select comment_question_id, survey_id, 'TE', false from _qx_surveys
union all
select 'QID1', '{DELETED_SURVEY}', 'NPS', false
order by survey_id, id;

create table qualtrics_raw.{SCHEMA}.distribution as
select distribution_id as id, any_value(survey_id) as survey_link_survey_id,
    case any_value(channel) when 2 then 'GeneratedInvite' else 'Invite' end as request_type,
    case when any_value(channel) = 0 then '{FROM_EMAIL}' end as header_from_email,
    to_timestamp(min(sent_ts))::timestamp as send_date,
    {SYNCED.format(at="min(sent_ts)")} as _fivetran_synced,
    false as _fivetran_deleted
from _qx_distribution_contacts
group by distribution_id
union all
-- reminders: one per distribution with an unanswered invitation drawn for one
select 'EMD_R' || substr(distribution_id, 5), any_value(survey_id), 'Reminder',
    case when any_value(channel) = 0 then '{FROM_EMAIL}' end,
    to_timestamp(min(sent_ts) + 3 * 86400)::timestamp,
    {SYNCED.format(at="min(sent_ts) + 3 * 86400")}, false
from _qx_reminded
group by distribution_id
union all
-- a distribution deleted in Qualtrics, sent to the first contacts
select 'EMD_D0000000001', '{DELETED_SURVEY}', 'Invite', '{FROM_EMAIL}',
    to_timestamp($start)::timestamp, {SYNCED.format(at="$start")}, true
order by id;

create table qualtrics_raw.{SCHEMA}.distribution_contact as
select d.distribution_id, d.contact_id, a.response_id,
    to_timestamp(d.sent_ts)::timestamp as sent_at,
    {SYNCED.format(at="d.sent_ts")} as _fivetran_synced
from _qx_distribution_contacts as d
left join _qx_answered as a on a.invitation_no = d.invitation_no
union all
select 'EMD_R' || substr(distribution_id, 5), contact_id, null,
    to_timestamp(sent_ts + 3 * 86400)::timestamp, {SYNCED.format(at="sent_ts + 3 * 86400")}
from _qx_reminded
union all
select 'EMD_D0000000001', id, null, to_timestamp($start)::timestamp,
    {SYNCED.format(at="$start")}
from (select id from _qx_contacts order by id limit $quirks)
order by distribution_id, contact_id
"""

RAW_RESPONSES = f"""
create table qualtrics_raw.{SCHEMA}.directory_contact as
select id, email, phone, {SYNCED.format(at="$start")} as _fivetran_synced
from _qx_contacts order by id;

create table qualtrics_raw.{SCHEMA}.survey_response as
select response_id as id, survey_id, distribution_channel,
    is_complete::integer as finished,
    case when is_complete then 100 else 10 + (u01(response_id, 1301) * 80)::integer end
        as progress,
    recipient_email, user_language,
    to_timestamp(submit_ts)::timestamp as end_date,
    to_timestamp(submit_ts + 1)::timestamp as recorded_date,
    {SYNCED.format(at="submit_ts")} as _fivetran_synced,
    false as _fivetran_deleted
from _qx_responses
where response_no = qualtrics_no
union all
-- previews and tests of the relationship survey, and responses deleted in Qualtrics
select 'R_' || k.kind || lpad(q.range::varchar, 14, '0'), s.survey_id,
    case k.kind when 'P' then 'preview' when 'T' then 'test' else 'email' end,
    1, 100, null, 'EN', to_timestamp($start + 3600 * (q.range + 9))::timestamp,
    to_timestamp($start + 3600 * (q.range + 9) + 1)::timestamp,
    {SYNCED.format(at="$start + 3600 * (q.range + 9)")}, k.kind = 'D'
from range($quirks) as q, (values ('P'), ('T'), ('D')) as k(kind),
    (select survey_id from _qx_surveys where survey_type = 0 and trigger_type = 3) as s
order by id;

create table qualtrics_raw.{SCHEMA}.survey_embedded_data as
select response_id, 'trigger_ref' as key, trigger_ref as value,
    {SYNCED.format(at="submit_ts")} as _fivetran_synced
from _qx_responses
where response_no = qualtrics_no and trigger_ref is not null
union all
select response_id, 'store_id', store_id, {SYNCED.format(at="submit_ts")}
from _qx_responses
where response_no = qualtrics_no and store_id is not null
order by response_id, key;

create table qualtrics_raw.{SCHEMA}.question_response as
-- every submission's score: an earlier one of the same response is re-synced later
select r.response_id, s.score_question_id as question_id, r.score_value as value,
    {SYNCED.format(at="r.submit_ts")} as _fivetran_synced
from _qx_responses as r inner join _qx_surveys as s on s.survey_id = r.survey_id
where r.score_value is not null
union all
select r.response_id, s.comment_question_id, r.comment, {SYNCED.format(at="r.submit_ts")}
from _qx_responses as r inner join _qx_surveys as s on s.survey_id = r.survey_id
where r.response_no = r.qualtrics_no and r.comment is not null
union all
-- quirk: a first answer the respondent changed, synced before the one that counts
select r.response_id, s.score_question_id, '0', {SYNCED.format(at="r.submit_ts - 60")}
from _qx_responses as r inner join _qx_surveys as s on s.survey_id = r.survey_id
where r.response_id in (
    select response_id from _qx_responses
    where response_no = qualtrics_no and is_complete and score_value is not null
    order by response_id limit $quirks
)
union all
select 'R_' || k.kind || lpad(q.range::varchar, 14, '0'), 'QID1', '10',
    {SYNCED.format(at="$start + 3600 * (q.range + 9)")}
from range($quirks) as q, (values ('P'), ('T'), ('D')) as k(kind)
order by response_id, question_id, _fivetran_synced
"""


def write(world: World, raw: Path) -> dict[str, int]:
    """Write the Qualtrics tables into ``raw``; log each invitation and business
    response as landed (``surveys/invitations`` keyed by ``distribution_id:contact_id``,
    ``surveys/responses`` by the response id) for the truth; return rows per table."""
    con = world.con
    rows = survey_rows()
    values = ", ".join(
        f"('{survey}', {kind}, {trigger}, '{score}', '{comment}')"
        for survey, kind, trigger, score, comment in rows
    )
    con.execute(SURVEYS.format(values=values))
    con.execute(INVITATIONS)
    missing = con.execute(
        "select distinct i.survey_type, i.trigger_type from invitations as i"
        " inner join _qx_invitations as q using (invitation_no) where q.survey_id is null"
        " union select distinct survey_type, -1 from responses where invitation_no < 0"
        " except select survey_type, trigger_type from _qx_surveys order by all"
    ).fetchall()
    if missing:
        names = ", ".join(
            f"{SURVEY_TYPES[kind]} {(*TRIGGERS, 'walk_up')[trigger]}" for kind, trigger in missing
        )
        raise SurveyConfigError(f"qualtrics_surveys in dbt_project.yml names no survey for {names}")
    con.execute(CONTACTS_TABLE)
    con.execute(DISTRIBUTION_CONTACTS)
    con.execute(RESPONSES)
    con.execute(ANSWERED)
    quirks = max(1, con.execute("select count(*) from _qx_responses").fetchall()[0][0] // 300)
    # unanswered invitations that get a reminder: a known share of them
    con.execute(
        """
        create or replace temp table _qx_reminded as
        select d.* from _qx_distribution_contacts as d
        where d.invitation_no not in (select invitation_no from _qx_answered)
            and u01(d.invitation_no, 1302) < 0.2
        """
    )
    params = {"start": world.start_ts, "quirks": quirks}
    con.execute(f"attach '{raw}' as qualtrics_raw")
    try:
        con.execute(f"create schema qualtrics_raw.{SCHEMA}")
        for statement in (RAW_TABLES + ";" + RAW_RESPONSES).split(";"):
            if statement.strip():
                used = {k: v for k, v in params.items() if f"${k}" in statement}
                con.execute(statement, used)
        counts = {
            f"{SCHEMA}/{table}": con.execute(
                f"select count(*) from qualtrics_raw.{SCHEMA}.{table}"
            ).fetchall()[0][0]
            for table in TABLES
        }
    finally:
        con.execute("detach qualtrics_raw")
    con.execute(
        """
        insert into landed
        select 'surveys', 'invitations', distribution_id || ':' || contact_id, owner
        from _qx_distribution_contacts order by invitation_no;
        insert into landed
        select 'surveys', 'responses', response_id, owner
        from _qx_responses where response_no = qualtrics_no order by response_id
        """
    )
    return counts
