"""Every bad argument ends as one ``cxw: error:`` line on stderr and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from cx_warehouse.cli import main


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("cxw: error: "), lines[0]
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["generate", "--customers", "-5"], "--customers"),
        (["generate", "--customers", "0"], "--customers"),
        (["generate", "--days", "0"], "--days"),
        (["generate", "--days", "-1"], "--days"),
        (["generate", "--seed", "-1"], "--seed"),
        (["generate", "--start", "2025-02-01", "--end", "2025-01-01"], "before --start"),
        (["generate", "--days", "3", "--end", "2025-01-05"], "not both"),
        (["generate", "--start", "2025-13-01"], "YYYY-MM-DD"),
        (["generate", "--customers", "many"], "--customers"),
        (["generate", "--faults", "bogus"], "unknown fault 'bogus'"),
        (["generate", "--faults", "bad_scores=2"], "between 0 and 1"),
        (["generate", "--faults", "bad_scores=lots"], "must be a number"),
        (["generate", "--cx-effects", "maybe"], "invalid choice: 'maybe'"),
        (["generate", "--no-such-flag"], "unrecognized arguments"),
        (["run", "--customers", "-1"], "--customers"),
        (["run", "--days", "0"], "--days"),
        (["report", "--lang", "de"], "--lang: invalid choice: 'de'"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_argument_is_one_line(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) != 0
    assert fragment in _one_error_line(capsys)


def test_landing_under_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["generate", "--customers", "10", "--days", "1", "--landing", f"{blocker}/landing"])
    assert code != 0
    assert "--landing" in _one_error_line(capsys)


def test_landing_is_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["generate", "--customers", "10", "--days", "1", "--landing", str(blocker)]) != 0
    assert "not a folder" in _one_error_line(capsys)


def test_truth_inside_landing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    landing = tmp_path / "landing"
    argv = ["generate", "--landing", str(landing), "--truth", str(landing / "truth")]
    assert main(argv) != 0
    assert "--truth" in _one_error_line(capsys)


def test_run_with_landing_under_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CXW_LANDING", str(blocker / "landing"))
    assert main(["run", "--demo", "--customers", "10", "--days", "1"]) != 0
    assert "CXW_LANDING" in _one_error_line(capsys)


def test_bad_folder_is_caught_before_generating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder check runs first: a bad --truth must not leave a half-written landing."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    landing = tmp_path / "landing"
    argv = ["generate", "--landing", str(landing), "--truth", f"{blocker}/truth"]
    assert main(argv) != 0
    assert "--truth" in _one_error_line(capsys)
    assert not any(path.is_file() for path in landing.rglob("*"))


def test_landing_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    landing = tmp_path / "landing"
    (landing / "shop").mkdir(parents=True)
    (landing / "shop" / "stores.csv").write_text("store_id\n")
    argv = ["generate", "--customers", "10", "--days", "1", "--landing", str(landing)]
    assert main(argv) != 0
    assert "has files" in _one_error_line(capsys)


def test_landing_with_only_empty_folders_is_generated_into(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "shop" / "orders").mkdir(parents=True)
    argv = ["generate", "--customers", "20", "--days", "2", "--landing", str(landing)]
    assert main(argv) == 0
    assert any(path.is_file() for path in landing.rglob("*.jsonl"))
