"""Do the outcome marts recover the simulated effects of CX? (a script, not a test)

For each seed: generate ``--customers`` x ``--days`` with CX effects on (and, with
``--off-seeds``, with ``--cx-effects none``), build the outcome marts with dbt (dev
target, a warehouse of its own under ``--workdir``), and compare each difference the
marts give over the whole period (month null) with the true one the generator wrote
(``truth/cx_outcomes.parquet``), for the repurchase share and the revenue per
customer: is the truth inside the mart's 95 % interval? With effects off: how many
differences are significant (about 5 % by chance)?

    python bench/prove_cx_pays.py --customers 20000 --seeds 1
    python bench/prove_cx_pays.py --customers 100000 --seeds 1,2,3 --off-seeds 1

Prints one table per run and a summary; writes bench/results/prove_cx_pays.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cx_warehouse.dbt import run_dbt  # noqa: E402
from cx_warehouse.generator import GenerateConfig, generate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "prove_cx_pays.json"
WINDOWS = ("30d", "90d", "180d")
MODELS = ("+mart_cx_outcomes", "+mart_experience_outcomes")

# The marts' rows over the whole period, named as the truth names them.
MART_ROWS = """
select 'survey' as kind, survey_type as topic, score_class, {columns}
from marts.mart_cx_outcomes where month is null and not is_reference_group
union all
select 'experience', experience, null, {columns}
from marts.mart_experience_outcomes where month is null and not is_reference_group
"""


def mart_columns() -> str:
    columns = ["customers"]
    for w in WINDOWS:
        share = f"repurchase_share_{w}"
        revenue = f"revenue_per_customer_{w}_pln"
        columns += [
            f"{share}_difference as difference_{w}",
            f"{share}_difference_margin_of_error as margin_{w}",
            f"is_{share}_difference_significant as significant_{w}",
            f"{share}_adjusted_difference as adjusted_{w}",
            f"{share}_adjusted_difference_margin_of_error as adjusted_margin_{w}",
            f"is_{share}_adjusted_difference_significant as adjusted_significant_{w}",
            f"{revenue}_difference as revenue_difference_{w}",
            f"{revenue}_difference_margin_of_error as revenue_margin_{w}",
            f"is_{revenue}_difference_significant as revenue_significant_{w}",
        ]
    return ", ".join(columns)


def build(workdir: Path, seed: int, customers: int, days: int, effects: bool) -> dict:
    landing, truth = workdir / "landing", workdir / "truth"
    started = time.perf_counter()
    generate(
        GenerateConfig(
            customers=customers,
            days=days,
            start=date(2025, 1, 1),
            seed=seed,
            landing=landing,
            truth=truth,
            cx_effects=effects,
        ),
        progress=False,
    )
    generated = time.perf_counter() - started
    env = {
        "CXW_LANDING": str(landing),
        "CXW_DEV_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "CXW_THREADS": "1",
    }
    paths = {"target_path": workdir / "target", "log_path": workdir / "logs"}
    for args in (["seed"], ["run", "-s", *MODELS]):
        result = run_dbt([*args, "--target", "dev"], env=env, capture=True, **paths)
        if not result.ok:
            raise SystemExit(f"prove_cx_pays: dbt {args[0]} failed, see {workdir}/logs")
    built = time.perf_counter() - started - generated
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    rows = con.execute(
        f"""
        with mart as ({MART_ROWS.format(columns=mart_columns())}),
        truth as (select * from read_parquet('{truth / "cx_outcomes.parquet"}'))
        select mart.*,
            {
            ", ".join(
                f"truth.true_difference_{w}, truth.true_revenue_difference_{w}_pln" for w in WINDOWS
            )
        }
        from mart
        inner join truth
            on truth.kind = mart.kind and truth.topic = mart.topic
            and truth.score_class is not distinct from mart.score_class
        order by mart.kind, mart.topic, mart.score_class
        """
    ).fetchall()
    names = [d[0] for d in con.description]
    con.close()
    return {
        "seed": seed,
        "effects": effects,
        "generate_s": round(generated, 1),
        "build_s": round(built, 1),
        "rows": [dict(zip(names, row, strict=True)) for row in rows],
    }


def summarise(run: dict) -> dict:
    """Print the run's comparisons and count them: the repurchase share (points; raw and
    stratified) and the revenue per customer (PLN), each difference against the truth."""
    label = "on" if run["effects"] else "off"
    print(
        f"\nseed {run['seed']}, effects {label} (generate {run['generate_s']} s, build "
        f"{run['build_s']} s)"
    )
    print(
        f"{'comparison':32} {'win':>4} {'true':>7} {'mart':>7} {'+-':>6} {'in?':>4} "
        f"{'adjusted':>9} {'+-':>6} | {'true PLN':>9} {'mart PLN':>9} {'+-':>7} {'in?':>4}"
    )
    counts = dict.fromkeys(
        ("compared", "inside", "significant", "adjusted_significant", "revenue_compared",
         "revenue_inside", "revenue_significant"), 0
    )  # fmt: skip
    for row in run["rows"]:
        name = f"{row['kind']}:{row['topic']}" + (
            f":{row['score_class']}" if row["score_class"] else ""
        )
        for w in WINDOWS:
            true, mart, margin = (
                row[f"{k}_{w}"] for k in ("true_difference", "difference", "margin")
            )
            if true is None or mart is None or margin is None:
                continue
            hit = abs(mart - true) <= margin
            counts["compared"] += 1
            counts["inside"] += hit
            counts["significant"] += bool(row[f"significant_{w}"])
            counts["adjusted_significant"] += bool(row[f"adjusted_significant_{w}"])
            line = (
                f"{name:32} {w:>4} {true:7.2f} {mart:7.2f} {margin:6.2f} "
                f"{'yes' if hit else 'NO':>4} {_number(row[f'adjusted_{w}'], 9)} "
                f"{_number(row[f'adjusted_margin_{w}'], 6)}"
            )
            revenue = [row[f"{k}_{w}"] for k in ("revenue_difference", "revenue_margin")]
            true_revenue = row[f"true_revenue_difference_{w}_pln"]
            if None not in revenue and true_revenue is not None:
                revenue_hit = abs(revenue[0] - true_revenue) <= revenue[1]
                counts["revenue_compared"] += 1
                counts["revenue_inside"] += revenue_hit
                counts["revenue_significant"] += bool(row[f"revenue_significant_{w}"])
                line += (
                    f" | {true_revenue:9.2f} {revenue[0]:9.2f} {revenue[1]:7.2f} "
                    f"{'yes' if revenue_hit else 'NO':>4}"
                )
            print(line)
    print(
        f"repurchase share: true inside the 95 % interval {counts['inside']} of "
        f"{counts['compared']}; significant raw {counts['significant']}, adjusted "
        f"{counts['adjusted_significant']}. Revenue per customer: true inside "
        f"{counts['revenue_inside']} of {counts['revenue_compared']}; significant "
        f"{counts['revenue_significant']}"
    )
    return {"seed": run["seed"], "effects": label, **counts}


def _number(value: float | None, width: int) -> str:
    return f"{value if value is not None else float('nan'):{width}.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seeds", default="1,2,3", help="seeds with effects on")
    parser.add_argument("--off-seeds", default="1", help="seeds with --cx-effects none")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cxw-prove"))
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    plan = [(int(s), True) for s in args.seeds.split(",") if s] + [
        (int(s), False) for s in args.off_seeds.split(",") if s
    ]
    summaries, runs = [], []
    for seed, effects in plan:
        workdir = args.workdir / f"{args.customers}-{seed}-{'on' if effects else 'off'}"
        run = build(workdir, seed, args.customers, args.days, effects)
        runs.append(run)
        summaries.append(summarise(run))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            json.dumps(
                {
                    "customers": args.customers,
                    "days": args.days,
                    "runs": runs,
                    "summaries": summaries,
                },
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
    print("\nsummary")
    for s in summaries:
        print(
            f"seed {s['seed']} effects {s['effects']}: repurchase share {s['inside']} of "
            f"{s['compared']} true differences inside the interval ({s['significant']} "
            f"significant raw, {s['adjusted_significant']} adjusted); revenue per customer "
            f"{s['revenue_inside']} of {s['revenue_compared']} ({s['revenue_significant']} "
            "significant)"
        )


if __name__ == "__main__":
    main()
