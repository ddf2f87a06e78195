"""Write-audit-publish for the DuckDB warehouse.

dbt never builds into the published file. It builds into ``<name>.build.duckdb``
beside it (a copy of the published file, so incremental models carry on, or an
empty file with ``--full-refresh``). The audit is dbt's tests and then, on the
checkpointed build file, an optional ``audit`` callable (``cxw run`` passes the Great
Expectations suites, ``cx_warehouse.validate``). Only a build that passed both
replaces the published file, in one ``os.replace``. A reader sees the old warehouse
or the new one, never half of a build, and a failed build or audit leaves the
published file byte for byte as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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


class AuditResult(Protocol):
    """What an audit of the build file says (``cx_warehouse.validate.ValidationReport``)."""

    @property
    def ok(self) -> bool: ...

    def reason(self) -> str: ...


@dataclass(frozen=True)
class PublishResult:
    """The build's result, the audit's (None when it did not run) and whether it published."""

    build: DbtResult
    audit: AuditResult | None = None

    @property
    def ok(self) -> bool:
        """True when the build and the audit passed, i.e. the warehouse was replaced."""
        return self.build.ok and (self.audit is None or self.audit.ok)

    @property
    def target_path(self) -> Path:
        return self.build.target_path

    @property
    def log_path(self) -> Path:
        return self.build.log_path

    def reason(self) -> str:
        """One line: why nothing was published (empty when it was)."""
        if not self.build.ok:
            return self.build.reason()
        if self.audit is not None and not self.audit.ok:
            return self.audit.reason()
        return ""


def build_and_publish(
    warehouse: Path,
    build: Callable[[Path], DbtResult],
    *,
    audit: Callable[[Path], AuditResult] | None = None,
    full_refresh: bool = False,
) -> PublishResult:
    """Build with ``build(build_file)``, audit with ``audit(build_file)`` and publish to
    ``warehouse`` only if both passed.

    ``result.ok`` tells whether ``warehouse`` was replaced. The audit sees the build
    file checkpointed (no write-ahead log), exactly the bytes that would be published.
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

    built = build(staging)
    if not built.ok:
        log.debug("build failed; %s left unchanged", warehouse)
        return PublishResult(built)

    _checkpoint(staging)
    if audit is not None:
        log.info("auditing %s", staging)
        audited = audit(staging)
        if not audited.ok:
            log.debug("audit failed; %s left unchanged", warehouse)
            return PublishResult(built, audited)
    else:
        audited = None

    _fsync(staging)
    _wal(warehouse).unlink(missing_ok=True)
    os.replace(staging, warehouse)
    log.info("published %s", warehouse)
    return PublishResult(built, audited)
