"""The pull-request check (bin/pr-check): it builds what changed and defers the rest.

It runs on a throwaway git worktree of HEAD, so the checkout under test is never
edited: no change builds nothing, and a change to a leaf mart builds that mart and its
tests, reading its parents from the state of HEAD.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cx_warehouse.paths import PROJECT_DIR

pytestmark = pytest.mark.dbt


def _git(*args: str, cwd: Path = PROJECT_DIR) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path):
    try:
        _git("rev-parse", "--verify", "HEAD")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    path = tmp_path / "checkout"
    _git("worktree", "add", "--detach", "--quiet", str(path), "HEAD")
    try:
        yield path
    finally:
        _git("worktree", "remove", "--force", str(path))


def _script(checkout: Path, name: str) -> subprocess.CompletedProcess:
    """The checkout's ``bin/<name> HEAD``."""
    env = {
        **os.environ,
        "CXW_PYTHON": sys.executable,
        "PYTHONPATH": str(checkout),
        "CXW_ERASURE_KEY": "pr-check-test-key-0123456789",
    }
    return subprocess.run(
        [str(checkout / "bin" / name), "HEAD"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _pr_check(checkout: Path) -> subprocess.CompletedProcess:
    return _script(checkout, "pr-check")


def test_no_change_builds_nothing_and_a_leaf_change_builds_the_leaf(checkout: Path) -> None:
    unchanged = _pr_check(checkout)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "pr-check: passed: no nodes" in unchanged.stdout

    mart = checkout / "models" / "marts" / "cx" / "mart_nps.sql"
    text = mart.read_text(encoding="utf-8")
    assert "\n    from measured\n" in text
    mart.write_text(text.replace("\n    from measured\n", "\n    -- a change\n    from measured\n"))
    leaf = _pr_check(checkout)
    assert leaf.returncode == 0, leaf.stdout + leaf.stderr
    summary = leaf.stdout.strip().splitlines()[-1]
    assert summary.startswith("pr-check: passed:"), summary
    assert " 1 models," in summary, summary
    suites = len(list((checkout / "expectations").glob("*.json")))
    assert f"1 of {suites} suites" in leaf.stdout + leaf.stderr


def test_the_pull_request_lints_what_changed(checkout: Path) -> None:
    """bin/changed-sql: nothing when no SQL changed, the changed model alone, every
    model when a macro changed (it renders into all of them)."""

    def changed() -> list[str]:
        result = _script(checkout, "changed-sql")
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    assert changed() == []
    (checkout / "README.md").write_text("changed\n", encoding="utf-8")
    assert changed() == []
    mart = checkout / "models" / "marts" / "cx" / "mart_nps.sql"
    mart.write_text(mart.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert changed() == ["models/marts/cx/mart_nps.sql"]
    (checkout / "macros" / "new_macro.sql").write_text("", encoding="utf-8")
    assert changed() == ["models"]
