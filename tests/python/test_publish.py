"""Write-audit-publish with a stand-in for dbt: no dbt run, so these are fast."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import sha256

from cx_warehouse.dbt import DbtResult, failed_nodes
from cx_warehouse.publish import build_and_publish, build_path


def _result(code: int, nodes: tuple[str, ...] = ()) -> DbtResult:
    return DbtResult(
        args=("build",),
        returncode=code,
        target_path=Path("target"),
        log_path=Path("logs"),
        failed_nodes=nodes,
    )


def _write_table(database: Path, value: int) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute("create or replace table marker as select ? as value", [value])


def _read_table(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("select value from marker").fetchone()[0]


@pytest.fixture
def published(tmp_path: Path) -> Path:
    warehouse = tmp_path / "warehouse.duckdb"
    _write_table(warehouse, 1)
    return warehouse


def test_build_path(tmp_path: Path) -> None:
    assert build_path(tmp_path / "warehouse.duckdb") == tmp_path / "warehouse.build.duckdb"


def test_passing_build_is_published(published: Path) -> None:
    def build(target: Path) -> DbtResult:
        assert target == build_path(published)
        assert _read_table(target) == 1, "the build starts from a copy of the published file"
        _write_table(target, 2)
        return _result(0)

    assert build_and_publish(published, build).ok
    assert _read_table(published) == 2
    assert not build_path(published).exists()


def test_failing_build_leaves_published_untouched(published: Path) -> None:
    before = sha256(published)

    def build(target: Path) -> DbtResult:
        _write_table(target, 3)
        return _result(1, ("model.cx_warehouse.stg_shop__events",))

    result = build_and_publish(published, build)
    assert not result.ok
    assert sha256(published) == before
    assert _read_table(build_path(published)) == 3, "the failed build is kept to inspect"


def test_full_refresh_starts_empty(published: Path) -> None:
    def build(target: Path) -> DbtResult:
        assert not target.exists()
        _write_table(target, 4)
        return _result(0)

    assert build_and_publish(published, build, full_refresh=True).ok
    assert _read_table(published) == 4


def test_first_build_and_stale_build_file(tmp_path: Path) -> None:
    warehouse = tmp_path / "new" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    build_path(warehouse).write_bytes(b"left over from a crashed run")

    def build(target: Path) -> DbtResult:
        assert not target.exists(), "a stale build file is removed first"
        _write_table(target, 5)
        return _result(0)

    assert build_and_publish(warehouse, build).ok
    assert _read_table(warehouse) == 5


def test_reason_names_failing_nodes() -> None:
    reason = _result(1, ("model.p.a", "test.p.b")).reason()
    assert reason == "dbt build failed on 2 nodes: model.p.a, test.p.b"
    assert "before any node ran" in _result(2).reason()


def test_failed_nodes_from_run_results(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    statuses = {"a": "success", "b": "error", "c": "fail", "d": "warn", "e": "skipped", "f": "pass"}
    results = [{"unique_id": f"model.p.{name}", "status": s} for name, s in statuses.items()]
    run_results.write_text(json.dumps({"results": results}))
    assert failed_nodes(run_results) == ("model.p.b", "model.p.c")
    assert failed_nodes(tmp_path / "missing.json") == ()


# A BI client in a process of its own: it opens the published file read-only, answers
# one query per line on stdin and prints the marker value and a row count that must
# agree (the build writes both in one transaction).
_READER = """
import sys, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
for _ in sys.stdin:
    value, rows = connection.execute(
        "select max(value), count(*) from marker, range(10000)"
    ).fetchone()
    print(value, rows // 10000, flush=True)
"""


def _write_big_marker(database: Path, value: int, rows: int) -> None:
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create or replace table marker as select ? as value from range(?)", [value, rows]
        )


def test_a_reader_holding_the_published_file_keeps_consistent_data(published: Path) -> None:
    import subprocess
    import sys

    _write_big_marker(published, 1, 1)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:

        def ask() -> str:
            reader.stdin.write("?\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip()

        assert ask() == "1 1"

        def build(target: Path) -> DbtResult:
            _write_big_marker(target, 2, 2)
            assert ask() == "1 1", "the reader must not see the build in progress"
            return _result(0)

        assert build_and_publish(published, build).ok
        # The reader still holds the warehouse it opened, whole; a new reader sees the new one.
        assert ask() == "1 1"
        assert _read_table(published) == 2
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert reader.returncode == 0
