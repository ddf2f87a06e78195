"""dbt builds: on generated data with every fault, and on the hand-made contract example."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import LANDING_MIN, Build, Generated

pytestmark = pytest.mark.dbt


def _manifest(build: Build) -> dict:
    return json.loads((build.result.target_path / "manifest.json").read_text(encoding="utf-8"))


def _source_relation(source: dict, landing: Path) -> str:
    """The source's relation, with the landing token the project's source() macro fills."""
    return source["relation_name"].replace("__LANDING__", str(landing))


def _count(warehouse: Path, relation: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
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
        rows = _count(small_build.warehouse, _source_relation(source, small_dataset.landing))
        if rows == 0:
            empty[unique_id] = "source"
        for child in manifest["child_map"].get(unique_id, []):
            node = manifest["nodes"].get(child, {})
            if (
                node.get("resource_type") == "model"
                and _count(small_build.warehouse, node["relation_name"]) == 0
            ):
                empty[child] = f"model on {unique_id}"
    assert empty == {}, f"no rows in: {empty}"


def test_landing_min_builds(landing_min_build: Build) -> None:
    assert LANDING_MIN.is_dir(), f"{LANDING_MIN} is missing"
    _assert_built(landing_min_build)
