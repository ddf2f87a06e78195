"""Run dbt on this project and read what it left behind.

dbt runs in a child process of the same interpreter's dbt (the ``dbt`` script beside
``sys.executable``), not in-process through ``dbtRunner``:

* the settings dbt reads through ``env_var()`` (``CXW_LANDING``, ``CXW_WAREHOUSE``,
  ``CXW_THREADS``, ``CXW_MEMORY_LIMIT``) are given to the child alone, so nothing
  changes ``os.environ`` of the caller;
* dbt sets up its own logging and global flags, and ``dbtRunner`` is documented as not
  safe to call twice in one process; a child starts clean every time;
* a crash inside dbt or DuckDB ends the child, and ``cxw`` can still tell what happened.

The child dies with its parent: on Linux it asks the kernel for SIGTERM when the
``cxw`` process ends (``PR_SET_PDEATHSIG``), so a killed run leaves no dbt building
on its file; ``keep_fds`` hands it the run's lock (``cx_warehouse.runlock``), so that
until it is gone no other run starts on the same warehouse.

The price is a second or two of start-up per call, small next to a build.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cx_warehouse import cost_log
from cx_warehouse.paths import PROJECT_DIR

log = logging.getLogger(__name__)

# run_results.json statuses that make a build fail ("warn" and "skipped" do not).
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# A folder that holds a parsed project for dbt runs whose target folders start empty
# (the test suite sets it): see ``shared_parse``.
PARSE_CACHE_ENV = "CXW_DBT_PARSE_CACHE"
PARSE_FILE = "partial_parse.msgpack"


def build_args(*, full_refresh: bool = False, unit_tests: bool = False) -> list[str]:
    """``dbt build`` as ``cxw run`` runs it: every seed, model and data test, and dbt's
    unit tests only when asked. Unit tests check the models' logic on static inputs, so
    a build on new data learns nothing from them (dbt Labs recommends them in
    development and CI only): ``make gate`` and the pytest builds run them, the daily
    run saves their time (about 5 s at 100k customers)."""
    return [
        "build",
        *(["--full-refresh"] if full_refresh else []),
        *([] if unit_tests else ["--exclude-resource-type", "unit_test"]),
    ]


def dbt_command() -> list[str]:
    """The dbt executable that belongs to the running interpreter."""
    script = Path(sys.executable).parent / ("dbt.exe" if os.name == "nt" else "dbt")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "dbt.cli.main"]


def default_target_path() -> Path:
    """``DBT_TARGET_PATH`` if set (dbt's own variable), else ``<project>/target``."""
    value = os.environ.get("DBT_TARGET_PATH")
    return Path(value).expanduser().resolve() if value else PROJECT_DIR / "target"


def default_log_path() -> Path:
    """``DBT_LOG_PATH`` if set (dbt's own variable), else ``<project>/logs``."""
    value = os.environ.get("DBT_LOG_PATH")
    return Path(value).expanduser().resolve() if value else PROJECT_DIR / "logs"


@dataclass(frozen=True)
class DbtResult:
    """What one dbt invocation did."""

    args: tuple[str, ...]
    returncode: int
    target_path: Path
    log_path: Path
    failed_nodes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def reason(self) -> str:
        """A one-line account of a failure, naming the failing nodes when dbt got that far."""
        command = self.args[0] if self.args else "(no command)"
        if self.failed_nodes:
            shown = ", ".join(self.failed_nodes[:5])
            more = len(self.failed_nodes) - 5
            if more > 0:
                shown += f" and {more} more"
            count = len(self.failed_nodes)
            noun = "node" if count == 1 else "nodes"
            return f"dbt {command} failed on {count} {noun}: {shown}"
        return (
            f"dbt {command} failed (exit code {self.returncode}) before any node ran; "
            f"see {self.log_path / 'dbt.log'}"
        )


def failed_nodes(run_results: Path) -> tuple[str, ...]:
    """The unique ids of the nodes that errored or failed, from ``run_results.json``."""
    try:
        data = json.loads(run_results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(
        str(result.get("unique_id", "?"))
        for result in data.get("results", [])
        if str(result.get("status", "")).lower() in FAILED_STATUSES
    )


def run_dbt(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    project_dir: Path = PROJECT_DIR,
    target_path: Path | None = None,
    log_path: Path | None = None,
    capture: bool = False,
    keep_fds: Sequence[int] = (),
) -> DbtResult:
    """Run ``dbt <args>`` on the project and report how it went.

    ``env`` is laid over the current environment for the child only. dbt's console
    output goes to our stdout (its stderr too, so that a failing build leaves our
    stderr to the one-line reason), or is swallowed with ``capture=True``; the full
    log is always in ``<log_path>/dbt.log``. ``keep_fds`` are file descriptors the
    child inherits (the run's lock).
    """
    target_path = (target_path or default_target_path()).resolve()
    log_path = (log_path or default_log_path()).resolve()
    child_env = dict(os.environ)
    child_env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    if not sys.stdout.isatty():
        # No colour codes in CI logs or files.
        child_env.setdefault("DBT_USE_COLORS", "False")
    child_env.update(env or {})
    # cxw builds the prod target (the warehouse it publishes) unless told otherwise;
    # the project's dbt-duckdb plugin refuses prod to a dbt that cxw did not start.
    child_env["CXW_RUNNER"] = "cxw"
    target = [] if "--target" in args or args[:1] == ["deps"] else ["--target", "prod"]
    cache = child_env.get(PARSE_CACHE_ENV, "")
    if cache:
        shared = shared_parse(Path(cache), project_dir, [*args, *target])
        _seed_parse(shared, target_path)
    executable = [sys.executable, "-m", "cx_warehouse.dbt_shared_parse"] if cache else dbt_command()
    command = [
        *executable,
        *args,
        *target,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(log_path),
    ]
    run_results = target_path / "run_results.json"
    # A stale file from an earlier run must never be read as this run's results.
    run_results.unlink(missing_ok=True)
    log.info("running dbt %s", " ".join(args))
    log.debug("command: %s", command)
    selected = any(arg in ("--select", "-s") for arg in args)
    with cost_log.timed("dbt", command=args[0] if args else "", select=selected):
        completed = subprocess.run(
            command,
            cwd=project_dir,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if capture else None,
            stderr=subprocess.DEVNULL if capture else subprocess.STDOUT,
            check=False,
            pass_fds=tuple(keep_fds),
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    if cache:
        _keep_parse(target_path, shared)
    failed = failed_nodes(run_results) if completed.returncode else ()
    return DbtResult(
        args=tuple(args),
        returncode=completed.returncode,
        target_path=target_path,
        log_path=log_path,
        failed_nodes=failed,
    )


def shared_parse(cache: Path, project_dir: Path, args: Sequence[str]) -> Path:
    """Where the shared parse of ``project_dir`` for the ``--target`` in ``args`` is
    kept under ``cache`` (``CXW_DBT_PARSE_CACHE``).

    Each dbt run of the test suite has a target folder of its own, so dbt parsed the
    whole project on every one of them. With ``CXW_DBT_PARSE_CACHE`` set, a run whose
    target folder holds no parse starts from the first parse kept for its project and
    target, and dbt checks, as it always does, whether it may reuse it (files, vars,
    profile, dbt's version); dbt runs through ``cx_warehouse.dbt_shared_parse``, whose
    check ignores where the warehouse file lies. A parse is kept per project folder
    (a parse names its files by their absolute path) and per target."""
    target = args[args.index("--target") + 1] if "--target" in args[:-1] else ""
    key = f"{project_dir.resolve()}|{target}"
    return cache / hashlib.sha256(key.encode()).hexdigest()[:16] / PARSE_FILE


def _seed_parse(shared: Path, target_path: Path) -> None:
    """Copy the shared parse into a target folder that has none."""
    own = target_path / PARSE_FILE
    if shared.is_file() and not own.exists():
        own.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared, own)


def _keep_parse(target_path: Path, shared: Path) -> None:
    """Keep a run's parse as the shared one when there is none yet (written under a
    temporary name and renamed, so that no run reads half a file)."""
    own = target_path / PARSE_FILE
    if shared.exists() or not own.is_file():
        return
    shared.parent.mkdir(parents=True, exist_ok=True)
    partial = shared.with_name(f"{shared.name}.{os.getpid()}.tmp")
    shutil.copyfile(own, partial)
    os.replace(partial, shared)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent ends (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def needs_deps(project_dir: Path = PROJECT_DIR) -> bool:
    """True when the project declares dbt packages that are not installed yet."""
    declared = any((project_dir / name).is_file() for name in ("packages.yml", "dependencies.yml"))
    return declared and not (project_dir / "dbt_packages").is_dir()
