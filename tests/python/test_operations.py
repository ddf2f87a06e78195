"""``cxw run`` as an operator meets it: one run at a time, a success that is true, every
landed file accounted for, and errors that name what to do (docs/operations.md).

The concurrency cases run ``cxw`` as real processes; the failure paths that need a
fault (a full disk, a build file changed after validation) run in-process with dbt
replaced by a copy of a real build."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import LANDING_MIN, file_digests, published_copy, sha256

import cx_warehouse.dbt
import cx_warehouse.publish
from cx_warehouse import layers
from cx_warehouse.cli import main
from cx_warehouse.dbt import DbtResult
from cx_warehouse.publish import build_path
from cx_warehouse.runlock import lock_path

pytestmark = pytest.mark.dbt

CXW = [sys.executable, "-m", "cx_warehouse.cli"]
PII = "secret.person@example.com"


def _env(root: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CXW_LANDING": str(landing),
        "CXW_WAREHOUSE": str(root / "warehouse.duckdb"),
        "CXW_TRUTH": str(root / "truth"),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
        "CXW_THREADS": "2",
    }


def _start(root: Path, landing: Path, *args: str, name: str = "run") -> subprocess.Popen:
    """``cxw run`` as a process of its own; its output goes to <root>/<name>.out/.err."""
    return subprocess.Popen(
        [*CXW, "run", *args],
        env=_env(root, landing),
        stdin=subprocess.DEVNULL,
        stdout=(root / f"{name}.out").open("w"),
        stderr=(root / f"{name}.err").open("w"),
    )


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _logged(root: Path, name: str, text: str) -> Callable[[], bool]:
    return lambda: text in (root / f"{name}.err").read_text(encoding="utf-8", errors="replace")


def _landed_files(warehouse: Path) -> set[str]:
    with layers.connect(warehouse) as connection:
        rows = connection.execute("select distinct file_name from stg_landing__records").fetchall()
    return {row[0] for row in rows}


def _new_day(landing: Path, day: str = "2024-04-01") -> str:
    """A new day of orders, as a file name relative to the landing folder."""
    part = landing / "shop" / "orders" / f"dt={day}" / "part-00000.jsonl"
    part.parent.mkdir(parents=True, exist_ok=True)
    source = landing / "shop" / "orders" / "dt=2024-03-31" / "part-00000.jsonl"
    part.write_text(source.read_text(encoding="utf-8").replace("2024-03-31", day))
    return part.relative_to(landing).as_posix()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(LANDING_MIN, landing)
    return landing


@pytest.fixture
def in_process(tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``main([...])`` in this process on ``landing``, into ``<tmp_path>/warehouse.duckdb``."""
    for name, value in _env(tmp_path, landing).items():
        monkeypatch.setenv(name, value)
    return tmp_path / "warehouse.duckdb"


# --------------------------------------------------------------------------- one run at a time


def test_a_second_run_refuses_while_the_first_validates(tmp_path: Path, landing: Path) -> None:
    """Before: the second run replaced the first's build file with the old warehouse, and
    the first published that copy and exited 0 without the new day."""
    first = _start(tmp_path, landing, name="first")
    _wait_for(_logged(tmp_path, "first", "INFO auditing"), "the first run to validate")
    second = _start(tmp_path, landing, name="second")
    assert second.wait(timeout=60) == 1
    err = (tmp_path / "second.err").read_text(encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    assert err.strip().splitlines() == [
        f"cxw: error: another run (pid {first.pid}, started "
        + err.split("started ", 1)[1].split(")", 1)[0]
        + f") holds {warehouse}"
    ]
    assert first.wait(timeout=300) == 0, (tmp_path / "first.err").read_text()
    assert "built, validated and published" in (tmp_path / "first.out").read_text()
    assert "shop/orders/dt=2024-03-31/part-00000.jsonl" in _landed_files(warehouse)
    assert lock_path(warehouse).read_text() == "", "a clean release leaves no holder"


def test_a_run_with_wait_runs_after_the_first(tmp_path: Path, landing: Path) -> None:
    first = _start(tmp_path, landing, name="first")
    _wait_for(_logged(tmp_path, "first", "landing snapshot"), "the first run to take the lock")
    late = _new_day(landing)
    second = _start(tmp_path, landing, "--wait", "600", name="second")
    assert first.wait(timeout=300) == 0, (tmp_path / "first.err").read_text()
    assert second.wait(timeout=300) == 0, (tmp_path / "second.err").read_text()
    assert (
        f"waiting up to 600 s for another run (pid {first.pid}"
        in (tmp_path / "second.err").read_text()
    )
    assert late in _landed_files(tmp_path / "warehouse.duckdb")


def test_killing_cxw_kills_its_dbt_build(tmp_path: Path, landing: Path) -> None:
    run = _start(tmp_path, landing, name="killed")
    _wait_for(_logged(tmp_path, "killed", "running dbt build"), "dbt to start")
    children_file = Path(f"/proc/{run.pid}/task/{run.pid}/children")
    _wait_for(lambda: children_file.read_text().split() != [], "the dbt child")
    child = int(children_file.read_text().split()[0])
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    _wait_for(lambda: not Path(f"/proc/{child}").exists() or _zombie(child), "dbt to die", 30)
    # The lock died with both: it is free, and names the dead run for the next one.
    import fcntl

    with lock_path(tmp_path / "warehouse.duckdb").open("r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert json.loads(handle.read())["pid"] == run.pid


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_a_stale_lock_is_taken_over_and_a_new_day_waits_for_the_next_run(
    tmp_path: Path,
    landing: Path,
    in_process: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    warehouse = in_process
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock_path(warehouse).write_text(json.dumps({"pid": dead.pid, "started": "earlier"}))

    # A day that lands while dbt builds is not read by this run: the snapshot is fixed.
    real_run_dbt = cx_warehouse.dbt.run_dbt
    landed_during: list[str] = []

    def drop_a_day_then_build(args, **kwargs):
        if args[0] == "build":
            landed_during.append(_new_day(landing))
        return real_run_dbt(args, **kwargs)

    monkeypatch.setattr(cx_warehouse.dbt, "run_dbt", drop_a_day_then_build)
    assert main(["run"]) == 0
    err = capsys.readouterr().err
    assert f"an earlier run (pid {dead.pid}, started earlier) ended without releasing" in err
    assert landed_during[0] not in _landed_files(warehouse)

    monkeypatch.setattr(cx_warehouse.dbt, "run_dbt", real_run_dbt)
    assert main(["-q", "run"]) == 0
    assert landed_during[0] in _landed_files(warehouse), "the next run picks it up"


def test_a_live_holder_is_named(
    tmp_path: Path,
    landing: Path,
    in_process: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The lock is held by a process whose run died (the dbt child that outlived it)."""
    import fcntl

    warehouse = in_process
    path = lock_path(warehouse)
    with path.open("w") as handle:
        handle.write(json.dumps({"pid": 999_999_999, "started": "T"}))
        handle.flush()
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert main(["run"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"cxw: error: a process left by run (pid 999999999, started T) still holds {warehouse}:"
        " its dbt build is still running; wait for it to end or kill it"
    ]
    assert not warehouse.exists()


# --------------------------------------------------------------------------- landing folder


def test_no_synthetic_data_without_demo(
    tmp_path: Path,
    landing: Path,
    in_process: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: a mistyped CXW_LANDING generated 5,000 customers into the empty folder and
    published them over the real warehouse with exit 0."""
    warehouse = in_process
    assert main(["-q", "run"]) == 0
    published = sha256(warehouse)
    capsys.readouterr()

    typo = tmp_path / "landnig"
    monkeypatch.setenv("CXW_LANDING", str(typo))
    assert main(["run", "--full-refresh"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"cxw: error: CXW_LANDING {typo}: no such folder"
    ]
    typo.mkdir()
    assert main(["run", "--full-refresh"]) == 2
    assert "no files to build from" in capsys.readouterr().err
    assert main(["run", "--demo", "--full-refresh"]) == 2
    assert "synthetic data would replace it" in capsys.readouterr().err
    assert not any(typo.iterdir()), "nothing generated"
    assert sha256(warehouse) == published


def test_bad_files_are_quarantined_and_the_rest_loads(
    tmp_path: Path,
    landing: Path,
    in_process: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: one line of invalid UTF-8 (or of 5 MB) failed all ten staging models
    without naming the file and wrote the line into dbt.log; a broken Parquet file failed
    the build; a bad day folder was loaded with a null date; a CSV with its columns in
    another order was read by position, its header as a record."""
    customers = landing / "shop" / "customers" / "dt=2024-03-31" / "part-00001.jsonl"
    customers.write_bytes(
        b'{"customer_id": "C-BAD", "email": "' + PII.encode() + b'", "first_name": "Zo\xff"}\n'
        b'{"customer_id": "C-LONG", "email": "'
        + PII.encode()
        + b'", "note": "'
        + b"x" * 5_000_000
        + b'"}\n'
    )
    (landing / "shop" / "events" / "dt=2024-03-31" / "part-00009.parquet").write_bytes(b"PAR1")
    bad_day = landing / "shop" / "orders" / "dt=2025-13-45" / "part-00000.jsonl"
    bad_day.parent.mkdir()
    bad_day.write_text('{"order_id": "O-BADDAY"}\n')
    (landing / "crm").mkdir()
    (landing / "crm" / "contacts.csv").write_text("id\n1\n")
    agents = landing / "callcenter" / "agents.csv"
    rows = [line.split(",") for line in agents.read_text().splitlines()]
    agents.write_text("\n".join(",".join(reversed(row)) for row in rows) + "\n")

    assert main(["run"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "WARNING" in line and "landing file" in line]
    assert len(warnings) == 4, warnings  # bad lines, unreadable file, bad day, unknown entity
    warehouse = in_process
    with layers.connect(warehouse) as connection:
        quarantined = connection.execute(
            "select file_name, rule, line_number, is_whole_file from quality_quarantine"
            " where rule in ('invalid_encoding', 'line_too_long', 'unreadable_file')"
            " order by rule"
        ).fetchall()
        assert quarantined == [
            ("shop/customers/dt=2024-03-31/part-00001.jsonl", "invalid_encoding", 1, False),
            ("shop/customers/dt=2024-03-31/part-00001.jsonl", "line_too_long", 2, False),
            ("shop/events/dt=2024-03-31/part-00009.parquet", "unreadable_file", None, True),
        ]
        unrecognised = dict(
            connection.execute(
                "select file_name, rule from quality_landing_files where status = 'unrecognised'"
            ).fetchall()
        )
        assert unrecognised["shop/orders/dt=2025-13-45/part-00000.jsonl"] == "bad_day_folder"
        assert unrecognised["crm/contacts.csv"] == "unknown_entity"
        assert connection.execute(
            "select count(*) from stg_shop__orders where order_id = 'O-BADDAY'"
        ).fetchone() == (0,)
        agent_names = connection.execute(
            "select agent_id, agent_name from stg_callcenter__agents order by 1"
        ).fetchall()
        assert agent_names and all(agent_id.startswith("A") for agent_id, _ in agent_names)
        assert connection.execute(
            "select bool_and(is_balanced), sum(quarantined_files) from quality_reconciliation"
        ).fetchone() == (True, 1)
    for path in [*(tmp_path / "logs").rglob("*"), *(tmp_path / "target").rglob("*")]:
        if path.is_file():
            assert PII.encode() not in path.read_bytes(), path


# --------------------------------------------------------------------------- failures


@pytest.fixture
def published(
    tmp_path: Path, in_process: Path, landing_min_published: Path
) -> tuple[Path, dict[str, str]]:
    """A published warehouse of the contract example (a copy of the session's), and its
    Data Docs' digests."""
    published_copy(landing_min_published, tmp_path)
    return in_process, file_digests(tmp_path / "data_docs")


def _fake_build(
    monkeypatch: pytest.MonkeyPatch, warehouse: Path, sql: str | None = None
) -> tuple[str, Path]:
    """dbt replaced: the build file becomes a copy of the published warehouse as it is
    now (``<folder>/copy.duckdb``), changed by ``sql``. Returns the published file's
    sha256 and the copy."""
    copy = warehouse.with_name("copy.duckdb")
    shutil.copyfile(warehouse, copy)

    def build(args, *, env=None, **_kwargs) -> DbtResult:
        shutil.copyfile(copy, env["CXW_WAREHOUSE"])
        if sql:
            with layers.connect(env["CXW_WAREHOUSE"], read_only=False) as connection:
                connection.execute(sql)
        return DbtResult(tuple(args), 0, Path("target"), Path("logs"))

    monkeypatch.setattr(cx_warehouse.dbt, "run_dbt", build)
    return sha256(warehouse), copy


def test_a_failed_run_leaves_the_published_docs_alone(
    published: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: a run rewrote data_docs/ in place before it published, and a failed run
    overwrote last_validation.json."""
    warehouse, docs = published
    assert "last_validation.json" in docs and "index.html" in docs
    before, _copy = _fake_build(monkeypatch, warehouse, "delete from quality_reconciliation")
    assert main(["-q", "run"]) == 1
    assert "validation failed" in capsys.readouterr().err
    assert sha256(warehouse) == before
    assert file_digests(tmp_path / "data_docs") == docs


def test_disk_full_at_the_checkpoint_is_one_line(
    published: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: dbt said "Completed successfully", then cxw died with a traceback."""
    warehouse, _docs = published
    before, _copy = _fake_build(monkeypatch, warehouse)

    def full(_database: Path) -> None:
        raise duckdb.IOException("Could not write file: No space left on device")

    monkeypatch.setattr(cx_warehouse.publish, "_checkpoint", full)
    assert main(["-q", "run"]) == 1
    staging = build_path(warehouse)
    assert capsys.readouterr().err.strip().splitlines() == [
        "cxw: error: checkpointing the build file: disk full (Could not write file: No space "
        f"left on device); removed {staging}"
    ]
    assert not staging.exists()
    assert sha256(warehouse) == before


def test_a_build_file_changed_after_validation_is_not_published(
    published: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    warehouse, _docs = published
    before, copy = _fake_build(monkeypatch, warehouse)
    import cx_warehouse.validate

    real_validate = cx_warehouse.validate.validate_warehouse

    def validate_then_swap(database: Path, **kwargs):
        report = real_validate(database, **kwargs)
        os.replace(copy, database)  # another file put in its place
        return report

    monkeypatch.setattr(cx_warehouse.validate, "validate_warehouse", validate_then_swap)
    assert main(["-q", "run"]) == 1
    assert "changed after it was validated" in capsys.readouterr().err
    assert sha256(warehouse) == before


def test_a_quote_in_the_warehouse_name_is_refused(
    tmp_path: Path, landing: Path, in_process: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("CXW_WAREHOUSE", str(tmp_path / "o'brien.duckdb"))
    assert main(["run"]) == 2
    assert "single quote" in capsys.readouterr().err
