"""``cxw validate`` and the validation step of ``cxw run``.

The suites must pass on every build the tests make (small, medium and the hand-made
landing folder), and fail, naming the broken expectation, on a copy of the small
build with one thing broken. ``cxw run`` is driven with a stand-in for dbt that
"builds" by copying a warehouse, so the publish step is tested without a real build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated, sha256

import cx_warehouse.dbt
from cx_warehouse.cli import main
from cx_warehouse.dbt import DbtResult
from cx_warehouse.publish import build_and_publish, build_path
from cx_warehouse.validate import (
    EXPECTATIONS_DIR,
    SuiteError,
    load_suites,
    validate_warehouse,
)

REQUIRED_SUITES = {
    "dim_customers",
    "fct_customer_journey",
    "fct_journeys",
    "fct_survey_responses",
    "mart_nps",
    "mart_csat",
    "mart_ces",
    "mart_response_rates",
    "mart_nps_drivers",
    "mart_detractor_followups",
    "mart_journey_funnel",
    "quality_reconciliation",
    "stg_surveys__responses",
    "stg_shop__orders",
    "stg_callcenter__calls",
}

# (id, SQL that breaks a copy of the small build, what the error line must name)
CORRUPTIONS = [
    (
        "nps_of_150",
        "update mart_nps set nps = 150 where nps_id = (select min(nps_id) from mart_nps)",
        "mart_nps: expect_column_values_to_be_between(nps)",
    ),
    (
        "duplicated_touchpoint",
        "insert into fct_customer_journey select * from fct_customer_journey limit 1",
        "fct_customer_journey: expect_column_values_to_be_unique(touchpoint_id)",
    ),
    (
        "null_customer",
        "update dim_customers set customer_id = null "
        "where customer_id = (select min(customer_id) from dim_customers)",
        "dim_customers: expect_column_values_to_not_be_null(customer_id)",
    ),
    (
        "null_survey_type",
        "update fct_survey_responses set survey_type = null "
        "where response_id = (select min(response_id) from fct_survey_responses)",
        "fct_survey_responses: expect_column_values_to_not_be_null(survey_type)",
    ),
    (
        "null_journey_id",
        "update fct_journeys set journey_id = null "
        "where journey_id = (select min(journey_id) from fct_journeys)",
        "fct_journeys: expect_column_values_to_not_be_null(journey_id)",
    ),
    (
        "missing_day",
        # a day in the middle of the landed days (the first is 2025-01-01)
        "delete from fct_customer_journey where occurred_date = date '2025-01-15'",
        "fct_customer_journey: expect_column_max_to_be_between(days_after_previous_touchpoint_day)",
    ),
]


def _copy_warehouse(build: Build, target: Path) -> Path:
    """A private copy of a session build's warehouse (and its WAL, if one was left)."""
    assert build.result.ok, build.result.reason()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build.warehouse, target)
    wal = build.warehouse.with_name(build.warehouse.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def _execute(warehouse: Path, sql: str) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(sql)
        connection.execute("checkpoint")


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("cxw: error:")]
    assert len(errors) == 1, err
    assert err.splitlines()[-1] == errors[0], "the error line comes last"
    return errors[0]


# --------------------------------------------------------------------------- suites


def test_every_required_suite_exists_and_names_its_table() -> None:
    suites = {suite.name: suite for suite in load_suites()}
    assert set(suites) >= REQUIRED_SUITES, REQUIRED_SUITES - set(suites)
    for suite in suites.values():
        assert suite.table and suite.columns
        assert suite.expectations, suite.name


def test_a_suite_reading_an_unlisted_column_is_refused(tmp_path: Path) -> None:
    definition = json.loads((EXPECTATIONS_DIR / "mart_nps.json").read_text(encoding="utf-8"))
    definition["expectations"].append(
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "no_such_column"}}
    )
    (tmp_path / "mart_nps.json").write_text(json.dumps(definition), encoding="utf-8")
    with pytest.raises(SuiteError, match="no_such_column"):
        load_suites(tmp_path)


def test_a_suite_with_an_unknown_expectation_is_refused(tmp_path: Path) -> None:
    definition = json.loads((EXPECTATIONS_DIR / "mart_nps.json").read_text(encoding="utf-8"))
    definition["expectations"].append(
        {"type": "expect_column_values_to_be_nice", "kwargs": {"column": "nps"}}
    )
    (tmp_path / "mart_nps.json").write_text(json.dumps(definition), encoding="utf-8")
    with pytest.raises(SuiteError, match="expect_column_values_to_be_nice"):
        load_suites(tmp_path)


# --------------------------------------------------------------------------- arguments


def test_missing_warehouse_is_a_bad_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no such file" in _error_line(capsys)
    assert main(["validate"]) == 2, "the default is $CXW_WAREHOUSE, which does not exist"
    assert "CXW_WAREHOUSE" in _error_line(capsys)


def test_a_file_that_is_not_duckdb_is_a_bad_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database\n" * 100)
    assert main(["validate", "--warehouse", str(junk)]) == 2
    assert "--warehouse" in _error_line(capsys)


def test_spark_target_takes_no_warehouse_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["validate", "--target", "spark", "--warehouse", str(tmp_path / "w.duckdb")]
    assert main(args) == 2
    assert "CXW_SPARK_DIR" in _error_line(capsys)


def test_docs_must_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["validate", "--warehouse", str(warehouse), "--docs", str(blocker)]) == 2
    assert "--docs" in _error_line(capsys)


# --------------------------------------------------------------------------- builds


@pytest.mark.dbt
@pytest.mark.parametrize("build_name", ["medium_build", "landing_min_build"])
def test_suites_pass_on_every_test_build(build_name: str, request: pytest.FixtureRequest) -> None:
    build: Build = request.getfixturevalue(build_name)
    assert build.result.ok, build.result.reason()
    report = validate_warehouse(build.warehouse, write_docs=False)
    assert report.ok, report.reason()
    assert {result.suite for result in report.suites} >= REQUIRED_SUITES


@pytest.mark.dbt
def test_validate_passes_on_the_published_warehouse(
    small_build: Build, isolated_locations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = _copy_warehouse(small_build, isolated_locations / "warehouse.duckdb")
    before = sha256(warehouse)
    assert main(["validate"]) == 0
    captured = capsys.readouterr()
    assert "validation passed" in captured.out
    for suite in REQUIRED_SUITES:
        assert f"\n{suite} " in captured.out, f"{suite} missing from the summary"
    assert "[1/" in captured.err, "one progress line per suite"
    index = isolated_locations / "data_docs" / "index.html"
    assert index.is_file(), "data docs are written beside the warehouse by default"
    assert "mart_nps" in index.read_text(encoding="utf-8")
    assert sha256(warehouse) == before, "validation opens the warehouse read-only"


@pytest.mark.dbt
@pytest.mark.parametrize(
    ("sql", "named"),
    [pytest.param(sql, named, id=name) for name, sql, named in CORRUPTIONS],
)
def test_validate_fails_and_names_the_broken_expectation(
    sql: str,
    named: str,
    small_build: Build,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    warehouse = _copy_warehouse(small_build, tmp_path / "broken" / "warehouse.duckdb")
    _execute(warehouse, sql)
    code = main(["-q", "validate", "--warehouse", str(warehouse), "--docs", str(tmp_path / "d")])
    assert code == 1
    error = _error_line(capsys)
    assert "validation failed" in error
    assert named in error, error
    assert (tmp_path / "d" / "index.html").is_file(), "failures are in the data docs too"


# --------------------------------------------------------------------------- publishing


def test_a_failed_audit_leaves_the_published_file_untouched(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(published)) as connection:
        connection.execute("create table marker as select 1 as value")
    before = sha256(published)

    class Verdict:
        ok = False

        def reason(self) -> str:
            return "validation failed: marker"

    def build(target: Path) -> DbtResult:
        with duckdb.connect(str(target)) as connection:
            connection.execute("create or replace table marker as select 2 as value")
        return DbtResult(("build",), 0, tmp_path / "target", tmp_path / "logs")

    seen: list[Path] = []

    def audit(target: Path) -> Verdict:
        seen.append(target)
        assert not target.with_name(target.name + ".wal").exists(), "audited checkpointed"
        return Verdict()

    result = build_and_publish(published, build, audit=audit)
    assert not result.ok
    assert result.reason() == "validation failed: marker"
    assert seen == [build_path(published)]
    assert sha256(published) == before
    assert build_path(published).exists(), "the failed build is kept for inspection"


@pytest.mark.dbt
def test_run_publishes_only_a_build_that_validates(
    small_build: Build,
    small_dataset: Generated,
    isolated_locations: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    published = _copy_warehouse(small_build, isolated_locations / "warehouse.duckdb")
    before = sha256(published)
    clean = _copy_warehouse(small_build, tmp_path / "clean" / "warehouse.duckdb")
    _execute(clean, "create table marker as select 2 as value")
    broken = _copy_warehouse(small_build, tmp_path / "broken" / "warehouse.duckdb")
    _execute(broken, CORRUPTIONS[0][1])

    # The landing folder has files, so nothing is generated; "dbt" copies a warehouse.
    monkeypatch.setenv("CXW_LANDING", str(small_dataset.landing))
    built_from = {"file": broken}

    def fake_dbt(args, *, env=None, **_kwargs) -> DbtResult:
        shutil.copyfile(built_from["file"], env["CXW_WAREHOUSE"])
        # the build's own target/: the BI file reads its manifest
        return DbtResult(tuple(args), 0, small_build.result.target_path, tmp_path / "logs")

    monkeypatch.setattr(cx_warehouse.dbt, "run_dbt", fake_dbt)

    assert main(["-q", "run"]) == 1
    error = _error_line(capsys)
    assert "validation failed" in error
    assert CORRUPTIONS[0][2] in error
    assert "left unchanged" in error
    assert sha256(published) == before, "a failed validation never publishes"
    assert build_path(published).exists(), "the failed build is kept for inspection"

    built_from["file"] = clean
    assert main(["-q", "run"]) == 0
    assert "validation passed" in capsys.readouterr().out
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select value from marker").fetchone()[0] == 2
    assert not build_path(published).exists()
