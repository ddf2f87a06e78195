"""Write-audit-publish for the DuckDB warehouse.

dbt never builds into the published file. It builds into ``<name>.build.duckdb``
beside it (a copy of the published file, so incremental models carry on, or an
empty file with ``--full-refresh``). The audit is dbt's tests and then, on the
checkpointed build file, an optional ``audit`` callable (``cxw run`` passes the Great
Expectations suites, ``cx_warehouse.validate``). Only a build that passed both
replaces the published file, in one ``os.replace``. A reader sees the old warehouse
or the new one, never half of a build, and a failed build or audit leaves the
published file byte for byte as it was.

The file published is the file that was audited: before the audit the build file's
identity (inode, size, modification time) and the run id written into it at the start
(``intake.run``) are read, and both are read again before ``os.replace``. The audit's
Data Docs are written beside the build file and replace the published ones with it
(``data_docs`` is a symbolic link, switched atomically), so that a failed run never
touches what describes the published warehouse. Callers hold the warehouse's lock
(``cx_warehouse.runlock``) for the whole run.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def build_docs_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/warehouse.build.data_docs``: the candidate's
    Data Docs and validation result, published with it."""
    return warehouse.with_name(f"{warehouse.stem}.build.data_docs")


def snapshot_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/warehouse.landing-snapshot``."""
    return warehouse.with_name(f"{warehouse.stem}.landing-snapshot")


class PublishError(Exception):
    """A step of write-audit-publish failed on the file system: one line for the user."""


def _disk_full(error: BaseException) -> bool:
    return getattr(error, "errno", None) == errno.ENOSPC or "No space left" in str(error)


def _first_line(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _size(path: Path) -> str:
    try:
        return f"{path.stat().st_size / 1e6:,.1f} MB"
    except OSError:
        return "size unknown"


def _failed_step(step: str, database: Path, error: BaseException) -> PublishError:
    """One line for a failed step; a partial build file left by a full disk is removed."""
    if _disk_full(error):
        remove_database(database)
        return PublishError(f"{step}: disk full ({_first_line(error)}); removed {database}")
    return PublishError(
        f"{step}: {_first_line(error)}; build file kept in {database} ({_size(database)})"
    )


@contextmanager
def _step(step: str, database: Path) -> Iterator[None]:
    """A file-system or DuckDB failure inside is :func:`_failed_step`'s one line."""
    try:
        yield
    except (OSError, duckdb_error()) as error:
        raise _failed_step(step, database, error) from None


def _wal(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def remove_database(database: Path) -> None:
    """Remove a DuckDB file and its write-ahead log, if there."""
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


def _identity(database: Path, read_run_id: Callable[[Path], str | None] | None):
    stat = database.stat()
    run = read_run_id(database) if read_run_id else None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, run)


def publish_docs(candidate: Path, published: Path, name: str) -> None:
    """Make ``published`` (e.g. ``data/data_docs``) show ``candidate``'s pages.

    ``candidate`` is renamed to ``<published>.<name>`` and ``published`` becomes a
    symbolic link to it, replaced in one ``os.replace``; the pages it showed before are
    removed after. (A ``published`` that is still a real folder, from before, is
    removed first.)
    """
    final = published.with_name(f"{published.name}.{name}")
    if final.exists():
        shutil.rmtree(final)
    os.replace(candidate, final)
    link = published.with_name(f".{published.name}.link")
    link.unlink(missing_ok=True)
    os.symlink(final.name, link)
    old = None
    if published.is_symlink():
        old = published.with_name(os.readlink(published))
    elif published.is_dir():
        shutil.rmtree(published)
    os.replace(link, published)
    if old is not None and old != final and old.is_dir():
        shutil.rmtree(old, ignore_errors=True)


def build_and_publish(
    warehouse: Path,
    build: Callable[[Path], DbtResult],
    *,
    audit: Callable[[Path], AuditResult] | None = None,
    full_refresh: bool = False,
    prepare: Callable[[Path], None] | None = None,
    finish: Callable[[Path], None] | None = None,
    read_run_id: Callable[[Path], str | None] | None = None,
    docs: tuple[Path, Path] | None = None,
) -> PublishResult:
    """Build with ``build(build_file)``, audit with ``audit(build_file)`` and publish to
    ``warehouse`` only if both passed.

    ``prepare(build_file)`` runs before the build (``cxw run`` writes the landing
    intake and the run id), ``finish(build_file)`` after it, before the audit (``cxw
    run`` writes the file fresh when it applies a new erasure). ``read_run_id`` reads
    the run id back, before the audit and again before the publish. ``docs`` is
    (candidate folder, published folder): the audit's Data Docs, published with the
    warehouse. ``result.ok`` tells whether ``warehouse`` was replaced. The audit sees
    the build file checkpointed (no write-ahead log), exactly the bytes that are
    published. A failed build file is kept for inspection and removed by the next
    run; one left by a full disk is removed at once. File-system failures raise
    :class:`PublishError`.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    staging = build_path(warehouse)
    remove_database(staging)
    if warehouse.exists() and not full_refresh:
        log.info("copying the published warehouse to %s to build on", staging)
        with _step("copying the published warehouse", staging):
            shutil.copyfile(warehouse, staging)
    else:
        log.info("building a new warehouse in %s", staging)
    if prepare is not None:
        with _step("writing the landing intake", staging):
            prepare(staging)

    built = build(staging)
    if not built.ok:
        log.debug("build failed; %s left unchanged", warehouse)
        return PublishResult(built)

    with _step("checkpointing the build file", staging):
        _checkpoint(staging)
    if finish is not None:
        with _step("finishing the build file", staging):
            finish(staging)
    audited = None
    identity = _identity(staging, read_run_id)
    if audit is not None:
        log.info("auditing %s", staging)
        audited = audit(staging)
        if not audited.ok:
            log.debug("audit failed; %s left unchanged", warehouse)
            return PublishResult(built, audited)

    if _identity(staging, read_run_id) != identity:
        raise PublishError(
            f"{staging} changed after it was validated (another process wrote it): "
            f"nothing published; {warehouse} left unchanged"
        )
    with _step("publishing", staging):
        _fsync(staging)
        _wal(warehouse).unlink(missing_ok=True)
        os.replace(staging, warehouse)
    log.info("published %s", warehouse)
    if docs is not None and docs[0].is_dir():
        try:
            publish_docs(docs[0], docs[1], identity[3] or "current")
        except OSError as error:
            raise PublishError(
                f"published {warehouse}, but not its Data Docs: {_first_line(error)}"
            ) from None
    return PublishResult(built, audited)


def duckdb_error() -> type[Exception]:
    """DuckDB's base exception (imported late: duckdb is heavy to import)."""
    import duckdb

    return duckdb.Error
