"""The semantic layer answers while BI holds the warehouse: `mf query` through the
`published` target opens the published file read-only, and the metric names follow
the marts (`ces` as in mart_ces)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Build

from cx_warehouse import layers
from cx_warehouse.paths import PROJECT_DIR

pytestmark = pytest.mark.dbt


def _project_copy(root: Path, build: Build) -> Path:
    """The project's files linked into ``root``, with the build's semantic manifest in
    ``root/target`` (mf reads ./target, whatever DBT_TARGET_PATH says)."""
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in {"target", "logs", "data", ".venv", ".git"}:
            (root / entry.name).symlink_to(entry)
    (root / "target").mkdir()
    shutil.copyfile(
        build.result.target_path / "semantic_manifest.json",
        root / "target" / "semantic_manifest.json",
    )
    return root


def test_mf_answers_while_a_reader_holds_the_warehouse(
    landing_min_build: Build, tmp_path: Path
) -> None:
    project = _project_copy(tmp_path, landing_min_build)
    mf = Path(sys.executable).parent / "mf"
    with layers.connect(landing_min_build.warehouse) as reader:
        expected = reader.execute("select sum(responses) from mart_nps").fetchone()[0]
        result = subprocess.run(
            [str(mf), "query", "--metrics", "ces,nps,nps_responses", "--order", "nps"],
            cwd=project,
            env={
                **os.environ,
                "DBT_TARGET": "published",
                "CXW_WAREHOUSE": str(landing_min_build.warehouse),
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Success" in result.stdout
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    assert lines[-1][-1] == str(expected), result.stdout
