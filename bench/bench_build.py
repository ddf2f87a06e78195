"""Benchmark the dbt build against what the data itself costs (a script, not a test).

    python bench/bench_build.py                          # 10k and 100k customers x 365 days
    python bench/bench_build.py --scales 10000 --reuse /tmp/bench
    python bench/bench_build.py --include-1m --light-above 100000 --out-of-core

Per scale, side by side in one run, each step a child process measured by
bench/harness.py (wall, CPU, peak RSS of its process tree):

* generate: ``days + 2k`` days of landing data once (k = 1 % of the days, at least 1),
  rows/s; the builds read the first ``days`` days' folders (hard links);
* fixed cost: ``dbt build`` with nothing selected (median of 3; also warms partial parse);
* full build: ``dbt build`` as ``cxw run`` runs it (seeds, models, data tests; dbt's
  unit tests are for development and CI) into an empty file, and the 10 slowest models
  from run_results.json;
* floor: one DuckDB process with the profile's settings that reads every landing
  entity once with the sources' own readers and writes it once (``create table as``),
  plus one window pass over the web events (median of 3);
* dbt overhead: ``dbt build --resource-type model --full-refresh`` (warm partial
  parse) / every statement it sent for the models (from its JSON log) replayed in
  one DuckDB connection with the same settings;
* validation: ``cxw validate`` on the full build;
* incremental: ``dbt build`` (no --full-refresh) on a copy of the full build's
  warehouse, after k more days' folders landed, then after 2k (the copy is not timed;
  this is the build step of ``cxw run``, without its validation and publishing);
* disk: a scale stops before its builds unless ``--disk-factor`` (8) x its landing
  data is free where it builds;
* out of core (``--out-of-core``): the largest scale's full build with memory_limit
  4GB and 16GB (at a light scale the first build's warehouse is deleted first: nothing
  reads it again, and at 1M two of them need ~60 GB of disk).

Prints a table and one line per goal (met / missed / not measured), and writes
bench/results/build.json, also after every step (``"complete": false`` until the end),
so that a run stopped midway keeps what it measured. The memory limit comes from
CXW_MEMORY_LIMIT (profiles.yml; 4GB when unset), the dbt threads from CXW_THREADS.
Every build runs with an erasure key (CXW_ERASURE_KEY, as a daily job should: the
incremental runs then search held raw lines for newly erased identifiers only); a
random one when the environment has none.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import bench_generate
import harness
import yaml

from cx_warehouse.dbt import FAILED_STATUSES, build_args, dbt_command
from cx_warehouse.duckdb_plugin import ERASURE_KEY

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results" / "build.json"
START = date(2025, 1, 1)
GOAL_SCALE = 100_000
LARGE_SCALE = 1_000_000
DEFAULT_MEMORY_LIMIT = "4GB"  # profiles.yml's default for CXW_MEMORY_LIMIT
DEFAULT_THREADS = 1  # profiles.yml's default for CXW_THREADS
OUT_OF_CORE_LIMITS = ("4GB", "16GB")
# Free disk a full build needs, as a multiple of its landing data: the 1M build
# (8.1 GB of landing files) filled 64 GB with its warehouse and spill files and failed.
DISK_FACTOR = 8.0
DAY_FOLDER = re.compile(r"^dt=(\d{4}-\d{2}-\d{2})$")
WINDOW_PASS = (
    "create table floor_events_window as select *, "
    "lag(occurred_at) over w as previous_occurred_at, row_number() over w as event_number "
    "from shop__events window w as (partition by anonymous_id order by occurred_at)"
)
DBT_ENV = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DBT_USE_COLORS": "False"}


class StepFailed(Exception):
    """A measured step did not finish; what was measured before it is still reported."""


# --------------------------------------------------------------------------- pure parts


def extra_days(days: int) -> tuple[int, int]:
    """Days of new data for the ~1 % and ~2 % incremental runs."""
    one = max(1, round(days / 100))
    return one, 2 * one


def link_landing(source: Path, target: Path, last_day: date) -> int:
    """Hard-link ``source`` into a fresh ``target``, leaving out day folders after ``last_day``.

    Reference files (no ``dt=`` folder) are always linked. Copies when linking is
    impossible (another file system). Returns the number of files.
    """
    if target.exists():
        shutil.rmtree(target)
    count = 0
    for folder, dirs, files in os.walk(source):
        dirs[:] = [
            name
            for name in sorted(dirs)
            if not (match := DAY_FOLDER.match(name)) or date.fromisoformat(match[1]) <= last_day
        ]
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(folder) / name, into / name)
            except OSError:
                shutil.copy2(Path(folder) / name, into / name)
            count += 1
    return count


def disk_shortfall(landing: Path, folder: Path, factor: float) -> str | None:
    """Why a full build from ``landing`` into ``folder`` would fill the disk; None if
    ``folder``'s file system has ``factor`` x the landing files' size free."""
    landing_bytes = sum(path.stat().st_size for path in landing.rglob("*") if path.is_file())
    needed = factor * landing_bytes
    free = shutil.disk_usage(folder).free
    if free >= needed:
        return None
    return (
        f"{free / 1e9:.1f} GB free in {folder}, a full build needs about {needed / 1e9:.1f} GB "
        f"({factor:g} x the {landing_bytes / 1e9:.1f} GB of landing data for its warehouse "
        "and spill files; --disk-factor 0 skips this check)"
    )


def landing_entities(project: Path, landing: Path) -> dict[str, str]:
    """``<source>__<table>`` -> the relation the dbt source reads, for every landing table.

    Read from the sources' YAML the way dbt-duckdb does: a table's
    ``external_location`` wins over its source's, ``{name}`` is the table name and
    ``__LANDING__`` the landing folder (macros/resolve_landing.sql).
    """
    entities = {}
    landing_sql = str(landing).replace("'", "''")
    for path in sorted(project.glob("models/staging/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("sources", []):
            default = (source.get("config") or {}).get("external_location")
            for table in source.get("tables", []):
                location = (table.get("config") or {}).get("external_location", default)
                if not location:
                    continue
                relation = location.replace("{name}", table["name"])
                relation = relation.replace("__LANDING__", landing_sql)
                entities[f"{source['name']}__{table['name']}"] = relation
    return entities


def model_times(run_results: dict) -> list[dict]:
    """Models from run_results.json, slowest first."""
    models = [
        {
            "model": result["unique_id"].split(".")[-1],
            "seconds": round(result.get("execution_time") or 0.0, 3),
            "status": result.get("status"),
        }
        for result in run_results.get("results", [])
        if result.get("unique_id", "").startswith("model.")
    ]
    return sorted(models, key=lambda model: model["seconds"], reverse=True)


def seconds_by_kind(run_results: dict) -> dict[str, float]:
    """Execution seconds of run_results.json added up per kind of node (model, test,
    seed, unit_test, ...): what a build spends where, beside dbt's own start-up."""
    kinds: dict[str, float] = {}
    for result in run_results.get("results", []):
        kind = result.get("unique_id", "").split(".")[0]
        kinds[kind] = kinds.get(kind, 0.0) + (result.get("execution_time") or 0.0)
    return {kind: round(seconds, 3) for kind, seconds in sorted(kinds.items())}


def failure_causes(run_results: dict) -> list[str]:
    """Each failed node of run_results.json with the first line of its error, e.g.
    `int_x: Out of Memory Error: ...` or `... No space left on device`: an exit code
    alone does not tell memory from disk."""
    causes = []
    for result in run_results.get("results", []):
        if str(result.get("status", "")).lower() not in FAILED_STATUSES:
            continue
        lines = [line.strip() for line in (result.get("message") or "").splitlines()]
        first = next((line for line in lines if line and not line.startswith("Runtime Error")), "")
        causes.append(f"{result.get('unique_id', '').split('.')[-1]}: {first[:160]}")
    return causes


def models_from_log(log_lines) -> tuple[list[dict], list[str]]:
    """From dbt's JSON log: the models that finished, slowest first, and those still running."""
    finished, started = {}, {}
    for line in log_lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        name = event.get("info", {}).get("name")
        data = event.get("data", {})
        node = (data.get("node_info") or {}).get("unique_id", "")
        if not node.startswith("model."):
            continue
        if name == "NodeStart":
            started[node] = event["info"].get("ts", "")
        elif name == "NodeFinished":
            run_result = data.get("run_result") or {}
            finished[node] = {
                "model": node.split(".")[-1],
                "seconds": round(run_result.get("execution_time") or 0.0, 3),
                "status": run_result.get("status"),
            }
    running = [
        f"{node.split('.')[-1]} (since {ts[11:19]})"
        for node, ts in started.items()
        if node not in finished
    ]
    models = sorted(finished.values(), key=lambda model: model["seconds"], reverse=True)
    return models, running


def replay_queries(log_lines, run_results: dict) -> list[str]:
    """Every statement dbt sent for each model, from its JSON log, model after model.

    The statements come from the ``SQLQuery`` events of ``dbt.log`` written with
    ``--log-format-file json``: the materialization (into ``<model>__dbt_tmp``, then
    the swap) and whatever a model's macros ran through ``run_query``, BEGIN and
    COMMIT included. Models come in the order dbt finished them: a model starts only
    after its parents finished, so that order is a valid one to run them one by one.
    """
    by_node: dict[str, list[str]] = {}
    for line in log_lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("info", {}).get("name") != "SQLQuery":
            continue
        data = event.get("data", {})
        node = (data.get("node_info") or {}).get("unique_id", "")
        if node.startswith("model."):
            by_node.setdefault(node, []).append(data["sql"])
    statements = []
    for result in run_results.get("results", []):
        statements += by_node.get(result.get("unique_id", ""), [])
    return statements


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _scale_for(runs: list[dict], wanted: int, has) -> dict | None:
    """The run at ``wanted`` customers if it has the figure, else the largest that has it."""
    candidates = [run for run in runs if has(run)]
    exact = [run for run in candidates if run["customers"] == wanted]
    if exact:
        return exact[0]
    return max(candidates, key=lambda run: run["customers"], default=None)


def _where(run: dict, wanted: int) -> str:
    if run["customers"] == wanted:
        return f"at {run['customers']:,}"
    return f"at {run['customers']:,} (the goal is set at {wanted:,}, not measured)"


def _top(models: list[dict], count: int = 3) -> str:
    return ", ".join(f"{model['model']} {model['seconds']:.1f} s" for model in models[:count])


def _figure(run: dict, *keys: str) -> float | None:
    value = run
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _passed(build: dict | None) -> bool:
    """A full build that finished (a failed one's time measures nothing)."""
    return (
        bool(build and build.get("wall_seconds"))
        and build.get("returncode", 0) == 0
        and (not build.get("timed_out"))
    )


def _line(goal: str, status: str, text: str) -> dict:
    return {"goal": goal, "status": status, "text": text}


def _cpu(numerator: dict, denominators: list[dict]) -> str:
    """The same ratio in CPU seconds (steadier than wall time on a busy machine)."""
    denominator = harness.median([run["cpu_seconds"] for run in denominators])
    if not denominator:
        return ""
    cpu = numerator["cpu_seconds"]
    return f" (CPU {cpu:.1f} s / {denominator:.1f} s = {cpu / denominator:.2f}x)"


def _floor_goal(run: dict) -> tuple[bool, str, list[dict]]:
    build, floor = run["full_build"]["wall_seconds"], run["floor"]["median_seconds"]
    cpu = _cpu(run["full_build"], run["floor"]["runs"])
    text = f"{build:.1f} s / {floor:.1f} s = {build / floor:.1f}x{cpu}"
    return build / floor <= 3, text, run["full_build"]["models_top"]


def _overhead_goal(run: dict) -> tuple[bool, str, list[dict]]:
    overhead = run["overhead"]
    text = (
        f"dbt {overhead['dbt_seconds']:.1f} s / replay {overhead['replay_seconds']:.1f} s = "
        f"{overhead['ratio']:.2f}x{_cpu(overhead['dbt'], [overhead['replay']])}; "
        f"fixed cost {run['fixed_cost']['median_seconds']:.1f} s"
    )
    return overhead["ratio"] <= 1.1, text, []


def _incremental_goal(run: dict) -> tuple[bool, str, list[dict]]:
    one = run["incremental"]["one"]
    text = (
        f"{one['wall_seconds']:.1f} s / {run['full_build']['wall_seconds']:.1f} s = "
        f"{one['share_of_full']:.0%} ({run['incremental']['incremental_models']} "
        "incremental models)"
    )
    return one["share_of_full"] <= 0.05, text, one["models_top"]


def _growth_goal(run: dict) -> tuple[bool, str, list[dict]]:
    incremental = run["incremental"]
    one, two = incremental["one"]["wall_seconds"], incremental["two"]["wall_seconds"]
    text = f"2% run {two:.1f} s / 1% run {one:.1f} s = {incremental['two_over_one']:.2f}"
    rebuilt = incremental["one"]["share_of_full"] > 0.5
    if rebuilt:  # both runs cost about a full build: their ratio is noise, not growth
        text += (
            f", but the 1% run took {incremental['one']['share_of_full']:.0%} of the full "
            "build: the runs rebuild rather than add"
        )
    met = 1.5 <= incremental["two_over_one"] <= 2.5 and not rebuilt
    return met, text, incremental["two"]["models_top"]


def _validate_goal(run: dict) -> tuple[bool, str, list[dict]]:
    validate = run["validate"]
    text = (
        f"{validate['wall_seconds']:.1f} s / {run['full_build']['wall_seconds']:.1f} s = "
        f"{validate['share_of_build']:.0%}"
    )
    return validate["share_of_build"] <= 0.25, text, []


# name, the figure a run needs, how to judge it, what to say when no run has it
SCALE_GOALS = (
    (
        "full build <= 3x the floor",
        ("floor", "median_seconds"),
        _floor_goal,
        "no scale with both a full build and a floor",
    ),
    ("dbt overhead <= 1.1x", ("overhead", "ratio"), _overhead_goal, "no overhead measured"),
    (
        "1% incremental <= 5% of the full build",
        ("incremental", "one", "share_of_full"),
        _incremental_goal,
        "no incremental runs",
    ),
    (
        "2% run / 1% run between 1.5 and 2.5",
        ("incremental", "two_over_one"),
        _growth_goal,
        "no incremental runs",
    ),
    (
        "validation <= 25% of the build",
        ("validate", "share_of_build"),
        _validate_goal,
        "no validation run",
    ),
)


def evaluate_goals(runs: list[dict]) -> list[dict]:
    """One entry per goal of the issue: met, missed or not measured, with the figures."""
    goals = []
    for name, figure, judge, missing in SCALE_GOALS:
        run = _scale_for(
            runs,
            GOAL_SCALE,
            lambda r, figure=figure: (
                _figure(r, *figure) is not None and _passed(r.get("full_build"))
            ),
        )
        if run is None:
            goals.append(_line(name, "not measured", missing))
            continue
        met, text, models = judge(run)
        text = f"{_where(run, GOAL_SCALE)}: {text}"
        if not met and models:
            text += f"; slowest models: {_top(models)}"
        goals.append(_line(name, "met" if met else "missed", text))

    builds = {
        run["customers"]: run["full_build"]["wall_seconds"]
        for run in runs
        if _passed(run.get("full_build"))
    }
    name = "1M / 100k build time <= 12x"
    if LARGE_SCALE in builds and GOAL_SCALE in builds:
        value = builds[LARGE_SCALE] / builds[GOAL_SCALE]
        large = next(run for run in runs if run["customers"] == LARGE_SCALE)
        text = f"{builds[LARGE_SCALE]:.0f} s / {builds[GOAL_SCALE]:.0f} s = {value:.1f}x"
        if value > 12:
            text += f"; slowest models at 1M: {_top(large['full_build']['models_top'])}"
        goals.append(_line(name, "met" if value <= 12 else "missed", text))
    else:
        measured = ", ".join(f"{scale:,}" for scale in sorted(builds)) or "none"
        goals.append(_line(name, "not measured", f"full builds measured at: {measured}"))

    name = "1M: no OOM with 4GB, at most 2x the time with 16GB"
    large = next((run for run in runs if run["customers"] == LARGE_SCALE), None)
    builds_by_limit = (large or {}).get("out_of_core", {}).get("builds", {})
    if set(OUT_OF_CORE_LIMITS) <= set(builds_by_limit):
        small, big = (builds_by_limit[limit] for limit in OUT_OF_CORE_LIMITS)
        if small["returncode"] != 0 or small.get("timed_out"):
            status, text = "missed", f"the 4GB build failed (exit code {small['returncode']})"
            if small.get("errors"):
                text += f": {small['errors'][0]}"
        else:
            value = small["wall_seconds"] / big["wall_seconds"]
            status = "met" if value <= 2 else "missed"
            text = (
                f"4GB {small['wall_seconds']:.0f} s (peak {small['peak_rss_mb']:,} MB) / "
                f"16GB {big['wall_seconds']:.0f} s (peak {big['peak_rss_mb']:,} MB) = {value:.2f}x"
            )
        goals.append(_line(name, status, text))
    elif (
        large
        and large.get("full_build", {}).get("memory_limit") == OUT_OF_CORE_LIMITS[0]
        and (not _passed(large["full_build"]))
    ):
        why = (large["failures"] or ["see its log"])[0]
        text = f"the {OUT_OF_CORE_LIMITS[0]} build failed: {why}"
        goals.append(_line(name, "missed", text))
    else:
        goals.append(_line(name, "not measured", "run with --include-1m --out-of-core"))
    return goals


def _cell(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _kinds(build: dict) -> str:
    """A build's seconds per kind of node, as one line's text."""
    kinds = build.get("seconds_by_kind") or {}
    return ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in kinds.items())


def table(runs: list[dict], goals: list[dict]) -> str:
    header = (
        f"{'customers':>10} {'gen rows/s':>10} {'build s':>8} {'peak MB':>8} {'floor s':>8} "
        f"{'x floor':>7} {'fixed s':>7} {'dbt/sql':>7} {'valid.':>6} {'inc 1%':>6} {'2%/1%':>6}"
    )
    lines = [header, "-" * len(header)]
    for run in runs:
        build = run.get("full_build") or {}
        seconds = build.get("wall_seconds") if _passed(build) else None
        floor_ratio = ratio(seconds, _figure(run, "floor", "median_seconds"))
        lines.append(
            f"{run['customers']:>10,} "
            f"{_cell(_figure(run, 'generate', 'rows_per_second'), ',.0f'):>10} "
            f"{_cell(seconds, '.1f') if seconds or not build else 'failed':>8} "
            f"{_cell(build.get('peak_rss_mb'), ',.0f'):>8} "
            f"{_cell(_figure(run, 'floor', 'median_seconds'), '.1f'):>8} "
            f"{_cell(floor_ratio, '.1f'):>7} "
            f"{_cell(_figure(run, 'fixed_cost', 'median_seconds'), '.1f'):>7} "
            f"{_cell(_figure(run, 'overhead', 'ratio'), '.2f'):>7} "
            f"{_cell(_figure(run, 'validate', 'share_of_build'), '.0%'):>6} "
            f"{_cell(_figure(run, 'incremental', 'one', 'share_of_full'), '.0%'):>6} "
            f"{_cell(_figure(run, 'incremental', 'two_over_one'), '.2f'):>6}"
        )
    for run in runs:
        models = (run.get("full_build") or {}).get("models_top") or []
        if models:
            failed = "" if _passed(run.get("full_build")) else " (failed)"
            lines.append(f"\nslowest models, full build at {run['customers']:,} customers{failed}:")
            lines += [f"  {model['seconds']:>8.1f} s  {model['model']}" for model in models]
            lines.append(f"  seconds per kind of node: {_kinds(run['full_build'])}")
        incremental = run.get("incremental") or {}
        if incremental.get("one"):
            lines.append(
                f"incremental at {run['customers']:,}: {incremental['method']}; "
                f"+{incremental['one']['days']} days {incremental['one']['wall_seconds']:.1f} s, "
                f"+{incremental['two']['days']} days {incremental['two']['wall_seconds']:.1f} s "
                f"({incremental['incremental_models']} incremental models)"
            )
            for key in ("one", "two"):
                lines.append(
                    f"  +{incremental[key]['days']} days, seconds per kind of node: "
                    f"{_kinds(incremental[key])}"
                )
        for limit, build in (run.get("out_of_core") or {}).get("builds", {}).items():
            lines.append(
                f"out of core at {run['customers']:,}, memory_limit {limit}: "
                f"{build['wall_seconds']:.1f} s, peak {build['peak_rss_mb']:,} MB, "
                f"exit code {build['returncode']}"
                + (f", {build['errors'][0]}" if build.get("errors") else "")
            )
        for failure in run.get("failures", []):
            lines.append(f"failed at {run['customers']:,}: {failure}")
    lines.append("\ngoals (at 100,000 customers unless said):")
    lines += [f"  {goal['status']:<12} {goal['goal']}: {goal['text']}" for goal in goals]
    return "\n".join(lines)


# --------------------------------------------------------------------------- children


def duckdb_settings(profiles: Path, env: dict[str, str]) -> list[str]:
    """The DuckDB options of profiles.yml's prod output (what cxw run builds), as SET
    statements.

    Both ``config_options`` and ``settings`` are read, their Jinja rendered with
    ``env_var()`` over ``env`` laid on the environment, as dbt would for a build
    with that environment: the floor and the replay run with what dbt runs with.
    """
    import jinja2

    variables = {**os.environ, **env}

    def env_var(name: str, default: str | None = None) -> str:
        if name in variables:
            return variables[name]
        if default is None:
            raise KeyError(f"profiles.yml needs {name}")
        return default

    output = yaml.safe_load(profiles.read_text(encoding="utf-8"))["cx_warehouse"]["outputs"]["prod"]
    options = {**(output.get("config_options") or {}), **(output.get("settings") or {})}
    statements = []
    for key, value in options.items():
        text = jinja2.Environment().from_string(str(value)).render(env_var=env_var)
        statements.append(f"set {key} = '{text.replace(chr(39), chr(39) * 2)}'")
    return statements


def floor_child(spec_file: Path) -> None:
    """Run in a child: read every landing entity once, write it once, one window pass."""
    import duckdb

    from cx_warehouse.duckdb_plugin import Plugin

    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    connection = duckdb.connect(spec["database"])
    # the functions dbt's connection has (profiles.yml's plugin)
    Plugin(name="cx_warehouse", plugin_config={}).configure_connection(connection)
    for statement in spec["settings"]:
        connection.execute(statement)
    for name, relation in spec["entities"].items():
        connection.execute(f"create table {name} as select * from {relation}")
    connection.execute(WINDOW_PASS)
    connection.close()


def replay_child(spec_file: Path) -> None:
    """Run in a child: dbt's statements for the models, one after the other, in one connection."""
    import duckdb

    from cx_warehouse.duckdb_plugin import Plugin

    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    connection = duckdb.connect(spec["database"])
    # the functions dbt's connection has (profiles.yml's plugin)
    Plugin(name="cx_warehouse", plugin_config={}).configure_connection(connection)
    for statement in spec["settings"]:
        connection.execute(statement)
    for statement in spec["statements"]:
        connection.execute(statement)
    connection.close()


# --------------------------------------------------------------------------- steps


class Bench:
    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.args = args
        self.root = root
        self.memory_limit = os.environ.get("CXW_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT
        self.runs: list[dict] = []  # the scales finished

    def write_report(self, runs: list[dict], complete: bool) -> list[dict]:
        """Write the JSON report of ``runs``; its goals. Incomplete: a checkpoint."""
        goals = evaluate_goals(runs)
        report = {
            "benchmark": "build",
            "complete": complete,
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _git_commit(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "days": self.args.days,
            "seed": self.args.seed,
            "memory_limit": self.memory_limit,
            "threads": int(os.environ.get("CXW_THREADS") or DEFAULT_THREADS),
            "extra_days": list(extra_days(self.args.days)),
            "runs": runs,
            "goals": goals,
        }
        self.args.output.parent.mkdir(parents=True, exist_ok=True)
        self.args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return goals

    def checkpoint(self, run: dict) -> None:
        """After each step of a long run: the report so far, so a stopped run keeps it."""
        self.write_report([*self.runs, run], complete=False)

    def settings(self, database: Path) -> list[str]:
        """The profile's DuckDB options for a database file, as for a dbt build on it."""
        env = {"CXW_WAREHOUSE": str(database), "CXW_MEMORY_LIMIT": self.memory_limit}
        return duckdb_settings(PROJECT / "profiles.yml", env)

    def log(self, message: str) -> None:
        print(f"bench: {message}", file=sys.stderr, flush=True)

    def measure(self, command: list[str], env: dict, logfile: Path) -> harness.Measurement:
        logfile.parent.mkdir(parents=True, exist_ok=True)
        run = harness.run(command, env=env, cwd=PROJECT, stdout=logfile, timeout=self.args.timeout)
        if not run.ok:
            why = "timed out" if run.timed_out else f"exit code {run.returncode}"
            raise StepFailed(
                f"{' '.join(command[:3])} ... {why} after {run.wall_seconds:.0f} s (log {logfile})"
            )
        return run

    def dbt(
        self,
        args: list[str],
        *,
        landing: Path,
        warehouse: Path,
        target: Path,
        logfile: Path,
        memory_limit: str | None = None,
        log_path: Path | None = None,
        check: bool = True,
    ) -> tuple[harness.Measurement, dict]:
        env = {
            **DBT_ENV,
            "CXW_LANDING": str(landing),
            "CXW_WAREHOUSE": str(warehouse),
            "CXW_MEMORY_LIMIT": memory_limit or self.memory_limit,
            # the prod target, as cxw run builds it (the plugin lets cxw's runner in)
            "CXW_RUNNER": "cxw",
        }
        command = [
            *dbt_command(),
            *args,
            "--target",
            "prod",
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(target),
            "--log-path",
            str(log_path or target.parent / "logs"),
        ]
        results = target / "run_results.json"
        results.unlink(missing_ok=True)
        logfile.parent.mkdir(parents=True, exist_ok=True)
        run = harness.run(command, env=env, cwd=PROJECT, stdout=logfile, timeout=self.args.timeout)
        if check and not run.ok:
            why = "timed out" if run.timed_out else f"exit code {run.returncode}"
            raise StepFailed(
                f"dbt {' '.join(args)}: {why} after {run.wall_seconds:.0f} s (log {logfile})"
            )
        data = json.loads(results.read_text(encoding="utf-8")) if results.is_file() else {}
        return run, data

    def python_child(self, mode: str, spec: dict, spec_file: Path, logfile: Path):
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        command = [sys.executable, str(Path(__file__).resolve()), mode, str(spec_file)]
        return self.measure(command, {}, logfile)

    # ------------------------------------------------------------------ one scale

    def generate(self, customers: int, folder: Path) -> dict:
        """Generate ``days + 2k`` days into folder/gen once; reuse them when present."""
        days = self.args.days + extra_days(self.args.days)[1]
        gen = folder / "gen"
        saved = gen / "generate.json"
        if saved.is_file() and (gen / "rows.json").is_file():
            result = json.loads(saved.read_text(encoding="utf-8"))
            if result.get("days") == days and result.get("seed") == self.args.seed:
                self.log(f"reusing {gen}")
                return {**result, "reused": True}
        if gen.exists():
            shutil.rmtree(gen)
        self.log(f"generating {customers:,} customers x {days} days into {gen}")
        try:
            result = bench_generate.measure(customers, days, self.args.seed, gen, quiet=True)
        except bench_generate.BenchFailed as error:
            raise StepFailed(str(error)) from None
        result["seed"] = self.args.seed
        saved.write_text(json.dumps(result, indent=2), encoding="utf-8")
        return {**result, "reused": False}

    def floor(self, landing: Path, folder: Path) -> dict:
        entities = landing_entities(PROJECT, landing)
        seconds = []
        runs = []
        for attempt in range(self.args.repeat):
            database = folder / "floor" / "floor.duckdb"
            if database.parent.exists():
                shutil.rmtree(database.parent)
            database.parent.mkdir(parents=True)
            spec = {
                "database": str(database),
                "settings": self.settings(database),
                "entities": entities,
            }
            self.log(f"floor {attempt + 1}/{self.args.repeat}")
            run = self.python_child(
                "--floor-child", spec, folder / "floor-spec.json", folder / "logs" / "floor.txt"
            )
            runs.append(run.as_dict())
            seconds.append(run.wall_seconds)
        shutil.rmtree(folder / "floor", ignore_errors=True)
        return {
            "entities": sorted(entities),
            "runs": runs,
            "median_seconds": round(harness.median(seconds), 3),
            "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
        }

    def fixed_cost(self, landing: Path, warehouse: Path, target: Path, folder: Path) -> dict:
        """``dbt build`` with nothing selected; the first, untimed, warms partial parse."""
        seconds, runs = [], []
        for attempt in range(self.args.repeat + 1):
            run, _ = self.dbt(
                ["build", "--select", "tag:bench_selects_nothing"],
                landing=landing,
                warehouse=warehouse,
                target=target,
                logfile=folder / "logs" / "fixed-cost.txt",
            )
            if attempt:
                runs.append(run.as_dict())
                seconds.append(run.wall_seconds)
        return {"runs": runs, "median_seconds": round(harness.median(seconds), 3)}

    def full_build(
        self, landing: Path, warehouse: Path, target: Path, logfile: Path, memory_limit=None
    ) -> dict:
        for stale in warehouse.parent.glob(f"{warehouse.name}*"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        log_path = logfile.with_suffix("")  # dbt's own JSON log, for a build that is stopped
        shutil.rmtree(log_path, ignore_errors=True)
        run, results = self.dbt(
            [*build_args(), "--log-format-file", "json"],
            landing=landing,
            warehouse=warehouse,
            target=target,
            logfile=logfile,
            memory_limit=memory_limit,
            log_path=log_path,
            check=False,
        )
        result = {**run.as_dict(), "memory_limit": memory_limit or self.memory_limit}
        if results:
            models = model_times(results)
            result["errors"] = failure_causes(results)
            result["seconds_by_kind"] = seconds_by_kind(results)
        else:  # stopped before dbt wrote run_results.json: what its log says so far
            with (log_path / "dbt.log").open(encoding="utf-8") as lines:
                models, result["running_when_stopped"] = models_from_log(lines)
        result["models_total_seconds"] = round(sum(model["seconds"] for model in models), 3)
        result["models_top"] = models[:10]
        if not run.ok:
            why = "timed out" if run.timed_out else f"exit code {run.returncode}"
            running = ", ".join(result.get("running_when_stopped", []))
            errors = result.get("errors", [])
            raise StepFailed(
                f"full build: {why} after {run.wall_seconds:.0f} s"
                + (f", still running: {running}" if running else "")
                + (f"; {len(errors)} failed, first {errors[0]}" if errors else "")
                + f" (log {logfile})",
                result,
            )
        return result

    def overhead(self, landing: Path, warehouse: Path, target: Path, folder: Path) -> dict:
        """Models-only dbt build vs its own compiled SQL replayed in one connection."""
        replay_db = folder / "replay" / warehouse.name  # same file name: same catalog name
        if replay_db.parent.exists():
            shutil.rmtree(replay_db.parent)
        replay_db.parent.mkdir(parents=True)
        shutil.copyfile(warehouse, replay_db)
        self.log("dbt overhead: models-only build")
        log_path = folder / "models-only-logs"
        shutil.rmtree(log_path, ignore_errors=True)
        run, results = self.dbt(
            ["build", "--resource-type", "model", "--full-refresh", "--log-format-file", "json"],
            landing=landing,
            warehouse=warehouse,
            target=target,
            logfile=folder / "logs" / "models-only.txt",
            log_path=log_path,
        )
        with (log_path / "dbt.log").open(encoding="utf-8") as lines:
            statements = replay_queries(lines, results)
        self.log(f"dbt overhead: replaying {len(statements)} statements")
        spec = {
            "database": str(replay_db),
            "settings": self.settings(replay_db),
            "statements": statements,
        }
        replay = self.python_child(
            "--replay-child", spec, folder / "replay-spec.json", folder / "logs" / "replay.txt"
        )
        shutil.rmtree(replay_db.parent, ignore_errors=True)
        return {
            "dbt": run.as_dict(),
            "replay": replay.as_dict(),
            "models": sum(1 for result in results.get("results", [])),
            "statements": len(statements),
            "dbt_seconds": round(run.wall_seconds, 3),
            "replay_seconds": round(replay.wall_seconds, 3),
            "ratio": round(run.wall_seconds / replay.wall_seconds, 3),
        }

    def validate(self, warehouse: Path, folder: Path, build_seconds: float) -> dict:
        self.log("cxw validate")
        command = [
            sys.executable,
            "-m",
            "cx_warehouse.cli",
            "validate",
            "--warehouse",
            str(warehouse),
            "--docs",
            str(folder / "data_docs"),
        ]
        run = harness.run(
            command,
            cwd=PROJECT,
            stdout=folder / "logs" / "validate.txt",
            timeout=self.args.timeout,
        )
        if run.timed_out:
            raise StepFailed(f"cxw validate timed out after {run.wall_seconds:.0f} s")
        return {
            **run.as_dict(),
            "passed": run.returncode == 0,
            "share_of_build": round(run.wall_seconds / build_seconds, 4),
        }

    def incremental(self, gen_landing: Path, warehouse: Path, folder: Path, full: dict) -> dict:
        """k and 2k more days on a copy of the full build, each with ``dbt build``."""
        last = START + timedelta(days=self.args.days - 1)
        inc = folder / "incremental"
        landing, copy, target = inc / "landing", inc / warehouse.name, inc / "target"
        inc.mkdir(parents=True, exist_ok=True)
        result = {
            "method": "dbt build on a copy of the full build's warehouse (copy not timed), "
            "as cxw run builds, without validating and publishing",
        }
        one, two = extra_days(self.args.days)
        for key, extra in (("one", one), ("two", two)):
            link_landing(gen_landing, landing, last + timedelta(days=extra))
            for stale in inc.glob(f"{warehouse.name}*"):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
            shutil.copyfile(warehouse, copy)
            if key == "one":  # warm partial parse for this environment, untimed
                self.dbt(
                    ["build", "--select", "tag:bench_selects_nothing"],
                    landing=landing,
                    warehouse=copy,
                    target=target,
                    logfile=inc / "warm.txt",
                )
            self.log(f"incremental: +{extra} days")
            run, results = self.dbt(
                build_args(),
                landing=landing,
                warehouse=copy,
                target=target,
                logfile=folder / "logs" / f"incremental-{extra}.txt",
            )
            result[key] = {
                **run.as_dict(),
                "days": extra,
                "share_of_days": round(extra / self.args.days, 4),
                "share_of_full": round(run.wall_seconds / full["wall_seconds"], 4),
                "models_top": model_times(results)[:10],
                "seconds_by_kind": seconds_by_kind(results),
            }
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        result["incremental_models"] = sum(
            1
            for node in manifest.get("nodes", {}).values()
            if node.get("resource_type") == "model"
            and node.get("config", {}).get("materialized") == "incremental"
        )
        result["two_over_one"] = round(
            result["two"]["wall_seconds"] / result["one"]["wall_seconds"], 3
        )
        shutil.rmtree(inc, ignore_errors=True)
        return result

    def scale(self, customers: int, largest: bool) -> dict:
        folder = self.root / str(customers)
        folder.mkdir(parents=True, exist_ok=True)
        light = self.args.light_above is not None and customers > self.args.light_above
        run: dict = {"customers": customers, "days": self.args.days, "light": light, "failures": []}
        try:
            run["generate"] = self.generate(customers, folder)
            self.checkpoint(run)
            if self.args.generate_only:
                return run
            landing = folder / "landing"
            link_landing(
                folder / "gen" / "landing", landing, START + timedelta(days=self.args.days - 1)
            )
            warehouse, target = folder / "build" / "warehouse.duckdb", folder / "build" / "target"
            warehouse.parent.mkdir(parents=True, exist_ok=True)
            if shortfall := disk_shortfall(landing, warehouse.parent, self.args.disk_factor):
                raise StepFailed(f"disk: {shortfall}")
            self.log(f"{customers:,}: fixed cost")
            run["fixed_cost"] = self.fixed_cost(landing, warehouse, target, folder)
            self.checkpoint(run)
            self.log(f"{customers:,}: floor")
            run["floor"] = self.floor(landing, folder)
            self.checkpoint(run)
            self.log(f"{customers:,}: full build")
            try:
                run["full_build"] = self.full_build(
                    landing, warehouse, target, folder / "logs" / "full-build.txt"
                )
            except StepFailed as error:
                if not (self.args.out_of_core and largest):
                    raise
                # the out-of-core builds below still say how each memory limit fares
                run["full_build"] = error.args[1]
                run["failures"].append(error.args[0])
                self.log(f"{customers:,}: {error.args[0]}")
            self.checkpoint(run)
            if not light and _passed(run["full_build"]):
                run["validate"] = self.validate(
                    warehouse, folder, run["full_build"]["wall_seconds"]
                )
                self.checkpoint(run)
                if not self.args.skip_incremental:
                    run["incremental"] = self.incremental(
                        folder / "gen" / "landing", warehouse, folder, run["full_build"]
                    )
                    self.checkpoint(run)
                run["overhead"] = self.overhead(landing, warehouse, target, folder)
            if self.args.out_of_core and largest:
                if light:  # nothing reads the full build again: free its disk (~30 GB at 1M)
                    shutil.rmtree(warehouse.parent, ignore_errors=True)
                run["out_of_core"] = {"builds": {}}
                for limit in OUT_OF_CORE_LIMITS:
                    if limit == run["full_build"]["memory_limit"]:
                        build = run["full_build"]
                    else:
                        self.log(f"{customers:,}: full build with memory_limit {limit}")
                        ooc = folder / "ooc"
                        self.dbt(  # warm partial parse for this environment, untimed
                            ["build", "--select", "tag:bench_selects_nothing"],
                            landing=landing,
                            warehouse=ooc / "warehouse.duckdb",
                            target=ooc / "target",
                            logfile=folder / "logs" / "warm.txt",
                            memory_limit=limit,
                        )
                        try:
                            build = self.full_build(
                                landing,
                                ooc / "warehouse.duckdb",
                                ooc / "target",
                                folder / "logs" / f"full-build-{limit}.txt",
                                memory_limit=limit,
                            )
                        except StepFailed as error:
                            build = error.args[1]
                        shutil.rmtree(ooc, ignore_errors=True)
                    run["out_of_core"]["builds"][limit] = {
                        key: build[key]
                        for key in ("wall_seconds", "peak_rss_mb", "returncode", "timed_out")
                    }
                    if build.get("errors"):
                        run["out_of_core"]["builds"][limit]["errors"] = build["errors"]
                    self.checkpoint(run)
        except StepFailed as error:
            run["failures"].append(error.args[0])
            if len(error.args) > 1 and "full_build" not in run:
                run["full_build"] = error.args[1]
            self.log(f"{customers:,}: {error.args[0]}")
            self.checkpoint(run)
        return run


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--floor-child"]:
        floor_child(Path(argv[1]))
        return 0
    if argv[:1] == ["--replay-child"]:
        replay_child(Path(argv[1]))
        return 0

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", help="comma-separated customer counts (default 10000,100000)")
    parser.add_argument("--include-1m", action="store_true", help="also 1,000,000 customers")
    parser.add_argument("--days", type=int, default=365, help="days per scale (default 365)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="keep and reuse the data under DIR/<customers>/ (default: a tmp dir, removed)",
    )
    parser.add_argument("--generate-only", action="store_true", help="only generate (with --reuse)")
    parser.add_argument("--skip-incremental", action="store_true", help="no incremental runs")
    parser.add_argument(
        "--light-above",
        type=int,
        metavar="N",
        help="above N customers only the fixed cost, full build and floor",
    )
    parser.add_argument(
        "--out-of-core",
        action="store_true",
        help="the largest scale's full build with memory_limit 4GB and 16GB",
    )
    parser.add_argument(
        "--disk-factor",
        type=float,
        default=DISK_FACTOR,
        metavar="F",
        help=f"stop a scale before its builds unless F x its landing data is free on disk "
        f"(default {DISK_FACTOR:g}; 0 skips the check)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of the cheap steps (median)")
    parser.add_argument("--timeout", type=float, help="seconds before any one step is stopped")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON file ({RESULTS})")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    scales = (
        [int(value) for value in args.scales.split(",")] if args.scales else [10_000, GOAL_SCALE]
    )
    if args.include_1m and LARGE_SCALE not in scales:
        scales.append(LARGE_SCALE)
    root = args.reuse or Path(tempfile.mkdtemp(prefix="bench-build-"))
    root.mkdir(parents=True, exist_ok=True)
    if not os.environ.get(ERASURE_KEY):  # every child inherits it
        os.environ[ERASURE_KEY] = secrets.token_hex(32)
    bench = Bench(args, root)
    try:
        for customers in scales:
            bench.runs.append(bench.scale(customers, customers == max(scales)))
    finally:
        if args.reuse is None:
            shutil.rmtree(root, ignore_errors=True)
    runs = bench.runs
    goals = bench.write_report(runs, complete=True)
    print(table(runs, goals))
    print(f"written {args.output}")
    return 1 if any(run["failures"] for run in runs) else 0


def _git_commit() -> str | None:
    completed = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
