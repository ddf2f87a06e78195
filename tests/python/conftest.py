"""Shared fixtures: isolated data folders, a small generated dataset and dbt builds on it.

No test touches the project's own ``data/``, ``target/`` or ``logs/``: every test
runs with ``CXW_*`` and ``DBT_TARGET_PATH``/``DBT_LOG_PATH`` pointed at its own
temporary folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml

from cx_warehouse import cost_log
from cx_warehouse.cost_log import COST_LOG_ENV, COST_WHERE_ENV
from cx_warehouse.dbt import PARSE_CACHE_ENV, DbtResult, build_args, run_dbt
from cx_warehouse.paths import PROJECT_DIR

LANDING_MIN = PROJECT_DIR / "tests" / "fixtures" / "landing_min"
# Hand-made connector tables, one case of each quirk: <connector>.sql makes them in
# a raw DuckDB file, <connector>.yml gives the dbt vars they build with (and, for a
# connector whose source is files, parquet_export: the tables become Parquet files).
CONNECTOR_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "connectors"
# The erasure key the test builds run with, as a daily job should (README).
ERASURE_KEY = "test-erasure-key-0123456789"
# The cost log this session made (and removes), when CXW_COST_LOG named none.
_OWN_COST_LOG = pytest.StashKey[Path]()
_COLLECTED = pytest.StashKey[list[pytest.Item]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "dbt: runs dbt (slow); deselect with -m 'not dbt'")
    config.addinivalue_line(
        "markers", "spark: needs PySpark and Java (make setup-spark); run by make test-spark"
    )
    # Count the session's dbt invocations and generator runs (cx_warehouse.cost_log),
    # in a file of its own unless CXW_COST_LOG already names one.
    if COST_LOG_ENV not in os.environ:
        handle, name = tempfile.mkstemp(prefix="cxw-cost-", suffix=".jsonl")
        os.close(handle)
        os.environ[COST_LOG_ENV] = name
        config.stash[_OWN_COST_LOG] = Path(name)
    config.pluginmanager.register(_CostCallers(), "cxw-cost-callers")


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_COST_LOG, None)
    if own is not None:
        own.unlink(missing_ok=True)
        os.environ.pop(COST_LOG_ENV, None)


@contextmanager
def _cost_where(where: str) -> Iterator[None]:
    """Name ``where`` as the caller of the dbt and generator runs inside the block."""
    before = os.environ.get(COST_WHERE_ENV)
    os.environ[COST_WHERE_ENV] = where
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(COST_WHERE_ENV, None)
        else:
            os.environ[COST_WHERE_ENV] = before


class _CostCallers:
    """Names the fixture or test that runs as the caller of its dbt and generator runs.
    Registered as a plugin of its own: a conftest's hooks reach only the nodes below
    its folder, and a session fixture is set up by the session node."""

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef):
        with _cost_where(f"fixture {fixturedef.argname} ({fixturedef.scope})"):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        with _cost_where(f"test {item.nodeid}"):
            return (yield)


def pytest_collection_finish(session: pytest.Session) -> None:
    session.config.stash[_COLLECTED] = list(session.items)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """What the session cost: the dbt invocations and generator runs it counted (with
    the fixtures and tests that cost most), and the fixtures that build or generate
    with the test modules that share them (bench/test_cost.py, read from the source)."""
    sys.path.insert(0, str(PROJECT_DIR / "bench"))
    import test_cost

    write = terminalreporter.write_line
    terminalreporter.section("test cost")
    for line in cost_log.summary(cost_log.read(Path(os.environ.get(COST_LOG_ENV, "")))):
        write(line)
    lines = test_cost.summary_lines(config.stash.get(_COLLECTED, []))
    if lines:
        write("fixtures that build or generate (bench/test_cost.py for the whole table):")
        for line in lines:
            write(line)


@pytest.fixture(scope="session", autouse=True)
def shared_dbt_parse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One parse of the project for every dbt run of the session, in-process or in a
    ``cxw`` child (``cx_warehouse.dbt.shared_parse``): each run still has a target
    folder of its own, and dbt still checks that the parse fits it. A value already set
    is kept: ``CXW_DBT_PARSE_CACHE= pytest ...`` (empty) parses in every run, as dbt
    alone does (docs/performance.md compares the two)."""
    if PARSE_CACHE_ENV in os.environ:
        yield Path(os.environ[PARSE_CACHE_ENV])
        return
    cache = tmp_path_factory.mktemp("dbt_parse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PARSE_CACHE_ENV, str(cache))
        yield cache


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
    monkeypatch.setenv("CXW_ERASURE_KEY", ERASURE_KEY)
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
    root: Path,
    customers: int,
    days: int,
    seed: int = 42,
    faults: str | None = None,
    cx_effects: bool = True,
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
        cx_effects=cx_effects,
    )
    rows = generate(config)
    return Generated(landing=config.landing, truth=config.truth, rows=rows)


def dbt_build(
    landing: Path,
    workdir: Path,
    *,
    through_intake: bool = True,
    unit_tests: bool = False,
    variables: dict | None = None,
) -> Build:
    """``dbt build`` on ``landing`` into a warehouse, target and logs under ``workdir``,
    through the intake as ``cxw run`` builds: dbt reads the run's snapshot of the
    landing folder (``<workdir>/landing-snapshot``), whose findings are in the file.
    ``through_intake=False`` builds as a plain dbt run does, on the landing folder.
    dbt's unit tests run only with ``unit_tests=True``: they read static inputs, not
    the landing data, so one build of the session runs them (``landing_min_build``).
    ``variables`` are dbt vars for the build."""
    from cx_warehouse import intake

    warehouse = workdir / "warehouse.duckdb"
    if through_intake:
        snapshot = intake.take_snapshot(
            landing, workdir / "landing-snapshot", intake.held_intake(warehouse)
        )
        intake.write_intake(warehouse, snapshot)
        landing = snapshot.folder
    arguments = build_args(unit_tests=unit_tests)
    if variables:
        arguments += ["--vars", json.dumps(variables)]
    result = run_dbt(
        arguments,
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


def landing_with_leak_cases(landing: Path) -> Path:
    """landing_min copied to ``landing`` with the erasure leak cases of issue 25 added:
    an erased Czech phone (+420703118919) that a respondent typed in its national form
    ('703 118 919', in the comment too); a customer erased by customer_id (C-TRUNC)
    whose only shop-customer line is cut short, and whose email has an email event;
    another respondent's comment naming the erased jan.novak@example.cz."""
    import shutil

    shutil.copytree(LANDING_MIN, landing)
    requests = landing / "privacy" / "erasure_requests.csv"
    requests.write_text(
        requests.read_text(encoding="utf-8")
        + "ER-000003,phone,+420703118919,2024-03-31 11:00:00\n"
        + "ER-000004,customer_id,C-TRUNC,2024-03-31 11:30:00\n",
        encoding="utf-8",
    )
    customers = landing / "shop" / "customers" / "dt=2024-03-31" / "part-00009.jsonl"
    customers.write_text(
        '{"customer_id": "C-TRUNC", "email": "Cut.Short@Example.com", "phone": "+48 6\n',
        encoding="utf-8",
    )
    events = landing / "marketing" / "email_events" / "dt=2024-03-31" / "part-00009.csv"
    events.write_text(
        "message_id,campaign_id,campaign_type,email,event,occurred_at\n"
        "M-TRUNC,CMP-1,newsletter,cut.short@example.com,open,2024-03-31 08:00:00\n",
        encoding="utf-8",
    )
    responses = landing / "surveys" / "responses" / "dt=2024-03-31" / "part-00009.jsonl"
    line = (
        '{{"response_id": "{id}", "invitation_id": null, "survey_type": "csat", "score": 5, '
        '"comment": "{comment}", "language": "cs", "respondent_email": {email}, '
        '"respondent_phone": {phone}, "store_id": "S003", '
        '"submitted_at": "2024-03-31T12:00:00+02:00", "is_complete": true}}'
    )
    responses.write_text(
        line.format(
            id="RSP-900001",
            comment="Zavolejte mi prosim, 703 118 919",
            email="null",
            phone='"703 118 919"',
        )
        + "\n"
        + line.format(
            id="RSP-900002",
            comment="Kontakt na souseda: jan.novak@example.cz",
            email='"eva.svobodova@example.cz"',
            phone="null",
        )
        + "\n",
        encoding="utf-8",
    )
    return landing


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
    and several erased persons (one of them with a comment). Fixed purchase rates
    (``--cx-effects none``): with the CX effects on, this seed has no erased person
    who commented; the effects have their own tests (test_cx_pays, test_cx_effects)."""
    return generate_into(
        tmp_path_factory.mktemp("medium"), customers=5000, days=90, faults="all", cx_effects=False
    )


@pytest.fixture(scope="session")
def medium_build(medium_dataset: Generated, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return dbt_build(medium_dataset.landing, tmp_path_factory.mktemp("medium_build"))


@pytest.fixture(scope="session")
def landing_min_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The contract's hand-made example, built with every dbt unit test."""
    return dbt_build(LANDING_MIN, tmp_path_factory.mktemp("landing_min_build"), unit_tests=True)


def publish_in(root: Path, warehouse: str = "warehouse.duckdb") -> Path:
    """``cxw run`` (in this process, with the suite's erasure key) on ``root/landing``
    into ``root/<warehouse>``, dbt's target and logs in ``root``; returns ``root``,
    which then holds everything the run leaves (BI file, Data Docs, report, lock file)."""
    from cx_warehouse.cli import main

    settings = {
        "CXW_LANDING": root / "landing",
        "CXW_WAREHOUSE": root / warehouse,
        "CXW_TRUTH": root / "truth",
        "DBT_TARGET_PATH": root / "target",
        "DBT_LOG_PATH": root / "logs",
        "CXW_THREADS": "2",
        "CXW_ERASURE_KEY": ERASURE_KEY,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, str(value))
        assert main(["-q", "run"]) == 0
    return root


def published_copy(published: Path, root: Path) -> None:
    """A folder ``publish_in`` filled, copied into ``root``. A run names landing files
    relative to the landing folder and a clean run leaves an empty lock file, so the
    copy runs on as the original would; the warehouse is the same file byte for byte."""
    shutil.copytree(published, root, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def landing_min_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract example published once by ``cxw run``: ``landing/``,
    ``warehouse.duckdb`` and the rest (``publish_in``). Tests that start from a
    published warehouse take a copy (``published_copy``) instead of a run of their own."""
    root = tmp_path_factory.mktemp("landing_min_published")
    shutil.copytree(LANDING_MIN, root / "landing")
    return publish_in(root)


@pytest.fixture(scope="session")
def leak_cases_published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract example with the leak cases of issue 25 (``landing_with_leak_cases``)
    published once by ``cxw run``: ``landing/``, ``data/warehouse.duckdb`` and the rest.
    Read it in place, or take a copy to run on (``published_copy``)."""
    root = tmp_path_factory.mktemp("leak_cases_published")
    landing_with_leak_cases(root / "landing")
    return publish_in(root, "data/warehouse.duckdb")


# -- the hand-made connector fixtures ----------------------------------------------------


def connector_fixture_vars() -> dict:
    """The dbt vars of every connector fixture, merged: each names the systems its
    connector replaces (``<system>_source``) and the connector's settings."""
    merged: dict = {}
    for path in sorted(CONNECTOR_FIXTURES.glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text())["vars"])
    return merged


def landing_without(root: Path, folders: list[str]) -> Path:
    """A copy of ``landing_min`` under ``root`` without ``folders`` (``callcenter``,
    ``shop/events``, or a reference file: ``stores/stores.csv``): a system on a
    connector (or none) lands no file."""
    landing = root / "landing"
    shutil.copytree(LANDING_MIN, landing)
    for folder in folders:
        if (landing / folder).is_file():
            (landing / folder).unlink()
        shutil.rmtree(landing / folder, ignore_errors=True)
    return landing


def _replaced_systems(variables: dict) -> list[str]:
    return [name.removesuffix("_source") for name in variables if name.endswith("_source")]


def _replaced_landing() -> list[str]:
    """The landing folders the connector fixtures replace: each ``<connector>.yml``'s
    ``landing`` list (e.g. ``[shop/events]``), else the folders of the systems it
    names in its vars."""
    folders: list[str] = []
    for path in sorted(CONNECTOR_FIXTURES.glob("*.yml")):
        fixture = yaml.safe_load(path.read_text())
        folders += fixture.get("landing", _replaced_systems(fixture["vars"]))
    return folders


@pytest.fixture(scope="session")
def both_shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Generated, Build]]:
    """One seed (400 customers x 60 days, the default faults) generated and built in both shapes:
    ``landing`` files, and ``fivetran`` (every connector the generator writes, in one
    raw file and the GA4 export's folder, under ``CXW_SOURCES=fivetran``). The
    connector tests compare the two."""
    from cx_warehouse.generator import GenerateConfig, generate, parse_faults

    landing_root = tmp_path_factory.mktemp("shape_landing")
    landing = generate_into(landing_root, customers=400, days=60)
    fivetran_root = tmp_path_factory.mktemp("shape_fivetran")
    config = GenerateConfig(
        customers=400,
        days=60,
        start=date(2025, 1, 1),
        seed=42,
        landing=fivetran_root / "landing",
        truth=fivetran_root / "truth",
        faults=parse_faults(None),
        shape="fivetran",
        raw=fivetran_root / "raw.duckdb",
        ga4_export=fivetran_root / "ga4",
    )
    rows = generate(config)
    fivetran = Generated(landing=config.landing, truth=config.truth, rows=rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CXW_SOURCES", "fivetran")
        patch.setenv("CXW_RAW", str(config.raw))
        patch.setenv("CXW_GA4_EXPORT", str(config.ga4_export))
        fivetran_build = dbt_build(fivetran.landing, fivetran_root / "build")
    return {
        "landing": (landing, dbt_build(landing.landing, landing_root / "build")),
        "fivetran": (fivetran, fivetran_build),
    }


def parquet_exports(raw: Path, root: Path) -> dict[str, str]:
    """A connector whose source is files (GA4's export): each table of its fixture's
    schema (the fixture's name) in ``raw`` written to ``<table>.parquet`` in the folder
    ``root/<connector>``. Returns the environment to run with: the variable each such
    ``<connector>.yml`` names as ``parquet_export`` -> its folder."""
    import duckdb

    exports: dict[str, str] = {}
    with duckdb.connect(str(raw), read_only=True) as connection:
        for path in sorted(CONNECTOR_FIXTURES.glob("*.yml")):
            variable = yaml.safe_load(path.read_text()).get("parquet_export")
            if variable is None:
                continue
            folder = root / path.stem
            folder.mkdir()
            tables = connection.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [path.stem],
            ).fetchall()
            for (table,) in tables:
                connection.execute(
                    f"copy {path.stem}.{table} to '{folder / table}.parquet' (format parquet)"
                )
            exports[variable] = str(folder)
    return exports


@pytest.fixture(scope="session")
def connector_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One raw DuckDB file with the tables of every ``<connector>.sql``, each in the
    schema its connector loads into: what ``connector_build`` reads (``CXW_RAW``) and
    the Spark test copies into Spark's metastore (test_spark_connectors.py)."""
    import duckdb

    raw = tmp_path_factory.mktemp("connector_raw") / "raw.duckdb"
    with duckdb.connect(str(raw)) as connection:
        for path in sorted(CONNECTOR_FIXTURES.glob("*.sql")):
            connection.execute(path.read_text())
    return raw


def connector_landing(root: Path, none: list[str] = ()) -> Path:
    """``landing_min`` under ``root`` without what the connector fixtures replace,
    with the landing files a fixture lands instead (``<connector>/landing/``: the
    loyalty cards of Shopify POS stores name Shopify locations), and without the
    folders of the systems in ``none`` (no such system lands a file)."""
    landing = landing_without(root, _replaced_landing())
    for overlay in sorted(CONNECTOR_FIXTURES.glob("*/landing")):
        shutil.copytree(overlay, landing, dirs_exist_ok=True)
    for system in none:
        shutil.rmtree(landing / system, ignore_errors=True)
    return landing


@pytest.fixture(scope="session")
def connector_build(connector_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One build of every connector fixture together, as a company with all of them
    would run: the tables of each ``<connector>.sql`` in one raw file (``CXW_RAW``),
    each system they replace on its connector and without landing files."""
    root = tmp_path_factory.mktemp("connector_fixtures")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CXW_RAW", str(connector_raw))
        for variable, folder in parquet_exports(connector_raw, root).items():
            patch.setenv(variable, folder)
        return dbt_build(connector_landing(root), root, variables=connector_fixture_vars())


@pytest.fixture(scope="session")
def connectors_none_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One build of a company without any of the systems the connector fixtures
    replace (each ``<system>_source: none``): it builds, and the marts say so."""
    root = tmp_path_factory.mktemp("connectors_none")
    systems = _replaced_systems(connector_fixture_vars())
    return dbt_build(
        connector_landing(root, systems),
        root,
        variables={f"{system}_source": "none" for system in systems},
    )
