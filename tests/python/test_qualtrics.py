"""Connectors (issue 28, docs/sources.md): the surveys from Qualtrics.

A hand-made raw file (tests/fixtures/connectors/qualtrics.sql) holds one case of each
Qualtrics quirk (unfinished, soft-deleted and test responses, reminders, unknown and
ambiguous surveys, sync time against business time, an erased contact), built with
one survey configured and one detected by its NPS question; each case has its expected outcome.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Build
from test_connectors import _rows

from cx_warehouse import layers
from cx_warehouse.dbt import run_dbt

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def qualtrics_build(connector_build: Build) -> Path:
    assert connector_build.result.ok, connector_build.result.reason()
    return connector_build.warehouse


def _outcomes(warehouse: Path, model: str, key: str) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in _rows(warehouse, f"select {key}, record_status, record_rule from {model}")
    }


def test_surveys_are_configured_or_detected(qualtrics_build: Path) -> None:
    assert _outcomes(qualtrics_build, "stg_qualtrics__surveys", "survey_id") == {
        "SV_NPS": ("modelled", None),
        "SV_CSAT": ("modelled", None),
        "SV_OLD": ("excluded", "deleted_in_source"),
        "SV_FORM": ("quarantined", "unknown_survey"),
        "SV_TWO": ("quarantined", "ambiguous_nps_question"),
    }
    assert _rows(
        qualtrics_build,
        "select survey_id, survey_type, score_question_id, comment_question_id, trigger_type,"
        " is_configured from stg_qualtrics__surveys where record_status = 'modelled'"
        " order by 1",
    ) == [
        ("SV_CSAT", "csat", "QID2", "QID3", "order_delivered", True),
        ("SV_NPS", "nps", "QID1", None, "relationship", False),
    ]


def test_each_qualtrics_quirk_has_its_outcome(qualtrics_build: Path) -> None:
    assert _outcomes(qualtrics_build, "stg_qualtrics__survey_responses", "response_id") == {
        "R1": ("modelled", None),
        "R2": ("modelled", None),
        "R3": ("modelled", None),
        "R4": ("modelled", "unfinished_response"),
        "R5": ("excluded", "test_response"),
        "R6": ("excluded", "deleted_in_source"),
        "R7": ("quarantined", "unknown_survey"),
        "R8": ("modelled", None),
    }
    assert _outcomes(qualtrics_build, "stg_qualtrics__distribution_contacts", "invitation_id") == {
        "D1:C1": ("modelled", None),
        "D1:C2": ("modelled", None),
        "D2:C1": ("modelled", None),
        "D3:C1": ("excluded", "not_an_invitation"),
        "D4:C1": ("excluded", "deleted_in_source"),
        "D5:C3": ("quarantined", "unknown_survey"),
    }
    responses = {
        row[0]: row[1:]
        for row in _rows(
            qualtrics_build,
            """
            select response_id, invitation_id, survey_type, score, score_rejection_reason,
                language, respondent_email, comment, is_complete, is_erased,
                strftime(submitted_at, '%Y-%m-%d %H:%M'), partition_date::varchar
            from stg_surveys__responses where file_name like 'qualtrics.%'
            """,
        )
    }
    # the latest answer counts; the business timestamp, never the sync time
    assert responses["R1"] == (
        "D1:C1", "nps", 9, None, "pl", "anna@example.com", None, True, False,
        "2024-03-01 10:00", "2024-04-01",
    )  # fmt: skip
    assert responses["R3"][1:4] == ("csat", 4, None)
    assert responses["R3"][5:7] == ("anna@example.com", "Szybko, zadzwoń [phone]")
    assert responses["R2"][5:9] == (None, None, True, True)
    assert responses["R4"][7] is False
    assert responses["R8"][0] is None and responses["R8"][3] == "out_of_scale"
    assert responses["R8"][9] == "2024-03-08 10:00"  # recorded_date without end_date
    assert set(responses) == {"R1", "R2", "R3", "R4", "R8"}
    invitations = {
        row[0]: row[1:]
        for row in _rows(
            qualtrics_build,
            "select invitation_id, trigger_ref, survey_type, trigger_type, channel,"
            " recipient_email, recipient_phone, is_erased, strftime(sent_at, '%Y-%m-%d %H:%M')"
            " from stg_surveys__invitations where file_name like 'qualtrics.%'",
        )
    }
    assert invitations == {
        "D1:C1": (
            None, "nps", "relationship", "email", "anna@example.com", "+48611222333",
            False, "2024-03-01 08:01",
        ),
        "D1:C2": (None, "nps", "relationship", "email", None, None, True, "2024-03-01 08:00"),
        "D2:C1": (
            "A-0000123", "csat", "order_delivered", "sms", "anna@example.com", "+48611222333",
            False, "2024-03-01 08:02",
        ),
    }  # fmt: skip


def test_only_finished_real_responses_count(qualtrics_build: Path) -> None:
    assert _rows(
        qualtrics_build,
        "select response_id from int_survey_responses_counted"
        " where file_name like 'qualtrics.%' order by 1",
    ) == [("R1",), ("R2",), ("R3",)]


def test_qualtrics_erasure_leaves_nothing_findable(qualtrics_build: Path) -> None:
    with layers.connect(qualtrics_build) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            found = connection.execute(
                f'select count(*) from "{schema}"."{table}" as t '
                "where lower(t::varchar) like '%novak%' or t::varchar like '%777123456%'"
                " or t::varchar like '%777 123 456%'"
            ).fetchall()[0][0]
            assert found == 0, f"{schema}.{table} still names the erased person"


def test_qualtrics_tables_reconcile_and_quarantine(qualtrics_build: Path) -> None:
    rows = _rows(
        qualtrics_build,
        """
        select reconciliation_id, landed_rows, modelled_rows, deduplicated_rows,
            excluded_rows, quarantined_rows, is_balanced
        from quality_reconciliation
        where source_system in ('qualtrics', 'surveys') order by 1
        """,
    )
    assert rows == [
        ("qualtrics.distribution_contact", 6, 3, 0, 2, 1, True),
        ("qualtrics.survey", 5, 2, 0, 1, 2, True),
        ("qualtrics.survey_response", 8, 5, 0, 2, 1, True),
        ("surveys.invitations", 0, 0, 0, 0, 0, True),
        ("surveys.responses", 0, 0, 0, 0, 0, True),
    ]
    quarantined = _rows(
        qualtrics_build,
        "select source_record_id, rule, file_name from quality_quarantine"
        " where source_system = 'qualtrics'",
    )
    assert sorted(quarantined) == [
        ("D5:C3", "unknown_survey", "qualtrics.distribution_contact"),
        ("R7", "unknown_survey", "qualtrics.survey_response"),
        ("SV_FORM", "unknown_survey", "qualtrics.survey"),
        ("SV_TWO", "ambiguous_nps_question", "qualtrics.survey"),
    ]


def test_surveys_none_builds_without_a_survey_platform(connectors_none_build: Build) -> None:
    assert connectors_none_build.result.ok, connectors_none_build.result.reason()
    warehouse = connectors_none_build.warehouse
    assert _rows(warehouse, "select count(*) from stg_surveys__responses") == [(0,)]
    assert _rows(warehouse, "select count(*) from stg_surveys__invitations") == [(0,)]
    assert _rows(
        warehouse,
        "select reconciliation_id, landed_rows, is_balanced from quality_reconciliation"
        " where source_system = 'surveys' order by 1",
    ) == [("surveys.invitations", 0, True), ("surveys.responses", 0, True)]


def test_an_unknown_surveys_source_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_dbt(
        ["parse", "--vars", "{surveys_source: typeform}"],
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert not result.ok
    assert (
        "surveys_source must be landing, qualtrics or none, got 'typeform'"
        in (tmp_path / "logs" / "dbt.log").read_text()
    )
