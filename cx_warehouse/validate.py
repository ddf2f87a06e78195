"""Check a DuckDB warehouse against the Great Expectations suites in ``expectations/``.

Each ``expectations/<suite>.json`` is a Great Expectations (1.x) suite whose ``meta``
says what to read: ``meta.cx_warehouse.table``, the ``columns`` the expectations use
and ``derived`` columns (a name and a DuckDB SQL expression, e.g. ``promoters +
passives + detractors``). The runner selects exactly those from the table over a
read-only connection, hands the frame to GE's pandas datasource (GE's SQL datasource
fails on duckdb-engine) and validates it. Only the named columns are read, so memory
grows with rows x columns used, not with the table's width.

Two placeholders may appear in derived expressions: ``{data_start}`` and
``{data_end}``, the first and the latest landed day, i.e. the smallest and largest
``partition_date`` (the landing ``dt=`` folder) of the daily staging models
(``DAILY_MODELS``). Freshness and missing-day checks compare against them.

An expectation whose ``meta.min_rows`` is N is skipped (and reported as skipped) when
its column holds fewer than N non-null values (the whole frame's rows for a table-level
expectation): distribution bands mean nothing on a handful of rows.

An expectation's ``meta.severity`` says what its failure does: ``block`` (the default)
fails the validation, so ``cxw run`` does not publish; ``warn`` is reported as a
warning and the validation passes, unless it runs strict (``--strict``), where a
warning fails it too. Integrity rules block; completeness (no missing day, freshness)
and distribution bands warn.

Results are returned as a :class:`ValidationReport`; GE's Data Docs (HTML) are written
to ``<warehouse folder>/data_docs/`` unless another folder is given.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cx_warehouse import layers
from cx_warehouse.data_docs import make_offline
from cx_warehouse.paths import PROJECT_DIR

log = logging.getLogger(__name__)

EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
DOCS_DIR_NAME = "data_docs"
DOCS_SITE = "cx_warehouse"
# Written beside the Data Docs' index.html: the last result, for the CX report.
VALIDATION_RESULT_NAME = "last_validation.json"

# Staging models of the daily landing entities (<system>/<entity>/dt=YYYY-MM-DD/):
# their partition_date spans the landed days.
DAILY_MODELS = (
    "stg_shop__customers",
    "stg_shop__orders",
    "stg_shop__events",
    "stg_marketing__email_events",
    "stg_callcenter__calls",
    "stg_stores__transactions",
    "stg_stores__loyalty_members",
    "stg_surveys__invitations",
    "stg_surveys__responses",
)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_SHOWN_FAILURES = 3
# meta.severity of an expectation; a missing one blocks (integrity is the safe side).
SEVERITIES = ("block", "warn")
DEFAULT_SEVERITY = "block"


class SuiteError(Exception):
    """A suite file cannot be used: bad JSON, an unknown expectation, a column not read."""


class WarehouseError(Exception):
    """The warehouse file cannot be opened."""


# --------------------------------------------------------------------------- suites

# The catalog name of the warehouse a pull-request build deferred to (``defer_to``).
DEFERRED_CATALOG = "cxw_deferred"


@dataclass(frozen=True)
class Suite:
    """One suite file: the GE suite definition and what to read for it."""

    name: str
    path: Path
    table: str
    columns: tuple[str, ...]
    derived: Mapping[str, str]
    definition: Mapping[str, Any]

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return list(self.definition.get("expectations", []))

    def query(self, window: DataWindow) -> str:
        """The SELECT that reads this suite's frame, with the window's days filled in."""
        selected = [*self.columns]
        for name, expression in self.derived.items():
            selected.append(f"{window.render(expression)} as {name}")
        return "select\n    " + ",\n    ".join(selected) + f"\nfrom {self.table}"


def _expectation_columns(expectation: Mapping[str, Any]) -> list[str]:
    kwargs = expectation.get("kwargs", {})
    names = [kwargs[key] for key in _COLUMN_KWARGS if key in kwargs]
    names += list(kwargs.get("column_list", []))
    return names


def expectation_label(expectation: Mapping[str, Any]) -> str:
    """``expect_column_values_to_be_between(nps)``: the type and the columns it reads."""
    return f"{expectation.get('type', '?')}({', '.join(_expectation_columns(expectation))})"


def expectation_severity(expectation: Mapping[str, Any]) -> str:
    """``meta.severity``: ``block`` when it is not given (checked by the suite loader)."""
    return (expectation.get("meta") or {}).get("severity", DEFAULT_SEVERITY)


def _suite_from_file(path: Path) -> Suite:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise SuiteError(f"{path.name}: not valid JSON ({error})") from None
    if not isinstance(definition, dict):
        raise SuiteError(f"{path.name}: a suite is a JSON object")
    name = definition.get("name")
    if name != path.stem:
        raise SuiteError(f"{path.name}: the suite's name must be the file's name, got {name!r}")
    meta = (definition.get("meta") or {}).get("cx_warehouse")
    if not isinstance(meta, dict) or "table" not in meta or not meta.get("columns"):
        raise SuiteError(f"{path.name}: meta.cx_warehouse needs 'table' and 'columns'")
    table = meta["table"]
    columns = tuple(meta["columns"])
    derived = dict(meta.get("derived", {}))
    for identifier in (table, *columns, *derived):
        if not isinstance(identifier, str) or not _IDENTIFIER.match(identifier):
            raise SuiteError(f"{path.name}: {identifier!r} is not a lower-case identifier")
    read = set(columns) | set(derived)
    if len(read) != len(columns) + len(derived):
        raise SuiteError(f"{path.name}: a column is listed twice in columns/derived")
    expectations = definition.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        raise SuiteError(f"{path.name}: no expectations")
    used: set[str] = set()
    for expectation in expectations:
        if not isinstance(expectation.get("meta") or {}, dict):
            raise SuiteError(
                f"{path.name}: {expectation_label(expectation)}: meta is not a JSON object"
            )
        severity = expectation_severity(expectation)
        if severity not in SEVERITIES:
            raise SuiteError(
                f"{path.name}: {expectation_label(expectation)}: meta.severity {severity!r} "
                f"is not one of {', '.join(repr(known) for known in SEVERITIES)}"
            )
        names = _expectation_columns(expectation)
        missing = [column for column in names if column not in read]
        if missing:
            raise SuiteError(
                f"{path.name}: {expectation_label(expectation)} uses {', '.join(missing)}, "
                "which meta.cx_warehouse does not read"
            )
        used.update(names)
    unused = [column for column in (*columns, *derived) if column not in used]
    if unused:
        # Every column read costs memory on big tables: read only what is checked.
        raise SuiteError(f"{path.name}: no expectation uses {', '.join(unused)}")
    return Suite(name, path, table, columns, derived, definition)


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    """Every ``*.json`` suite in ``directory``, by name; checked, but not run."""
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise SuiteError(f"no suites (*.json) in {directory}")
    suites = [_suite_from_file(path) for path in paths]
    for suite in suites:
        # GE logs and drops an expectation it cannot build; a suite must never shrink.
        _ge_suite(suite, suite.expectations)
    return suites


def _ge_suite(suite: Suite, expectations: Sequence[Mapping[str, Any]]):
    from great_expectations.core.expectation_suite import ExpectationSuite

    # GE logs a traceback for an expectation it drops; the SuiteError below says it once.
    ge_log = logging.getLogger("great_expectations.core.expectation_suite")
    was_disabled, ge_log.disabled = ge_log.disabled, True
    try:
        built = ExpectationSuite(
            name=suite.name,
            expectations=[_ge_expectation(expectation) for expectation in expectations],
            meta=dict(suite.definition.get("meta") or {}),
            notes=suite.definition.get("notes"),
        )
    finally:
        ge_log.disabled = was_disabled
    if len(built.expectations) != len(expectations):
        kept = {expectation.configuration.type for expectation in built.expectations}
        dropped = [e.get("type", "?") for e in expectations if e.get("type") not in kept]
        raise SuiteError(
            f"{suite.path.name}: Great Expectations cannot build "
            f"{', '.join(dropped) or 'an expectation'} (unknown type or bad arguments)"
        )
    return built


def _ge_expectation(expectation: Mapping[str, Any]) -> dict[str, Any]:
    """The expectation as GE builds it. Data Docs show an expectation's description in
    place of GE's own sentence: a warning's says that it warns."""
    built = dict(expectation)
    if expectation_severity(expectation) == "warn":
        what = expectation.get("description") or f"{expectation_label(expectation)}."
        built["description"] = f"Warning (does not block publishing): {what}"
    return built


# --------------------------------------------------------------------------- data window


@dataclass(frozen=True)
class DataWindow:
    """The first and the latest landed day (partition_date of the daily staging models)."""

    start: date | None
    end: date | None

    def render(self, expression: str) -> str:
        for placeholder, day in (("{data_start}", self.start), ("{data_end}", self.end)):
            if placeholder in expression:
                if day is None:
                    raise SuiteError(
                        f"{placeholder} is used, but no daily staging model has landed days"
                    )
                expression = expression.replace(placeholder, f"date '{day.isoformat()}'")
        return expression


def data_window(connection) -> DataWindow:
    """The landed days; unknown (None) when no daily staging model can be read."""
    return _window(_DuckDBReader(connection))


def _window(reader: _Reader) -> DataWindow:
    models = [model for model in DAILY_MODELS if reader.has_table(model)]
    if not models:
        return DataWindow(None, None)
    union = " union all ".join(
        f"select min(partition_date) as first_day, max(partition_date) as last_day from {model}"
        for model in models
    )
    try:
        [(start, end)] = reader.rows(f"select min(first_day), max(last_day) from ({union})")
    except reader.errors as error:
        log.warning("landed days unknown: %s", str(error).strip().splitlines()[0])
        return DataWindow(None, None)
    return DataWindow(start, end)


# --------------------------------------------------------------------------- readers


class _Reader:
    """Reads a suite's frame from one engine: DuckDB (pandas frames) or Spark."""

    errors: tuple[type[Exception], ...] = ()

    def has_table(self, name: str) -> bool:
        raise NotImplementedError

    def rows(self, query: str) -> list[tuple]:
        raise NotImplementedError

    def frame(self, query: str):
        raise NotImplementedError

    def count(self, frame, column: str | None) -> int:
        """Rows of the frame, or non-null values of ``column``."""
        raise NotImplementedError


class _DuckDBReader(_Reader):
    def __init__(self, connection, catalogs: Sequence[str] = ()) -> None:
        """The layers' tables of the file, and of the attached ``catalogs``'."""
        import duckdb

        self.connection = connection
        self.errors = (duckdb.Error,)
        self.tables = layers.layer_tables(connection, catalogs)

    def has_table(self, name: str) -> bool:
        return name in self.tables

    def rows(self, query: str) -> list[tuple]:
        return self.connection.execute(query).fetchall()

    def frame(self, query: str):
        return _read_frame(self.connection, query)

    def count(self, frame, column: str | None) -> int:
        return int(frame[column].notna().sum()) if column else len(frame)


class _SparkReader(_Reader):
    """The suites' SQL is DuckDB's, with bare table names: sqlglot qualifies each
    table by the layer's database that holds it and translates it to Spark SQL."""

    def __init__(self, session) -> None:
        from pyspark.errors import PySparkException

        self.session = session
        self.errors = (PySparkException,)
        self.databases = {
            table.name: schema
            for schema in reversed(layers.layer_schemas())
            if session.catalog.databaseExists(schema)
            for table in session.catalog.listTables(schema)
        }

    def translate(self, query: str) -> str:
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(query, read="duckdb")
        for table in tree.find_all(exp.Table):
            if not table.db and table.name in self.databases:
                table.set("db", exp.to_identifier(self.databases[table.name]))
        return tree.sql(dialect="spark")

    def has_table(self, name: str) -> bool:
        return name in self.databases

    def rows(self, query: str) -> list[tuple]:
        return [tuple(row) for row in self.session.sql(self.translate(query)).collect()]

    def frame(self, query: str):
        return self.session.sql(self.translate(query)).cache()

    def count(self, frame, column: str | None) -> int:
        from pyspark.sql import functions

        if column is None:
            return frame.count()
        return frame.select(functions.count(column)).first()[0]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Failure:
    """One failed expectation, blocking or warning (or a suite that could not be read)."""

    suite: str
    expectation: str
    columns: tuple[str, ...]
    detail: str

    @property
    def label(self) -> str:
        return f"{self.suite}: {self.expectation}({', '.join(self.columns)})"

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


@dataclass(frozen=True)
class SuiteResult:
    """One suite's run: blocking failures and warnings apart (``meta.severity``)."""

    suite: str
    table: str
    rows: int | None
    expectations: int
    failures: tuple[Failure, ...] = ()
    warnings: tuple[Failure, ...] = ()
    skipped: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No blocking failure (warnings are the report's to judge: strict or not)."""
        return not self.failures


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _named(groups: Sequence[tuple[str, list[Failure]]]) -> str:
    """``1 expectation and 2 warnings in 2 suites: <the first three>``."""
    listed = [failure for _, failures in groups for failure in failures]
    counts = " and ".join(_count(len(failures), noun) for noun, failures in groups if failures)
    suites = len({failure.suite for failure in listed})
    shown = "; ".join(str(failure) for failure in listed[:_SHOWN_FAILURES])
    more = len(listed) - _SHOWN_FAILURES
    if more > 0:
        shown += f"; and {more} more"
    return f"{counts} in {_count(suites, 'suite')}: {shown}"


@dataclass(frozen=True)
class ValidationReport:
    warehouse: Path
    window: DataWindow
    suites: tuple[SuiteResult, ...]
    docs_index: Path | None
    seconds: float = 0.0
    docs_error: str | None = field(default=None)
    # Strict: a warning fails the validation too (cxw run --strict, in CI).
    strict: bool = False

    @property
    def ok(self) -> bool:
        """No blocking failure; when strict, no warning either."""
        return all(result.ok for result in self.suites) and not (self.strict and self.warnings)

    @property
    def failures(self) -> list[Failure]:
        """The failed expectations that block."""
        return [failure for result in self.suites for failure in result.failures]

    @property
    def warnings(self) -> list[Failure]:
        """The failed expectations that warn."""
        return [warning for result in self.suites for warning in result.warnings]

    def reason(self) -> str:
        """One line naming the first expectations that failed the validation (empty when
        it passed): the blocking ones, then, when strict, the warnings."""
        if self.ok:
            return ""
        groups = [("expectation", self.failures)]
        strictly = ""
        if self.strict and self.warnings:
            groups.append(("warning", self.warnings))
            strictly = " (strict: warnings fail)"
        docs = f" (data docs: {self.docs_index})" if self.docs_index else ""
        return f"validation failed{strictly}, {_named(groups)}{docs}"

    def warning(self) -> str:
        """One line naming the first warnings (empty when there are none)."""
        return _named([("warning", self.warnings)]) if self.warnings else ""


def validation_result(report: ValidationReport) -> dict[str, Any]:
    """The report as plain JSON data: verdict, counts per suite, failures and warnings."""
    return {
        "ok": report.ok,
        "strict": report.strict,
        "validated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "warehouse": str(report.warehouse),
        "landed_days": [
            None if day is None else day.isoformat()
            for day in (report.window.start, report.window.end)
        ],
        "seconds": round(report.seconds, 1),
        "expectations": sum(result.expectations for result in report.suites),
        "failed": len(report.failures),
        "warned": len(report.warnings),
        "skipped": sum(len(result.skipped) for result in report.suites),
        "suites": [
            {
                "suite": result.suite,
                "rows": result.rows,
                "expectations": result.expectations,
                "failed": len(result.failures),
                "warned": len(result.warnings),
                "skipped": len(result.skipped),
            }
            for result in report.suites
        ],
        "failures": [str(failure) for failure in report.failures],
        "warnings": [str(warning) for warning in report.warnings],
    }


def _verdict(report: ValidationReport) -> str:
    if not report.ok:
        return "FAILED" + (" (strict: warnings fail)" if report.strict and report.warnings else "")
    if report.warnings:
        return f"passed with {_count(len(report.warnings), 'warning')}"
    return "passed"


def format_summary(report: ValidationReport) -> str:
    """The per-suite table (suite, rows, expectations, failed, warned, skipped), the
    totals, each failure, warning and skipped expectation, and the verdict."""
    header = ("suite", "rows", "expectations", "failed", "warned", "skipped")
    rows = [
        (
            result.suite,
            "-" if result.rows is None else f"{result.rows:,}",
            str(result.expectations),
            str(len(result.failures)),
            str(len(result.warnings)),
            str(len(result.skipped)),
        )
        for result in report.suites
    ]
    totals = (
        "total",
        "",
        str(sum(result.expectations for result in report.suites)),
        str(len(report.failures)),
        str(len(report.warnings)),
        str(sum(len(result.skipped) for result in report.suites)),
    )
    widths = [max(len(row[i]) for row in [header, *rows, totals]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        return "  ".join(
            [first, *(f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True))]
        )

    lines = [line(header), *(line(row) for row in rows)]
    lines.append("  ".join("-" * width for width in widths))
    lines.append(line(totals))
    for failure in report.failures:
        lines.append(f"FAILED {failure}")
    for warning in report.warnings:
        lines.append(f"WARNING {warning}")
    for result in report.suites:
        for skipped in result.skipped:
            lines.append(f"skipped {result.suite}: {skipped}")
    window = (
        f"landed days {report.window.start} to {report.window.end}"
        if report.window.end
        else "no landed days"
    )
    lines.append(
        f"validation {_verdict(report)}: {len(report.suites)} suites on {report.warehouse} "
        f"({window}) in {report.seconds:.1f} s"
    )
    if report.docs_index:
        lines.append(f"data docs: {report.docs_index}")
    elif report.docs_error:
        lines.append(f"data docs not written: {report.docs_error}")
    return "\n".join(lines)


def _plain(value: Any) -> str:
    """A value as a user reads it: numpy scalars as numbers, missing values as null."""
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_plain(item) for item in value) + ")"
    import pandas as pd

    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return "null"
    return repr(value) if isinstance(value, str) else str(value)


def _short(value: Any, limit: int = 80) -> str:
    text = _plain(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _exception_message(exception_info: Any) -> str | None:
    """GE reports an exception either flat or keyed by metric; find the first message."""
    if not isinstance(exception_info, Mapping):
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message") or "exception")
    for value in exception_info.values():
        if isinstance(value, Mapping) and value.get("raised_exception"):
            return str(value.get("exception_message") or "exception")
    return None


def _failure_detail(result: Mapping[str, Any], exception_info: Any) -> str:
    message = _exception_message(exception_info)
    if message:
        return f"error: {message.splitlines()[0]}"
    if "unexpected_count" in result:
        examples = result.get("partial_unexpected_list") or []
        shown = ", ".join(_short(value, 40) for value in examples[:3])
        detail = f"{result['unexpected_count']} of {result.get('element_count', '?')} rows"
        return f"{detail} unexpected (e.g. {shown})" if shown else f"{detail} unexpected"
    if "observed_value" in result:
        return f"observed {_short(result['observed_value'])}"
    return ""


# --------------------------------------------------------------------------- running


def default_docs_dir(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/data_docs``."""
    return warehouse.parent / DOCS_DIR_NAME


def _clear_docs(docs_dir: Path) -> None:
    """Remove the pages of an earlier run (GE's own names only; nothing else is touched)."""
    for name in ("validations", "expectations"):
        target = docs_dir / name
        if target.is_dir():
            shutil.rmtree(target)
    (docs_dir / "index.html").unlink(missing_ok=True)


def _context(docs_dir: Path | None):
    """An in-memory GE context: no ``gx/`` folder, no analytics, no progress bars, and
    one Data Docs site (ours) instead of GE's default temporary one."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if docs_dir is not None:
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _skipped(
    expectations: Iterable[dict[str, Any]], frame, reader: _Reader
) -> tuple[list, list[str]]:
    """Split off expectations whose ``meta.min_rows`` the frame does not reach."""
    run, skipped = [], []
    for expectation in expectations:
        min_rows = (expectation.get("meta") or {}).get("min_rows")
        if min_rows is None:
            run.append(expectation)
            continue
        column = expectation.get("kwargs", {}).get("column")
        count = reader.count(frame, column)
        if count < int(min_rows):
            what = "non-null values" if column else "rows"
            skipped.append(
                f"{expectation_label(expectation)}: {count} {what} < min_rows {min_rows}"
            )
        else:
            run.append(expectation)
    return run, skipped


def _read_frame(connection, query: str):
    """The query's rows as a pandas frame, through Arrow.

    Strings stay Arrow-backed (pandas' ``str``, no Python object per value), integers
    and booleans become nullable pandas types, decimals floats. DuckDB's ``.df()``
    costs about three times the memory at peak (1.5 GB against 0.45 GB for 0.9 M
    journey rows).
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    table = connection.sql(query).to_arrow_table()
    for index, column in enumerate(table.schema):
        if pa.types.is_decimal(column.type):
            table = table.set_column(index, column.name, pc.cast(table.column(index), pa.float64()))
    nullable = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    return table.to_pandas(date_as_object=False, types_mapper=nullable.get, self_destruct=True)


def _run_suite(
    context, datasource, reader: _Reader, suite: Suite, window: DataWindow
) -> SuiteResult:
    import great_expectations as gx

    started = time.perf_counter()
    total = len(suite.expectations)
    try:
        frame = reader.frame(suite.query(window))
        rows = reader.count(frame, None)
    except (*reader.errors, SuiteError) as error:
        detail = str(error).strip().splitlines()[0]
        failure = Failure(suite.name, "read_table", (suite.table,), detail)
        return SuiteResult(suite.name, suite.table, None, total, failures=(failure,))

    expectations, skipped = _skipped(suite.expectations, frame, reader)
    failed: dict[str, list[Failure]] = {severity: [] for severity in SEVERITIES}
    if expectations:
        asset = datasource.add_dataframe_asset(name=suite.name)
        batch = asset.add_batch_definition_whole_dataframe(f"{suite.name} (whole table)")
        ge_suite = context.suites.add(_ge_suite(suite, expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=ge_suite)
        )
        result = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            failed[expectation_severity({"meta": config.meta})].append(
                Failure(
                    suite.name,
                    config.type,
                    tuple(_expectation_columns({"kwargs": config.kwargs})),
                    _failure_detail(outcome.result or {}, outcome.exception_info),
                )
            )
        # The engine keeps every batch's frame: drop this one before the next suite.
        datasource.get_execution_engine().batch_manager.batch_data_cache.clear()
    return SuiteResult(
        suite.name,
        suite.table,
        rows,
        total - len(skipped),
        failures=tuple(failed["block"]),
        warnings=tuple(failed["warn"]),
        skipped=tuple(skipped),
        seconds=time.perf_counter() - started,
    )


def validate_warehouse(
    warehouse: Path,
    *,
    docs_dir: Path | None = None,
    suites_dir: Path | None = None,
    write_docs: bool = True,
    strict: bool = False,
    built_only: bool = False,
    defer_to: Path | None = None,
) -> ValidationReport:
    """Run every suite against ``warehouse`` (opened read-only) and write Data Docs.

    ``docs_dir`` defaults to ``<warehouse folder>/data_docs``; ``write_docs=False``
    writes none; ``strict`` fails the validation on a warning too. ``built_only`` runs
    only the suites whose table the file holds (the pull-request check, which builds
    what changed); ``defer_to`` is the warehouse that build deferred to, attached
    read-only after the file in DuckDB's search path: a suite's query reads the tables
    the file lacks from it, and so does the landed days' window. Raises
    :class:`WarehouseError` when the file cannot be opened and :class:`SuiteError` when
    a suite file is broken; failed expectations are results.
    """
    import duckdb

    started = time.perf_counter()
    suites_dir = suites_dir or EXPECTATIONS_DIR
    log.info("validating %s with the suites in %s", warehouse, suites_dir)
    suites = load_suites(suites_dir)
    # dbt's memory limit (profiles.yml). The suites' SQL uses no time zones.
    settings = {"memory_limit": os.environ.get("CXW_MEMORY_LIMIT", "4GB")}
    try:
        connection = layers.connect(warehouse, config=settings)
        if defer_to is not None:
            path = str(defer_to).replace("'", "''")
            connection.execute(f"attach '{path}' as {DEFERRED_CATALOG} (read_only)")
            layers.use_layers(connection, catalogs=(DEFERRED_CATALOG,))
    except duckdb.Error as error:
        raise WarehouseError(f"{warehouse}: {str(error).strip().splitlines()[0]}") from None
    docs_dir = (docs_dir or default_docs_dir(warehouse)) if write_docs else None
    try:
        reader = _DuckDBReader(connection)
        if built_only:
            held = [suite for suite in suites if reader.has_table(suite.table)]
            log.info("%d of %d suites have their table in %s", len(held), len(suites), warehouse)
            suites = held
        window = None
        if defer_to is not None:
            window = _window(_DuckDBReader(connection, catalogs=(DEFERRED_CATALOG,)))
        return _validate(reader, "pandas", suites, warehouse, docs_dir, started, strict, window)
    finally:
        connection.close()


def validate_spark(
    *,
    session=None,
    docs_dir: Path | None = None,
    suites_dir: Path | None = None,
    write_docs: bool = True,
    strict: bool = False,
) -> ValidationReport:
    """Run every suite against the layers' tables on Spark (their databases:
    :func:`cx_warehouse.layers.layer_schemas`), with GE's Spark datasource.
    ``session`` defaults to a local SparkSession on the metastore and warehouse
    directory that the dbt ``spark`` target builds into (CXW_SPARK_DIR);
    ``docs_dir`` defaults to ``<CXW_SPARK_DIR>/data_docs``; ``strict`` as in
    :func:`validate_warehouse`."""
    started = time.perf_counter()
    suites = load_suites(suites_dir or EXPECTATIONS_DIR)
    spark_dir = spark_directory()
    if session is None:
        session = spark_session(spark_dir)
    marts = layers.layer_schemas()[0]
    if not session.catalog.databaseExists(marts):
        raise WarehouseError(f"spark: no database {marts} in {spark_dir} (run dbt build first)")
    docs_dir = (docs_dir or spark_dir / DOCS_DIR_NAME) if write_docs else None
    location = Path(spark_dir) / "warehouse"
    reader = _SparkReader(session)
    return _validate(reader, "spark", suites, location, docs_dir, started, strict)


def spark_directory() -> Path:
    """CXW_SPARK_DIR (profiles.yml), absolute; data/spark of the project by default."""
    return Path(os.environ.get("CXW_SPARK_DIR") or PROJECT_DIR / "data" / "spark").absolute()


def spark_session(spark_dir: Path):
    """A local SparkSession with the ``spark`` target's server_side_parameters from
    profiles.yml (the one place they live): the same metastore and warehouse."""
    import jinja2
    import yaml
    from pyspark.sql import SparkSession

    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    parameters = profile["cx_warehouse"]["outputs"]["spark"]["server_side_parameters"]
    environment = {**os.environ, "CXW_SPARK_DIR": str(spark_dir)}
    templates = jinja2.Environment()
    templates.globals["env_var"] = lambda name, default=None: environment.get(name, default)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in parameters.items():
        builder = builder.config(key, templates.from_string(str(value)).render())
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _validate(
    reader: _Reader,
    engine: str,
    suites: Sequence[Suite],
    warehouse: Path,
    docs_dir: Path | None,
    started: float,
    strict: bool,
    window: DataWindow | None = None,
) -> ValidationReport:
    results: list[SuiteResult] = []
    window = window or _window(reader)
    context = _context(docs_dir)
    if engine == "spark":
        datasource = context.data_sources.add_spark("warehouse")
    else:
        datasource = context.data_sources.add_pandas("warehouse")
    for number, suite in enumerate(suites, start=1):
        result = _run_suite(context, datasource, reader, suite, window)
        results.append(result)
        log.info(
            "[%d/%d] %s: %s rows, %d expectations, %d failed%s%s (%.2f s)",
            number,
            len(suites),
            suite.name,
            "-" if result.rows is None else f"{result.rows:,}",
            result.expectations,
            len(result.failures),
            f", {len(result.warnings)} warned" if result.warnings else "",
            f", {len(result.skipped)} skipped" if result.skipped else "",
            result.seconds,
        )

    docs_index, docs_error = None, None
    if docs_dir is not None:
        try:
            docs_dir.mkdir(parents=True, exist_ok=True)
            _clear_docs(docs_dir)
            context.build_data_docs(site_names=[DOCS_SITE])
            make_offline(docs_dir)
            docs_index = docs_dir / "index.html"
        except OSError as error:
            docs_error = f"{error.strerror or error}: {error.filename or docs_dir}"
            log.warning("data docs not written: %s", docs_error)
    report = ValidationReport(
        warehouse=warehouse,
        window=window,
        suites=tuple(results),
        docs_index=docs_index,
        seconds=time.perf_counter() - started,
        docs_error=docs_error,
        strict=strict,
    )
    if docs_index is not None:
        result = json.dumps(validation_result(report), indent=2)
        (docs_dir / VALIDATION_RESULT_NAME).write_text(result + "\n", encoding="utf-8")
    return report
