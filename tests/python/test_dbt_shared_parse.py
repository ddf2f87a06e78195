"""The parse the test suite's dbt runs share (``CXW_DBT_PARSE_CACHE``,
``cx_warehouse.dbt_shared_parse``): reused for another warehouse file of the same name,
never for a warehouse of another name, and never without the variable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LANDING_MIN

import cx_warehouse.dbt
from cx_warehouse.dbt import PARSE_CACHE_ENV, run_dbt, shared_parse
from cx_warehouse.dbt_shared_parse import parse_relevant
from cx_warehouse.paths import PROJECT_DIR

FULL_PARSE = "Unable to do partial parsing"


def _parse(root: Path, name: str, warehouse: str) -> tuple[str, dict]:
    """``dbt parse`` into ``<root>/<name>``; its log and manifest."""
    result = run_dbt(
        ["parse"],
        env={"CXW_LANDING": str(LANDING_MIN), "CXW_WAREHOUSE": str(root / name / warehouse)},
        target_path=root / name / "target",
        log_path=root / name / "logs",
        capture=True,
    )
    assert result.ok, result.reason()
    manifest = json.loads((root / name / "target" / "manifest.json").read_text())
    return (root / name / "logs" / "dbt.log").read_text(), manifest


def _databases(manifest: dict) -> set[str]:
    return {node["database"] for node in manifest["nodes"].values() if "database" in node}


@pytest.mark.dbt
def test_a_parse_is_shared_by_warehouses_of_one_name_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache"))
    first, _manifest = _parse(tmp_path, "first", "warehouse.duckdb")
    assert FULL_PARSE in first
    assert shared_parse(tmp_path / "cache", PROJECT_DIR, ["--target", "prod"]).is_file()

    # Another folder, the same file name: dbt reuses the first run's parse.
    other_folder, manifest = _parse(tmp_path, "second", "warehouse.duckdb")
    assert FULL_PARSE not in other_folder
    assert "Nothing changed, skipping partial parsing" in other_folder
    assert _databases(manifest) == {"warehouse"}

    # Another name is another database in every relation: dbt parses in full.
    other_name, manifest = _parse(tmp_path, "third", "other.duckdb")
    assert f"{FULL_PARSE} because profile has changed" in other_name
    assert _databases(manifest) == {"other"}


def test_without_the_variable_dbt_runs_as_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PARSE_CACHE_ENV, raising=False)
    commands: list[list[str]] = []

    class Done:
        returncode = 0

    monkeypatch.setattr(
        cx_warehouse.dbt.subprocess, "run", lambda command, **_kw: commands.append(command) or Done
    )
    run_dbt(["parse"], target_path=tmp_path / "target", log_path=tmp_path / "logs")
    assert commands[0][: len(cx_warehouse.dbt.dbt_command())] == cx_warehouse.dbt.dbt_command()
    assert not (tmp_path / "target").exists(), "no parse seeded"


def test_only_file_locations_leave_the_profile_hash() -> None:
    info = [
        ("settings", {"TimeZone": "UTC"}),
        ("path", "/a/warehouse.duckdb"),
        ("database", "warehouse"),
        ("config_options", {"temp_directory": "/a/warehouse.duckdb.tmp", "threads": "2"}),
    ]
    assert parse_relevant(info) == [
        ("config_options", {"threads": "2"}),
        ("database", "warehouse"),
        ("settings", {"TimeZone": "UTC"}),
    ]
