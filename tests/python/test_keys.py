"""CXW_ERASURE_KEY, the secret of the pseudonymous keys (cx_warehouse/keys.py,
macros/keyed_hash.sql): a published warehouse needs it, keys follow it, and a run
under another key stops until a full refresh rotates every key at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ERASURE_KEY, LANDING_MIN

from cx_warehouse import layers
from cx_warehouse.cli import main
from cx_warehouse.dbt import run_dbt


def test_a_run_without_the_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CXW_LANDING", str(LANDING_MIN))
    monkeypatch.delenv("CXW_ERASURE_KEY")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "CXW_ERASURE_KEY is not set" in err[0]


def test_an_unusable_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CXW_LANDING", str(LANDING_MIN))
    monkeypatch.setenv("CXW_ERASURE_KEY", "it's-a-quote-in-a-key")
    assert main(["run"]) == 2
    assert "must be at least 16 letters" in capsys.readouterr().err


def _build(tmp_path: Path, key: str, *extra: str):
    return run_dbt(
        ["build", "--select", "+stg_stores__loyalty_members", "quality_pseudonym_key", *extra],
        env={
            "CXW_LANDING": str(LANDING_MIN),
            "CXW_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "CXW_ERASURE_KEY": key,
        },
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
        capture=True,
    )


def _member_keys(tmp_path: Path) -> set[str]:
    with layers.connect(tmp_path / "w.duckdb") as connection:
        rows = connection.execute("select loyalty_member_id from stg_stores__loyalty_members")
        return {row[0] for row in rows.fetchall()}


@pytest.mark.dbt
def test_keys_are_stable_under_one_key_and_rotate_by_a_full_refresh(tmp_path: Path) -> None:
    assert _build(tmp_path, ERASURE_KEY).ok
    first = _member_keys(tmp_path)
    assert _build(tmp_path, ERASURE_KEY, "--full-refresh").ok
    assert _member_keys(tmp_path) == first, "the same key gives the same keys"

    rotated = ERASURE_KEY + "-rotated"
    refused = _build(tmp_path, rotated)
    assert not refused.ok
    assert "is not the key this warehouse was built with" in refused.reason() + (
        tmp_path / "logs" / "dbt.log"
    ).read_text(encoding="utf-8")
    assert _member_keys(tmp_path) == first, "nothing was written"

    assert _build(tmp_path, rotated, "--full-refresh").ok
    assert _member_keys(tmp_path).isdisjoint(first)
    assert len(_member_keys(tmp_path)) == len(first)
