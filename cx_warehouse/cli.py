"""The ``cxw`` command line.

Each command is a pair of functions: ``add_<command>(subparsers)`` declares its
arguments and ``<command>(args) -> int`` does the work. To add a command, write the
pair and list the ``add_`` function in ``COMMANDS``.

Every failure a user can cause ends as one line, ``cxw: error: <reason>``, on stderr
and a non-zero exit code (2 for bad arguments, 1 for a failed run); tracebacks are
left for bugs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

from cx_warehouse import __version__
from cx_warehouse.generator.config import (
    CX_EFFECTS,
    SHAPES,
    ConfigError,
    GenerateConfig,
    parse_faults,
)
from cx_warehouse.generator.folders import landing_is_empty
from cx_warehouse.paths import Locations
from cx_warehouse.report_text import LANGUAGES

if TYPE_CHECKING:
    from cx_warehouse.validate import ValidationReport

log = logging.getLogger("cx_warehouse.cli")

DEFAULT_START = date(2025, 1, 1)
DEFAULT_SEED = 42


class UsageError(Exception):
    """Bad input: a one-line message for the user, exit code 2."""


class CommandFailed(Exception):
    """The command ran and did not succeed: a one-line message, exit code 1."""


# --------------------------------------------------------------------------- parsing


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (``cxw: error: ...``), not usage plus message."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got '{text}'") from None


def _path(text: str) -> Path:
    return Path(text).expanduser().resolve()


def _add_scale_arguments(parser: argparse.ArgumentParser, customers: int, days: int) -> None:
    parser.add_argument(
        "--customers",
        type=int,
        metavar="N",
        help=f"number of customers to simulate (default {customers:,})",
    )
    parser.add_argument(
        "--days", type=int, metavar="D", help=f"number of days to simulate (default {days})"
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="random seed; the same seed and scale give byte-identical files "
        f"(default {DEFAULT_SEED})",
    )


def _add_strict_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help=f"treat warnings (expectations with meta.severity warn) as failures: {what}",
    )


def add_generate(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="write synthetic landing files (and the truth behind them)",
        description="Write synthetic source-system exports into the landing folder, following "
        "the landing contract, and the ground truth the tests compare against into the truth "
        "folder.",
    )
    _add_scale_arguments(parser, customers=10_000, days=365)
    parser.add_argument(
        "--end",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="last day to simulate (inclusive); instead of --days",
    )
    parser.add_argument(
        "--start",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help=f"first day to simulate (default {DEFAULT_START})",
    )
    parser.add_argument(
        "--landing", type=_path, metavar="DIR", help="landing folder (default $CXW_LANDING)"
    )
    parser.add_argument(
        "--truth", type=_path, metavar="DIR", help="truth folder (default $CXW_TRUTH)"
    )
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="fault kinds and rates: 'all' (default), 'none', or comma-separated kind[=rate] "
        "on top of that, e.g. 'none,bad_scores=0.1'",
    )
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="landing",
        help="landing (default): the landing contract's files; fivetran: the systems whose "
        "connector is built as the connector's tables in --raw (docs/sources.md)",
    )
    parser.add_argument(
        "--raw",
        type=_path,
        metavar="FILE",
        help="with --shape fivetran: the DuckDB file to write the connectors' tables into "
        "(a new file; point CXW_RAW at it to build)",
    )
    parser.add_argument(
        "--ga4-export",
        type=_path,
        metavar="DIR",
        help="with --shape fivetran: the folder to write the web events into as the GA4 "
        "export's daily Parquet files (new or empty; point CXW_GA4_EXPORT at it to build)",
    )
    parser.add_argument(
        "--cx-effects",
        choices=CX_EFFECTS,
        default="on",
        help="'on' (default): experiences and survey answers change later shop purchases "
        "by the factors in truth/cx_effects.parquet; 'none': fixed purchase rates",
    )
    parser.set_defaults(handler=generate)


def add_run(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="build the warehouse from the landing folder with dbt, validate, publish",
        description="Build the warehouse from the landing folder ($CXW_LANDING), as it was "
        "when the run started (files that land during the run wait for the next one). dbt "
        "builds into a separate file, the Great Expectations suites (expectations/) validate "
        "it, and the published warehouse ($CXW_WAREHOUSE) is replaced only when every model, "
        "test and blocking expectation passed; expectations that warn are printed and "
        "published with the Data Docs and the report. One run at a time per warehouse "
        "(docs/operations.md).",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="generate synthetic data first when the landing folder is empty and no "
        "warehouse exists yet (make run)",
    )
    _add_scale_arguments(parser, customers=5_000, days=365)
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="wait up to SECONDS for another run on the same warehouse to finish "
        "(default: refuse at once)",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="build from an empty warehouse and rebuild incremental models",
    )
    parser.add_argument(
        "--unit-tests",
        action="store_true",
        help="also run dbt's unit tests (static inputs: for development and CI)",
    )
    _add_strict_argument(parser, "publish nothing when an expectation warns (CI)")
    parser.set_defaults(handler=run)


def add_validate(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a warehouse against the Great Expectations suites",
        description="Run every Great Expectations suite in expectations/ against a DuckDB "
        "warehouse (opened read-only), print a table of suites, expectations, failures and "
        "warnings, and write Data Docs (HTML). Exits 1 naming the failed expectations; "
        "expectations that warn fail it only with --strict.",
    )
    parser.add_argument(
        "--warehouse",
        type=_path,
        metavar="PATH",
        help="DuckDB file to validate (default $CXW_WAREHOUSE, the published warehouse)",
    )
    parser.add_argument(
        "--docs",
        type=_path,
        metavar="DIR",
        help="folder for the Data Docs (default: data_docs/ beside the warehouse file)",
    )
    parser.add_argument(
        "--target",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb (default): the warehouse file; spark: the tables the dbt spark target "
        "built in its layer databases (marts, ...) under $CXW_SPARK_DIR, read with "
        "Great Expectations' Spark datasource (needs make setup-spark)",
    )
    parser.add_argument(
        "--built-only",
        action="store_true",
        help="run only the suites whose table the warehouse holds (the pull-request "
        "check: bin/pr-check builds what changed); says how many ran",
    )
    parser.add_argument(
        "--defer-to",
        type=_path,
        metavar="PATH",
        help="the DuckDB file a pull-request build deferred to (its state warehouse), "
        "attached read-only: the suites read the tables the warehouse lacks from it",
    )
    _add_strict_argument(parser, "exit 1 when an expectation warns, too")
    parser.set_defaults(handler=validate)


def add_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the CX report (one HTML file) from the published warehouse",
        description="Read the CX and quality marts of a warehouse (opened read-only) and "
        "write a self-contained HTML report with charts: NPS, CSAT and CES by month with "
        "their margins, NPS by channel and trigger, the journey funnel, the emotional "
        "curve, NPS drivers, response rates, detractor follow-ups and data quality.",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of every title, label, sentence, number and date (default en)",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print the report to a PDF beside the HTML file (needs Chromium)",
    )
    parser.add_argument(
        "--warehouse",
        type=_path,
        metavar="PATH",
        help="DuckDB file to report on (default $CXW_WAREHOUSE, the published warehouse)",
    )
    parser.add_argument(
        "--output",
        type=_path,
        metavar="PATH",
        help="HTML file to write (default: cx_report.html beside the warehouse file)",
    )
    parser.set_defaults(handler=report)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_generate,
    add_run,
    add_validate,
    add_report,
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cxw",
        description="cx-warehouse: synthetic landing data and the dbt warehouse built on it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(subparsers)
    return parser


# --------------------------------------------------------------------------- helpers


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (so tests can capture it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(verbose: bool = False, quiet: bool = False) -> None:
    package = logging.getLogger("cx_warehouse")
    package.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    if not any(isinstance(handler, _StderrHandler) for handler in package.handlers):
        handler = _StderrHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S")
        )
        package.addHandler(handler)


def _days(args: argparse.Namespace, start: date, default: int) -> int:
    end: date | None = getattr(args, "end", None)
    if end is None:
        return default if args.days is None else args.days
    if args.days is not None:
        raise UsageError("give --days or --end, not both")
    if end < start:
        raise UsageError(f"--end {end} is before --start {start}")
    return (end - start).days + 1


def _generate_config(
    args: argparse.Namespace, landing: Path, truth: Path, customers: int, days: int
) -> GenerateConfig:
    start = getattr(args, "start", None) or DEFAULT_START
    try:
        return GenerateConfig(
            customers=customers if args.customers is None else args.customers,
            days=_days(args, start, days),
            start=start,
            seed=DEFAULT_SEED if args.seed is None else args.seed,
            landing=landing,
            truth=truth,
            faults=parse_faults(getattr(args, "faults", None)),
            shape=getattr(args, "shape", "landing"),
            raw=getattr(args, "raw", None),
            ga4_export=getattr(args, "ga4_export", None),
            cx_effects=getattr(args, "cx_effects", "on") == "on",
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _generate(config: GenerateConfig, flags: dict[str, str]) -> tuple[dict[str, int], float]:
    """Generate, after the folder checks; ``flags`` names each folder as the user gave it."""
    from cx_warehouse.generator import generate as generate_landing
    from cx_warehouse.generator.folders import FolderError, check_folders

    try:
        check_folders(config)
    except FolderError as error:
        raise UsageError(f"{flags[error.role]} {error}") from None
    log.info(
        "generating %s customers x %s days from %s (seed %s) into %s",
        f"{config.customers:,}",
        config.days,
        config.start,
        config.seed,
        config.landing,
    )
    started = time.perf_counter()
    try:
        rows = generate_landing(config)
    except ConfigError as error:  # a setting only the generation can check
        raise UsageError(str(error)) from None
    return rows, time.perf_counter() - started


def format_rows_table(rows: dict[str, int], seconds: float) -> str:
    """Rows landed per entity, the total, and the rate."""
    total = sum(rows.values())
    width = max([len("entity"), len("total"), *(len(name) for name in rows)])
    numbers = max(len(f"{total:,}"), len("rows"))
    lines = [f"{'entity':<{width}}  {'rows':>{numbers}}"]
    lines += [f"{name:<{width}}  {count:>{numbers},}" for name, count in sorted(rows.items())]
    lines.append(f"{'-' * width}  {'-' * numbers}")
    lines.append(f"{'total':<{width}}  {total:>{numbers},}")
    rate = total / seconds if seconds > 0 else float("inf")
    lines.append(f"{total:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)")
    return "\n".join(lines)


# --------------------------------------------------------------------------- commands


def generate(args: argparse.Namespace) -> int:
    """``cxw generate``: write synthetic landing and truth files."""
    locations = Locations.from_env()
    landing = args.landing or locations.landing
    truth = args.truth or locations.truth
    config = _generate_config(args, landing, truth, customers=10_000, days=365)
    rows, seconds = _generate(
        config,
        {"landing": "--landing", "truth": "--truth", "raw": "--raw", "ga4_export": "--ga4-export"},
    )
    print(format_rows_table(rows, seconds))
    print(f"landing: {config.landing}\ntruth:   {config.truth}")
    return 0


def _check_warehouse_name(warehouse: Path) -> None:
    if "'" in str(warehouse):
        raise UsageError(
            f"CXW_WAREHOUSE {warehouse}: a path with a single quote breaks dbt-duckdb's SQL; "
            "choose one without"
        )


def _scale_flags_given(args: argparse.Namespace) -> list[str]:
    """The generation flags of ``cxw run`` given on the command line."""
    return [flag for flag in ("customers", "days", "seed") if getattr(args, flag) is not None]


def _demo_landing(args: argparse.Namespace, locations: Locations) -> None:
    """``--demo``: generate synthetic data into an empty landing folder, never into one
    whose build would replace a warehouse that already exists."""
    if not landing_is_empty(locations.landing):
        log.info("landing folder %s has files: building on them, not generating", locations.landing)
        given = _scale_flags_given(args)
        if given:
            log.warning(
                "ignoring %s: data is generated only into an empty landing folder",
                ", ".join(f"--{flag}" for flag in given),
            )
        return
    if locations.warehouse.exists():
        raise UsageError(
            f"--demo: CXW_LANDING {locations.landing} is empty but {locations.warehouse} "
            "exists; synthetic data would replace it (check CXW_LANDING, or remove the "
            "warehouse)"
        )
    config = _generate_config(args, locations.landing, locations.truth, customers=5_000, days=365)
    rows, seconds = _generate(config, {"landing": "CXW_LANDING", "truth": "CXW_TRUTH"})
    print(format_rows_table(rows, seconds))


def _check_erasure_key(*, demo: bool) -> None:
    """A published warehouse keys people by CXW_ERASURE_KEY: without it only ``--demo``
    runs, on the public development key, with a warning."""
    from cx_warehouse.keys import ERASURE_KEY, HOW_TO_MAKE_ONE, BadKey, erasure_key

    try:
        key = erasure_key()
    except BadKey as error:
        raise UsageError(str(error)) from None
    if key is not None:
        return
    if not demo:
        raise UsageError(
            f"{ERASURE_KEY} is not set: the warehouse's pseudonymous keys are keyed hashes "
            f"under it (docs/privacy.md); set it from your secret store (make one with "
            f"{HOW_TO_MAKE_ONE}), or try cx-warehouse with `cxw run --demo`"
        )
    log.warning(
        "%s is not set: --demo keys people with the public development key, "
        "not for real data (docs/privacy.md)",
        ERASURE_KEY,
    )


def run(args: argparse.Namespace) -> int:
    """``cxw run``: lock, snapshot the landing folder, build, validate, publish, report."""
    from cx_warehouse.intake import LandingError, check_landing
    from cx_warehouse.runlock import LockHeld, RunLock

    started = time.perf_counter()
    locations = Locations.from_env()
    _check_warehouse_name(locations.warehouse)
    if args.wait is not None and args.wait < 0:
        raise UsageError(f"--wait {args.wait}: must be 0 or more seconds")
    if not args.demo:
        given = _scale_flags_given(args)
        if given:
            raise UsageError(f"{', '.join('--' + flag for flag in given)} only go with --demo")
    _check_erasure_key(demo=args.demo)
    try:
        with RunLock(locations.warehouse, wait=args.wait or 0) as lock:
            if args.demo:
                _demo_landing(args, locations)
            try:
                check_landing(locations.landing, "CXW_LANDING")
            except LandingError as error:
                raise UsageError(str(error)) from None
            return _locked_run(args, locations, lock.descriptor, started)
    except LockHeld as error:
        raise CommandFailed(str(error)) from None


def _locked_run(args: argparse.Namespace, locations: Locations, lock_fd, started: float) -> int:
    """The run, once the warehouse's lock is held."""
    import shutil

    from cx_warehouse import erasure, intake, layers
    from cx_warehouse.bi import BiError, write_bi
    from cx_warehouse.dbt import build_args, needs_deps, run_dbt
    from cx_warehouse.publish import (
        PublishError,
        build_and_publish,
        build_docs_path,
        build_path,
        remove_database,
        snapshot_path,
    )
    from cx_warehouse.report import ReportError, build_report
    from cx_warehouse.validate import default_docs_dir, format_summary

    warehouse = locations.warehouse
    if not args.full_refresh and layers.predates_layers(warehouse):
        log.warning(
            "%s keeps every table in schema main (built before the layer schemas): "
            "this run is a full refresh",
            warehouse,
        )
        args.full_refresh = True
    snapshot_dir = snapshot_path(warehouse)
    candidate_docs = build_docs_path(warehouse)
    shutil.rmtree(candidate_docs, ignore_errors=True)
    held = {} if args.full_refresh else intake.held_intake(warehouse)
    # A build from an empty file writes no erased value; a copy of the published file
    # may hold some in its freed blocks.
    copied = warehouse.exists() and not args.full_refresh
    published_requests = erasure.request_ids(warehouse)
    erased_before = published_requests if copied else None
    snapshot = intake.take_snapshot(locations.landing, snapshot_dir, held)
    for line in snapshot.warnings():
        log.warning("%s", line)

    if needs_deps():
        deps = run_dbt(["deps"], keep_fds=(lock_fd,))
        if not deps.ok:
            raise CommandFailed(deps.reason())

    def build(build_file: Path):
        command = build_args(full_refresh=args.full_refresh, unit_tests=args.unit_tests)
        env = {"CXW_LANDING": str(snapshot.folder), "CXW_WAREHOUSE": str(build_file)}
        return run_dbt(command, env=env, keep_fds=(lock_fd,))

    def finish(build_file: Path) -> None:
        if erased_before is None:
            return
        try:
            erasure.apply_to_bytes(build_file, snapshot.folder, erased_before)
        except erasure.ErasureError as error:
            raise CommandFailed(str(error)) from None

    def audit(build_file: Path):
        changed = intake.changed_since(snapshot)
        if changed:
            raise CommandFailed(
                f"landing files changed during the run: {', '.join(changed[:3])}; nothing "
                f"published, {warehouse} left unchanged; run again"
            )
        try:
            report = _validate(build_file, candidate_docs, "build file", strict=args.strict)
        except UsageError as error:  # the build file cannot be opened: a failed run
            raise CommandFailed(str(error)) from None
        print(format_summary(report))
        return report

    # A failed build that was applying a new erasure holds the people it was erasing
    # (in live rows or freed blocks): it is removed, not kept for inspection.
    erasing = bool(erasure.landed_request_ids(snapshot.folder) - published_requests)
    published = False
    try:
        result = build_and_publish(
            warehouse,
            build,
            audit=audit,
            full_refresh=args.full_refresh,
            prepare=lambda build_file: intake.write_intake(build_file, snapshot),
            finish=finish,
            read_run_id=intake.run_id,
            docs=(candidate_docs, default_docs_dir(warehouse)),
        )
        published = result.ok
    except PublishError as error:
        raise CommandFailed(str(error)) from None
    finally:
        shutil.rmtree(snapshot_dir, ignore_errors=True)
        if erasing and not published:
            remove_database(build_path(warehouse))
    if not result.ok:
        kept = (
            "failed build removed: it holds people whose erasure it was applying"
            if erasing
            else f"failed build kept in {build_path(warehouse)}"
        )
        raise CommandFailed(
            f"{result.reason()}; published warehouse {warehouse} left unchanged ({kept})"
        )

    try:
        bi_file = write_bi(warehouse, result.target_path / "manifest.json")
    except BiError as error:
        raise CommandFailed(f"published {warehouse}, but no BI file: {error}") from None
    try:
        report_file = build_report(warehouse)
    except ReportError as error:
        raise CommandFailed(f"published {warehouse}, but no report: {error}") from None
    validation = cast("ValidationReport", result.audit)  # what audit() returned
    warned = ""
    if validation.warnings:
        count = len(validation.warnings)
        warned = f" with {count} validation warning{'' if count == 1 else 's'}"
        log.warning("published with %s (--strict would not publish)", validation.warning())
    print(
        f"\nbuilt, validated and published{warned} in {time.perf_counter() - started:.0f} s\n"
        f"warehouse:  {warehouse}\n"
        f"BI file:    {bi_file} (the marts, no personal data)\n"
        f"landing:    {locations.landing}\n"
        f"dbt logs:   {result.log_path / 'dbt.log'}\n"
        f"dbt target: {result.target_path} (manifest.json, run_results.json)\n"
        f"report:     {report_file}"
    )
    return 0


def _validate(warehouse: Path, docs: Path, flag: str, *, strict: bool, **options):
    """Run the suites on ``warehouse``; a broken suite or an unreadable file is one line."""
    from cx_warehouse.validate import SuiteError, WarehouseError, validate_warehouse

    try:
        return validate_warehouse(warehouse, docs_dir=docs, strict=strict, **options)
    except SuiteError as error:
        raise CommandFailed(f"broken expectation suite {error}") from None
    except WarehouseError as error:
        raise UsageError(f"{flag} {error}") from None


def validate(args: argparse.Namespace) -> int:
    """``cxw validate``: run the Great Expectations suites on a warehouse file."""
    from cx_warehouse.validate import default_docs_dir

    if args.target == "spark":
        return _validate_spark(args)
    flag = "--warehouse" if args.warehouse else "CXW_WAREHOUSE"
    warehouse = args.warehouse or Locations.from_env().warehouse
    if not warehouse.exists():
        raise UsageError(f"{flag} {warehouse}: no such file")
    if not warehouse.is_file():
        raise UsageError(f"{flag} {warehouse}: not a file")
    docs = args.docs or default_docs_dir(warehouse)
    if docs.exists() and not docs.is_dir():
        raise UsageError(f"--docs {docs}: not a folder")
    if args.defer_to is not None and not args.defer_to.is_file():
        raise UsageError(f"--defer-to {args.defer_to}: no such file")
    report = _validate(
        warehouse,
        docs,
        flag,
        strict=args.strict,
        built_only=args.built_only,
        defer_to=args.defer_to,
    )
    if args.built_only and not report.suites:
        print("no suite's table was built: no suite ran")
        return 0
    return _report_validation(report)


def _report_validation(report: ValidationReport) -> int:
    """Print the summary; a failed validation is one error line, warnings one log line."""
    from cx_warehouse.validate import format_summary

    print(format_summary(report))
    if not report.ok:
        raise CommandFailed(report.reason())
    if report.warnings:
        log.warning("validation passed with %s (--strict would fail)", report.warning())
    return 0


def _validate_spark(args: argparse.Namespace) -> int:
    """``cxw validate --target spark``: the suites on the Spark target's tables."""
    from cx_warehouse.validate import SuiteError, WarehouseError, validate_spark

    if args.warehouse is not None:
        raise UsageError("--warehouse names a DuckDB file; with --target spark, set CXW_SPARK_DIR")
    if args.docs is not None and args.docs.exists() and not args.docs.is_dir():
        raise UsageError(f"--docs {args.docs}: not a folder")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError("--target spark needs PySpark: run make setup-spark") from None
    try:
        report = validate_spark(
            docs_dir=args.docs,
            strict=args.strict,
        )
    except SuiteError as error:
        raise CommandFailed(f"broken expectation suite {error}") from None
    except WarehouseError as error:
        raise UsageError(str(error)) from None
    return _report_validation(report)


def report(args: argparse.Namespace) -> int:
    """``cxw report``: the CX report as one HTML file."""
    from cx_warehouse.report import ReportError, build_report, print_pdf

    flag = "--warehouse" if args.warehouse else "CXW_WAREHOUSE"
    warehouse = args.warehouse or Locations.from_env().warehouse
    if args.output is not None and args.output.is_dir():
        raise UsageError(f"--output {args.output}: a folder, not a file")
    try:
        written = build_report(warehouse, args.output, args.lang)
    except ReportError as error:
        raise UsageError(f"{flag} {error}") from None
    print(f"report: {written}")
    if args.pdf:
        try:
            printed = print_pdf(written, written.with_suffix(".pdf"))
        except ReportError as error:
            raise CommandFailed(str(error)) from None
        print(f"pdf: {printed}")
    return 0


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        configure_logging(verbose=args.verbose, quiet=args.quiet)
        return args.handler(args)
    except (UsageError, ConfigError) as error:
        print(f"cxw: error: {error}", file=sys.stderr)
        return 2
    except CommandFailed as error:
        print(f"cxw: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(f"cxw: error: {error.strerror or error}{where}", file=sys.stderr)
        return 1
    except Exception as error:
        if type(error).__module__.split(".")[0] not in ("duckdb", "_duckdb"):
            raise
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"cxw: error: {text}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cxw: error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
