"""dbt builds: on generated data with every fault, and on the hand-made contract example."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import LANDING_MIN, Build, Generated

from cx_warehouse import layers

pytestmark = pytest.mark.dbt


def _manifest(build: Build) -> dict:
    return json.loads((build.result.target_path / "manifest.json").read_text(encoding="utf-8"))


def _source_relation(source: dict, landing: Path) -> str:
    """The source's relation, with the landing token the project's source() macro fills."""
    return source["relation_name"].replace("__LANDING__", str(landing))


def _count(warehouse: Path, relation: str) -> int:
    with layers.connect(warehouse) as connection:
        return connection.execute(f"select count(*) from {relation}").fetchone()[0]


def _assert_built(build: Build) -> None:
    assert build.result.ok, build.result.reason()
    assert build.warehouse.is_file()


def test_generated_data_builds(small_build: Build) -> None:
    _assert_built(small_build)


def test_every_generated_entity_is_a_source(small_dataset: Generated, small_build: Build) -> None:
    declared = {
        f"{source['source_name']}/{source['name']}"
        for source in _manifest(small_build)["sources"].values()
    }
    assert set(small_dataset.rows) - declared == set(), "landed entities without a dbt source"


def test_every_source_entity_has_rows(small_dataset: Generated, small_build: Build) -> None:
    _assert_built(small_build)
    manifest = _manifest(small_build)
    empty = {}
    for unique_id, source in manifest["sources"].items():
        children = manifest["child_map"].get(unique_id, [])
        if not any(manifest["nodes"].get(c, {}).get("resource_type") == "model" for c in children):
            continue  # a connector's table, not read on the landing shape (docs/sources.md)
        rows = _count(small_build.warehouse, _source_relation(source, small_dataset.landing))
        if rows == 0:
            empty[unique_id] = "source"
        for child in children:
            node = manifest["nodes"].get(child, {})
            if (
                node.get("resource_type") == "model"
                and node["config"]["materialized"] != "ephemeral"  # never stored
                and _count(small_build.warehouse, node["relation_name"]) == 0
            ):
                empty[child] = f"model on {unique_id}"
    assert empty == {}, f"no rows in: {empty}"


def test_landing_min_builds(landing_min_build: Build) -> None:
    assert LANDING_MIN.is_dir(), f"{LANDING_MIN} is missing"
    _assert_built(landing_min_build)


@pytest.mark.parametrize(
    ("model", "test_name"),
    [
        ("stg_shop__events", "unique_stg_shop__events_event_id"),
        ("stg_landing__records", "unique_stg_landing__records_landing_record_id"),
        ("int_identifiers_observed", "unique_int_identifiers_observed_observation_id"),
    ],
)
def test_a_key_tested_among_the_newest_rows_fails_on_a_duplicate_there(
    landing_min_build: Build, tmp_path: Path, model: str, test_name: str
) -> None:
    """The unique tests of the incremental models read the newest run's rows only
    (where: loaded_at = __newest_load__, get_where_subquery): a row repeated among
    them fails the test; after a full build that is every row."""
    from cx_warehouse.dbt import run_dbt

    _assert_built(landing_min_build)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(landing_min_build.warehouse, warehouse)
    with layers.connect(warehouse, read_only=False) as connection:
        loads = connection.execute(f"select count(distinct loaded_at) from {model}").fetchone()
        assert loads == (1,), "a full build writes every row in one run"
        connection.execute(f"insert into {model} select * from {model} limit 1")
    result = run_dbt(
        ["test", "--select", test_name],
        env={"CXW_LANDING": str(LANDING_MIN), "CXW_WAREHOUSE": str(warehouse)},
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert not result.ok
    assert [node.split(".")[2] for node in result.failed_nodes] == [test_name]


def test_a_store_reference_passes_when_quarantined_and_fails_when_dangling(
    landing_min_build: Build, tmp_path: Path
) -> None:
    """landing_min's stores.csv has a row cut short (S004) and a receipt at S004: the
    build passes because the quarantine names S004; a store nobody landed fails."""
    from cx_warehouse.dbt import run_dbt

    _assert_built(landing_min_build)
    with layers.connect(landing_min_build.warehouse) as connection:
        quarantined = connection.execute(
            "select count(*) from quality_quarantine"
            " where entity = 'stores' and source_record_id = 'S004'"
        ).fetchone()[0]
        referenced = connection.execute(
            "select count(*) from fct_customer_journey where store_id = 'S004'"
        ).fetchone()[0]
    assert (quarantined, referenced) == (1, 1), "the fixture no longer exercises the rule"

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(landing_min_build.warehouse, warehouse)
    with layers.connect(warehouse, read_only=False) as connection:
        connection.execute(
            "update fct_customer_journey set store_id = 'S999' where store_id = 'S004'"
        )
    result = run_dbt(
        ["test", "--select", "fct_customer_journey,test_name:relationships_or_quarantined"],
        env={"CXW_LANDING": str(LANDING_MIN), "CXW_WAREHOUSE": str(warehouse)},
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert not result.ok
    assert len(result.failed_nodes) == 1, result.failed_nodes
    assert result.failed_nodes[0].startswith(
        "test.cx_warehouse.relationships_or_quarantined_fct_customer_journey_store_id_"
    ), result.failed_nodes


def test_a_loaded_file_staging_never_read_unbalances_the_reconciliation(
    landing_min_build: Build, tmp_path: Path
) -> None:
    """A file the intake gave the build, with records, that staging holds no record of
    (a glob that misses it, a reader that skips it) fails assert_reconciliation_balances."""
    from cx_warehouse.dbt import run_dbt

    _assert_built(landing_min_build)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(landing_min_build.warehouse, warehouse)
    with layers.connect(warehouse, read_only=False) as connection:
        connection.execute(
            "insert into intake.landing_files select * replace ("
            " 'shop/orders/dt=2024-04-09/part-00000.jsonl' as file_name)"
            " from intake.landing_files"
            " where status = 'loaded' and has_records and entity = 'orders' limit 1"
        )
    env = {"CXW_LANDING": str(LANDING_MIN), "CXW_WAREHOUSE": str(warehouse)}
    paths = {"target_path": tmp_path / "target", "log_path": tmp_path / "logs"}
    rebuilt = run_dbt(
        [
            "run",
            "--select",
            "stg_landing__files",
            "quality_landing_files",
            "quality_reconciliation",
        ],
        env=env,
        **paths,
    )
    assert rebuilt.ok, rebuilt.reason()
    result = run_dbt(["test", "--select", "assert_reconciliation_balances"], env=env, **paths)
    assert [node.split(".")[2] for node in result.failed_nodes] == [
        "assert_reconciliation_balances"
    ]


def _layer(node: dict) -> str:
    """The schema a model or seed belongs in, by the folder it lives in."""
    if node["resource_type"] == "seed":
        return "seeds"
    folders = node["fqn"][1:-1]
    return "quality" if folders[:2] == ["marts", "quality"] else folders[0]


def test_each_layer_sits_in_its_schema_with_its_descriptions(landing_min_build: Build) -> None:
    """BI connects to marts and sees nothing else; every table and described column
    carries its YAML description as a comment (persist_docs)."""
    nodes = [
        node
        for node in _manifest(landing_min_build)["nodes"].values()
        if node["resource_type"] in {"model", "seed"}
        and node["config"]["materialized"] != "ephemeral"
    ]
    expected = {(_layer(node), node["alias"]) for node in nodes}
    assert {schema for schema, _ in expected} == set(layers.LAYERS)
    with layers.connect(landing_min_build.warehouse) as connection:
        held = set(
            connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema <> 'intake'"
            ).fetchall()
        )
        # besides the models and seeds, only the work tables a model keeps beside itself
        side = {
            (schema, name)
            for schema, name in held - expected
            for layer, alias in expected
            if schema == layer and name.startswith(alias + "__")
        }
        assert expected <= held and held - expected == side
        comments = dict(
            connection.execute(
                "select schema_name || '.' || table_name, comment from duckdb_tables() "
                "union all select schema_name || '.' || view_name, comment from duckdb_views()"
            ).fetchall()
        )
        column_comments = dict(
            connection.execute(
                "select schema_name || '.' || table_name || '.' || column_name, comment "
                "from duckdb_columns()"
            ).fetchall()
        )
    models = [node for node in nodes if node["resource_type"] == "model"]
    assert all(comments[f"{_layer(node)}.{node['alias']}"] for node in models)
    described = [
        f"{_layer(node)}.{node['alias']}.{name}"
        for node in models
        for name, column in node["columns"].items()
        if column.get("description")
    ]
    assert len(described) > 300
    assert all(column_comments.get(name) for name in described), [
        name for name in described if not column_comments.get(name)
    ][:5]


def test_each_staging_model_reads_its_own_source_and_the_erasure_layer(
    landing_min_build: Build,
) -> None:
    """Erasure is a layer of its own: a staging model reads one source, and the erased
    identifiers only through the erasure model, which is never stored (it names erased
    people), and keeps its columns and types by an enforced contract. The
    stg_landing__* models are the intake's record of every landing file and source,
    read by the quality models only."""
    nodes = _manifest(landing_min_build)["nodes"].values()
    staging = [
        node
        for node in nodes
        if node["resource_type"] == "model"
        and node["fqn"][1] == "staging"
        and not node["name"].startswith("stg_landing__")
    ]
    # the public interface: each stg_<system>__<entity> keeps its columns and types
    assert all(node["config"]["contract"]["enforced"] for node in staging)
    assert all(column.get("data_type") for node in staging for column in node["columns"].values())
    reads = {
        node["name"]: sorted(
            parent.split(".", 2)[2]
            for parent in node["depends_on"]["nodes"]
            if parent.startswith("source.")
        )
        for node in staging
    }
    assert len(reads) >= 13
    assert {name: parents for name, parents in reads.items() if len(parents) != 1} == {}
    models = [node for node in nodes if node["resource_type"] == "model"]
    erasure = [node for node in models if node["fqn"][1] == "erasure"]
    assert [node["name"] for node in erasure] == ["erased_identifiers"]
    # the layers before staging are never stored: the erased identifiers must not be
    before_staging = [node for node in models if node["fqn"][1] in {"erasure", "lookups"}]
    assert {node["config"]["materialized"] for node in before_staging} == {"ephemeral"}
    readers = {
        node["name"]
        for node in staging
        if "model.cx_warehouse.erased_identifiers" in node["depends_on"]["nodes"]
    }
    assert len(readers) >= 9
    names = ", ".join(f"'{node['name']}'" for node in before_staging)
    with layers.connect(landing_min_build.warehouse) as connection:
        stored = connection.execute(
            f"select count(*) from information_schema.tables where table_name in ({names})"
        ).fetchone()[0]
    assert stored == 0
