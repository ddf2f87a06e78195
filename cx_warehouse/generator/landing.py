"""Every landing entity rendered exactly as the contract says its system writes it.

Each entity is one SQL query returning ``dt`` (the day folder), ``record_id``,
``pid`` (the person behind the record, -1 for none: ground truth), ``faults`` (the
fault kinds this record carries) and ``line`` (the record as its system writes it).
"""

from __future__ import annotations

from dataclasses import dataclass

from cx_warehouse.contract import Entity, contract_entities

from . import vocab
from .formats import local_style, pick, sql_list
from .surveys import CHANNELS, SURVEY_TYPES, TRIGGERS


@dataclass(frozen=True)
class TextEntity:
    system: str
    entity: str
    ext: str  # "jsonl" or "csv"
    columns: tuple[str, ...]
    delimiter: str
    sql: str
    daily: bool = True

    @property
    def header(self) -> str | None:
        """The CSV header the landing contract declares (None for JSON Lines)."""
        return contract_entities()[(self.system, self.entity)].header


def declared(system: str, entity: str, fields: dict[str, str]) -> Entity:
    """The landing contract's declaration of ``system/entity`` (var landing_entities):
    the fields the generator renders must be its columns, in its order."""
    spec = contract_entities()[(system, entity)]
    if tuple(fields) != spec.columns:
        raise ValueError(
            f"{system}/{entity}: the generator renders {', '.join(fields)}; "
            f"the landing contract declares {', '.join(spec.columns)}"
        )
    return spec


def text_entity(system: str, entity: str, fields: dict[str, str], sql: str) -> TextEntity:
    """An entity the generator writes as its declaration says: format, delimiter,
    columns (the CSV header) and whether it arrives in daily parts."""
    spec = declared(system, entity, fields)
    return TextEntity(
        system, entity, spec.extension, spec.columns, spec.delimiter, sql, daily=spec.dated
    )


def csv_line(system: str, entity: str, fields: dict[str, str]) -> str:
    """SQL of a CSV record: the fields joined by the entity's declared delimiter."""
    sep = f" || '{declared(system, entity, fields).delimiter}' || "
    return sep.join(f"coalesce(({expr})::varchar, '')" for expr in fields.values())


def json_line(fields: dict[str, str]) -> str:
    args = ", ".join(f"'{name}', {expr}" for name, expr in fields.items())
    return f"json_object({args})::varchar"


def faults(*conditions: tuple[str, str]) -> str:
    """SQL list of fault kinds whose condition holds for the row."""
    items = ", ".join(f"case when {cond} then '{kind}' end" for kind, cond in conditions)
    return f"list_filter([{items}], lambda x: x is not null)"


# Lookups rendered as SQL literals from the vocabulary (one source for both).
PLN_PER_UNIT_LIST = "[" + ", ".join(str(vocab.PLN_PER_UNIT[c]) for c in vocab.CURRENCIES) + "]"
WRAP_CODE_LISTS = "[" + ", ".join(sql_list(vocab.WRAP_CODES[q]) for q in vocab.QUEUES) + "]"
CZK_IN_PLN = vocab.PLN_PER_UNIT["CZK"]

CUSTOMER_ID = "shop_customer_id(cv.customer_no)"


def customers() -> TextEntity:
    phone = "case when cv.uses_mobile2 then p.mobile2 else p.contact_phone end"
    style = local_style("cv.phone_style", "p.country < 2")
    fields = {
        "customer_id": CUSTOMER_ID,
        "email": "messy_email(p.email, cv.email_messy)",
        "phone": f"fmt_phone({phone}, case when cv.phone_messy then {style} else 0 end)",
        "first_name": "p.first_name",
        "last_name": "p.last_name",
        "city": "p.city",
        "country": "p.country_code",
        "marketing_opt_in": "cv.opt_in",
        "created_at": f"iso_offset(cv.created_ts, {CUSTOMER_ID})",
        "updated_at": f"iso_offset(cv.updated_ts, {CUSTOMER_ID} || cv.version)",
    }
    sql = f"""
        select
            utc_date(greatest(cv.updated_ts, $start)) as dt,
            cv.updated_ts as sort_ts,
            {CUSTOMER_ID} as record_id,
            case when p.is_test then -1 else p.pid end as pid,
            {
        faults(
            ("test_traffic", "p.is_test"),
            ("cdc_versions", "cv.version > 0"),
            ("messy_identifiers", "cv.email_messy or cv.phone_messy"),
            ("shared_identifiers", f"{phone} = p.household_phone"),
            ("timestamps", f"u01({CUSTOMER_ID} || cv.version, 901) < $ts_rate"),
        )
    } as faults,
            {json_line(fields)} as line
        from customer_versions as cv
        inner join people as p on p.pid = cv.pid
    """
    return text_entity("shop", "customers", fields, sql)


def orders() -> TextEntity:
    order_id = "shop_order_id(o.order_no)"
    guest_email = "case when o.guest_uses_work_email then p.work_email else p.email end"
    fields = {
        "order_id": order_id,
        "customer_id": "case when o.is_guest then null else a.customer_id end",
        "guest_email": f"case when o.is_guest then messy_email({guest_email}, "
        f"u01({order_id}, 31) < $messy_rate) end",
        "placed_at": f"iso_offset(o.placed_ts, {order_id})",
        "updated_at": f"iso_offset(v.ts, {order_id} || v.status)",
        "channel": "case when o.channel_app then 'app' else 'web' end",
        "status": "v.status",
        "currency": "c.currency",
        "total_amount": "money(t.total)",
        "shipping_method": pick(vocab.SHIPPING_METHODS, "o.shipping"),
        "promised_delivery_date": "strftime(to_timestamp(o.promised_date_ts), '%Y-%m-%d')",
        "delivered_at": "case when v.status in ('delivered', 'returned') "
        f"then iso_offset(o.delivered_ts, {order_id} || 'd') end",
        "items": "t.items",
    }
    sql = f"""
        with versions as (
            select order_no, 'placed' as status, placed_ts as ts from orders
            union all select order_no, 'paid', paid_ts from orders where paid_ts is not null
            union all select order_no, 'shipped', shipped_ts from orders
                where shipped_ts is not null
            union all select order_no, 'delivered', delivered_ts from orders
                where delivered_ts is not null
            union all select order_no, 'returned', returned_ts from orders
                where returned_ts is not null
            union all select order_no, 'cancelled', cancelled_ts from orders
                where cancelled_ts is not null
        ),
        emitted as (
            select *, count(*) over (partition by order_no) as n_versions from versions
            qualify $cdc_rate > 0 or row_number() over (partition by order_no order by ts desc) = 1
        ),
        currencies as (
            select i as code, name as currency, [{
        ", ".join(str(vocab.PLN_PER_UNIT[c]) for c in vocab.CURRENCIES)
    }][i + 1]
                as pln_per_unit
            from (select unnest([0, 1, 2]) as i, unnest({sql_list(vocab.CURRENCIES)}) as name)
        ),
        totals as (
            select
                oi.order_no,
                sum(oi.quantity * round(k.price_pln / c.pln_per_unit, 2)) as total,
                list(
                    {{'sku': 'SKU-' || lpad((oi.sku_idx + 1)::varchar, 5, '0'),
                      'quantity': oi.quantity,
                      'unit_price': money(round(k.price_pln / c.pln_per_unit, 2))}}
                    order by oi.line_no
                ) as items
            from order_items as oi
            inner join orders as o on o.order_no = oi.order_no
            inner join currencies as c on c.code = o.currency
            inner join catalog as k on k.sku_idx = oi.sku_idx
            group by oi.order_no
        ),
        accounts as (
            select pid, {CUSTOMER_ID} as customer_id from customer_versions as cv
            where cv.version = 0
        )
        select
            utc_date(v.ts) as dt,
            v.ts as sort_ts,
            {order_id} as record_id,
            case when p.is_test then -1 else p.pid end as pid,
            {
        faults(
            ("test_traffic", "p.is_test"),
            ("cdc_versions", "v.n_versions > 1 and v.status != 'placed'"),
            ("currencies", "o.currency > 0"),
            ("messy_identifiers", f"o.is_guest and u01({order_id}, 31) < $messy_rate"),
            ("timestamps", f"u01({order_id} || v.status, 901) < $ts_rate"),
        )
    } as faults,
            {json_line(fields)} as line
        from emitted as v
        inner join orders as o on o.order_no = v.order_no
        inner join people as p on p.pid = o.pid
        inner join totals as t on t.order_no = o.order_no
        inner join currencies as c on c.code = o.currency
        left join accounts as a on a.pid = o.pid
    """
    return text_entity("shop", "orders", fields, sql)


def email_events() -> TextEntity:
    message_id = "'M' || lpad((e.message_no + 1)::varchar, 10, '0')"
    fields = {
        "message_id": message_id,
        "campaign_id": "e.campaign_id",
        "campaign_type": pick(vocab.CAMPAIGN_TYPES, "e.campaign_type"),
        "email": f"messy_email(p.email, u01({message_id}, 41) < $messy_rate / 10)",
        "event": "['sent', 'open', 'click', 'bounce', 'unsubscribe'][e.event + 1]",
        "occurred_at": "utc_naive(e.ts)",
    }
    sql = f"""
        select
            utc_date(e.ts) as dt,
            e.ts as sort_ts,
            {message_id} as record_id,
            p.pid,
            {faults(("messy_identifiers", f"u01({message_id}, 41) < $messy_rate / 10"))}
                as faults,
            {csv_line("marketing", "email_events", fields)} as line
        from email_events as e
        inner join people as p on p.pid = e.pid
    """
    return text_entity("marketing", "email_events", fields, sql)


# The number a call comes from, and the digits of the order it names: the same
# call in every shape (connectors/zendesk.py reads them too).
CALLER_NUMBER = (
    "case when c.from_switchboard and p.company_phone > 0 then p.company_phone "
    "when c.uses_mobile2 and p.mobile2 > 0 then p.mobile2 else p.contact_phone end"
)
ORDER_REF_DIGITS = (
    "lpad((case when c.ref_dangles then $n_orders + 1000 + c.call_no "
    "else c.order_no + 1 end)::varchar, 7, '0')"
)


def calls() -> TextEntity:
    call_id = "call_record_id(c.call_no)"
    number = CALLER_NUMBER
    ref_digits = ORDER_REF_DIGITS
    fields = {
        "call_id": call_id,
        "caller_number": f"case when c.withheld then 'anonymous' else fmt_phone({number}, "
        + local_style("c.phone_style", f"{number} < 49000000000")
        + ") end",
        "direction": "'inbound'",
        "queue": pick(vocab.QUEUES, "c.queue"),
        "agent_id": "case when c.agent_no >= 0 "
        "then 'AG' || lpad((c.agent_no + 1)::varchar, 4, '0') end",
        "started_at": "local_naive(c.ts, 'Europe/Warsaw')",
        "wait_seconds": "replace(printf('%.1f', c.wait_seconds), '.', ',')",
        "talk_seconds": "c.talk_seconds",
        "outcome": pick(vocab.OUTCOMES, "c.outcome"),
        "wrap_code": "w.codes[c.wrap_idx + 1]",
        "order_ref": f"case when c.types_ref then "
        f"['A-', '#A-', ''][c.ref_form + 1] || {ref_digits} end",
    }
    sql = f"""
        with wraps as (
            select unnest([0, 1, 2, 3]) as queue, unnest([{
        ", ".join(sql_list(vocab.WRAP_CODES[q]) for q in vocab.QUEUES)
    }]) as codes
        )
        select
            local_date(c.ts, 'Europe/Warsaw') as dt,
            c.ts as sort_ts,
            {call_id} as record_id,
            p.pid,
            {
        faults(
            ("withheld_numbers", "c.withheld"),
            ("dangling_refs", "c.types_ref and c.ref_dangles"),
            (
                "shared_identifiers",
                f"not c.withheld and ({number} = p.company_phone or {number} = p.household_phone)",
            ),
            ("messy_identifiers", "not c.withheld and c.phone_style > 0"),
            (
                "timestamps",
                "to_timestamp(c.ts) != timezone('Europe/Warsaw', "
                "timezone('Europe/Warsaw', to_timestamp(c.ts)))",
            ),
        )
    } as faults,
            {csv_line("callcenter", "calls", fields)} as line
        from calls as c
        inner join people as p on p.pid = c.pid
        inner join wraps as w on w.queue = c.queue
    """
    return text_entity("callcenter", "calls", fields, sql)


def agents() -> TextEntity:
    fields = {
        "agent_id": "'AG' || lpad((a.agent_no + 1)::varchar, 4, '0')",
        "agent_name": "case when a.is_female then ff.name || ' ' || sf.name "
        "else fm.name || ' ' || sm.name end",
        "team": pick(vocab.TEAMS, "a.team"),
        "hired_on": "utc_date(a.hired_ts)",
    }
    sql = f"""
        select
            null::date as dt, a.agent_no as sort_ts, {fields["agent_id"]} as record_id,
            -1 as pid, []::varchar[] as faults, {csv_line("callcenter", "agents", fields)} as line
        from agents as a
        inner join v_first_male as fm on fm.i = a.first_idx
        inner join v_first_female as ff on ff.i = a.first_idx
        inner join v_surname_male as sm on sm.i = a.surname_idx
        inner join v_surname_female as sf on sf.i = a.surname_idx
    """
    return text_entity("callcenter", "agents", fields, sql)


STORE_ID = "'S' || lpad((s.store_no + 1)::varchar, 3, '0')"


def stores() -> TextEntity:
    fields = {
        "store_id": STORE_ID,
        "store_name": "'CX ' || s.city || ' ' || case s.format when 0 then "
        f"{pick(vocab.MALLS, 's.mall')} "
        "when 1 then 'Rynek' else 'Outlet' end",
        "city": "s.city",
        "country": "['PL', 'CZ'][s.country + 1]",
        "region": "r.region",
        "format": pick(vocab.STORE_FORMATS, "s.format"),
        "opened_on": "utc_date(s.opened_ts)",
    }
    sql = f"""
        select
            null::date as dt, s.store_no as sort_ts, {STORE_ID} as record_id, -1 as pid,
            []::varchar[] as faults, {csv_line("stores", "stores", fields)} as line
        from stores as s
        left join regions as r on r.city = s.city
    """
    return text_entity("stores", "stores", fields, sql)


STORE_TZ = "case when s.country = 1 then 'Europe/Prague' else 'Europe/Warsaw' end"


def transactions() -> TextEntity:
    receipt_id = "'RC' || lpad((t.receipt_no + 1)::varchar, 9, '0')"
    local_currency = f"s.country = 1 and u01({receipt_id}, 51) < $currency_rate"
    fields = {
        "receipt_id": receipt_id,
        "store_id": STORE_ID,
        "loyalty_card": "case when t.shows_card then 'LC' || k.card_number_int end",
        "occurred_at": f"local_naive(t.ts, {STORE_TZ})",
        "total_amount": f"money(case when {local_currency} then t.amount_pln / {CZK_IN_PLN} "
        "else t.amount_pln end)",
        "currency": f"case when {local_currency} then 'CZK' else 'PLN' end",
        "payment_method": pick(vocab.PAYMENT_METHODS, "t.payment"),
        "items_count": "t.items_count",
        "is_return": "csv_bool(t.is_return)",
        "original_receipt_id": "case when t.original_no >= 0 then "
        "'RC' || lpad((t.original_no + 1)::varchar, 9, '0') end",
    }
    sql = f"""
        with active_card as (
            select t.receipt_no, c.card_number_int
            from transactions as t
            inner join cards as c on c.pid = t.pid and c.enrolled_ts <= t.ts
            qualify row_number() over (
                partition by t.receipt_no order by c.enrolled_ts desc
            ) = 1
        )
        select
            local_date(t.ts, {STORE_TZ}) as dt,
            t.ts as sort_ts,
            {receipt_id} as record_id,
            t.pid,
            {faults(("currencies", local_currency))} as faults,
            {csv_line("stores", "transactions", fields)} as line
        from transactions as t
        inner join stores as s on s.store_no = t.store_no
        left join active_card as k on k.receipt_no = t.receipt_no
    """
    return text_entity("stores", "transactions", fields, sql)


def loyalty_members() -> TextEntity:
    card = "'LC' || c.card_number_int"
    style = local_style("c.phone_style", "p.country = s.country")
    fields = {
        "card_number": card,
        "email": "case when c.gives_email then messy_email(p.email, c.email_messy) end",
        "phone": "case when c.gives_phone then fmt_phone(p.contact_phone, "
        f"case when c.phone_messy then {style} else 0 end) end",
        "enrolled_at": f"local_naive(c.enrolled_ts, {STORE_TZ})",
        "enrolled_store_id": STORE_ID,
    }
    sql = f"""
        select
            local_date(greatest(c.enrolled_ts, $start), {STORE_TZ}) as dt,
            c.enrolled_ts as sort_ts,
            {card} as record_id,
            p.pid,
            {
        faults(
            (
                "messy_identifiers",
                "(c.gives_email and c.email_messy) or (c.gives_phone and c.phone_messy)",
            ),
            ("shared_identifiers", "c.gives_phone and p.contact_phone = p.household_phone"),
        )
    } as faults,
            {csv_line("stores", "loyalty_members", fields)} as line
        from cards as c
        inner join people as p on p.pid = c.pid
        inner join stores as s on s.store_no = c.store_no
    """
    return text_entity("stores", "loyalty_members", fields, sql)


INVITATION_ID = "'INV' || lpad((i.invitation_no + 1)::varchar, 9, '0')"
# What an invitation was sent to: the order's email, the caller's number, the member's email.
CONTACTS = """
    contacts as (
        select
            i.invitation_no,
            case
                when i.trigger_type = 0 and o.is_guest and o.guest_uses_work_email
                    then p.work_email
                when i.channel != 1 or i.trigger_type = 2 then p.email
            end as email,
            case
                when i.channel = 1 and i.trigger_type = 1 then
                    case when c.uses_mobile2 and p.mobile2 > 0 then p.mobile2
                        else p.contact_phone end
                when i.channel = 1 then p.contact_phone
            end as phone,
            case when i.trigger_type = 2 then t.store_no end as store_no
        from invitations as i
        inner join people as p on p.pid = i.pid
        left join orders as o on i.trigger_type = 0 and o.order_no = i.trigger_no
        left join calls as c on i.trigger_type = 1 and c.call_no = i.trigger_no
        left join transactions as t on i.trigger_type = 2 and t.receipt_no = i.trigger_no
    )
"""


def invitations() -> TextEntity:
    fields = {
        "invitation_id": INVITATION_ID,
        "survey_type": pick(SURVEY_TYPES, "i.survey_type"),
        "trigger_type": pick(TRIGGERS, "i.trigger_type"),
        "trigger_ref": "i.trigger_ref",
        "recipient_email": "messy_email(ct.email, i.email_messy)",
        "recipient_phone": "fmt_phone(ct.phone, i.phone_style)",
        "channel": pick(CHANNELS, "i.channel"),
        "sent_at": f"iso_offset(i.sent_ts, {INVITATION_ID})",
    }
    sql = f"""
        with {CONTACTS}
        select
            utc_date(i.sent_ts) as dt,
            i.sent_ts as sort_ts,
            {INVITATION_ID} as record_id,
            case when p.is_test then -1 else p.pid end as pid,
            {
        faults(
            ("test_traffic", "p.is_test"),
            ("dangling_refs", "i.ref_dangles"),
            ("messy_identifiers", "ct.email is not null and i.email_messy"),
            ("timestamps", f"u01({INVITATION_ID}, 901) < $ts_rate"),
        )
    } as faults,
            {json_line(fields)} as line,
            -- a cut invitation would hide its answers' trigger: only unanswered ones break
            not exists (
                select 1 from responses as r where r.invitation_no = i.invitation_no
            ) as can_malform
        from invitations as i
        inner join people as p on p.pid = i.pid
        inner join contacts as ct on ct.invitation_no = i.invitation_no
    """
    return text_entity("surveys", "invitations", fields, sql)


RESPONSE_ID = "response_record_id(r.response_no)"
SCORE_JSON = """
    case
        when not r.is_complete and r.response_no % 2 = 0 then 'null'
        when r.bad_score_kind = 0 then '"n/a"'
        when r.bad_score_kind = 1 then ['11', '0', '0'][r.survey_type + 1]
        when r.bad_score_kind = 2 then ['12', '9', '10'][r.survey_type + 1]
        when r.bad_score_kind = 3 then ['-1', '6', '8'][r.survey_type + 1]
        when r.score_form = 1 then '"' || r.score || '"'
        when r.score_form = 2 then '" ' || r.score || ' "'
        else r.score::varchar
    end
"""


# A response's comment: a phrase of its language for its sentiment and topic (the
# CTE PHRASES gives ``ph``); the same text in every shape (connectors/qualtrics.py).
SENTIMENT = """
    case
        when r.survey_type = 0
            then case when r.score <= 6 then 0 when r.score <= 8 then 1 else 2 end
        when r.survey_type = 1
            then case when r.score <= 2 then 0 when r.score = 3 then 1 else 2 end
        else case when r.score <= 3 then 0 when r.score = 4 then 1 else 2 end
    end
"""
COMMENT_TEXT = f"ph.name[({SENTIMENT}) * 6 + r.topic + 1]"
PHRASES = """
    phrases as (
        select language_i, list(name order by i) as name from v_phrases group by 1
    )
"""
# The store a response is about: its store_purchase invitation's, or a walk-up's till.
RESPONSE_STORES = """
    response_stores as (
        select r.response_no, coalesce(ct.store_no, t.store_no) as store_no
        from responses as r
        left join contacts as ct on ct.invitation_no = r.invitation_no
        left join transactions as t on t.receipt_no = r.store_receipt_no
    )
"""
# Whether a response names its respondent (a walk-up who does gives the person's email).
KNOWN_RESPONDENT = "r.respondent_known and r.pid >= 0"


def responses() -> TextEntity:
    known = KNOWN_RESPONDENT
    fields = {
        "response_id": RESPONSE_ID,
        "invitation_id": f"case when r.invitation_no >= 0 then {INVITATION_ID} end",
        "survey_type": pick(SURVEY_TYPES, "r.survey_type"),
        "score": f"({SCORE_JSON})::json",
        "comment": f"case when r.has_comment then {COMMENT_TEXT} end",
        "language": f"case when r.has_comment then {pick(vocab.LANGUAGES, 'r.language')} end",
        "respondent_email": f"case when {known} then case when r.invitation_no >= 0 "
        "then messy_email(ct.email, i.email_messy) else p.email end end",
        "respondent_phone": f"case when {known} and ct.phone is not null "
        "then fmt_phone(ct.phone, i.phone_style) end",
        "store_id": f"case when s.store_no is not null then {STORE_ID} end",
        "submitted_at": f"iso_offset(r.submit_ts, {RESPONSE_ID})",
        "is_complete": "r.is_complete",
    }
    sql = f"""
        with {CONTACTS},
        {PHRASES},
        {RESPONSE_STORES}
        select
            utc_date(r.submit_ts) as dt,
            r.submit_ts as sort_ts,
            {RESPONSE_ID} as record_id,
            case when coalesce(p.is_test, false) then -1 else coalesce(r.pid, -1) end as pid,
            {
        faults(
            ("test_traffic", "coalesce(p.is_test, false)"),
            ("bad_scores", "r.bad_score_kind >= 0"),
            (
                "duplicates",
                "count(*) over (partition by r.invitation_no) > 1 "
                "and r.invitation_no >= 0 and r.response_no > min(r.response_no) "
                "over (partition by r.invitation_no)",
            ),
            ("timestamps", f"u01({RESPONSE_ID}, 901) < $ts_rate"),
        )
    } as faults,
            {json_line(fields)} as line
        from responses as r
        left join invitations as i on i.invitation_no = r.invitation_no
        left join people as p on p.pid = r.pid
        left join contacts as ct on ct.invitation_no = r.invitation_no
        left join response_stores as rs on rs.response_no = r.response_no
        left join stores as s on s.store_no = rs.store_no
        left join phrases as ph on ph.language_i = r.language
    """
    return text_entity("surveys", "responses", fields, sql)


def erasure_requests() -> TextEntity:
    fields = {
        "request_id": "'ER' || lpad((e.request_no + 1)::varchar, 6, '0')",
        "identifier_type": "e.identifier_type",
        "identifier": "e.identifier",
        "requested_at": "utc_naive(e.requested_ts)",
    }
    sql = f"""
        select null::date as dt, e.requested_ts as sort_ts, {fields["request_id"]} as record_id,
            e.pid, []::varchar[] as faults,
            {csv_line("privacy", "erasure_requests", fields)} as line
        from erasures as e
    """
    return text_entity("privacy", "erasure_requests", fields, sql)


def text_entities() -> list[TextEntity]:
    return [
        customers(), orders(), email_events(), calls(), agents(), stores(), transactions(),
        loyalty_members(), invitations(), responses(), erasure_requests(),
    ]  # fmt: skip
