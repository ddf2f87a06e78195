"""The build benchmark's own parts (bench/): never its timings, only what it reports."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cx_warehouse.paths import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "bench"))

import bench_build
import harness


def test_link_landing_keeps_reference_files_and_days_up_to_the_last(tmp_path: Path) -> None:
    source = tmp_path / "gen"
    for day in ("2025-01-01", "2025-01-02", "2025-01-03"):
        part = source / "shop" / "orders" / f"dt={day}" / "part-00000.jsonl"
        part.parent.mkdir(parents=True)
        part.write_text(day, encoding="utf-8")
    (source / "stores").mkdir()
    (source / "stores" / "stores.csv").write_text("store_id\n", encoding="utf-8")
    target = tmp_path / "landing"
    (target / "stale").mkdir(parents=True)

    count = bench_build.link_landing(source, target, date(2025, 1, 2))

    files = sorted(str(path.relative_to(target)) for path in target.rglob("*") if path.is_file())
    assert files == [
        "shop/orders/dt=2025-01-01/part-00000.jsonl",
        "shop/orders/dt=2025-01-02/part-00000.jsonl",
        "stores/stores.csv",
    ]
    assert count == 3
    assert not (target / "stale").exists()
    assert bench_build.extra_days(365) == (4, 8)
    assert bench_build.extra_days(7) == (1, 2)


def test_floor_reads_every_landing_table_the_sources_read(tmp_path: Path) -> None:
    entities = bench_build.landing_entities(PROJECT_DIR, tmp_path / "it's here")
    assert {
        "shop__events",
        "shop__orders",
        "callcenter__agents",
        "privacy__erasure_requests",
    } <= set(entities)
    for relation in entities.values():
        assert "__LANDING__" not in relation and "{name}" not in relation
        assert "it''s here" in relation
    assert "read_parquet" in entities["shop__events"]


def test_floor_and_replay_take_their_duckdb_options_from_the_profile(tmp_path: Path) -> None:
    database = tmp_path / "it's.duckdb"
    env = {"CXW_DEV_WAREHOUSE": str(database), "CXW_MEMORY_LIMIT": "3GB"}
    statements = bench_build.duckdb_settings(PROJECT_DIR / "profiles.yml", env)
    assert "set memory_limit = '3GB'" in statements
    quoted = str(database).replace("'", "''")
    assert f"set temp_directory = '{quoted}.tmp'" in statements
    assert any(statement.startswith("set preserve_insertion_order") for statement in statements)


def test_replay_takes_each_models_statements_in_finishing_order() -> None:
    def query(node: str | None, sql: str) -> str:
        data = {"sql": sql, "node_info": {"unique_id": node} if node else {}}
        return json.dumps({"info": {"name": "SQLQuery"}, "data": data})

    log = [
        query(None, "select schema_name from information_schema.schemata"),
        query("model.p.b", "create table b__dbt_tmp as select 1"),
        query("model.p.a", "create table a__dbt_tmp as select 1"),
        json.dumps({"info": {"name": "SQLCommit"}, "data": {}}),
        query("model.p.b", "alter table b__dbt_tmp rename to b"),
        query("test.p.not_null_a", "select 1"),
        "not json",
    ]
    run_results = {"results": [{"unique_id": "model.p.a"}, {"unique_id": "model.p.b"}]}
    assert bench_build.replay_queries(log, run_results) == [
        "create table a__dbt_tmp as select 1",
        "create table b__dbt_tmp as select 1",
        "alter table b__dbt_tmp rename to b",
    ]


def test_a_stopped_build_still_names_its_finished_and_running_models() -> None:
    def event(name: str, node: str, **data) -> str:
        info = {"name": name, "ts": "2026-11-28T12:19:53.300162Z"}
        return json.dumps({"info": info, "data": {"node_info": {"unique_id": node}, **data}})

    log = [
        event("NodeStart", "model.p.fast"),
        event("NodeStart", "model.p.slow"),
        event("NodeFinished", "model.p.fast", run_result={"execution_time": 1.5, "status": "ok"}),
        event("NodeStart", "test.p.not_null"),
    ]
    models, running = bench_build.models_from_log(log)
    assert models == [{"model": "fast", "seconds": 1.5, "status": "ok"}]
    assert running == ["slow (since 12:19:53)"]


def _run(customers: int, build: float, floor: float | None = None, **extra) -> dict:
    run = {
        "customers": customers,
        "full_build": {
            "wall_seconds": build,
            "cpu_seconds": build,
            "models_top": [{"model": "slow", "seconds": 9.0}],
        },
        "failures": [],
    }
    if floor is not None:
        run["floor"] = {"median_seconds": floor, "runs": [{"cpu_seconds": floor}]}
    run.update(extra)
    return run


def test_goals_say_met_missed_or_not_measured_and_name_the_slow_models() -> None:
    incremental = {
        "incremental_models": 0,
        "one": {"wall_seconds": 50.0, "share_of_full": 0.5, "models_top": []},
        "two": {"wall_seconds": 55.0, "models_top": [{"model": "slow", "seconds": 9.0}]},
        "two_over_one": 1.1,
    }
    runs = [
        _run(10_000, 100.0, 10.0),
        _run(
            100_000,
            120.0,
            60.0,
            validate={"wall_seconds": 60.0, "share_of_build": 0.5},
            incremental=incremental,
        ),
    ]
    goals = {goal["goal"]: goal for goal in bench_build.evaluate_goals(runs)}
    assert goals["full build <= 3x the floor"]["status"] == "met"
    assert "at 100,000: 120.0 s / 60.0 s = 2.0x (CPU" in goals["full build <= 3x the floor"]["text"]
    assert goals["validation <= 25% of the build"]["status"] == "missed"
    assert goals["2% run / 1% run between 1.5 and 2.5"]["status"] == "missed"
    assert "slow 9.0 s" in goals["2% run / 1% run between 1.5 and 2.5"]["text"]
    # A 2%/1% ratio in the band says nothing when the 1% run rebuilt everything.
    incremental["one"]["share_of_full"] = 0.9
    incremental["two"]["wall_seconds"], incremental["two_over_one"] = 100.0, 2.0
    goals = {goal["goal"]: goal for goal in bench_build.evaluate_goals(runs)}
    growth = goals["2% run / 1% run between 1.5 and 2.5"]
    assert growth["status"] == "missed" and "rebuild rather than add" in growth["text"]
    incremental["one"]["share_of_full"] = 0.04
    goals = {goal["goal"]: goal for goal in bench_build.evaluate_goals(runs)}
    assert goals["2% run / 1% run between 1.5 and 2.5"]["status"] == "met"
    assert goals["dbt overhead <= 1.1x"]["status"] == "not measured"
    assert goals["1M / 100k build time <= 12x"]["status"] == "not measured"

    only_small = {goal["goal"]: goal for goal in bench_build.evaluate_goals(runs[:1])}
    floor = only_small["full build <= 3x the floor"]
    assert floor["status"] == "missed"
    assert "goal is set at 100,000" in floor["text"] and "slow 9.0 s" in floor["text"]


def test_a_checkpoint_writes_the_steps_measured_so_far(tmp_path: Path) -> None:
    args = argparse.Namespace(days=365, seed=42, output=tmp_path / "build.json")
    bench = bench_build.Bench(args, tmp_path)
    bench.runs.append(_run(100_000, 120.0, 60.0))
    bench.checkpoint({"customers": 1_000_000, "days": 365, "failures": [], "floor": {}})

    report = json.loads(args.output.read_text(encoding="utf-8"))
    assert report["complete"] is False
    assert [run["customers"] for run in report["runs"]] == [100_000, 1_000_000]
    goals = {goal["goal"]: goal["status"] for goal in report["goals"]}
    assert goals["1M / 100k build time <= 12x"] == "not measured"


def test_a_failed_build_is_no_build_time() -> None:
    failed = _run(1_000_000, 167.0, 295.0)
    failed["full_build"].update(returncode=1, memory_limit="4GB")
    failed["failures"] = ["full build: exit code 1 after 167 s"]
    runs = [_run(100_000, 275.0, 29.0), failed]

    goals = {goal["goal"]: goal for goal in bench_build.evaluate_goals(runs)}
    assert goals["1M / 100k build time <= 12x"]["status"] == "not measured"
    out_of_core = goals["1M: no OOM with 4GB, at most 2x the time with 16GB"]
    assert out_of_core["status"] == "missed" and "exit code 1" in out_of_core["text"]
    assert "failed" in bench_build.table(runs, list(goals.values())).splitlines()[3]


def test_a_failed_build_says_what_each_failed_node_ran_out_of() -> None:
    results = {
        "results": [
            {"unique_id": "model.p.fine", "status": "success", "message": "OK"},
            {
                "unique_id": "model.p.big",
                "status": "error",
                "message": "Runtime Error in model big (models/big.sql)\n"
                '  IO Error: Could not write file "x.tmp": No space left on device\n',
            },
            {
                "unique_id": "test.p.unique_big_id",
                "status": "error",
                "message": "Out of Memory Error",
            },
        ]
    }
    causes = bench_build.failure_causes(results)
    assert causes == [
        'big: IO Error: Could not write file "x.tmp": No space left on device',
        "unique_big_id: Out of Memory Error",
    ]
    failed = _run(1_000_000, 167.0, 295.0)
    failed["out_of_core"] = {
        "builds": {
            "4GB": {"wall_seconds": 167.0, "returncode": 1, "errors": causes},
            "16GB": {"wall_seconds": 100.0, "returncode": 0, "peak_rss_mb": 9000},
        }
    }
    goals = {goal["goal"]: goal for goal in bench_build.evaluate_goals([failed])}
    text = goals["1M: no OOM with 4GB, at most 2x the time with 16GB"]["text"]
    assert "No space left on device" in text


def test_a_scale_stops_before_its_builds_when_the_disk_cannot_hold_them(tmp_path: Path) -> None:
    landing = tmp_path / "landing" / "shop" / "events" / "dt=2025-01-01"
    landing.mkdir(parents=True)
    (landing / "part-0.parquet").write_bytes(b"x" * 1000)
    free = shutil.disk_usage(tmp_path).free
    assert bench_build.disk_shortfall(tmp_path / "landing", tmp_path, 0) is None
    assert bench_build.disk_shortfall(tmp_path / "landing", tmp_path, free / 2000) is None
    shortfall = bench_build.disk_shortfall(tmp_path / "landing", tmp_path, free / 500)
    assert shortfall and f" GB free in {tmp_path}, a full build needs about " in shortfall
    assert "of landing data" in shortfall and "--disk-factor 0" in shortfall


def test_harness_measures_the_whole_process_tree_and_stops_it_on_timeout(tmp_path: Path) -> None:
    # The child only waits; its own child holds ~200 MB for a while.
    grandchild = "b = b'x' * (200 * 1024 * 1024); import time; time.sleep(1.5)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    measured = harness.run([sys.executable, "-c", child])
    assert measured.ok
    assert measured.peak_rss_mb >= 150

    stopped = harness.run(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        stdout=tmp_path / "out.txt",
        timeout=0.5,
    )
    assert stopped.timed_out and not stopped.ok


@pytest.mark.dbt
def test_bench_build_end_to_end_writes_the_table_the_json_and_every_goal(tmp_path: Path) -> None:
    output = tmp_path / "build.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "bench" / "bench_build.py"),
            "--scales",
            "200",
            "--days",
            "7",
            "--repeat",
            "1",
            "--skip-incremental",
            "--reuse",
            str(tmp_path / "bench"),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(output.read_text(encoding="utf-8"))
    (run,) = report["runs"]
    assert run["customers"] == 200 and run["failures"] == []
    for step in ("generate", "fixed_cost", "full_build", "floor", "validate", "overhead"):
        assert step in run, step
    assert run["generate"]["rows"] > 0
    assert run["full_build"]["models_top"] and len(run["full_build"]["models_top"]) <= 10
    kinds = run["full_build"]["seconds_by_kind"]
    assert kinds["model"] > 0 and kinds["test"] > 0 and kinds["seed"] > 0
    assert "unit_test" not in kinds, "the bench builds as cxw run does"
    assert "  seconds per kind of node: " in completed.stdout
    assert run["overhead"]["statements"] > run["overhead"]["models"] > 0
    assert len(run["floor"]["entities"]) >= 10
    assert len(report["goals"]) == 7
    for goal in report["goals"]:
        assert goal["status"] in {"met", "missed", "not measured"}
        assert f"{goal['status']:<12} {goal['goal']}: " in completed.stdout
    assert "slowest models, full build at 200 customers:" in completed.stdout
    assert "goals (at 100,000 customers unless said):" in completed.stdout
