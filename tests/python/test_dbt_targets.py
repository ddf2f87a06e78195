"""dbt by hand, as an analytics engineer runs it: the default dev target builds its
own file beside production, from any working directory; the prod target (what BI
reads) is cxw's alone; a fresh clone without landing data gets one line on what to do."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import LANDING_MIN, sha256

from cx_warehouse import layers
from cx_warehouse.dbt import dbt_command
from cx_warehouse.paths import PROJECT_DIR

pytestmark = pytest.mark.dbt


def _dbt(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """dbt as typed in a shell, in ``cwd`` (the runner of cx_warehouse.dbt would pick
    the prod target)."""
    import os

    return subprocess.run(
        [
            *dbt_command(),
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
        ],
        cwd=cwd,
        env={**os.environ, "CXW_LANDING": str(LANDING_MIN), **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    warehouse = tmp_path / "published.duckdb"
    with layers.connect(warehouse, read_only=False) as connection:
        connection.execute("create table mart_nps as select 1 as nps")
    return warehouse


def test_plain_dbt_builds_the_dev_file_from_any_folder(tmp_path: Path, published: Path) -> None:
    """From another folder with a data/ of its own, a relative dev path is taken from
    the project, and the published file is not even opened."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "data").mkdir(parents=True)
    relative = f"target/test-dev-{uuid.uuid4().hex}/dev.duckdb"
    before = sha256(published)
    try:
        result = _dbt(
            elsewhere,
            "build",
            "--select",
            "+stg_stores__loyalty_members",
            CXW_WAREHOUSE=str(published),
            CXW_DEV_WAREHOUSE=relative,
        )
        assert result.returncode == 0, result.stdout[-2000:]
        dev = PROJECT_DIR / relative
        with layers.connect(dev) as connection:
            assert (
                connection.execute("select count(*) from stg_stores__loyalty_members").fetchone()[0]
                > 0
            )
    finally:
        shutil.rmtree((PROJECT_DIR / relative).parent, ignore_errors=True)
    assert sha256(published) == before
    assert list((elsewhere / "data").iterdir()) == [], "no second warehouse where dbt ran"


def test_the_prod_target_by_hand_is_refused(tmp_path: Path, published: Path) -> None:
    before = sha256(published)
    result = _dbt(tmp_path, "build", "--target", "prod", CXW_WAREHOUSE=str(published))
    assert result.returncode != 0
    assert "the prod target is the published warehouse, which `cxw run` builds" in result.stdout
    assert sha256(published) == before


def test_no_landing_data_is_one_line_on_what_to_do(tmp_path: Path) -> None:
    empty = tmp_path / "landing"
    empty.mkdir()
    result = _dbt(
        tmp_path, "build", CXW_LANDING=str(empty), CXW_DEV_WAREHOUSE=str(tmp_path / "dev.duckdb")
    )
    assert result.returncode != 0
    assert f"no landing files in {empty}: run `make run`" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
