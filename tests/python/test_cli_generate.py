"""``cxw generate`` on a tiny scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from cx_warehouse.cli import format_rows_table, main


def test_generate_prints_rows_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    landing, truth = tmp_path / "landing", tmp_path / "truth"
    argv = ["generate", "--customers", "50", "--days", "3", "--landing", str(landing)]
    assert main([*argv, "--truth", str(truth), "--faults", "none"]) == 0
    out = capsys.readouterr().out
    assert "total" in out
    assert "rows/s" in out
    assert any(path.is_file() for path in landing.rglob("*"))
    assert any(path.is_file() for path in truth.rglob("*"))


def test_end_sets_the_number_of_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["generate", "--customers", "20", "--start", "2025-03-01", "--end", "2025-03-01"]
    assert main([*argv, "--landing", str(tmp_path / "l"), "--truth", str(tmp_path / "t")]) == 0


def test_rows_table() -> None:
    text = format_rows_table({"shop/orders": 1500, "callcenter/agents": 12}, seconds=2.0)
    lines = text.splitlines()
    assert lines[1].split() == ["callcenter/agents", "12"]
    assert lines[2].split() == ["shop/orders", "1,500"]
    assert lines[4].split() == ["total", "1,512"]
    assert lines[5] == "1,512 rows in 2.0 s (756 rows/s)"
