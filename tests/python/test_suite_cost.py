"""The suite's cost made countable: the log of dbt invocations and generator runs
(cx_warehouse/cost_log.py), who it names as their caller, and the static fixture
graph of bench/test_cost.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import dbt_build, generate_into

import cx_warehouse.dbt
from cx_warehouse import cost_log
from cx_warehouse.cli import main
from cx_warehouse.cost_log import COST_LOG_ENV, COST_WHERE_ENV
from cx_warehouse.paths import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "bench"))

import test_cost

TINY = 7


def test_nothing_is_written_without_the_variable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(COST_LOG_ENV)
    with cost_log.timed("dbt", command="build", select=False):
        pass
    assert list(tmp_path.iterdir()) == []


def test_each_call_is_a_line_with_its_caller_and_seconds(tmp_path: Path, monkeypatch) -> None:
    log = tmp_path / "cost.jsonl"
    monkeypatch.setenv(COST_LOG_ENV, str(log))
    monkeypatch.setenv(COST_WHERE_ENV, "fixture small_build (session)")
    with pytest.raises(RuntimeError), cost_log.timed("dbt", command="build", select=False):
        raise RuntimeError("a failed call is counted too")
    (entry,) = cost_log.read(log)
    assert entry["kind"] == "dbt" and entry["command"] == "build"
    assert entry["where"] == "fixture small_build (session)"
    assert entry["seconds"] >= 0


def test_run_dbt_and_the_generator_write_to_the_log(tmp_path: Path, monkeypatch) -> None:
    log = tmp_path / "cost.jsonl"
    monkeypatch.setenv(COST_LOG_ENV, str(log))

    class Done:
        returncode = 0

    monkeypatch.setattr(cx_warehouse.dbt.subprocess, "run", lambda command, **_kw: Done)
    cx_warehouse.dbt.run_dbt(["show", "--select", "mart_nps"], target_path=tmp_path / "t")
    generate_into(tmp_path / "generated", customers=TINY, days=1)
    dbt, generated = cost_log.read(log)
    assert (dbt["kind"], dbt["command"], dbt["select"]) == ("dbt", "show", True)
    assert (generated["kind"], generated["customers"], generated["days"]) == ("generate", 7, 1)


def test_a_cxw_child_counts_into_the_same_log(tmp_path: Path, monkeypatch) -> None:
    """Children inherit the variables: ``cxw generate`` in another process is counted,
    under the caller the session named."""
    import subprocess

    log = tmp_path / "cost.jsonl"
    monkeypatch.setenv(COST_LOG_ENV, str(log))
    argv = ["generate", "--customers", "5", "--days", "1", "--landing", str(tmp_path / "l")]
    subprocess.run(
        [sys.executable, "-m", "cx_warehouse.cli", "-q", *argv, "--truth", str(tmp_path / "t")],
        check=True,
        capture_output=True,
    )
    (entry,) = cost_log.read(log)
    assert entry["customers"] == 5
    assert entry["where"].startswith("test tests/python/test_suite_cost.py::")


def test_the_summary_counts_by_command_size_and_caller() -> None:
    entries = [
        {"kind": "dbt", "command": "build", "select": False, "where": "fixture a", "seconds": 30},
        {"kind": "dbt", "command": "build", "select": True, "where": "test b", "seconds": 5},
        {"kind": "dbt", "command": "build", "select": False, "where": "fixture a", "seconds": 10},
        {"kind": "generate", "customers": 300, "days": 30, "where": "fixture a", "seconds": 2},
    ]
    assert cost_log.summary([]) == ["dbt invocations: 0, 0.0 s", "generator runs: 0, 0.0 s"]
    lines = cost_log.summary(entries)
    assert lines[0] == "dbt invocations: 3, 45.0 s: build 2 (40.0 s), build --select 1 (5.0 s)"
    assert lines[1] == "generator runs: 1, 2.0 s: 300x30 1 (2.0 s)"
    assert lines[2].split() == ["42.0", "s", "2", "dbt,", "1", "generate", "fixture", "a"]


@pytest.fixture
def caller() -> str | None:
    return os.environ.get(COST_WHERE_ENV)


@pytest.fixture(scope="session")
def session_caller() -> str | None:
    return os.environ.get(COST_WHERE_ENV)


def test_the_session_names_the_fixture_or_test_that_calls(
    caller: str | None, session_caller: str | None, request
) -> None:
    assert os.environ.get(COST_LOG_ENV), "the session counts into a log of its own"
    assert caller == "fixture caller (function)"
    assert session_caller == "fixture session_caller (session)"
    assert os.environ[COST_WHERE_ENV] == f"test {request.node.nodeid}"


# -- bench/test_cost.py: the fixture graph, read from the source -------------------------


def _builds_through_a_helper(root: Path) -> None:
    dbt_build(root, root)


def _dear_fixture(tmp_path: Path) -> None:
    generate_into(tmp_path, customers=TINY, days=3)
    _builds_through_a_helper(tmp_path)


def _runs_cxw() -> None:
    main(["-q", "run", "--demo"])


def _cheap(tmp_path: Path) -> None:
    json.dumps(main.__name__)


def test_helpers_are_followed_and_sizes_read() -> None:
    found = test_cost.analyse(_dear_fixture)
    assert found["builds"] == {"dbt", "generate"}
    assert found["sizes"] == ["7x3"]
    assert test_cost.analyse(_runs_cxw)["builds"] == {"dbt", "generate"}
    assert test_cost.analyse(_cheap)["builds"] == set()


def _item(module: str, name: str, fixtures: dict[str, tuple]) -> SimpleNamespace:
    definitions = {
        fixture: [SimpleNamespace(func=func, scope=scope, baseid="")]
        for fixture, (func, scope) in fixtures.items()
    }
    return SimpleNamespace(
        path=Path(module),
        nodeid=f"{module}::{name}",
        fixturenames=list(fixtures),
        _fixtureinfo=SimpleNamespace(name2fixturedefs=definitions),
        function=_cheap,
    )


def test_runs_per_session_follow_the_scope() -> None:
    items = [
        _item(
            module,
            f"test_{number}",
            {
                "per_module": (_dear_fixture, "module"),
                "per_session": (_dear_fixture, "session"),
                "per_test": (_dear_fixture, "function"),
                "cheap": (_cheap, "function"),
            },
        )
        for number, module in enumerate(["test_a.py", "test_a.py", "test_b.py"])
    ]
    found = {cost.name: cost for cost in test_cost.costs(items)}
    assert set(found) == {"per_module", "per_session", "per_test"}
    assert [found[name].runs for name in ("per_session", "per_module", "per_test")] == [1, 2, 3]
    assert found["per_module"].tests == 3
    assert found["per_module"].modules == ["test_a.py", "test_b.py"]
    assert test_cost.summary_lines(items)[0].startswith("  per_test (function, dbt+generate 7x3)")
