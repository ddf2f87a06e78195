"""Write-audit-publish for the DuckDB warehouse.

dbt never builds into the published file. It builds into ``<name>.build.duckdb``
beside it (a copy of the published file, so incremental models carry on, or an
empty file with ``--full-refresh``); dbt's tests are the audit; only a build whose
every node passed replaces the published file, in one ``os.replace``. A reader sees
the old warehouse or the new one, never half of a build, and a failed build leaves
the published file byte for byte as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from cx_warehouse.dbt import DbtResult

log = logging.getLogger(__name__)


def build_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/warehouse.build.duckdb``.

    DuckDB names a file's catalog after its name up to the first dot, so both files
    are the catalog ``warehouse``: the views dbt creates (which name their inputs
    ``"warehouse"."main"...``) still resolve after the build file is renamed.
    """
    return warehouse.with_name(f"{warehouse.stem}.build{warehouse.suffix or '.duckdb'}")


def _wal(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def _remove_database(database: Path) -> None:
    database.unlink(missing_ok=True)
    _wal(database).unlink(missing_ok=True)


def _checkpoint(database: Path) -> None:
    """Fold a leftover write-ahead log into the file, so the file alone is the database."""
    if not _wal(database).exists():
        return
    import duckdb

    log.debug("checkpointing %s", database)
    connection = duckdb.connect(str(database))
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def build_and_publish(
    warehouse: Path,
    build: Callable[[Path], DbtResult],
    *,
    full_refresh: bool = False,
) -> DbtResult:
    """Build with ``build(build_file)`` and publish to ``warehouse`` only if it passed.

    Returns the build's result; ``result.ok`` tells whether ``warehouse`` was replaced.
    A failed build file is kept for inspection and removed by the next run.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    staging = build_path(warehouse)
    _remove_database(staging)
    if warehouse.exists() and not full_refresh:
        log.info("copying the published warehouse to %s to build on", staging)
        shutil.copyfile(warehouse, staging)
    else:
        log.info("building a new warehouse in %s", staging)

    result = build(staging)
    if not result.ok:
        log.debug("build failed; %s left unchanged", warehouse)
        return result

    _checkpoint(staging)
    _fsync(staging)
    _wal(warehouse).unlink(missing_ok=True)
    os.replace(staging, warehouse)
    log.info("published %s", warehouse)
    return result
