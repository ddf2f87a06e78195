"""The run's intake: one fixed, readable snapshot of the landing folder.

``cxw run`` never lets dbt read the landing folder itself. At the start of a run it
lists every file under the folder (with its size), decides what each one is, and lays
out a snapshot folder that dbt reads instead:

* a file of a contract entity (``var landing_entities`` in dbt_project.yml), in its
  place (``<system>/<entity>/dt=YYYY-MM-DD/part-*.<ext>`` or
  ``<system>/<entity>.<ext>``), is linked into the snapshot (a hard link: no copy);
* a text line dbt could not read (not UTF-8, or longer than ``MAX_LINE_BYTES``) is
  replaced, in a rewritten copy of its file, by ``#cxw:rejected <rule> line <n>:
  <reason>``, which staging quarantines with its rule, file and line number; no byte
  of the line reaches dbt, its logs or the warehouse;
* a CSV whose header names the contract's columns in another order is rewritten in
  the contract's order (read by name); one whose header does not name them, an
  unreadable file and a Parquet file that cannot be read are quarantined whole;
* anything else (a file not named ``part-*``, an unknown system or entity, a day
  folder whose date is not a date) is not read, and is listed as unrecognised.

Files that arrive during the run are not in the snapshot: they wait for the next run.
What the intake decided for every file is written into the build file
(``intake.landing_files``), with the run's id (``intake.run``); the quality models
count it (``quality_landing_files``, ``quality_quarantine``,
``quality_reconciliation``). A file the published warehouse's intake already saw
with the same size and modification time is not read again.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cx_warehouse.contract import Entity, contract_entities

log = logging.getLogger(__name__)

# A line longer than this is quarantined (line_too_long): DuckDB's CSV reader
# refuses lines over 2 MB, and no record of the contract comes near 1 MB.
MAX_LINE_BYTES = 1_048_576
MARKER = "#cxw:rejected"
_DAY = re.compile(r"dt=(\d{4}-\d{2}-\d{2})")

# The columns of intake.landing_files, as the source YAML declares them
# (models/staging/landing/_landing__sources.yml; a test compares the two).
COLUMNS: dict[str, str] = {
    "file_name": "varchar",
    "source_system": "varchar",
    "entity": "varchar",
    "partition_date": "date",
    "size_bytes": "bigint",
    "modified_ns": "bigint",
    "status": "varchar",
    "rule": "varchar",
    "reason": "varchar",
    "rejected_lines": "integer",
    "has_records": "boolean",
    "is_rewritten": "boolean",
}


class LandingError(Exception):
    """The landing folder cannot be used: a one-line message for the user."""


@dataclass(frozen=True)
class LandingFile:
    """What the intake decided for one file under the landing folder."""

    file_name: str
    source_system: str | None
    entity: str | None
    partition_date: date | None
    size_bytes: int
    modified_ns: int
    status: str  # loaded, quarantined or unrecognised
    rule: str | None = None
    reason: str | None = None
    rejected_lines: int = 0
    has_records: bool = False
    is_rewritten: bool = False

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in COLUMNS)


@dataclass(frozen=True)
class Snapshot:
    """The run's view of the landing folder: where dbt reads it, and every file."""

    landing: Path
    folder: Path
    files: tuple[LandingFile, ...]
    run_id: str

    def counts(self) -> Counter[tuple[str, str | None]]:
        return Counter((file.status, file.rule) for file in self.files)

    def warnings(self) -> list[str]:
        """One line per kind of file that was not loaded, or loaded in part."""
        kinds: dict[tuple[str, str], list[LandingFile]] = {}
        for file in self.files:
            if file.status != "loaded":
                kinds.setdefault((file.status, file.rule or "?"), []).append(file)
            elif file.rejected_lines:
                kinds.setdefault(("lines quarantined", "bad lines"), []).append(file)
        lines = []
        for (status, rule), files in sorted(kinds.items()):
            example = files[0]
            more = f" and {len(files) - 1} more" if len(files) > 1 else ""
            reason = f" ({example.reason})" if example.reason else ""
            lines.append(
                f"{len(files)} landing file(s) {status} ({rule}): {example.file_name}{more}{reason}"
            )
        return lines


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def classify(file_name: str) -> tuple[Entity | None, date | None, str | None, str | None]:
    """(entity, day, rule, reason) of a path relative to the landing folder; the rule
    and reason say why a file is unrecognised (entity None)."""
    parts = file_name.split("/")
    entities = contract_entities()
    if any(part.startswith(".") for part in parts):
        return None, None, "hidden_file", "a hidden file or folder is not part of the contract"
    if len(parts) == 2:
        system, name = parts
        stem, _, extension = name.partition(".")
        entity = entities.get((system, stem))
        if entity is not None and not entity.dated and extension == entity.extension:
            return entity, None, None, None
        if entity is not None and entity.dated:
            return None, None, "not_in_day_folder", f"{system}/{stem} arrives in dt= day folders"
        return None, None, "unknown_entity", f"no entity {system}/{stem} in the landing contract"
    if len(parts) == 4:
        system, name, day_folder, part = parts
        entity = entities.get((system, name))
        if entity is None or not entity.dated:
            return None, None, "unknown_entity", f"no dated entity {system}/{name} in the contract"
        match = _DAY.fullmatch(day_folder)
        day = None
        if match:
            try:
                day = date.fromisoformat(match.group(1))
            except ValueError:
                day = None
        if day is None:
            return None, None, "bad_day_folder", f"'{day_folder}' is not dt=YYYY-MM-DD"
        if not (part.startswith("part-") and part.endswith("." + entity.extension)):
            return (
                None,
                None,
                "not_a_part_file",
                f"expected part-*.{entity.extension} in a day folder",
            )
        return entity, day, None, None
    return (
        None,
        None,
        "unexpected_path",
        "not <system>/<entity>/dt=YYYY-MM-DD/part-* nor a reference file",
    )


def _marker(rule: str, number: int, reason: str) -> bytes:
    return f"{MARKER} {rule} line {number}: {reason}".encode()


def _header_order(entity: Entity, header: str) -> tuple[list[int] | None, str | None]:
    """How to read a CSV file by its header: (None, None) when it is the contract's
    header; (order, None) when it names the contract's columns in another order
    (order[i] = position of contract column i); (None, reason) when it does not."""
    assert entity.header is not None
    expected = list(entity.columns)
    delimiter = entity.delimiter
    alternative = entity.alternative_delimiter
    if alternative and alternative in header and delimiter not in header:
        delimiter = alternative  # a file in the alternative delimiter the contract allows
    names = [name.strip() for name in header.split(delimiter)]
    if names == expected:
        return None, None
    if sorted(names) == sorted(expected) and len(set(names)) == len(names):
        return [names.index(name) for name in expected], None
    missing = [name for name in expected if name not in names]
    unknown = [name for name in names if name not in expected]
    detail = "; ".join(
        part
        for part in (
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(unknown[:5])}" if unknown else "",
        )
        if part
    )
    return None, f"the header does not name the contract's columns ({detail or 'repeated names'})"


def _reorder(line: str, order: list[int], delimiter: str) -> str:
    fields = next(csv.reader([line], delimiter=delimiter))
    if len(fields) != len(order):
        return line  # staging quarantines it (too_few_fields / too_many_fields)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow([fields[i] for i in order])
    return buffer.getvalue()


@dataclass(frozen=True)
class _TextScan:
    lines: list[bytes] | None  # the rewritten file, None when it is read as it is
    rejected: int
    has_records: bool
    quarantine: str | None = None  # header_mismatch reason


def _scan_text(data: bytes, entity: Entity) -> _TextScan:
    """Check a JSON Lines or CSV file; rewrite it only when a line or its header needs it."""
    lines = data.split(b"\n")
    clean = len(data) <= MAX_LINE_BYTES or max(map(len, lines)) <= MAX_LINE_BYTES
    if clean:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            clean = False
    order: list[int] | None = None
    if entity.format == "csv":
        first = lines[0].rstrip(b"\r")
        try:
            header = first.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            header = None
        if header is None or len(first) > MAX_LINE_BYTES:
            return _TextScan(None, 0, False, "the header line is not readable text")
        order, mismatch = _header_order(entity, header)
        if mismatch:
            return _TextScan(None, 0, False, mismatch)
    body = lines[1:] if entity.format == "csv" else lines
    has_records = any(line.strip() for line in body)
    if clean and order is None:
        return _TextScan(None, 0, has_records)
    rewritten, rejected = [], 0
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            rewritten.append(
                _marker("line_too_long", number, f"longer than {MAX_LINE_BYTES} bytes")
            )
            rejected += 1
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            rewritten.append(_marker("invalid_encoding", number, "not UTF-8 text"))
            rejected += 1
            continue
        if order is not None and text.strip():
            text = entity.header if number == 1 else _reorder(text, order, entity.delimiter)
        rewritten.append(text.encode("utf-8"))
    return _TextScan(rewritten, rejected, has_records)


def _parquet_rows(path: Path) -> int:
    import duckdb

    with duckdb.connect() as connection:
        return connection.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0]


def _inspect(path: Path, base: LandingFile, entity: Entity, target: Path) -> LandingFile:
    """Read one new or changed file, and lay it into the snapshot at ``target``."""
    if entity.format == "parquet":
        try:
            rows = _parquet_rows(path)
        except Exception as error:
            text = str(error).replace(str(path), base.file_name).strip()
            first = text.splitlines()[0] if text else type(error).__name__
            return replace(base, status="quarantined", rule="unreadable_file", reason=first[:300])
        _link(path, target)
        return replace(base, has_records=rows > 0)
    try:
        data = path.read_bytes()
    except OSError as error:
        return replace(
            base, status="quarantined", rule="unreadable_file", reason=error.strerror or str(error)
        )
    scan = _scan_text(data, entity)
    if scan.quarantine:
        return replace(base, status="quarantined", rule="header_mismatch", reason=scan.quarantine)
    if scan.lines is None:
        _link(path, target)
        return replace(base, has_records=scan.has_records)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\n".join(scan.lines))
    return replace(
        base, rejected_lines=scan.rejected, has_records=scan.has_records, is_rewritten=True
    )


_symlinked = False


def _link(source: Path, target: Path) -> None:
    """A hard link (no copy); a symbolic link where the snapshot is on another disk."""
    global _symlinked
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        if not _symlinked:
            log.info("the snapshot is on another file system: linking landing files symbolically")
            _symlinked = True
        os.symlink(source, target)


def walk(landing: Path) -> Iterable[Path]:
    """Every file under the landing folder, in a stable order."""
    for root, folders, files in os.walk(landing):
        folders.sort()
        for name in sorted(files):
            yield Path(root) / name


def check_landing(landing: Path, flag: str) -> None:
    """A missing, unreadable or empty landing folder is an error, not an empty warehouse."""
    if not landing.exists():
        raise LandingError(f"{flag} {landing}: no such folder")
    if not landing.is_dir():
        raise LandingError(f"{flag} {landing}: not a folder")
    if next(iter(walk(landing)), None) is None:
        raise LandingError(
            f"{flag} {landing}: no files to build from (run `cxw generate` for synthetic data, "
            "or `cxw run --demo`)"
        )


def take_snapshot(
    landing: Path, folder: Path, held: Mapping[str, LandingFile] | None = None
) -> Snapshot:
    """List every file under ``landing`` and lay out the snapshot dbt reads in ``folder``.

    ``held`` is the intake of the published warehouse: a file it saw with the same size
    and modification time, loaded as it was, is linked without being read again.
    """
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    held = held or {}
    files = []
    for path in walk(landing):
        file_name = _relative(path, landing)
        entity, day, rule, reason = classify(file_name)
        try:
            stat = path.stat()
        except OSError as error:
            status = "quarantined" if entity else "unrecognised"
            files.append(
                LandingFile(
                    file_name,
                    entity.system if entity else None,
                    entity.entity if entity else None,
                    day,
                    0,
                    0,
                    status,
                    "unreadable_file" if entity else rule,
                    error.strerror if entity else reason,
                )
            )
            continue
        base = LandingFile(
            file_name=file_name,
            source_system=entity.system if entity else None,
            entity=entity.entity if entity else None,
            partition_date=day,
            size_bytes=stat.st_size,
            modified_ns=stat.st_mtime_ns,
            status="loaded" if entity else "unrecognised",
            rule=rule,
            reason=reason,
        )
        if entity is None:
            files.append(base)
            continue
        before = held.get(file_name)
        target = folder / file_name
        if (
            before is not None
            and before.status == "loaded"
            and not before.is_rewritten
            and (before.size_bytes, before.modified_ns) == (stat.st_size, stat.st_mtime_ns)
        ):
            _link(path, target)
            files.append(replace(base, has_records=before.has_records))
            continue
        files.append(_inspect(path, base, entity, target))
    snapshot = Snapshot(landing, folder, tuple(files), run_id=uuid.uuid4().hex)
    counts = snapshot.counts()
    log.info(
        "landing snapshot: %d files (%d loaded, %d quarantined, %d unrecognised)",
        len(files),
        sum(n for (status, _), n in counts.items() if status == "loaded"),
        sum(n for (status, _), n in counts.items() if status == "quarantined"),
        sum(n for (status, _), n in counts.items() if status == "unrecognised"),
    )
    return snapshot


def changed_since(snapshot: Snapshot) -> list[str]:
    """Files of the snapshot whose landed size changed since it was taken (written in
    place during the run): the run must not publish what it read of them."""
    changed = []
    for file in snapshot.files:
        if file.status != "loaded" or file.is_rewritten:
            continue
        path = snapshot.landing / file.file_name
        try:
            size = path.stat().st_size
        except OSError:
            continue  # removed from the landing folder: the snapshot's link still holds it
        if size != file.size_bytes:
            changed.append(f"{file.file_name} ({file.size_bytes:,} -> {size:,} bytes)")
    return changed


def _schema(connection) -> str:
    """The intake schema, qualified by the file's catalog: a file named ``intake.duckdb``
    is the catalog ``intake``, and a bare ``intake.x`` would be ambiguous there."""
    catalog = connection.execute("select current_database()").fetchone()[0]
    return '"{}".intake'.format(catalog.replace('"', '""'))


def held_intake(database: Path) -> dict[str, LandingFile]:
    """The intake written into ``database`` by the run that built it (empty if none)."""
    import duckdb

    if not database.exists():
        return {}
    with duckdb.connect(str(database), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'intake' "
            "and table_name = 'landing_files'"
        ).fetchone()[0]
        if not found:
            return {}
        rows = connection.execute(
            f"select {', '.join(COLUMNS)} from {_schema(connection)}.landing_files"
        ).fetchall()
    return {row[0]: LandingFile(*row) for row in rows}


def write_intake(database: Path, snapshot: Snapshot) -> None:
    """Write ``intake.landing_files`` and ``intake.run`` into the build file."""
    import duckdb

    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    with duckdb.connect(str(database)) as connection:
        schema = _schema(connection)
        connection.execute(f"create schema if not exists {schema}")
        connection.execute(f"create or replace table {schema}.landing_files ({columns})")
        connection.executemany(
            f"insert into {schema}.landing_files values ({', '.join('?' * len(COLUMNS))})",
            [file.row() for file in snapshot.files],
        )
        connection.execute(
            f"create or replace table {schema}.run as "
            "select ? as run_id, current_timestamp as started_at, ? as landing",
            [snapshot.run_id, str(snapshot.landing)],
        )
        connection.execute("checkpoint")


def run_id(database: Path) -> str | None:
    """The run id a build file carries (``intake.run``), None when it has none."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        try:
            return connection.execute(
                f"select max(run_id) from {_schema(connection)}.run"
            ).fetchone()[0]
        except duckdb.CatalogException:
            return None
