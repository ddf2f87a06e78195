"""Erased data leaves the published file's bytes too.

An incremental build starts as a byte copy of the published warehouse, and DuckDB
does not zero the blocks it frees: after a run that applies a new erasure, SQL no
longer returns the erased values but the file's bytes still hold them. So when a
build applies erasure requests the published warehouse did not have, ``cxw run``
writes the build fresh (``COPY FROM DATABASE`` into a new file: only live data is
copied) before it is validated, and then searches the new file's bytes for every
written form of each requested identifier; a hit stops the publish.

The search knows the identifiers the requests name (from the run's snapshot of
``privacy/erasure_requests.csv``), not those the warehouse linked to them (its
``erased_identifiers`` chain is SQL, and the warehouse keeps no list of them).
"""

from __future__ import annotations

import csv
import logging
import os
import re
import subprocess
from pathlib import Path

from cx_warehouse import layers

log = logging.getLogger(__name__)

REQUESTS_FILE = Path("privacy") / "erasure_requests.csv"


class ErasureError(Exception):
    """An erased identifier is still in the file: a one-line message for the user."""


def request_ids(database: Path) -> set[str]:
    """The erasure requests a warehouse applied (``stg_privacy__erasure_requests``)."""
    import duckdb

    if not database.exists():
        return set()
    with layers.connect(database) as connection:
        try:
            rows = connection.execute(
                "select erasure_request_id from stg_privacy__erasure_requests"
            ).fetchall()
        except duckdb.CatalogException:
            return set()
    return {row[0] for row in rows}


def _requests(landing: Path) -> list[tuple[str, str, str]]:
    """(request id, identifier type, identifier as landed) of every well-formed line of
    the landing folder's erasure requests (the header is not one)."""
    path = landing / REQUESTS_FILE
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return [
            (row[0].strip(), row[1].strip().lower(), row[2])
            for row in csv.reader(handle)
            if len(row) == 4 and row[0].strip() and row[0].strip() != "request_id"
        ]


def landed_request_ids(landing: Path) -> set[str]:
    """The ids of the erasure requests in the landing folder."""
    return {request_id for request_id, _, _ in _requests(landing)}


def requested_identifiers(landing: Path, ids: set[str]) -> list[str]:
    """Every written form of the emails, phones, loyalty cards and customer ids the
    requests ``ids`` name: as landed, trimmed, lower-cased, and a phone's digits in
    E.164 and national (nine) form."""
    forms: set[str] = set()
    for request_id, identifier_type, identifier in _requests(landing):
        if request_id not in ids:
            continue
        forms |= {identifier, identifier.strip(), identifier.strip().lower()}
        if identifier_type == "phone":
            digits = re.sub(r"[^0-9]", "", identifier)
            forms |= {digits, digits[-9:], "+" + digits.removeprefix("00")}
    return sorted(form for form in forms if len(form) >= 6)


def write_fresh(database: Path) -> None:
    """Replace ``database`` by a copy of its live data (no freed block comes along)."""
    import duckdb

    fresh = database.with_name(database.name + ".fresh")
    fresh.unlink(missing_ok=True)
    with duckdb.connect(str(fresh)) as connection:
        catalog = connection.execute("select current_database()").fetchone()[0]
        connection.execute(f"attach '{database}' as cxw_source (read_only)")
        connection.execute(f'copy from database cxw_source to "{catalog}"')
        connection.execute("detach cxw_source")
        connection.execute("checkpoint")
    os.replace(fresh, database)


def _grep(database: Path, forms: list[str], *options: str) -> set[str]:
    if not forms:
        return set()
    completed = subprocess.run(
        [
            "grep",
            "--fixed-strings",
            "--ignore-case",
            "--text",
            "--only-matching",
            *options,
            "--file=-",
            str(database),
        ],
        input="\n".join(forms).encode(),
        capture_output=True,
        check=False,
    )
    if completed.returncode > 1:
        raise OSError(f"grep failed on {database}: {completed.stderr.decode().strip()}")
    return {
        match.strip().lower() for match in completed.stdout.decode(errors="replace").splitlines()
    }


def bytes_holding(database: Path, forms: list[str]) -> list[str]:
    """The forms found anywhere in the file's bytes (case-insensitive), by GNU grep's
    fixed-string search (every form in one pass). A form counts where no letter, digit
    or '_' touches it: nine digits turn up inside hashes' hex text, and customer id
    C0001 inside C00012."""
    if database.stat().st_size == 0:
        return []
    return sorted(_grep(database, forms, "--word-regexp"))


def apply_to_bytes(database: Path, landing: Path, published_ids: set[str]) -> int:
    """When ``database`` applies erasure requests that ``published_ids`` lacks, write it
    fresh and check its bytes; returns how many new requests there were. Raises
    :class:`ErasureError` naming how many identifiers are still there."""
    new = request_ids(database) - published_ids
    if not new:
        return 0
    log.info("%d new erasure request(s): writing the build file fresh", len(new))
    write_fresh(database)
    found = bytes_holding(database, requested_identifiers(landing, new))
    if found:
        raise ErasureError(
            f"{len(found)} form(s) of newly erased identifiers are still in {database}'s "
            "bytes after writing it fresh: a model keeps them (nothing published)"
        )
    return len(new)
