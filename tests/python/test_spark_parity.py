"""The same warehouse on Spark: one small generated dataset (every fault on) is built
with the dbt ``duckdb`` target and with the ``spark`` target (dbt-spark's session
method on a local PySpark), and every model under models/marts must hold the same
rows on both: compared as multisets of rows, numbers within 1e-9 relative,
timestamps as naive UTC. The Great Expectations suites then run on the Spark
tables through GE's Spark datasource.

Marked ``spark`` (needs ``make setup-spark`` and Java 17): ``make test-spark``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import dbt_build, generate_into
from spark_rows import dbt_on_spark, table_differences, utc_session

from cx_warehouse import layers

pytest.importorskip("pyspark")

pytestmark = [pytest.mark.spark, pytest.mark.dbt]

CUSTOMERS = int(os.environ.get("CXW_PARITY_CUSTOMERS", "100"))
DAYS = int(os.environ.get("CXW_PARITY_DAYS", "14"))
SCHEMA = "cx_parity"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("parity")
    data = generate_into(root, customers=CUSTOMERS, days=DAYS, faults="all")
    # The Spark build reads the landing folder as plain dbt does (cxw's intake writes
    # into a DuckDB file only): so does the DuckDB build it is compared with.
    duck = dbt_build(data.landing, root / "duckdb", through_intake=False)
    assert duck.result.ok, duck.result.reason()
    spark, spark_dir = dbt_on_spark(["build"], data.landing, root, SCHEMA)
    assert spark.ok, spark.reason()
    return {"duckdb": duck, "spark": spark, "spark_dir": spark_dir}


@pytest.fixture(scope="module")
def session(builds: dict):
    with utc_session(builds["spark_dir"]) as session:
        yield session


def _marts(target_path: Path) -> list[tuple[str, str]]:
    """(schema, name) of every model under models/marts: its layer (marts, quality)."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        (node["schema"], node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith("models/marts/")
    )


def test_every_mart_is_the_same_on_spark(builds: dict, session) -> None:
    marts = _marts(builds["duckdb"].result.target_path)
    assert len(marts) >= 10
    differences: list[str] = []
    compared = 0
    with layers.connect(builds["duckdb"].warehouse) as connection:
        for schema, name in marts:
            rows, found = table_differences(connection, session, f"{schema}.{name}")
            compared += rows
            differences += found
    assert compared > 1000, "too few mart rows to compare"
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:20])


def test_expectation_suites_pass_on_spark(builds: dict, session, tmp_path: Path) -> None:
    from cx_warehouse.validate import format_summary, validate_spark

    # Strict: the warnings (meta.severity warn) must hold on Spark too.
    report = validate_spark(session=session, docs_dir=tmp_path / "docs", strict=True)
    assert report.suites and all(result.rows is not None for result in report.suites)
    assert report.ok, format_summary(report) + "\n" + report.reason()
