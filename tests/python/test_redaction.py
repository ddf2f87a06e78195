"""redact_contact_data (macros/redact_contact_data.sql) on open answers in English,
Polish and Czech: ``analyses/redact_contact_data_cases.sql`` holds each comment with
what must remain; dbt compiles it and the SQL runs in an in-memory DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import LANDING_MIN

from cx_warehouse import layers
from cx_warehouse.dbt import run_dbt

pytestmark = pytest.mark.dbt


def test_comments_lose_their_contact_data(tmp_path: Path) -> None:
    target = tmp_path / "target"
    result = run_dbt(
        ["compile", "--select", "redact_contact_data_cases"],
        env={"CXW_LANDING": str(LANDING_MIN), "CXW_WAREHOUSE": str(tmp_path / "w.duckdb")},
        target_path=target,
        log_path=tmp_path / "logs",
        capture=True,
    )
    assert result.ok, result.reason()
    (sql,) = target.rglob("redact_contact_data_cases.sql")
    with duckdb.connect() as connection:
        rows = connection.execute(sql.read_text(encoding="utf-8")).fetchall()
    assert len(rows) == 7
    for case_name, redacted, expected in rows:
        assert redacted == expected, case_name


def test_erasure_reaches_comments_national_phones_and_broken_lines(
    leak_cases_published: Path,
) -> None:
    """Before: a comment naming an erased email kept it in stg_surveys__responses,
    fct_survey_responses and the marts; a respondent who typed the national form of an
    erased Czech number ('703 118 919' for +420703118919) kept the comment and the
    phone, parsed as +48703118919; a person whose only shop-customer line was cut short
    (quarantined) kept the email that line linked, in their email events. Read from
    the session's published run of the leak cases (``leak_cases_published``)."""
    with layers.connect(leak_cases_published / "data" / "warehouse.duckdb") as connection:
        staged = dict(
            connection.execute(
                "select response_id, (comment, respondent_phone, is_erased) "
                "from stg_surveys__responses where response_id like 'RSP-9%'"
            ).fetchall()
        )
        cut_short = connection.execute(
            "select email, is_erased from stg_marketing__email_events where message_id = 'M-TRUNC'"
        ).fetchall()
        facts = dict(
            connection.execute(
                "select response_id, comment from fct_survey_responses "
                "where response_id like 'RSP-9%'"
            ).fetchall()
        )
    assert staged["RSP-900001"] == (None, None, True), "the national form is the erased phone"
    assert staged["RSP-900002"] == ("Kontakt na souseda: [email]", None, False)
    assert facts.get("RSP-900002") == "Kontakt na souseda: [email]"
    assert cut_short == [(None, True)], "the broken line still links its email"
