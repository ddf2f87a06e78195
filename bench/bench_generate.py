"""Benchmark the landing-data generator at growing scale (a script, not a test).

Each scale runs in a child process of its own, so its peak memory is its own:

    python bench/bench_generate.py                 # 10k and 100k customers x 365 days
    python bench/bench_generate.py --include-1m    # ... and 1M
    python bench/bench_generate.py --scales 1000,10000 --days 30

Prints a table and writes bench/results/generate.json: per scale the wall time, CPU
time, peak RSS, rows landed, rows/s and landing size; and the growth ratios from one
scale to the next (10x the customers should cost about 10x the time; memory that
grows as fast as the data is a sign something is held whole).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import harness

RESULTS = Path(__file__).resolve().parent / "results" / "generate.json"


class BenchFailed(Exception):
    """A scale did not finish; the scales before it are still reported."""


def child(customers: int, days: int, seed: int, workdir: Path, out: Path) -> None:
    """Run in the child process: generate, then write the row counts as JSON."""
    from cx_warehouse.generator import GenerateConfig, generate

    config = GenerateConfig(
        customers=customers,
        days=days,
        start=date(2025, 1, 1),
        seed=seed,
        landing=workdir / "landing",
        truth=workdir / "truth",
    )
    rows = generate(config)
    out.write_text(json.dumps(rows), encoding="utf-8")


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def measure(customers: int, days: int, seed: int, workdir: Path, quiet: bool) -> dict:
    """Generate into ``workdir``/landing and ``workdir``/truth in a child process."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "rows.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(customers),
        str(days),
        str(seed),
        str(workdir),
        str(out),
    ]
    output = workdir / "output.txt"
    run = harness.run(command, stdout=output if quiet else None)
    if not run.ok:
        tail = (
            output.read_text(encoding="utf-8", errors="replace").splitlines()[-15:] if quiet else []
        )
        raise BenchFailed(
            f"generator failed at {customers:,} customers after {run.wall_seconds:.0f} s "
            f"(exit code {run.returncode}, peak RSS {run.peak_rss_mb:,.0f} MB)"
            + ("\n" + "\n".join(tail) if tail else "")
        )
    rows = json.loads(out.read_text(encoding="utf-8"))
    total = sum(rows.values())
    return {
        "customers": customers,
        "days": days,
        "rows": total,
        "rows_by_entity": rows,
        "wall_seconds": round(run.wall_seconds, 3),
        "cpu_seconds": round(run.cpu_seconds, 3),
        "rows_per_second": round(total / run.wall_seconds),
        "peak_rss_mb": round(run.peak_rss_mb),
        "landing_mb": round(folder_bytes(workdir / "landing") / 1024**2, 1),
        "truth_mb": round(folder_bytes(workdir / "truth") / 1024**2, 1),
    }


def growth(runs: list[dict]) -> list[dict]:
    ratios = []
    for small, large in itertools.pairwise(runs):
        ratios.append(
            {
                "from": small["customers"],
                "to": large["customers"],
                "customers_x": round(large["customers"] / small["customers"], 2),
                "rows_x": round(large["rows"] / small["rows"], 2),
                "time_x": round(large["wall_seconds"] / small["wall_seconds"], 2),
                "peak_rss_x": round(large["peak_rss_mb"] / small["peak_rss_mb"], 2),
                "landing_x": round(large["landing_mb"] / max(small["landing_mb"], 0.1), 2),
            }
        )
    return ratios


def table(runs: list[dict], ratios: list[dict]) -> str:
    header = (
        f"{'customers':>10} {'days':>5} {'rows':>13} {'wall s':>8} {'cpu s':>8} "
        f"{'rows/s':>10} {'peak RSS MB':>11} {'landing MB':>10}"
    )
    lines = [header, "-" * len(header)]
    for run in runs:
        lines.append(
            f"{run['customers']:>10,} {run['days']:>5} {run['rows']:>13,} "
            f"{run['wall_seconds']:>8.1f} {run['cpu_seconds']:>8.1f} "
            f"{run['rows_per_second']:>10,} {run['peak_rss_mb']:>11,} {run['landing_mb']:>10,.1f}"
        )
    for ratio in ratios:
        lines.append(
            f"{ratio['from']:,} -> {ratio['to']:,} customers (x{ratio['customers_x']:g}): "
            f"rows x{ratio['rows_x']:g}, time x{ratio['time_x']:g}, "
            f"peak RSS x{ratio['peak_rss_x']:g}, landing x{ratio['landing_x']:g}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        customers, days, seed, workdir, out = argv[1:6]
        child(int(customers), int(days), int(seed), Path(workdir), Path(out))
        return 0

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--include-1m", action="store_true", help="also run 1,000,000 customers")
    parser.add_argument(
        "--scales",
        help="comma-separated customer counts instead of 10000,100000[,1000000]",
    )
    parser.add_argument("--days", type=int, default=365, help="days per run (default 365)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where to write the data (default: a tmp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--quiet", action="store_true", help="hide the generator's progress bar")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON file ({RESULTS})")
    args = parser.parse_args(argv)

    if args.scales:
        scales = [int(value) for value in args.scales.split(",")]
    else:
        scales = [10_000, 100_000] + ([1_000_000] if args.include_1m else [])
    root = args.workdir or Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)

    runs = []
    failure = None
    for customers in scales:
        print(f"bench: {customers:,} customers x {args.days} days ...", file=sys.stderr)
        workdir = Path(tempfile.mkdtemp(prefix=f"gen-{customers}-", dir=root))
        try:
            runs.append(measure(customers, args.days, args.seed, workdir, args.quiet))
        except BenchFailed as error:
            failure = str(error)
            print(f"bench: {failure}", file=sys.stderr)
            break
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)
        if args.keep:
            runs[-1]["workdir"] = str(workdir)
    ratios = growth(runs)
    print(table(runs, ratios))

    report = {
        "benchmark": "generate",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "seed": args.seed,
        "runs": runs,
        "growth": ratios,
        "failure": failure,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.output}")
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
