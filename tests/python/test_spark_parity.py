"""The same warehouse on Spark: one small generated dataset (every fault on) is built
with the dbt ``duckdb`` target and with the ``spark`` target (dbt-spark's session
method on a local PySpark), and every model under models/marts must hold the same
rows on both: compared as multisets of rows, numbers within 1e-9 relative,
timestamps as naive UTC. The Great Expectations suites then run on the Spark
tables through GE's Spark datasource.

Marked ``spark`` (needs ``make setup-spark`` and Java 17): ``make test-spark``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import os
import time
from pathlib import Path

import pytest
from conftest import ERASURE_KEY, dbt_build, generate_into

from cx_warehouse import layers
from cx_warehouse.dbt import run_dbt

pytest.importorskip("pyspark")

pytestmark = [pytest.mark.spark, pytest.mark.dbt]

CUSTOMERS = int(os.environ.get("CXW_PARITY_CUSTOMERS", "100"))
DAYS = int(os.environ.get("CXW_PARITY_DAYS", "14"))
SCHEMA = "cx_parity"
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("parity")
    data = generate_into(root, customers=CUSTOMERS, days=DAYS, faults="all")
    # The Spark build reads the landing folder as plain dbt does (cxw's intake writes
    # into a DuckDB file only): so does the DuckDB build it is compared with.
    duck = dbt_build(data.landing, root / "duckdb", through_intake=False)
    assert duck.result.ok, duck.result.reason()
    spark_dir = root / "spark"
    spark = run_dbt(
        ["build", "--target", "spark"],
        env={
            "CXW_LANDING": str(data.landing),
            "CXW_SPARK_DIR": str(spark_dir),
            "CXW_SPARK_SCHEMA": SCHEMA,
            "CXW_THREADS": "2",
            # the DuckDB build's key (a module fixture runs before the autouse one)
            "CXW_ERASURE_KEY": ERASURE_KEY,
        },
        target_path=root / "spark_target",
        log_path=root / "spark_logs",
    )
    assert spark.ok, spark.reason()
    return {"duckdb": duck, "spark": spark, "spark_dir": spark_dir}


@pytest.fixture(scope="module")
def session(builds: dict):
    from cx_warehouse.validate import spark_session

    # PySpark hands timestamps to Python in the process's local time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    session = spark_session(builds["spark_dir"])
    yield session
    session.stop()


def _marts(target_path: Path) -> list[tuple[str, str]]:
    """(schema, name) of every model under models/marts: its layer (marts, quality)."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        (node["schema"], node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith("models/marts/")
    )


def _value(value):
    """One cell in a form both engines agree on: None for null/NaN, floats for numbers
    that are not whole, naive UTC ISO text for dates and timestamps."""
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sort_key(row: tuple) -> tuple:
    # Floats rounded for ordering only; the comparison itself is relative.
    return tuple(
        (1, f"{cell:.6g}")
        if isinstance(cell, float)
        else (0, "")
        if cell is None
        else (1, str(cell))
        for cell in row
    )


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return a == b


def _differences(name: str, duck_rows: list[tuple], spark_rows: list[tuple]) -> list[str]:
    if len(duck_rows) != len(spark_rows):
        return [f"{name}: {len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark"]
    found = []
    for duck_row, spark_row in zip(
        sorted(duck_rows, key=_sort_key), sorted(spark_rows, key=_sort_key), strict=True
    ):
        if not all(_same(a, b) for a, b in zip(duck_row, spark_row, strict=True)):
            found.append(f"{name}: DuckDB {duck_row} != Spark {spark_row}")
    return found


def test_every_mart_is_the_same_on_spark(builds: dict, session) -> None:
    marts = _marts(builds["duckdb"].result.target_path)
    assert len(marts) >= 10
    differences: list[str] = []
    compared = 0
    with layers.connect(builds["duckdb"].warehouse) as connection:
        for schema, name in marts:
            table = f"{schema}.{name}"
            columns = [row[0] for row in connection.execute(f"describe {table}").fetchall()]
            spark_frame = session.table(table)
            assert sorted(spark_frame.columns) == sorted(columns), name
            selected = ", ".join(columns)
            duck_rows = [
                tuple(_value(cell) for cell in row)
                for row in connection.execute(f"select {selected} from {table}").fetchall()
            ]
            spark_rows = [
                tuple(_value(row[column]) for column in columns)
                for row in spark_frame.select(*columns).collect()
            ]
            compared += len(duck_rows)
            differences += _differences(name, duck_rows, spark_rows)
    assert compared > 1000, "too few mart rows to compare"
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:20])


def test_expectation_suites_pass_on_spark(builds: dict, session, tmp_path: Path) -> None:
    from cx_warehouse.validate import format_summary, validate_spark

    # Strict: the warnings (meta.severity warn) must hold on Spark too.
    report = validate_spark(session=session, docs_dir=tmp_path / "docs", strict=True)
    assert report.suites and all(result.rows is not None for result in report.suites)
    assert report.ok, format_summary(report) + "\n" + report.reason()
