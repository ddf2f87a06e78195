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
from cx_warehouse import layers
from cx_warehouse.cli import main
from cx_warehouse.dbt import DbtResult
from cx_warehouse.publish import build_and_publish, build_path
from cx_warehouse.validate import (
    EXPECTATIONS_DIR,
    VALIDATION_RESULT_NAME,
    DataWindow,
    Failure,
    SuiteError,
    SuiteResult,
    ValidationReport,
    expectation_label,
    expectation_severity,
    format_summary,
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

# The expectations that warn (meta.severity): completeness and distribution bands.
# Every other one blocks (expectations/README.md).
WARNING_EXPECTATIONS = {
    "dim_customers: expect_column_mean_to_be_between(has_country)",
    "fct_customer_journey: expect_column_max_to_be_between(days_after_previous_touchpoint_day)",
    "fct_customer_journey: expect_column_min_to_be_between(days_before_data_end)",
    "fct_customer_journey: expect_column_mean_to_be_between(has_known_customer)",
    "fct_survey_responses: expect_column_mean_to_be_between(nps_promoter)",
    "stg_callcenter__calls: expect_column_mean_to_be_between(is_withheld)",
    "stg_shop__orders: expect_column_mean_to_be_between(is_guest)",
    "stg_surveys__responses: expect_column_mean_to_be_between(is_score_rejected)",
}
MISSING_DAY = (
    # a day in the middle of the landed days (the first is 2025-01-01)
    "delete from fct_customer_journey where occurred_date = date '2025-01-15'",
    "fct_customer_journey: expect_column_max_to_be_between(days_after_previous_touchpoint_day)",
)

# (id, SQL that breaks a copy of the small build, what the error line must name): each
# breaks an expectation that blocks.
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
    with layers.connect(warehouse, read_only=False) as connection:
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


def test_severity_is_read_from_meta_and_blocks_by_default(tmp_path: Path) -> None:
    warned = {
        f"{suite.name}: {expectation_label(expectation)}"
        for suite in load_suites()
        for expectation in suite.expectations
        if expectation_severity(expectation) == "warn"
    }
    assert warned == WARNING_EXPECTATIONS

    definition = json.loads((EXPECTATIONS_DIR / "mart_nps.json").read_text(encoding="utf-8"))
    first, second, third = definition["expectations"][:3]
    first["meta"] = {"severity": "warn"}
    second["meta"] = {"severity": "block", "min_rows": 10}
    third.pop("meta", None)
    (tmp_path / "mart_nps.json").write_text(json.dumps(definition), encoding="utf-8")
    [suite] = load_suites(tmp_path)
    severities = [expectation_severity(expectation) for expectation in suite.expectations]
    assert severities[:3] == ["warn", "block", "block"], "no meta.severity blocks"


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (
            {"severity": "warning"},
            "mart_nps.json: expect_column_values_to_not_be_null(nps_id): meta.severity 'warning' "
            "is not one of 'block', 'warn'",
        ),
        (
            {"severity": None},
            "mart_nps.json: expect_column_values_to_not_be_null(nps_id): meta.severity None "
            "is not one of 'block', 'warn'",
        ),
        (
            "warn",
            "mart_nps.json: expect_column_values_to_not_be_null(nps_id): meta is not a JSON object",
        ),
    ],
)
def test_an_unknown_severity_is_a_one_line_error(
    meta: object,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    definition = json.loads((EXPECTATIONS_DIR / "mart_nps.json").read_text(encoding="utf-8"))
    assert expectation_label(definition["expectations"][0]) == (
        "expect_column_values_to_not_be_null(nps_id)"
    )
    definition["expectations"][0]["meta"] = meta
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "mart_nps.json").write_text(json.dumps(definition), encoding="utf-8")
    with pytest.raises(SuiteError) as raised:
        load_suites(suites)
    assert str(raised.value) == message

    # cxw validate stops at the suite, before it reads the warehouse.
    monkeypatch.setattr(cx_warehouse.validate, "EXPECTATIONS_DIR", suites)
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    assert main(["-q", "validate", "--warehouse", str(warehouse)]) == 1
    assert _error_line(capsys) == f"cxw: error: broken expectation suite {message}"


def _report(failures: int, warnings: int, *, strict: bool) -> ValidationReport:
    def failed(number: int, detail: str) -> Failure:
        return Failure(f"suite_{number % 2}", "expect_x", (f"column_{number}",), detail)

    result = SuiteResult(
        "suite_0",
        "table_0",
        10,
        5,
        failures=tuple(failed(number, "blocks") for number in range(failures)),
        warnings=tuple(failed(number, "warns") for number in range(warnings)),
    )
    return ValidationReport(
        Path("w.duckdb"), DataWindow(None, None), (result,), None, strict=strict
    )


def test_warnings_pass_unless_strict_and_failures_never_pass() -> None:
    clean = _report(0, 0, strict=True)
    assert clean.ok and clean.reason() == "" and clean.warning() == ""

    warned = _report(0, 1, strict=False)
    assert warned.ok and warned.reason() == ""
    assert warned.warning() == "1 warning in 1 suite: suite_0: expect_x(column_0): warns"
    summary = format_summary(warned).splitlines()
    assert "WARNING suite_0: expect_x(column_0): warns" in summary
    assert summary[-1].startswith("validation passed with 1 warning: 1 suites on w.duckdb")

    strict = _report(0, 2, strict=True)
    assert not strict.ok
    assert strict.reason() == (
        "validation failed (strict: warnings fail), 2 warnings in 2 suites: "
        "suite_0: expect_x(column_0): warns; suite_1: expect_x(column_1): warns"
    )
    assert (
        format_summary(strict)
        .splitlines()[-1]
        .startswith("validation FAILED (strict: warnings fail): ")
    )

    for strictly in (False, True):
        failed = _report(1, 1, strict=strictly)
        assert not failed.ok
        assert ("1 warning" in failed.reason()) is strictly, "warnings named only when strict"
        assert failed.reason().startswith("validation failed")
        assert "suite_0: expect_x(column_0): blocks" in failed.reason()

    result = cx_warehouse.validate.validation_result(_report(1, 2, strict=False))
    assert (result["ok"], result["strict"], result["failed"], result["warned"]) == (
        False,
        False,
        1,
        2,
    )
    assert result["failures"] == ["suite_0: expect_x(column_0): blocks"]
    assert result["warnings"] == [
        "suite_0: expect_x(column_0): warns",
        "suite_1: expect_x(column_1): warns",
    ]
    assert result["suites"][0]["warned"] == 2


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
    # Strict: on the test builds nothing warns either.
    report = validate_warehouse(build.warehouse, write_docs=False, strict=True)
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


@pytest.mark.dbt
def test_a_missing_day_warns_and_fails_only_strict(
    small_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = _copy_warehouse(small_build, tmp_path / "sparse" / "warehouse.duckdb")
    sql, named = MISSING_DAY
    _execute(warehouse, sql)
    docs = tmp_path / "docs"
    args = ["validate", "--warehouse", str(warehouse), "--docs", str(docs)]

    assert main(["-q", *args]) == 0
    captured = capsys.readouterr()
    assert f"WARNING {named}: observed 2" in captured.out.splitlines()
    assert "validation passed with 1 warning" in captured.out
    assert "cxw: error" not in captured.err
    [warning] = [line for line in captured.err.splitlines() if " WARNING " in line]
    assert f"validation passed with 1 warning in 1 suite: {named}: observed 2" in warning
    result = json.loads((docs / VALIDATION_RESULT_NAME).read_text(encoding="utf-8"))
    assert (result["ok"], result["failed"], result["warned"]) == (True, 0, 1)
    assert result["warnings"] == [f"{named}: observed 2"]
    pages = list((docs / "validations" / "fct_customer_journey").rglob("*.html"))
    assert "Warning (does not block publishing): No missing day" in pages[0].read_text(
        encoding="utf-8"
    ), "the Data Docs say which failed expectation only warns"

    assert main(["-q", *args, "--strict"]) == 1
    error = _error_line(capsys)
    assert error.startswith(
        f"cxw: error: validation failed (strict: warnings fail), 1 warning in 1 suite: {named}"
    ), error
    result = json.loads((docs / VALIDATION_RESULT_NAME).read_text(encoding="utf-8"))
    assert (result["ok"], result["strict"], result["warned"]) == (False, True, 1)


@pytest.mark.spark
def test_spark_validation_honours_severity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Spark path runs the same suites through the same code: a warning passes,
    and fails only strict (make test-spark)."""
    pytest.importorskip("pyspark")
    from cx_warehouse.validate import spark_session, validate_spark

    spark_dir = tmp_path / "spark"
    monkeypatch.setenv("CXW_SPARK_DIR", str(spark_dir))
    suites = tmp_path / "suites"
    suites.mkdir()
    suite = {
        "name": "mart_days",
        "meta": {"cx_warehouse": {"table": "mart_days", "columns": ["day_id", "gap"]}},
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "day_id"}},
            {
                "type": "expect_column_max_to_be_between",
                "kwargs": {"column": "gap", "min_value": 0, "max_value": 1},
                "meta": {"severity": "warn"},
            },
        ],
    }
    (suites / "mart_days.json").write_text(json.dumps(suite), encoding="utf-8")
    session = spark_session(spark_dir)
    try:
        session.sql("create database marts")
        session.sql(
            "create table marts.mart_days using parquet as "
            "select * from values ('a', 1), ('b', 3) as days(day_id, gap)"
        )
        lenient, strict = (
            validate_spark(session=session, suites_dir=suites, write_docs=False, strict=flag)
            for flag in (False, True)
        )
    finally:
        session.stop()
    warning = "mart_days: expect_column_max_to_be_between(gap): observed 3"
    assert lenient.ok and not lenient.failures
    assert [str(found) for found in lenient.warnings] == [warning]
    assert not strict.ok
    assert strict.reason() == (
        f"validation failed (strict: warnings fail), 1 warning in 1 suite: {warning}"
    )


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
    with layers.connect(published) as connection:
        assert connection.execute("select value from marker").fetchone()[0] == 2
    assert not build_path(published).exists()


def _suite(directory: Path, name: str, table: str, derived: dict[str, str]) -> None:
    meta = {"cx_warehouse": {"table": table, "columns": ["id"], "derived": derived}}
    expectations = [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
        *(
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": column, "min_value": 2, "max_value": 2},
            }
            for column in derived
        ),
    ]
    definition = {"name": name, "meta": meta, "expectations": expectations}
    (directory / f"{name}.json").write_text(json.dumps(definition), encoding="utf-8")


def test_built_only_runs_the_suites_of_built_tables_and_reads_the_rest_deferred(
    tmp_path: Path,
) -> None:
    suites = tmp_path / "suites"
    suites.mkdir()
    _suite(suites, "built", "built", {"parents": "(select count(*) from parent)"})
    _suite(suites, "unbuilt", "parent", {})
    state, pull_request = tmp_path / "warehouse.duckdb", tmp_path / "pr.duckdb"
    _execute(state, "create schema staging; create table staging.parent as from range(2) t(id)")
    _execute(pull_request, "create schema marts; create table marts.built as select 1 as id")

    report = validate_warehouse(
        pull_request, suites_dir=suites, write_docs=False, built_only=True, defer_to=state
    )
    assert [result.suite for result in report.suites] == ["built"]
    assert report.ok, report.reason()

    everything = validate_warehouse(pull_request, suites_dir=suites, write_docs=False)
    assert not everything.ok, "without the state, parent is missing"
