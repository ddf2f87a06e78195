"""``cxw run`` end to end: generate into an empty landing folder, build, publish; a
failing build leaves the published warehouse byte for byte as it was; a landing
folder with missing days publishes with a warning, and ``--strict`` refuses it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import LANDING_MIN, Generated, sha256

import cx_warehouse.dbt
from cx_warehouse import layers
from cx_warehouse.cli import main
from cx_warehouse.publish import build_path
from cx_warehouse.report import REPORT_NAME
from cx_warehouse.validate import VALIDATION_RESULT_NAME

MISSING_DAY = (
    "fct_customer_journey: expect_column_max_to_be_between(days_after_previous_touchpoint_day)"
)

pytestmark = pytest.mark.dbt


def _broken_landing(root: Path) -> Path:
    """The contract example (without its erasure requests) plus a clickstream part whose
    occurred_at is a struct: a readable Parquet file that the events' reader cannot
    combine with the others."""
    landing = root / "broken_landing"
    shutil.copytree(LANDING_MIN, landing)
    # No erasure request the published warehouse lacks: a failed build that was
    # applying one is removed, not kept (test_erasure_bytes).
    requests = landing / "privacy" / "erasure_requests.csv"
    requests.write_text(requests.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
    part = landing / "shop" / "events" / "dt=2025-01-02" / "part-99999.parquet"
    part.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select 'e-1' as event_id, {{'a': 1}} as occurred_at) to '{part}'"
        )
    return landing


def test_run_publishes_and_a_failed_build_changes_nothing(
    isolated_locations: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    landing = isolated_locations / "landing"
    warehouse = isolated_locations / "warehouse.duckdb"

    assert main(["run", "--demo", "--customers", "150", "--days", "14"]) == 0
    captured = capsys.readouterr()
    assert "INFO generating 150 customers" in captured.err
    assert str(warehouse) in captured.out
    assert warehouse.is_file()
    report = isolated_locations / "cx_report.html"
    assert f"report:     {report}" in captured.out, "cxw run ends with the report's path"
    assert report.is_file()
    assert not build_path(warehouse).exists()
    assert any(path.is_file() for path in landing.rglob("*"))
    with layers.connect(warehouse) as connection:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        assert relations, "the published warehouse is empty"
        for schema, name in relations:
            # Views name their inputs with the catalog; they must resolve after the rename.
            connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
    published = sha256(warehouse)
    # The daily run builds and tests the data; dbt's unit tests (static inputs) run
    # only when asked (make gate does).
    results = json.loads((tmp_path / "target" / "run_results.json").read_text(encoding="utf-8"))
    kinds = {result["unique_id"].split(".")[0] for result in results["results"]}
    assert {"model", "test"} <= kinds and "unit_test" not in kinds, kinds

    # The broken build runs only the clickstream's first models (and their tests): a
    # whole build costs most of a minute even on tiny data, and what is tested here is
    # that a real dbt failure is reported by node and never published.
    real_run_dbt = cx_warehouse.dbt.run_dbt
    sent = []

    def run_events_only(args, **kwargs):
        sent.append(args)
        return real_run_dbt([*args, "--select", "source:shop.events+1"], **kwargs)

    monkeypatch.setattr(cx_warehouse.dbt, "run_dbt", run_events_only)
    monkeypatch.setenv("CXW_LANDING", str(_broken_landing(tmp_path)))
    assert main(["-q", "run", "--unit-tests"]) == 1
    assert sent == [["build"]], "--unit-tests excludes no resource type"
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("cxw: error:")]
    assert len(errors) == 1, err
    assert "dbt build failed on" in errors[0], "the failing nodes are named"
    assert "events" in errors[0]
    assert "left unchanged" in errors[0]
    assert err.splitlines()[-1] == errors[0]
    assert sha256(warehouse) == published
    assert build_path(warehouse).exists(), "the failed build is kept for inspection"


def test_run_publishes_when_nobody_asked_for_erasure(
    isolated_locations: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An erasure file with its header and no request builds, validates and publishes;
    the reconciliation keeps the entity's row, with nothing landed."""
    landing = tmp_path / "no_erasure_landing"
    shutil.copytree(LANDING_MIN, landing)
    requests = landing / "privacy" / "erasure_requests.csv"
    header = requests.read_text(encoding="utf-8").splitlines()[0]
    requests.write_text(header + "\n", encoding="utf-8")
    monkeypatch.setenv("CXW_LANDING", str(landing))

    assert main(["-q", "run"]) == 0, capsys.readouterr().err
    with layers.connect(isolated_locations / "warehouse.duckdb") as connection:
        erasures = connection.execute(
            "select landed_rows, modelled_rows, is_balanced from quality_reconciliation"
            " where reconciliation_id = 'privacy.erasure_requests'"
        ).fetchall()
    assert erasures == [(0, 0, True)]


def _sparse_landing(generated: Generated, root: Path) -> Path:
    """The generated landing folder without two weeks of days (the 8th to the 14th and
    the 22nd to the 28th) in every dated entity: a backfill of selected days. Every
    record that is left is right."""
    landing = root / "sparse_landing"
    shutil.copytree(generated.landing, landing)
    removed = [
        folder
        for folder in landing.glob("*/*/dt=*")
        if date.fromisoformat(folder.name.removeprefix("dt=")).day
        in {*range(8, 15), *range(22, 29)}
    ]
    assert {folder.parent.name for folder in removed} >= {"orders", "calls", "responses"}
    for folder in removed:
        shutil.rmtree(folder)
    return landing


def test_missing_days_publish_with_a_warning_and_strict_refuses_them(
    small_dataset: Generated,
    isolated_locations: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CXW_LANDING", str(_sparse_landing(small_dataset, tmp_path)))
    warehouse = isolated_locations / "warehouse.duckdb"
    docs = isolated_locations / "data_docs"

    assert main(["run"]) == 0
    captured = capsys.readouterr()
    assert f"WARNING {MISSING_DAY}: observed 3" in captured.out.splitlines()
    assert "validation passed with 1 warning: " in captured.out
    assert "built, validated and published with 1 validation warning in " in captured.out
    assert "cxw: error" not in captured.err
    [warned] = [line for line in captured.err.splitlines() if " WARNING published with " in line]
    assert f"published with 1 warning in 1 suite: {MISSING_DAY}: observed 3" in warned

    result = json.loads((docs / VALIDATION_RESULT_NAME).read_text(encoding="utf-8"))
    assert (result["ok"], result["strict"], result["failed"], result["warned"]) == (
        True,
        False,
        0,
        1,
    )
    assert result["warnings"] == [f"{MISSING_DAY}: observed 3"]
    [page] = (docs / "validations" / "fct_customer_journey").rglob("*.html")
    assert "Warning (does not block publishing): No missing day" in page.read_text(encoding="utf-8")
    report = isolated_locations / REPORT_NAME
    html = report.read_text(encoding="utf-8")
    assert '<span class="warned">passed with 1 warning</span>' in html
    assert f"{MISSING_DAY}: observed 3" in html

    published = {path: sha256(path) for path in (warehouse, docs / VALIDATION_RESULT_NAME, report)}
    assert main(["run", "--strict"]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("cxw: error:")]
    assert len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    assert errors[0].startswith(
        "cxw: error: validation failed (strict: warnings fail), 1 warning in 1 suite: "
        f"{MISSING_DAY}: observed 3 "
    ), errors[0]
    assert f"published warehouse {warehouse} left unchanged" in errors[0]
    assert {path: sha256(path) for path in published} == published


def test_a_warehouse_from_before_the_layer_schemas_is_rebuilt_whole(
    isolated_locations: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Its tables sit in schema main: an incremental run would build the layers beside
    them and leave them there, so the run is a full refresh (a new file)."""
    warehouse = isolated_locations / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create table mart_nps as select 1 as nps")
    assert layers.predates_layers(warehouse)
    monkeypatch.setenv("CXW_LANDING", str(LANDING_MIN))
    called: list[tuple[str, ...]] = []

    def fake_dbt(args, **_kwargs) -> cx_warehouse.dbt.DbtResult:
        called.append(tuple(args))
        return cx_warehouse.dbt.DbtResult(tuple(args), 1, tmp_path, tmp_path)

    monkeypatch.setattr(cx_warehouse.dbt, "run_dbt", fake_dbt)
    assert main(["run"]) == 1
    assert "--full-refresh" in called[0]
    assert "(built before the layer schemas): this run is a full refresh" in capsys.readouterr().err
    with layers.connect(warehouse, read_only=False) as connection:
        connection.execute("create schema marts; create table marts.mart_nps as select 1 as nps")
        connection.execute("drop table main.mart_nps")
    assert not layers.predates_layers(warehouse)
