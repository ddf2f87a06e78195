"""Connectors (issue 28, docs/sources.md): the web events from the GA4 BigQuery export.

One generated seed in both shapes (``both_shapes``) gives the same web events at
staging grain and the same web-driven marts; the fivetran truth is keyed by the
warehouse's GA4 event ids; the generator's quirk rows reconcile.

A hand-made export (tests/fixtures/connectors/ga4.sql, written as daily Parquet files
into the folder CXW_GA4_EXPORT names) holds one case of each GA4 quirk: user_id only
after login, a cookie seen with two customers, events not modelled, a duplicate in
the next day's file, internal and debug traffic, a consent-mode ping, a late event,
a broken row and the erased person; each case has its expected outcome.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated
from dbt_common.exceptions import DbtRuntimeError
from test_connectors import _rows
from test_identity import measure

from cx_warehouse import layers
from cx_warehouse.dbt import run_dbt
from cx_warehouse.duckdb_plugin import check_ga4_export
from cx_warehouse.generator import ConfigError, GenerateConfig
from cx_warehouse.generator.connectors.ga4 import QUIRK_EVERY
from cx_warehouse.generator.folders import FolderError, check_folders

pytestmark = pytest.mark.dbt

DAY_30 = "events_20240330.parquet"
DAY_31 = "events_20240331.parquet"


@pytest.fixture(scope="module")
def ga4_build(connector_build: Build) -> Path:
    assert connector_build.result.ok, connector_build.result.reason()
    return connector_build.warehouse


def test_each_ga4_quirk_has_its_outcome(ga4_build: Path) -> None:
    rows = _rows(
        ga4_build,
        """
        select file_name, strftime(occurred_at, '%d %H:%M:%S'), event_name,
            record_status, record_rule
        from stg_ga4__events
        """,
    )
    assert sorted(rows, key=repr) == sorted(
        [
            (DAY_30, "30 07:00:00", "page_view", "modelled", None),
            (DAY_30, "30 10:02:00", "login", "modelled", None),
            (DAY_30, "30 10:03:00", "view_item", "modelled", None),
            (DAY_30, "30 10:03:30", "user_engagement", "excluded", "not_modelled_event"),
            (DAY_30, "30 10:03:40", "scroll", "excluded", "not_modelled_event"),
            (DAY_30, "30 10:05:00", "purchase", "modelled", None),
            (DAY_30, "30 08:00:00", "page_view", "modelled", None),
            (DAY_30, "30 12:01:00", "login", "modelled", None),
            (DAY_30, "30 12:30:00", "login", "modelled", None),
            (DAY_30, "30 13:00:00", "page_view", "excluded", "no_consent"),
            (DAY_30, "30 14:00:00", "page_view", "excluded", "internal_traffic"),
            (DAY_30, "30 14:01:00", "view_item", "excluded", "internal_traffic"),
            (DAY_30, "30 15:00:00", "page_view", "modelled", None),
            (DAY_30, "30 15:01:00", "login", "modelled", None),
            (DAY_30, None, "page_view", "quarantined", "missing_event_timestamp"),
            (DAY_31, "30 10:03:00", "view_item", "deduplicated", "duplicate_event"),
            (DAY_31, "29 22:15:00", "view_search_results", "modelled", None),
        ],
        key=repr,
    )


def test_ga4_events_are_the_canonical_web_events(ga4_build: Path) -> None:
    rows = _rows(
        ga4_build,
        """
        select strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), anonymous_id, customer_id,
            order_id, event_type, page_url, utm_source, utm_medium, utm_campaign,
            device, file_name, partition_date::varchar
        from stg_shop__events
        where anonymous_id in ('GA-1001', 'GA-5005') order by 1
        """,
    )
    assert rows == [
        # event time is event_timestamp, never the file's day: this event of the
        # 29th arrived in the file of the 31st
        ("2024-03-29 22:15:00", "GA-5005", None, None, "search",
         "https://shop.example.com/search?q=boots", None, None, None, "desktop",
         DAY_31, "2024-03-31"),
        ("2024-03-30 07:00:00", "GA-1001", None, None, "page_view",
         "https://shop.example.com/?utm_source=newsletter", "newsletter", "email",
         "CMP-GA4-1", "mobile", DAY_30, "2024-03-30"),
        ("2024-03-30 10:02:00", "GA-1001", "C000004", None, "login",
         "https://shop.example.com/login", None, None, None, "mobile", DAY_30, "2024-03-30"),
        ("2024-03-30 10:03:00", "GA-1001", "C000004", None, "product_view",
         "https://shop.example.com/p/SKU-2001", None, None, None, "mobile", DAY_30,
         "2024-03-30"),
        ("2024-03-30 10:05:00", "GA-1001", "C000004", "A-000103", "purchase",
         "https://shop.example.com/checkout/done", None, None, None, "mobile", DAY_30,
         "2024-03-30"),
    ]  # fmt: skip
    assert _rows(ga4_build, "select count(*), count(distinct event_id) from stg_shop__events") == [
        (10, 10)
    ]


def test_login_stitches_a_cookie_but_never_strangers(ga4_build: Path) -> None:
    """GA-1001's anonymous session belongs to the one customer it later logged in as
    (identity, all time); GA-2002 logged in as two customers: its anonymous session
    belongs to neither."""
    sessions = dict(
        _rows(
            ga4_build,
            """
            select events.anonymous_id, journey.customer_id
            from fct_customer_journey as journey
            inner join stg_shop__events as events
                on journey.source_record_id = events.event_id
            where journey.source_system = 'shop' and events.customer_id is null
                and events.anonymous_id in ('GA-1001', 'GA-2002')
            """,
        )
    )
    assert sessions == {"GA-1001": "C000004", "GA-2002": None}


def test_ga4_erasure_leaves_nothing_findable(ga4_build: Path) -> None:
    """Jan Novak (the shop's customer 7003 in the Shopify fixture, erased by email in
    landing_min) browsed as GA-9009: his cookie and customer id are gone from every
    model; his events keep their rows."""
    assert _rows(
        ga4_build,
        "select anonymous_id, customer_id like 'E%', is_erased from stg_ga4__events"
        " where strftime(occurred_at, '%H:%M') in ('15:00', '15:01') order by occurred_at",
    ) == [(None, None, True), (None, True, True)]
    assert _tables_naming(ga4_build, ["GA-9009", "7003", "novak"]) == []


def _tables_naming(warehouse: Path, texts: list[str]) -> list[str]:
    """The tables of the warehouse with a row whose text holds any of ``texts``
    (case-insensitive); not the seeds, which hold reference data (an fx rate may
    hold any digits)."""
    condition = " or ".join(f"t::varchar ilike '%{text}%'" for text in texts)
    named = []
    with layers.connect(warehouse) as connection:
        tables = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_schema != 'seeds'"
        ).fetchall()
        for (table,) in tables:
            query = f"select count(*) from {table} as t where {condition}"
            if connection.execute(query).fetchall()[0][0]:
                named.append(table)
    return named


def test_ga4_files_reconcile_and_quarantine(ga4_build: Path) -> None:
    rows = _rows(
        ga4_build,
        """
        select reconciliation_id, landed_rows, modelled_rows, deduplicated_rows,
            excluded_rows, quarantined_rows, is_balanced
        from quality_reconciliation
        where reconciliation_id in ('ga4.events', 'shop.events') order by 1
        """,
    )
    assert rows == [
        ("ga4.events", 17, 10, 1, 5, 1, True),
        # the shop's clickstream lands no file when GA4 carries it
        ("shop.events", 0, 0, 0, 0, 0, True),
    ]
    assert _rows(
        ga4_build,
        "select rule, file_name, reason from quality_quarantine where source_system = 'ga4'",
    ) == [
        (
            "missing_event_timestamp",
            DAY_30,
            f"the event has no event_timestamp or event_name (file {DAY_30})",
        )
    ]


def test_web_none_builds_without_web_events(connectors_none_build: Build) -> None:
    assert connectors_none_build.result.ok, connectors_none_build.result.reason()
    warehouse = connectors_none_build.warehouse
    assert _rows(warehouse, "select count(*) from stg_shop__events") == [(0,)]
    assert _rows(
        warehouse,
        "select count(*) from fct_customer_journey where source_system = 'shop'"
        " and touchpoint_type in ('web_session', 'product_view', 'ad_click',"
        " 'help_center_visit')",
    ) == [(0,)]
    assert _rows(
        warehouse,
        "select landed_rows, modelled_rows, is_balanced from quality_reconciliation"
        " where reconciliation_id = 'shop.events'",
    ) == [(0, 0, True)]


def _dbt_fails(tmp_path: Path, arguments: list[str]) -> str:
    """Run dbt, which must fail; its log."""
    result = run_dbt(arguments, target_path=tmp_path / "target", log_path=tmp_path / "logs")
    assert not result.ok
    return (tmp_path / "logs" / "dbt.log").read_text()


def test_an_unknown_web_source_is_a_one_line_error(tmp_path: Path) -> None:
    log = _dbt_fails(tmp_path, ["parse", "--vars", "{web_source: adobe}"])
    assert "web_source must be landing, ga4 or none, got 'adobe'" in log


def test_ga4_without_its_export_folder_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXW_GA4_EXPORT", raising=False)
    log = _dbt_fails(tmp_path, ["compile", "-s", "stg_ga4__events", "--vars", "{web_source: ga4}"])
    assert "web_source is ga4 but CXW_GA4_EXPORT is not set" in log
    monkeypatch.setenv("CXW_GA4_EXPORT", str(tmp_path / "no-such-export"))
    with pytest.raises(DbtRuntimeError, match="no-such-export: no such folder"):
        check_ga4_export()


# -- one seed, both shapes ---------------------------------------------------------------


# The web events at staging grain (but their ids and files; the customer by number:
# C0000030 on landing files, Shopify's 6000000000030 in the fivetran shape; an erased
# one's key as erased), and the marts they drive.
# The web touchpoints are the sessions' (int_touchpoints_from_sessions): those whose
# source record is a session's first event.
WEB_QUESTIONS = {
    "web events at staging grain": """
        select strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), anonymous_id,
            case when customer_id like 'E%' then 'erased' else right(customer_id, 7) end,
            order_id, event_type, page_url, utm_source, utm_medium, utm_campaign,
            referrer, device, is_erased, partition_date
        from stg_shop__events order by all
    """,
    "web touchpoints per month": """
        select strftime(occurred_at, '%Y-%m'), touchpoint_type, count(*),
            count(customer_id)
        from fct_customer_journey
        where source_record_id in (select first_event_id from int_sessions_aggregated)
        group by all order by all
    """,
    "sessions": """
        select strftime(started_at, '%Y-%m'), device, count(*), sum(event_count),
            count(customer_id), sum(duration_seconds)
        from int_sessions_aggregated group by all order by all
    """,
    "cookie-only visitors' identity": """
        select count(*), count(journey.customer_id)
        from fct_customer_journey as journey
        inner join int_sessions_aggregated as sessions
            on journey.source_record_id = sessions.first_event_id
        where sessions.customer_id is null
    """,
}


@pytest.mark.parametrize("question", sorted(WEB_QUESTIONS))
def test_both_shapes_agree_on_the_web(
    both_shapes: dict[str, tuple[Generated, Build]], question: str
) -> None:
    answers = {}
    for shape, (_, build) in both_shapes.items():
        assert build.result.ok, f"{shape}: {build.result.reason()}"
        answers[shape] = _rows(build.warehouse, WEB_QUESTIONS[question])
    assert answers["landing"], question
    assert answers["fivetran"] == answers["landing"], question


def test_fivetran_truth_is_keyed_by_ga4_event_ids(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    generated, build = both_shapes["fivetran"]
    with duckdb.connect() as connection:
        truth = connection.execute(
            "select source_record_id from read_parquet(?)"
            " where source_system = 'shop' and entity = 'events'",
            [str(generated.truth / "record_owners.parquet")],
        ).fetchall()
    events = _rows(build.warehouse, "select event_id from stg_shop__events")
    assert truth and sorted(truth) == sorted(events)


def test_identity_of_web_events_is_the_same_in_both_shapes(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    """The web events resolve to the same persons from the GA4 files as from the landing
    files: the same records, and pairwise precision and recall (test_identity.measure)
    within half a point. The overall figures differ by what the other connectors of the
    shape change (the Qualtrics invitations never answered, the Klaviyo sends landing
    cuts short)."""
    web = {}
    for shape, (generated, build) in both_shapes.items():
        _, per_entity = measure(build.warehouse, generated.truth)
        web[shape] = next(row[1:] for row in per_entity if row[0] == "events")
    assert web["landing"][0] > 0
    assert web["fivetran"][0] == web["landing"][0]  # records
    # a web event's pairs reach the person's other records, which the other
    # connectors of the shape move a little (measure pairs across entities)
    assert web["fivetran"][1:] == pytest.approx(web["landing"][1:], abs=0.005)


def test_generated_ga4_quirks_reconcile(both_shapes: dict[str, tuple[Generated, Build]]) -> None:
    """Every QUIRK_EVERY-th business event gives one row of each quirk: user_engagement
    (not modelled), internal traffic and a consent-mode ping (excluded), a row without
    event_timestamp (quarantined); the landing shape's duplicate deliveries are the
    export's duplicates."""
    generated, build = both_shapes["fivetran"]
    ((landed, modelled, deduplicated, excluded, quarantined, balanced),) = _rows(
        build.warehouse,
        "select landed_rows, modelled_rows, deduplicated_rows, excluded_rows,"
        " quarantined_rows, is_balanced from quality_reconciliation"
        " where reconciliation_id = 'ga4.events'",
    )
    assert landed == generated.rows["ga4/events"]
    assert balanced and quarantined > 0 and excluded == 3 * quarantined
    business = landed - 4 * quarantined
    assert abs(quarantined - business / QUIRK_EVERY) < 3 * (business / QUIRK_EVERY) ** 0.5
    landing_generated, _ = both_shapes["landing"]
    with duckdb.connect() as connection:
        duplicates = connection.execute(
            "select count(*) from read_parquet(?) where source_system = 'shop'"
            " and entity = 'events' and fault_kind = 'duplicates'",
            [str(landing_generated.truth / "faults.parquet")],
        ).fetchall()[0][0]
    assert deduplicated == duplicates
    assert modelled + deduplicated == business


# -- settings without a build ---------------------------------------------------------


def _config(root: Path, **changes: object) -> GenerateConfig:
    settings: dict = {
        "customers": 10,
        "days": 2,
        "start": date(2025, 1, 1),
        "seed": 1,
        "landing": root / "landing",
        "truth": root / "truth",
        "shape": "fivetran",
        "raw": root / "raw.duckdb",
        "ga4_export": root / "ga4",
    }
    return GenerateConfig(**(settings | changes))


def test_ga4_export_goes_with_the_fivetran_shape(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--ga4-export DIR goes with --shape fivetran only"):
        _config(tmp_path, shape="landing", raw=None)


def test_generate_refuses_a_ga4_export_folder_with_files(tmp_path: Path) -> None:
    config = _config(tmp_path)
    config.ga4_export.mkdir()
    (config.ga4_export / "events_20250101.parquet").write_bytes(b"")
    with pytest.raises(FolderError, match="has files; give an empty or new folder") as error:
        check_folders(config)
    assert error.value.role == "ga4_export"
