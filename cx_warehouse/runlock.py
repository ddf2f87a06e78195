"""One ``cxw run`` at a time per warehouse.

A run holds an exclusive ``flock`` on ``<warehouse>.lock`` for its whole life: build,
validation, publish, Data Docs and report. The kernel releases the lock when the last
process holding the file descriptor ends, so a run that died (killed, power cut)
never leaves a lock behind; its file keeps the dead run's pid and start time, which
the next run reports as a stale lock before it takes over.

The descriptor is handed to the dbt child (``pass_fds``): while a dbt build that
outlived its ``cxw`` (it should not: see ``cx_warehouse.dbt``) still runs, the lock is
held and the next run refuses, naming the dead run.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)


class LockHeld(Exception):
    """Another run holds the warehouse: a one-line message for the user."""


def lock_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/warehouse.duckdb.lock``."""
    return warehouse.with_name(warehouse.name + ".lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Holder:
    """What a lock file says about the run that took it."""

    pid: int | None
    started: str | None

    @classmethod
    def read(cls, descriptor: int) -> Holder | None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        text = os.read(descriptor, 4096).decode("utf-8", "replace").strip()
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(pid=int(data["pid"]), started=str(data["started"]))
        except (ValueError, KeyError, TypeError):
            return cls(pid=None, started=None)

    def describe(self) -> str:
        return f"pid {self.pid if self.pid is not None else '?'}, started {self.started or '?'}"


class RunLock:
    """``with RunLock(warehouse, wait=0):`` holds the warehouse's lock or raises LockHeld.

    ``wait`` is how many seconds to wait for another run to finish (0: refuse at once).
    ``stale`` tells, once the lock is held, whether a run before this one died holding it.
    """

    def __init__(self, warehouse: Path, *, wait: float = 0.0, poll_seconds: float = 0.5) -> None:
        self.warehouse = warehouse
        self.path = lock_path(warehouse)
        self.wait = wait
        self.poll_seconds = poll_seconds
        self.descriptor: int | None = None
        self.stale: Holder | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        announced = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = Holder.read(descriptor) or Holder(None, None)
                if time.monotonic() >= deadline:
                    os.close(descriptor)
                    raise LockHeld(self._held_message(holder)) from None
                if not announced:
                    log.warning(
                        "waiting up to %.0f s for another run (%s) to release %s",
                        self.wait,
                        holder.describe(),
                        self.warehouse,
                    )
                    announced = True
                time.sleep(self.poll_seconds)
        self.stale = Holder.read(descriptor)
        if self.stale is not None:
            log.warning(
                "an earlier run (%s) ended without releasing %s; taking over",
                self.stale.describe(),
                self.warehouse,
            )
        os.ftruncate(descriptor, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(descriptor, json.dumps({"pid": os.getpid(), "started": started}).encode(), 0)
        self.descriptor = descriptor
        return self

    def _held_message(self, holder: Holder) -> str:
        if holder.pid is not None and not _alive(holder.pid):
            return (
                f"a process left by run ({holder.describe()}) still holds {self.warehouse}: "
                "its dbt build is still running; wait for it to end or kill it"
            )
        return f"another run ({holder.describe()}) holds {self.warehouse}"

    def __exit__(self, *exc_info: object) -> None:
        if self.descriptor is None:
            return
        # A clean release leaves an empty file: the next run sees no stale holder.
        os.ftruncate(self.descriptor, 0)
        fcntl.flock(self.descriptor, fcntl.LOCK_UN)
        os.close(self.descriptor)
        self.descriptor = None
