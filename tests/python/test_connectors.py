"""Connectors (issue 28, docs/sources.md): the call centre from Zendesk Support.

A hand-made raw file (tests/fixtures/connectors/zendesk.sql) holds one case of each
Zendesk quirk, with its expected outcome;
a generated seed in both shapes gives the same calls and the same call-driven answers;
the truth of the fivetran shape is keyed by Zendesk's ticket ids; ``none`` builds
without a call centre; an unknown setting is a one-line error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated
from dbt_common.exceptions import DbtRuntimeError
from test_identity import measure

from cx_warehouse import layers
from cx_warehouse.dbt import run_dbt
from cx_warehouse.duckdb_plugin import raw_attachment
from cx_warehouse.generator import ConfigError, GenerateConfig
from cx_warehouse.generator.folders import FolderError, check_folders

pytestmark = pytest.mark.dbt


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with layers.connect(warehouse) as connection:
        return connection.execute(sql).fetchall()


def test_each_zendesk_quirk_has_its_outcome(connector_build: Build) -> None:
    assert connector_build.result.ok, connector_build.result.reason()
    tickets = dict(
        (ticket_id, (status, rule))
        for ticket_id, status, rule in _rows(
            connector_build.warehouse,
            "select ticket_id, record_status, record_rule from stg_zendesk__tickets",
        )
    )
    assert tickets == {
        "10": ("modelled", None),
        "11": ("deduplicated", "merged_ticket"),
        "12": ("quarantined", "requester_is_staff"),
        "13": ("excluded", "deleted_in_source"),
        "14": ("excluded", "not_a_call"),
        "15": ("modelled", None),
        "16": ("quarantined", "missing_call_fields"),
        "17": ("modelled", None),
    }
    calls = {
        row[0]: row[1:]
        for row in _rows(
            connector_build.warehouse,
            """
            select call_id, agent_id, caller_number, direction, queue, outcome,
                order_ref_normalised, wait_seconds::double, is_caller_withheld, is_erased,
                strftime(started_at, '%Y-%m-%d %H:%M')
            from stg_callcenter__calls
            """,
        )
    }
    # the latest outcome counts; the business timestamp, never the sync time
    assert calls["10"] == (
        "2", "+48611222333", "inbound", "orders", "resolved", "A-0000123", 37.5,
        False, False, "2024-03-01 10:00",
    )  # fmt: skip
    assert calls["15"][1:2] == (None,) and calls["15"][7:9] == (True, False)
    assert calls["17"][1:3] == (None, "outbound") and calls["17"][8] is True
    assert set(calls) == {"10", "15", "17"}
    # staff are agents, never callers
    agents = _rows(connector_build.warehouse, "select agent_id from stg_callcenter__agents")
    assert agents == [("2",)]


def test_zendesk_ratings_are_csat_surveys_of_their_calls(connector_build: Build) -> None:
    """Each satisfaction rating's outcome; a rated one is a csat response to the call
    it rates (a merged ticket's rating rates the call it was merged into), scored on
    the csat scale, and counted in fct_survey_responses against that call."""
    assert connector_build.result.ok, connector_build.result.reason()
    ratings = {
        row[0]: row[1:]
        for row in _rows(
            connector_build.warehouse,
            """
            select satisfaction_rating_id, record_status, record_rule, call_id, score,
                score_rejection_reason, is_answered
            from stg_zendesk__satisfaction_ratings
            """,
        )
    }
    assert ratings == {
        "100": ("modelled", None, "10", 5, None, True),
        "101": ("modelled", None, "10", 1, None, True),
        "102": ("modelled", None, "15", None, None, False),
        "103": ("excluded", "not_a_call", "14", 5, None, True),
        "104": ("modelled", None, "17", 1, None, True),
        "105": ("excluded", "not_offered", "10", None, None, False),
        "106": ("quarantined", "unknown_ticket", None, 5, None, True),
        "107": ("excluded", "deleted_in_source", "10", 5, None, True),
        "108": ("modelled", None, "15", 4, None, True),
        "109": ("modelled", None, "10", None, "not_a_number", True),
    }
    invitations = _rows(
        connector_build.warehouse,
        """
        select invitation_id, trigger_type, trigger_ref, survey_type, channel,
            recipient_email, strftime(sent_at, '%Y-%m-%d %H:%M')
        from stg_surveys__invitations where file_name = 'zendesk.satisfaction_rating'
        order by 1
        """,
    )
    assert invitations == [
        ("100", "call_completed", "10", "csat", "email", "anna@example.com", "2024-03-01 12:00"),
        ("101", "call_completed", "10", "csat", "email", "anna@example.com", "2024-03-01 12:00"),
        ("102", "call_completed", "15", "csat", "email", None, "2024-03-05 12:00"),
        ("104", "call_completed", "17", "csat", "email", None, "2024-03-07 12:00"),
        ("108", "call_completed", "15", "csat", "email", None, "2024-03-05 12:00"),
        ("109", "call_completed", "10", "csat", "email", "anna@example.com", "2024-03-01 12:00"),
    ]  # fmt: skip
    responses = _rows(
        connector_build.warehouse,
        """
        select response_id, score, score_rejection_reason, comment, is_complete,
            strftime(submitted_at, '%Y-%m-%d %H:%M')
        from stg_surveys__responses where file_name = 'zendesk.satisfaction_rating'
        order by 1
        """,
    )
    assert responses == [
        ("100", 5, None, "Quick help, call me on [phone]", True, "2024-03-02 09:00"),
        ("101", 1, None, None, True, "2024-03-02 10:00"),
        ("104", 1, None, None, True, "2024-03-08 09:00"),
        ("108", 4, None, None, True, "2024-03-06 08:00"),
        ("109", None, "not_a_number", None, True, "2024-03-01 14:00"),
    ]
    counted = _rows(
        connector_build.warehouse,
        """
        select f.response_id, f.trigger_type, t.source_record_id, f.score, f.is_satisfied
        from fct_survey_responses as f
        left join fct_customer_journey as t on f.trigger_touchpoint_id = t.touchpoint_id
        where f.response_id in ('100', '101', '104', '108', '109') order by 1
        """,
    )
    assert counted == [
        ("100", "call_completed", "10", 5, True),
        ("101", "call_completed", "10", 1, False),
        ("104", "call_completed", "17", 1, False),
        ("108", "call_completed", "15", 4, True),
    ]


def test_zendesk_erasure_leaves_nothing_findable(connector_build: Build) -> None:
    assert connector_build.result.ok, connector_build.result.reason()
    assert _rows(
        connector_build.warehouse,
        "select user_name, email, phone, is_erased from stg_zendesk__users where user_id = '5'",
    ) == [(None, None, None, True)]
    assert_nothing_names_the_erased_person(connector_build.warehouse)


def assert_nothing_names_the_erased_person(warehouse: Path, *texts: str) -> None:
    """No table of ``warehouse`` names the fixtures' erased person, Jan Novak
    (+420 777 123 456), nor any of ``texts`` (e.g. a connector's record id of him)."""
    patterns = ["%777123456%", "%777 123 456%", *texts]
    with layers.connect(warehouse) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            found = connection.execute(
                f'select count(*) from "{schema}"."{table}" as t '
                "where lower(t::varchar) like '%novak%'"
                + "".join(" or t::varchar like ?" for _ in patterns),
                patterns,
            ).fetchall()[0][0]
            assert found == 0, f"{schema}.{table} still names the erased person"


def test_zendesk_tables_reconcile_and_quarantine(connector_build: Build) -> None:
    assert connector_build.result.ok, connector_build.result.reason()
    rows = _rows(
        connector_build.warehouse,
        """
        select reconciliation_id, landed_rows, modelled_rows, deduplicated_rows,
            excluded_rows, quarantined_rows, is_balanced
        from quality_reconciliation
        where source_system in ('zendesk', 'callcenter') order by 1
        """,
    )
    assert rows == [
        ("callcenter.agents", 0, 0, 0, 0, 0, True),
        ("callcenter.calls", 0, 0, 0, 0, 0, True),
        ("zendesk.satisfaction_rating", 10, 6, 0, 3, 1, True),
        ("zendesk.ticket", 8, 3, 1, 2, 2, True),
        ("zendesk.ticket_field_history", 42, 30, 6, 6, 0, True),
        ("zendesk.user", 5, 4, 0, 1, 0, True),
    ]
    quarantined = _rows(
        connector_build.warehouse,
        "select source_record_id, rule, file_name from quality_quarantine"
        " where source_system = 'zendesk'",
    )
    assert sorted(quarantined) == [
        ("106", "unknown_ticket", "zendesk.satisfaction_rating"),
        ("12", "requester_is_staff", "zendesk.ticket"),
        ("16", "missing_call_fields", "zendesk.ticket"),
    ]


def test_callcenter_none_builds_without_a_call_centre(connectors_none_build: Build) -> None:
    assert connectors_none_build.result.ok, connectors_none_build.result.reason()
    warehouse = connectors_none_build.warehouse
    assert _rows(warehouse, "select count(*) from stg_callcenter__calls") == [(0,)]
    assert _rows(
        warehouse, "select count(*) from fct_customer_journey where source_system = 'callcenter'"
    ) == [(0,)]
    assert _rows(
        warehouse,
        "select landed_rows, modelled_rows, is_balanced from quality_reconciliation"
        " where reconciliation_id = 'callcenter.calls'",
    ) == [(0, 0, True)]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ("{callcenter_source: telephone}", "callcenter_source must be landing, zendesk or none"),
        ("{shop_source: magento}", "shop_source must be landing, shopify or none, got 'magento'"),
        ("{stores_source: square}", "stores_source must be landing, shopify or none, got 'square'"),
        (
            "{stores_source: shopify}",
            "stores_source shopify needs shop_source shopify: the POS orders are rows"
            " of the shop's order table",
        ),
    ],
)
def test_an_unknown_source_is_a_one_line_error(
    tmp_path: Path, variables: str, message: str
) -> None:
    result = run_dbt(
        ["parse", "--vars", variables],
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert not result.ok
    assert message in (tmp_path / "logs" / "dbt.log").read_text()


# -- one seed, both shapes ---------------------------------------------------------------


CALL_FACTS = """
    select strftime(started_at, '%Y-%m-%d %H:%M:%S'), caller_number, queue, outcome,
        order_ref_normalised, wait_seconds::double, talk_seconds::double, is_caller_withheld
    from stg_callcenter__calls
"""

CALL_DRIVEN = {
    "call touchpoints per month": """
        select strftime(occurred_at, '%Y-%m'), count(*) from fct_customer_journey
        where source_system = 'callcenter' group by 1 order by 1
    """,
    "call-triggered responses": """
        select survey_type, queue, call_outcome, count(*), sum(score)
        from fct_survey_responses
        where trigger_type = 'call_completed' group by all order by all
    """,
    "calls per customer": "select sum(calls), count(*) filter (calls > 0) from dim_customers",
}


def test_both_shapes_carry_the_same_calls(both_shapes: dict[str, tuple[Generated, Build]]) -> None:
    facts = {}
    for shape, (_, build) in both_shapes.items():
        assert build.result.ok, f"{shape}: {build.result.reason()}"
        facts[shape] = sorted(_rows(build.warehouse, CALL_FACTS), key=repr)
    assert facts["landing"], "the seed should make calls"
    assert facts["fivetran"] == facts["landing"]


@pytest.mark.parametrize("question", sorted(CALL_DRIVEN))
def test_call_driven_marts_agree_across_shapes(
    both_shapes: dict[str, tuple[Generated, Build]], question: str
) -> None:
    answers = {
        shape: _rows(build.warehouse, CALL_DRIVEN[question])
        for shape, (_, build) in both_shapes.items()
    }
    assert answers["landing"], question
    assert answers["fivetran"] == answers["landing"], question


def test_fivetran_truth_is_keyed_by_ticket_ids(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    generated, build = both_shapes["fivetran"]
    with duckdb.connect() as connection:
        truth = connection.execute(
            "select source_record_id from read_parquet(?)"
            " where source_system = 'callcenter' and entity = 'calls'",
            [str(generated.truth / "record_owners.parquet")],
        ).fetchall()
        counted = set(
            connection.execute(
                "select response_id, trigger_ref from read_parquet(?)"
                " where trigger_type = 'call_completed'",
                [str(generated.truth / "survey_responses.parquet")],
            ).fetchall()
        )
    calls = set(_rows(build.warehouse, "select call_id from stg_callcenter__calls"))
    assert truth and set(truth) == calls
    built = set(
        _rows(
            build.warehouse,
            "select response_id, trigger_ref from int_survey_responses_counted"
            " where trigger_type = 'call_completed'",
        )
    )
    assert counted and built == counted


def test_identity_of_calls_is_the_same_in_both_shapes(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    """Records, pairwise precision and recall of the calls against each shape's truth
    (test_identity.measure), the call keyed by its own id in each. The surveys are
    Qualtrics' in the fivetran shape, where an unanswered call survey names no call
    (docs/sources.md): a call can lose that link, so precision and recall hold to
    within a few points (the seed's 33 calls: one link, 0.001 and 0.03)."""
    calls = {}
    for shape, (generated, build) in both_shapes.items():
        assert build.result.ok, f"{shape}: {build.result.reason()}"
        _, per_entity = measure(build.warehouse, generated.truth)
        calls[shape] = [row[1:] for row in per_entity if row[0] == "calls"]
    assert calls["landing"] and calls["landing"][0][0] > 0
    assert calls["fivetran"][0][0] == calls["landing"][0][0]
    assert calls["fivetran"][0][1:] == pytest.approx(calls["landing"][0][1:], abs=0.05)


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
    }
    return GenerateConfig(**(settings | changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"raw": None}, "--raw FILE.duckdb goes with --shape fivetran"),
        ({"shape": "landing"}, "--raw FILE.duckdb goes with --shape fivetran"),
        ({"shape": "airbyte"}, "--shape must be one of landing, fivetran"),
    ],
)
def test_generate_shape_settings_are_checked(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _config(tmp_path, **changes)


def test_generate_refuses_an_existing_raw_file(tmp_path: Path) -> None:
    config = _config(tmp_path)
    config.raw.write_bytes(b"")
    with pytest.raises(FolderError, match="exists: the raw file is written whole"):
        check_folders(config)


def test_raw_file_is_attached_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXW_RAW", str(tmp_path / "missing.duckdb"))
    with pytest.raises(DbtRuntimeError, match="no such DuckDB file"):
        raw_attachment()
    raw = tmp_path / "raw.duckdb"
    duckdb.connect(str(raw)).close()
    monkeypatch.setenv("CXW_RAW", str(raw))
    attachment = raw_attachment()
    assert attachment is not None
    assert (attachment.path, attachment.alias, attachment.read_only) == (str(raw), "cxw_raw", True)
    monkeypatch.delenv("CXW_RAW")
    assert raw_attachment() is None
