"""The connectors on Spark (docs/sources.md): the hand-made connector fixtures
(tests/fixtures/connectors/<connector>.sql and .yml), loaded into DuckDB as
``connector_build`` loads them, are copied into Spark's metastore (one database per
connector schema, the DuckDB column types kept: spark_raw_tables.py); a connector
whose source is files (``parquet_export``) has them written as ``connector_build``
writes them, and made its metastore table by the run-operation its fixture names
(``spark_operation``), as a user would. The project is then built once on Spark with
each system on its connector (every fixture's vars): the models those tables reach,
what they read and the data tests of the former, not the rest (the landing-only models
are test_spark_parity.py's).

Every table then holds the same rows on Spark as in the DuckDB ``connector_build``:
each connector staging model (models/staging/connectors/), each canonical staging
model that reads one, and the connectors' rows (``source_system`` a connector) of the
other models that read one (quality_reconciliation, quality_quarantine). The DuckDB
tests own what those rows should be; this one says Spark gives the same. A connector
joins by its fixture files and its models' folder: nothing here names one.

Marked ``spark`` (needs ``make setup-spark`` and Java 17): ``make test-spark``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import (
    CONNECTOR_FIXTURES,
    Build,
    connector_fixture_vars,
    connector_landing,
    parquet_exports,
)
from spark_raw_tables import copy_in_child
from spark_rows import dbt_on_spark, table_differences, utc_session

from cx_warehouse import layers
from cx_warehouse.dbt import build_args

pytest.importorskip("pyspark")

pytestmark = [pytest.mark.spark, pytest.mark.dbt]

SCHEMA = "cx_connectors"
CONNECTOR_MODELS = "models/staging/connectors/"


def _fixtures() -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text())
        for path in sorted(CONNECTOR_FIXTURES.glob("*.yml"))
    }


def _manifest(target_path: Path) -> dict:
    return json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))


def _compared(manifest: dict) -> dict[str, tuple[str, str | None]]:
    """``schema.name`` of each model to compare -> (its name, the rows compared: all,
    or only the connectors' where it is not a staging model): the connector staging
    models (those the fixtures' vars enable) and every model that reads one, itself
    or through an ephemeral model (which has no table of its own to compare)."""
    models = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }
    ephemeral = {
        unique_id
        for unique_id, node in models.items()
        if node["config"]["materialized"] == "ephemeral"
    }
    connector_models = {
        unique_id
        for unique_id, node in models.items()
        if node["original_file_path"].startswith(CONNECTOR_MODELS)
    }
    reaching = set(connector_models)
    while grown := {
        unique_id
        for unique_id in ephemeral - reaching
        if reaching & set(models[unique_id]["depends_on"]["nodes"])
    }:
        reaching |= grown
    connectors = ", ".join(f"'{name}'" for name in _fixtures())
    compared = {}
    for unique_id, node in models.items():
        reads_connector = reaching & set(node["depends_on"]["nodes"])
        if unique_id in ephemeral or (unique_id not in connector_models and not reads_connector):
            continue
        staging = node["original_file_path"].startswith("models/staging/")
        where = None if staging else f"source_system in ({connectors})"
        compared[f"{node['schema']}.{node['name']}"] = (node["name"], where)
    return compared


def _selection(manifest: dict, compared: dict[str, tuple[str, str | None]]) -> list[str]:
    """What the Spark build selects: each compared model with what it reads, and the
    data tests of the compared models alone (the landing models' tests run on Spark
    in test_spark_parity.py)."""
    names = {name for name, _ in compared.values()}
    tests = sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node["depends_on"]["nodes"]
        and all(
            parent.split(".")[-1] in names and parent.startswith("model.")
            for parent in node["depends_on"]["nodes"]
        )
    )
    return [*(f"+{name}" for name in sorted(names)), *tests]


@pytest.fixture(scope="module")
def spark_build(
    connector_build: Build, connector_raw: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict:
    """The connector fixtures built on Spark: what to compare and where it is."""
    assert connector_build.result.ok, connector_build.result.reason()
    manifest = _manifest(connector_build.result.target_path)
    compared = _compared(manifest)
    root = tmp_path_factory.mktemp("spark_connectors")
    landing = connector_landing(root)
    exported = {
        name: fixture for name, fixture in _fixtures().items() if "parquet_export" in fixture
    }
    exports = parquet_exports(connector_raw, root)
    copy_in_child(connector_raw, root / "spark", list(exported))
    for name, fixture in exported.items():
        result, _ = dbt_on_spark(
            ["run-operation", fixture["spark_operation"]], landing, root, SCHEMA, exports
        )
        assert result.ok, f"{name}: {result.reason()}"
    result, spark_dir = dbt_on_spark(
        [
            *build_args(),
            "--vars",
            json.dumps(connector_fixture_vars()),
            "--select",
            *_selection(manifest, compared),
            "--indirect-selection",
            "empty",
        ],
        landing,
        root,
        SCHEMA,
    )
    assert result.ok, result.reason()
    return {"compared": compared, "spark_dir": spark_dir}


def test_every_connector_fixture_is_compared(spark_build: dict) -> None:
    """Each fixture's connector has staging models, and canonical models read them."""
    names = [name for name, _ in spark_build["compared"].values()]
    for connector in _fixtures():
        assert any(name.startswith(f"stg_{connector}__") for name in names), connector
    assert any(not name.startswith(tuple(f"stg_{c}__" for c in _fixtures())) for name in names)


def test_connector_models_are_the_same_on_spark(connector_build: Build, spark_build: dict) -> None:
    differences: list[str] = []
    with (
        utc_session(spark_build["spark_dir"]) as session,
        layers.connect(connector_build.warehouse) as connection,
    ):
        for table, (_, where) in sorted(spark_build["compared"].items()):
            rows, found = table_differences(connection, session, table, where)
            assert rows, f"{table}: no rows to compare"
            differences += found
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:20])
