"""The project's DuckDB functions (cx_warehouse/duckdb_plugin.py, loaded by profiles.yml)
and the secret they hand to the SQL (cx_warehouse/keys.py)."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from cx_warehouse.duckdb_plugin import Plugin
from cx_warehouse.keys import DEVELOPMENT_KEY, ERASURE_KEY
from cx_warehouse.paths import PROJECT_DIR

KEY = "a-test-key-of-24-chars--"


def _connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    Plugin(name="cx_warehouse", plugin_config={}).configure_connection(connection)
    return connection


def test_the_key_is_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ERASURE_KEY, KEY)
    with _connection() as connection:
        assert connection.execute(
            "select cxw_erasure_key_is_set(), cxw_pseudonym_key()"
        ).fetchone() == (True, KEY)


def test_without_a_secret_the_key_is_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ERASURE_KEY, raising=False)
    with _connection() as connection:
        assert connection.execute(
            "select cxw_erasure_key_is_set(), cxw_pseudonym_key()"
        ).fetchone() == (False, DEVELOPMENT_KEY)


@pytest.mark.parametrize("key", ["short", "a-key-with-a-quote'-in-it", "a key with spaces in it"])
def test_an_unusable_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv(ERASURE_KEY, key)
    with pytest.raises(ValueError, match=f"{ERASURE_KEY} must be at least 16 letters"):
        _connection()


def test_spark_falls_back_on_the_same_development_key() -> None:
    profiles = (PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    spark = yaml.safe_load(profiles)["cx_warehouse"]["outputs"]["spark"]
    default = f"{{{{ env_var('{ERASURE_KEY}', '{DEVELOPMENT_KEY}') }}}}"
    assert spark["server_side_parameters"]["spark.cxw.pseudonym_key"] == default


def test_relative_paths_are_taken_from_the_project() -> None:
    from cx_warehouse.duckdb_plugin import from_project

    assert from_project("data/dev.duckdb") == str(PROJECT_DIR / "data" / "dev.duckdb")
    assert from_project("/srv/w.duckdb") == "/srv/w.duckdb"
    assert from_project(":memory:") == ":memory:"
    assert from_project("md:my_db") == "md:my_db"
