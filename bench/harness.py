"""Run one child process and measure it: wall time, CPU time and peak memory.

Shared by the benchmark scripts in this folder (scripts, not tests). dbt, DuckDB and
the generator run inside the child (or its own children), so what is measured is the
whole process tree under it:

* wall: from start to exit;
* CPU: user + system time of the child and of every descendant it waited for, as
  ``wait4`` reports it for that one child;
* peak RSS: the largest sum of the resident memory of every process in the tree,
  polled from ``/proc`` (Linux) every ``POLL_SECONDS``, and never less than the
  child's own ``ru_maxrss`` (so a short spike between two polls of a single process
  is not missed; elsewhere than Linux ``ru_maxrss`` alone is what there is).

The child runs in a session of its own, so that a timeout ends its whole tree and
nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.2
PROC = Path("/proc")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Measurement:
    """What one child process cost, and how it ended."""

    command: tuple[str, ...]
    returncode: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def as_dict(self) -> dict:
        return {
            "wall_seconds": round(self.wall_seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_rss_mb": round(self.peak_rss_mb),
            "returncode": self.returncode,
            "timed_out": self.timed_out,
        }


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's list), or [] once it is gone."""
    found: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _rss_bytes(pid: int) -> int:
    try:
        fields = (PROC / str(pid) / "statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE_BYTES if len(fields) > 1 else 0


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, right now."""
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_bytes(pid)
        pending += _children(pid)
    return total


def _maxrss_bytes(ru_maxrss: int) -> int:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def _kill_tree(process: subprocess.Popen, killed: threading.Event) -> None:
    killed.set()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def run(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdout: Path | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run ``command`` to the end (or ``timeout`` seconds) and measure it.

    ``env`` is laid over the current environment for the child only. The child's
    stdout and stderr go to the file ``stdout`` when given (appended), else to ours.
    """
    child_env = dict(os.environ)
    child_env.update(env or {})
    peak = [0]
    done, killed = threading.Event(), threading.Event()
    handle = stdout.open("ab") if stdout else None
    try:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT if handle else None,
            start_new_session=True,
        )

        def poll() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_bytes(process.pid))
                done.wait(POLL_SECONDS)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        timer = threading.Timer(timeout, _kill_tree, args=(process, killed)) if timeout else None
        if timer:
            timer.start()
        # wait4 gives this child's own usage, its reaped descendants included
        # (RUSAGE_CHILDREN would mix in every earlier child of this process).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        done.set()
        poller.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if handle:
            handle.close()
    peak_bytes = max(peak[0], _maxrss_bytes(usage.ru_maxrss))
    return Measurement(
        command=tuple(command),
        returncode=process.returncode,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=peak_bytes / 1024**2,
        timed_out=killed.is_set(),
    )


def median(values: Sequence[float]) -> float:
    """The median of a non-empty list (the mean of the middle two for an even count)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
