"""Shared fixtures: isolated data folders, a small generated dataset and dbt builds on it.

No test touches the project's own ``data/``, ``target/`` or ``logs/``: every test
runs with ``CXW_*`` and ``DBT_TARGET_PATH``/``DBT_LOG_PATH`` pointed at its own
temporary folders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from cx_warehouse.dbt import DbtResult, run_dbt
from cx_warehouse.paths import PROJECT_DIR

LANDING_MIN = PROJECT_DIR / "tests" / "fixtures" / "landing_min"
# The erasure key the test builds run with, as a daily job should (README).
ERASURE_KEY = "test-erasure-key-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dbt: runs dbt (slow); deselect with -m 'not dbt'")
    config.addinivalue_line(
        "markers", "spark: needs PySpark and Java (make setup-spark); run by make test-spark"
    )


@pytest.fixture(autouse=True)
def isolated_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every location a command could write to at this test's temporary folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("CXW_LANDING", str(data / "landing"))
    monkeypatch.setenv("CXW_TRUTH", str(data / "truth"))
    monkeypatch.setenv("CXW_WAREHOUSE", str(data / "warehouse.duckdb"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    monkeypatch.setenv("CXW_THREADS", "2")
    return data


def file_digests(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, by path relative to it."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Generated:
    landing: Path
    truth: Path
    rows: dict[str, int]


@dataclass(frozen=True)
class Build:
    result: DbtResult
    warehouse: Path


def generate_into(
    root: Path, customers: int, days: int, seed: int = 42, faults: str | None = None
) -> Generated:
    from cx_warehouse.generator import GenerateConfig, generate, parse_faults

    config = GenerateConfig(
        customers=customers,
        days=days,
        start=date(2025, 1, 1),
        seed=seed,
        landing=root / "landing",
        truth=root / "truth",
        faults=parse_faults(faults),
    )
    rows = generate(config)
    return Generated(landing=config.landing, truth=config.truth, rows=rows)


def dbt_build(landing: Path, workdir: Path, *, through_intake: bool = True) -> Build:
    """``dbt build`` on ``landing`` into a warehouse, target and logs under ``workdir``,
    through the intake as ``cxw run`` builds: dbt reads the run's snapshot of the
    landing folder (``<workdir>/landing-snapshot``), whose findings are in the file.
    ``through_intake=False`` builds as a plain dbt run does, on the landing folder."""
    from cx_warehouse import intake

    warehouse = workdir / "warehouse.duckdb"
    if through_intake:
        snapshot = intake.take_snapshot(
            landing, workdir / "landing-snapshot", intake.held_intake(warehouse)
        )
        intake.write_intake(warehouse, snapshot)
        landing = snapshot.folder
    result = run_dbt(
        ["build"],
        env={
            "CXW_LANDING": str(landing),
            "CXW_WAREHOUSE": str(warehouse),
            "CXW_THREADS": "2",
            "CXW_ERASURE_KEY": ERASURE_KEY,
        },
        target_path=workdir / "target",
        log_path=workdir / "logs",
    )
    return Build(result=result, warehouse=warehouse)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """300 customers x 30 days with every fault switched on."""
    return generate_into(tmp_path_factory.mktemp("small"), customers=300, days=30, faults="all")


@pytest.fixture(scope="session")
def small_build(small_dataset: Generated, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return dbt_build(small_dataset.landing, tmp_path_factory.mktemp("small_build"))


@pytest.fixture(scope="session")
def medium_dataset(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """5000 customers x 90 days with every fault: enough survey answers for the marts
    and several erased persons (one of them with a comment)."""
    return generate_into(tmp_path_factory.mktemp("medium"), customers=5000, days=90, faults="all")


@pytest.fixture(scope="session")
def medium_build(medium_dataset: Generated, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return dbt_build(medium_dataset.landing, tmp_path_factory.mktemp("medium_build"))


@pytest.fixture(scope="session")
def landing_min_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return dbt_build(LANDING_MIN, tmp_path_factory.mktemp("landing_min_build"))
