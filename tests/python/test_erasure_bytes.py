"""An erasure that arrives after the data leaves no byte of it in the published file
(cx_warehouse/erasure.py): the build starts as a byte copy of the published warehouse
and DuckDB does not zero freed blocks, so the run writes the build fresh and searches
its bytes before it validates and publishes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import published_copy

import cx_warehouse.erasure
from cx_warehouse.cli import main
from cx_warehouse.publish import build_path

pytestmark = pytest.mark.dbt

EMAIL = "zuzana.horvathova@example.sk"  # in the email events of the contract example only


def _erase_later(landing: Path) -> None:
    requests = landing / "privacy" / "erasure_requests.csv"
    requests.write_text(
        requests.read_text(encoding="utf-8") + f"ER-000009,email,{EMAIL},2024-04-01 09:00:00\n",
        encoding="utf-8",
    )


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, landing_min_published: Path) -> Path:
    """The contract example published (a copy of the session's), then an erasure of a
    person it holds landed."""
    published_copy(landing_min_published, tmp_path)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("CXW_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("CXW_WAREHOUSE", str(warehouse))
    assert EMAIL.encode() in warehouse.read_bytes().lower()
    _erase_later(tmp_path / "landing")
    return warehouse


def test_a_new_erasure_leaves_no_byte_of_the_person(published: Path) -> None:
    assert main(["-q", "run"]) == 0
    assert EMAIL.encode() not in published.read_bytes().lower()
    assert b"horvathova" not in published.read_bytes().lower()


def test_without_the_fresh_write_the_bytes_keep_them_and_nothing_is_published(
    published: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check is real: the copied file still holds the erased email in freed blocks
    (SQL no longer returns it), and the run refuses to publish it."""
    before = published.read_bytes()
    monkeypatch.setattr(cx_warehouse.erasure, "write_fresh", lambda database: None)
    assert main(["-q", "run"]) == 1
    assert "newly erased identifiers are still in" in capsys.readouterr().err
    assert published.read_bytes() == before
    assert not build_path(published).exists(), "a build that was erasing is not kept"


def test_a_failed_build_that_was_erasing_is_removed(
    published: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed build is kept for inspection, except when it was applying a new
    erasure: it holds the people it was erasing, in live rows or freed blocks."""
    import cx_warehouse.dbt

    before = published.read_bytes()
    monkeypatch.setattr(
        cx_warehouse.dbt, "build_args", lambda **kwargs: ["run-operation", "cxw_no_such_macro"]
    )
    assert main(["-q", "run"]) == 1
    assert "failed build removed" in capsys.readouterr().err
    assert not build_path(published).exists()
    assert published.read_bytes() == before


def test_a_bi_file_that_cannot_be_written_leaves_no_stale_one(
    published: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run publishes the erasure; the BI file of the run before, which still names
    the erased person's customer id, must not stay beside it."""
    import duckdb

    from cx_warehouse.bi import bi_path

    bi_file = bi_path(published)
    assert bi_file.is_file()
    real_connect = duckdb.connect

    def failing_connect(database=":memory:", *args, **kwargs):
        if str(database).endswith(".partial"):
            raise duckdb.IOException("IO Error: disk full")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", failing_connect)
    assert main(["-q", "run"]) == 1
    assert "but no BI file" in capsys.readouterr().err
    assert not bi_file.exists()
    assert EMAIL.encode() not in published.read_bytes().lower(), "the erasure was published"
