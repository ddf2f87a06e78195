"""Connectors (issue 28, docs/sources.md): the surveys from Qualtrics.

A hand-made raw file holds one case of each Qualtrics quirk (unfinished, soft-deleted
and test responses, reminders, unknown and ambiguous surveys, sync time against
business time, an erased contact), built with one survey configured and one detected
by its NPS question; each case has its expected outcome.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import ERASURE_KEY, LANDING_MIN
from test_connectors import _rows

from cx_warehouse import layers
from cx_warehouse.dbt import DbtResult, run_dbt

pytestmark = pytest.mark.dbt

FIXTURE = """
create schema qualtrics;
create table qualtrics.survey (
    id varchar, survey_name varchar, _fivetran_synced timestamp, _fivetran_deleted boolean
);
create table qualtrics.question (
    id varchar, survey_id varchar, question_type varchar, _fivetran_deleted boolean
);
create table qualtrics.distribution (
    id varchar, survey_link_survey_id varchar, request_type varchar,
    header_from_email varchar, send_date timestamp, _fivetran_synced timestamp,
    _fivetran_deleted boolean
);
create table qualtrics.distribution_contact (
    distribution_id varchar, contact_id varchar, response_id varchar,
    sent_at timestamp, _fivetran_synced timestamp
);
create table qualtrics.directory_contact (
    id varchar, email varchar, phone varchar, _fivetran_synced timestamp
);
create table qualtrics.survey_response (
    id varchar, survey_id varchar, distribution_channel varchar, finished boolean,
    progress integer, recipient_email varchar, user_language varchar,
    end_date timestamp, recorded_date timestamp, _fivetran_synced timestamp,
    _fivetran_deleted boolean
);
create table qualtrics.question_response (
    response_id varchar, question_id varchar, value varchar, _fivetran_synced timestamp
);
-- SV_NPS detected by its NPS question, SV_CSAT configured, SV_OLD deleted,
-- SV_FORM has no NPS question, SV_TWO has two
insert into qualtrics.survey values
    ('SV_NPS', 'Relationship NPS', '2024-04-01 06:00', false),
    ('SV_CSAT', 'Delivery CSAT', '2024-04-01 06:00', false),
    ('SV_OLD', 'Old survey', '2024-04-01 06:00', true),
    ('SV_FORM', 'Contact form', '2024-04-01 06:00', false),
    ('SV_TWO', 'Two NPS', '2024-04-01 06:00', false);
insert into qualtrics.question values
    ('QID1', 'SV_NPS', 'NPS', false), ('QID9', 'SV_NPS', 'TE', false),
    ('QID2', 'SV_CSAT', 'MC', false), ('QID3', 'SV_CSAT', 'TE', false),
    ('QID4', 'SV_FORM', 'TE', false),
    ('QID5', 'SV_TWO', 'NPS', false), ('QID6', 'SV_TWO', 'NPS', false);
-- D1 an email invite, D2 an sms invite, D3 a reminder, D4 deleted, D5 unknown survey
insert into qualtrics.distribution values
    ('D1', 'SV_NPS', 'Invite', 'cx@shop.example', '2024-03-01 08:00', '2024-04-01 06:00', false),
    ('D2', 'SV_CSAT', 'Invite', null, '2024-03-01 08:00', '2024-04-01 06:00', false),
    ('D3', 'SV_NPS', 'Reminder', 'cx@shop.example', '2024-03-05 08:00', '2024-04-01 06:00', false),
    ('D4', 'SV_NPS', 'Invite', 'cx@shop.example', '2024-03-01 08:00', '2024-04-01 06:00', true),
    ('D5', 'SV_FORM', 'Invite', 'cx@shop.example', '2024-03-01 08:00', '2024-04-01 06:00', false);
insert into qualtrics.directory_contact values
    ('C1', ' Anna@Example.com ', '+48 611 222 333', '2024-04-01 06:00'),
    ('C2', 'Jan.Novak@Example.cz', '+420 777 123 456', '2024-04-01 06:00'),
    ('C3', 'form@example.com', null, '2024-04-01 06:00');
insert into qualtrics.distribution_contact values
    ('D1', 'C1', 'R1', '2024-03-01 08:01', '2024-04-01 06:00'),
    ('D1', 'C2', 'R2', null, '2024-04-01 06:00'),
    ('D2', 'C1', 'R3', '2024-03-01 08:02', '2024-04-01 06:00'),
    ('D3', 'C1', null, '2024-03-05 08:01', '2024-04-01 06:00'),
    ('D4', 'C1', null, '2024-03-01 08:01', '2024-04-01 06:00'),
    ('D5', 'C3', 'R7', '2024-03-01 08:01', '2024-04-01 06:00');
-- R1 complete, R2 an erased person's, R3 csat with a comment, R4 unfinished,
-- R5 a preview, R6 deleted, R7 unknown survey, R8 anonymous link, out of scale,
-- no end_date
insert into qualtrics.survey_response values
    ('R1', 'SV_NPS', 'email', true, 100, 'anna@example.com', 'PL',
        '2024-03-01 10:00', '2024-03-01 10:00:05', '2024-04-01 06:00', false),
    ('R2', 'SV_NPS', 'email', true, 100, 'Jan.Novak@Example.cz', 'CS',
        '2024-03-02 10:00', '2024-03-02 10:00:05', '2024-04-01 06:00', false),
    ('R3', 'SV_CSAT', 'sms', true, 100, 'anna@example.com', 'EN-GB',
        '2024-03-03 10:00', '2024-03-03 10:00:05', '2024-04-01 06:00', false),
    ('R4', 'SV_NPS', 'email', false, 40, 'anna@example.com', 'PL',
        null, '2024-03-04 10:00', '2024-04-01 06:00', false),
    ('R5', 'SV_NPS', 'preview', true, 100, null, 'EN',
        '2024-03-05 10:00', '2024-03-05 10:00', '2024-04-01 06:00', false),
    ('R6', 'SV_NPS', 'email', true, 100, 'anna@example.com', 'PL',
        '2024-03-06 10:00', '2024-03-06 10:00', '2024-04-01 06:00', true),
    ('R7', 'SV_FORM', 'email', true, 100, 'form@example.com', 'PL',
        '2024-03-07 10:00', '2024-03-07 10:00', '2024-04-01 06:00', false),
    ('R8', 'SV_NPS', 'anonymous', true, 100, null, 'PL',
        null, '2024-03-08 10:00', '2024-04-01 06:00', false);
create table qualtrics.survey_embedded_data (
    import_id varchar, key varchar, response_id varchar, value varchar,
    _fivetran_synced timestamp
);
insert into qualtrics.survey_embedded_data values
    ('I1', 'trigger_ref', 'R3', 'A-0000123', '2024-04-01 06:00'),
    ('I2', 'campaign', 'R3', 'spring', '2024-04-01 06:00');
insert into qualtrics.question_response values
    ('R1', 'QID1', '8', '2024-03-01 10:00'), ('R1', 'QID1', '9', '2024-04-01 06:00'),
    ('R1', 'QID9', 'fine', '2024-04-01 06:00'),
    ('R2', 'QID1', '10', '2024-04-01 06:00'),
    ('R3', 'QID2', ' 4 ', '2024-04-01 06:00'),
    ('R3', 'QID3', 'Szybko, zadzwoń 600 100 200', '2024-04-01 06:00'),
    ('R4', 'QID1', '3', '2024-04-01 06:00'), ('R5', 'QID1', '10', '2024-04-01 06:00'),
    ('R6', 'QID1', '0', '2024-04-01 06:00'), ('R7', 'QID4', 'hello', '2024-04-01 06:00'),
    ('R8', 'QID1', '11', '2024-04-01 06:00');
"""

SURVEYS = (
    "{surveys_source: qualtrics, qualtrics_surveys: {SV_CSAT: {survey_type: csat,"
    " score_question_id: QID2, comment_question_id: QID3, trigger_type: order_delivered}}}"
)


def _build(root: Path, variables: str, raw: Path | None) -> DbtResult:
    landing = root / "landing"
    shutil.copytree(LANDING_MIN, landing)
    shutil.rmtree(landing / "surveys")
    env = {
        "CXW_LANDING": str(landing),
        "CXW_WAREHOUSE": str(root / "warehouse.duckdb"),
        "CXW_DEV_WAREHOUSE": str(root / "warehouse.duckdb"),
        "CXW_THREADS": "2",
        "CXW_ERASURE_KEY": ERASURE_KEY,
    }
    if raw is not None:
        env["CXW_RAW"] = str(raw)
    return run_dbt(
        ["build", "--vars", variables],
        env=env,
        target_path=root / "target",
        log_path=root / "logs",
    )


@pytest.fixture(scope="module")
def qualtrics_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("qualtrics_fixture")
    with duckdb.connect(str(root / "raw.duckdb")) as connection:
        connection.execute(FIXTURE)
    result = _build(root, SURVEYS, root / "raw.duckdb")
    assert result.ok, result.reason()
    return root / "warehouse.duckdb"


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
            from stg_surveys__responses
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
            " from stg_surveys__invitations",
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
        qualtrics_build, "select response_id from int_survey_responses_counted order by 1"
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


def test_surveys_none_builds_without_a_survey_platform(tmp_path: Path) -> None:
    result = _build(tmp_path, "{surveys_source: none}", None)
    assert result.ok, result.reason()
    warehouse = tmp_path / "warehouse.duckdb"
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
