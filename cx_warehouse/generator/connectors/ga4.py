"""The web events as the GA4 BigQuery export writes them: daily ``events_YYYYMMDD.parquet``.

The same clickstream as the landing shape's ``shop/events`` (``events.write_events``
hands each day's events here instead of to the landing writer): one GA4 row per
delivered event, duplicates included, with ``user_pseudo_id`` the landing cookie,
``user_id`` the customer while logged in, ``event_timestamp`` in microseconds and the
page, referrer and campaign as ``event_params``. GA4 names no event id: the warehouse
keys an event by a hash of its cookie, time, name and params (``stg_ga4__events``), and
the truth's ``record_owners`` are keyed by that same hash (``ga4_event_ids``).

Beside the business, the export's quirks, each a known number of rows a day (a fixed
share of the day's events, by hash): ``user_engagement`` events the warehouse does not
model, internal traffic (``traffic_type`` internal) and debug events, consent-mode pings
without ``user_pseudo_id``, and rows without ``event_timestamp``.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pyarrow as pa
from jinja2 import Environment

from ...paths import PROJECT_DIR
from ..world import World

log = logging.getLogger(__name__)

# The macro whose DuckDB SQL (default__ga4_params_text) writes the params' text the
# warehouse hashes into event_id.
GA4_PARAMS_TEXT_MACRO = PROJECT_DIR / "macros" / "ga4_params_text.sql"
# One GA4 event name per landing event type: the inverse of dbt var ga4_event_types.
EVENT_NAMES = {
    "product_view": "view_item",
    "search": "view_search_results",
    "checkout_start": "begin_checkout",
}
# Quirk rows: one for every QUIRK_EVERY-th event of a day (by hash), per quirk.
QUIRK_EVERY = 50
QUIRKS = ("not_modelled_event", "internal_traffic", "no_consent", "missing_event_timestamp")


def _param(key: str, value: str, kind: str = "string") -> str:
    values = {
        "string": "null::varchar",
        "int": "null::bigint",
        "float": "null::double",
        "double": "null::double",
    }
    values[kind] = value
    fields = ", ".join(f"'{name}_value': {expr}" for name, expr in values.items())
    return f"{{'key': '{key}', 'value': {{{fields}}}}}"


EVENT_NAME = "case event_type {} else event_type end".format(
    " ".join(f"when '{k}' then '{v}'" for k, v in EVENT_NAMES.items())
)

# The day's landing events (view _ga4_day) as GA4 rows, with their landing event id.
BUSINESS_SQL = f"""
create or replace temp table _ga4_business as
select
    event_id as landing_event_id,
    epoch_us(occurred_at) as event_timestamp,
    {EVENT_NAME} as event_name,
    list_filter([
        {_param("page_location", "page_url")},
        {_param("page_referrer", "referrer")},
        {_param("source", "utm_source")},
        {_param("medium", "utm_medium")},
        {_param("campaign", "utm_campaign")}
    ], lambda param: param.value.string_value is not null) as event_params,
    customer_id as user_id,
    anonymous_id as user_pseudo_id,
    case device when 'app' then 'mobile' else device end as device_category,
    case device when 'app' then 'ANDROID' else 'WEB' end as platform,
    order_id as transaction_id
from _ga4_day
"""

# Every QUIRK_EVERY-th event (by hash) gives one row of each quirk.
QUIRK_SQL = f"""
create or replace temp table _ga4_quirks as
with picked as (
    select * from _ga4_business
    where hash(landing_event_id, 'ga4') % {QUIRK_EVERY} = 0
)
select 'not_modelled_event' as quirk, event_timestamp + 1000000 as event_timestamp,
    'user_engagement' as event_name,
    [{_param("engagement_time_msec", "1000", "int")}] as event_params,
    user_id, user_pseudo_id, device_category, platform, null::varchar as transaction_id
from picked
union all
select 'internal_traffic', event_timestamp + 2000000, event_name,
    list_append(event_params, {_param("traffic_type", "'internal'")}),
    null, 'internal-' || user_pseudo_id, device_category, platform, null
from picked
union all
select 'no_consent', event_timestamp + 3000000, event_name, event_params,
    null, null, device_category, platform, null
from picked
union all
select 'missing_event_timestamp', null, event_name, event_params,
    null, user_pseudo_id, device_category, platform, null
from picked
"""

EXPORT_SQL = """
select
    $event_date as event_date,
    event_timestamp,
    event_name,
    event_params,
    user_id,
    user_pseudo_id,
    {'analytics_storage': case when user_pseudo_id is null then 'No' else 'Yes' end}
        as privacy_info,
    {'category': device_category} as device,
    {'transaction_id': transaction_id} as ecommerce,
    platform
from (
    select event_timestamp, event_name, event_params, user_id, user_pseudo_id,
        device_category, platform, transaction_id, 0 as part, landing_event_id as tie
    from _ga4_business
    union all
    select event_timestamp, event_name, event_params, user_id, user_pseudo_id,
        device_category, platform, transaction_id, 1, quirk
    from _ga4_quirks
)
order by part, event_timestamp nulls first, user_pseudo_id, event_name, tie
"""


def event_id_sql() -> str:
    """The warehouse's event id (stg_ga4__events.event_id) in DuckDB SQL: md5 of cookie,
    time, name and params as one text, as dbt's hash and concat compile on DuckDB; the
    params' text is the DuckDB SQL of macro ga4_params_text, rendered from the macro."""
    macros = Environment().from_string(GA4_PARAMS_TEXT_MACRO.read_text(encoding="utf-8"))
    params = str(macros.module.default__ga4_params_text("event_params")).strip()
    return f"""md5(coalesce(user_pseudo_id, '') || '|'
    || coalesce(cast(event_timestamp as varchar), '') || '|'
    || coalesce(event_name, '') || '|' || coalesce({params}, ''))"""


class Ga4Export:
    """Writes each day's events as ``<folder>/events_YYYYMMDD.parquet``."""

    def __init__(self, world: World, folder: Path) -> None:
        self.world = world
        self.folder = folder
        self.rows = 0
        self.quirk_rows = dict.fromkeys(QUIRKS, 0)
        self.event_id = event_id_sql()
        world.con.execute(
            "create or replace temp table _ga4_ids (landing_event_id varchar, event_id varchar)"
        )

    def write_day(self, day: date, table: pa.Table) -> None:
        con = self.world.con
        con.register("_ga4_day", table)
        try:
            con.execute(BUSINESS_SQL)
        finally:
            con.unregister("_ga4_day")
        con.execute(QUIRK_SQL)
        con.execute(
            "insert into _ga4_ids select distinct landing_event_id,"
            f" {self.event_id} from _ga4_business"
        )
        path = self.folder / f"events_{day.strftime('%Y%m%d')}.parquet"
        con.execute(
            f"copy ({EXPORT_SQL}) to '{path}' (format parquet, compression zstd)",
            {"event_date": day.strftime("%Y%m%d")},
        )
        self.rows += con.execute(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
        for quirk, count in con.execute(
            "select quirk, count(*) from _ga4_quirks group by quirk"
        ).fetchall():
            self.quirk_rows[quirk] += count

    def finish(self) -> dict[str, int]:
        """Key the truth's web events by the warehouse's GA4 event id; log the rows of
        each quirk; return the rows written (``ga4/events``), quirks included."""
        con = self.world.con
        con.execute(
            """
            update landed set source_record_id = ids.event_id
            from _ga4_ids as ids
            where landed.source_system = 'shop' and landed.entity = 'events'
                and landed.source_record_id = ids.landing_event_id
            """
        )
        con.execute(
            """
            update fault_log set source_record_id = ids.event_id,
                file = 'events_' || regexp_extract(file, 'dt=([0-9-]+)/', 1) || '.parquet'
            from _ga4_ids as ids
            where fault_log.source_system = 'shop' and fault_log.entity = 'events'
                and fault_log.source_record_id = ids.landing_event_id
            """
        )
        con.execute(
            "update fault_log set file = replace(file, '-', '')"
            " where source_system = 'shop' and entity = 'events' and file like 'events_%'"
        )
        log.info("ga4 export quirk rows: %s", self.quirk_rows)
        return {"ga4/events": self.rows}
