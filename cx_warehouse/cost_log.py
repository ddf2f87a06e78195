"""A count of a run's dear calls: dbt invocations and generator runs.

With ``CXW_COST_LOG`` naming a file, ``run_dbt`` and ``generate`` append one JSON line
per call to it: what ran, its wall seconds, and ``CXW_COST_WHERE`` (who asked: the
test suite names the fixture or test that is running). Child processes inherit both
variables, so the dbt runs of a ``cxw`` child are counted too. Without the variable
nothing is written. The test suite sets it for its session and prints the summary
``summary()`` gives (``tests/python/conftest.py``, ``docs/performance.md``).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

COST_LOG_ENV = "CXW_COST_LOG"
COST_WHERE_ENV = "CXW_COST_WHERE"


@contextmanager
def timed(kind: str, **fields: Any) -> Iterator[None]:
    """Time the block and append ``{"kind": kind, **fields, "where", "seconds"}`` to the
    file ``CXW_COST_LOG`` names, if it names one; the line is written when the block
    raises too."""
    path = os.environ.get(COST_LOG_ENV)
    if not path:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        entry = {
            "kind": kind,
            **fields,
            "where": os.environ.get(COST_WHERE_ENV, ""),
            "seconds": round(time.perf_counter() - started, 3),
        }
        # One short line in append mode: concurrent writers do not interleave.
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")


def read(path: Path) -> list[dict[str, Any]]:
    """The entries written to ``path`` (none when it does not exist)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def summary(entries: list[dict[str, Any]], top: int = 12) -> list[str]:
    """A few lines: dbt invocations by command, generator runs by customers x days,
    each with its count and wall seconds, then the ``top`` dearest callers."""
    dbt = [entry for entry in entries if entry["kind"] == "dbt"]
    generated = [entry for entry in entries if entry["kind"] == "generate"]
    lines = [
        f"dbt invocations: {len(dbt)}, {_seconds(dbt)}"
        + _grouped(dbt, lambda entry: entry["command"] + (" --select" if entry["select"] else "")),
        f"generator runs: {len(generated)}, {_seconds(generated)}"
        + _grouped(generated, lambda entry: f"{entry['customers']}x{entry['days']}"),
    ]
    by_where: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_where[entry["where"] or "(outside a test)"].append(entry)
    dearest = sorted(by_where.items(), key=lambda item: -sum(e["seconds"] for e in item[1]))
    for where, calls in dearest[:top]:
        kinds = Counter(entry["kind"] for entry in calls)
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        lines.append(f"  {sum(e['seconds'] for e in calls):7.1f} s  {counted:<20} {where}")
    if len(dearest) > top:
        lines.append(f"  ... and {len(dearest) - top} more callers")
    return lines


def _seconds(entries: list[dict[str, Any]]) -> str:
    return f"{sum(entry['seconds'] for entry in entries):.1f} s"


def _grouped(entries: list[dict[str, Any]], key: Any) -> str:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        groups[key(entry)].append(entry)
    if not groups:
        return ""
    return ": " + ", ".join(
        f"{name} {len(calls)} ({_seconds(calls)})"
        for name, calls in sorted(groups.items(), key=lambda item: -len(item[1]))
    )
