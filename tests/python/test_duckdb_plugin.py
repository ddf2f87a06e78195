"""The project's DuckDB functions (cx_warehouse/duckdb_plugin.py, loaded by profiles.yml)."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from cx_warehouse.duckdb_plugin import ERASURE_KEY, Plugin

KEY = "a-test-key-of-24-chars--"


def _connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    Plugin(name="cx_warehouse", plugin_config={}).configure_connection(connection)
    return connection


def test_the_erasure_hash_is_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ERASURE_KEY, KEY)
    with _connection() as connection:
        is_set, hashed, plain = connection.execute(
            "select cxw_erasure_key_is_set(), cxw_erasure_hash('ann@example.com'), "
            "sha256('ann@example.com')"
        ).fetchone()
    assert is_set
    expected = hmac.new(KEY.encode(), b"ann@example.com", hashlib.sha256).hexdigest()
    assert hashed == expected
    assert hashed != plain  # whoever holds the email alone cannot compute it

    monkeypatch.setenv(ERASURE_KEY, KEY + "-rotated")
    with _connection() as connection:
        rotated = connection.execute("select cxw_erasure_hash('ann@example.com')").fetchone()[0]
    assert rotated != hashed


def test_without_a_key_the_hash_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ERASURE_KEY, raising=False)
    with _connection() as connection:
        assert connection.execute("select cxw_erasure_key_is_set()").fetchone()[0] is False
        with pytest.raises(duckdb.Error, match=f"{ERASURE_KEY} is not set"):
            connection.execute("select cxw_erasure_hash('ann@example.com')").fetchone()


def test_a_short_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ERASURE_KEY, "short")
    with pytest.raises(ValueError, match=f"{ERASURE_KEY} must be at least 16 characters"):
        _connection()
