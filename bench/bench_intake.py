"""What ``cxw run``'s intake costs (cx_warehouse/intake.py): a script, not a test.

On one landing folder (``--landing DIR``, or generated with ``--customers``/``--days``
into ``--workdir``) it measures, in this process, one after the other:

* floor: reading every file's bytes once (the least any reader of the folder pays; a
  first pass warms the page cache, the second is timed);
* cold: a snapshot that reads every file (the first run, or ``--full-refresh``);
* warm: a snapshot with the intake of the cold one held (a daily run: files already
  seen are linked without being read).

and prints files, bytes, seconds and the ratios cold/floor and warm/cold.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_generate

from cx_warehouse import intake


def _read_all(landing: Path) -> int:
    return sum(len(path.read_bytes()) for path in intake.walk(landing))


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, help="an existing landing folder")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, help="where to generate and snapshot")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_intake_"))
    landing = args.landing
    if landing is None:
        landing = workdir / "landing"
        if not landing.exists():
            print(f"generating {args.customers:,} customers x {args.days} days into {workdir}")
            bench_generate.measure(args.customers, args.days, args.seed, workdir, quiet=True)

    _read_all(landing)
    size, floor = _timed(_read_all, landing)
    cold, cold_seconds = _timed(intake.take_snapshot, landing, workdir / "snapshot")
    database = workdir / "intake.duckdb"
    database.unlink(missing_ok=True)
    intake.write_intake(database, cold)
    held = intake.held_intake(database)
    warm, warm_seconds = _timed(intake.take_snapshot, landing, workdir / "snapshot", held)
    shutil.rmtree(workdir / "snapshot", ignore_errors=True)

    print(f"landing: {landing}: {len(cold.files):,} files, {size / 1e6:,.1f} MB")
    print(f"floor (read every byte once): {floor:8.2f} s ({size / 1e6 / floor:,.0f} MB/s)")
    print(
        f"cold snapshot (read all):     {cold_seconds:8.2f} s = {cold_seconds / floor:.2f}x floor"
    )
    print(
        f"warm snapshot (all held):     {warm_seconds:8.2f} s = "
        f"{warm_seconds / cold_seconds:.3f}x cold"
    )
    assert len(warm.files) == len(cold.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
