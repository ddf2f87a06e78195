"""What the Spark tests share (test_spark_parity.py for the marts,
test_spark_connectors.py for the connectors): dbt on the ``spark`` target, a
session on its metastore, and the same table on DuckDB and on Spark compared row for
row: as multisets of rows, numbers within 1e-9 relative, dates and timestamps as naive
UTC text, but ``loaded_at`` (RUN_COLUMNS).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from conftest import ERASURE_KEY

from cx_warehouse.dbt import DbtResult, run_dbt

RELATIVE_TOLERANCE = 1e-9
# Columns naming the run that wrote a row (its start time): two builds differ there by
# construction, so they are present on both engines but their values not compared.
RUN_COLUMNS = {"loaded_at"}


def dbt_on_spark(
    arguments: list[str],
    landing: Path,
    workdir: Path,
    schema: str,
    env: Mapping[str, str] | None = None,
) -> tuple[DbtResult, Path]:
    """``dbt <arguments> --target spark`` on ``landing`` (and ``env``), its metastore and
    tables under ``workdir/spark`` (returned), target and logs beside, with the erasure
    key of the DuckDB builds it is compared with (a module fixture runs before the
    autouse one)."""
    spark_dir = workdir / "spark"
    result = run_dbt(
        [*arguments, "--target", "spark"],
        env={
            **(env or {}),
            "CXW_LANDING": str(landing),
            "CXW_SPARK_DIR": str(spark_dir),
            "CXW_SPARK_SCHEMA": schema,
            "CXW_THREADS": "2",
            "CXW_ERASURE_KEY": ERASURE_KEY,
        },
        target_path=workdir / "spark_target",
        log_path=workdir / "spark_logs",
    )
    return result, spark_dir


@contextmanager
def utc_session(spark_dir: Path) -> Iterator:
    """A local SparkSession on the metastore under ``spark_dir`` (the ``spark``
    target's settings), stopped at the end. PySpark hands timestamps to Python in the
    process's local time zone: the process is put on UTC first."""
    from cx_warehouse.validate import spark_session

    os.environ["TZ"] = "UTC"
    time.tzset()
    session = spark_session(spark_dir)
    try:
        yield session
    finally:
        session.stop()


def _value(value):
    """One cell in a form both engines agree on: None for null/NaN, floats for numbers
    that are not whole, naive UTC ISO text for dates and timestamps."""
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sort_key(row: tuple) -> tuple:
    # Floats rounded for ordering only; the comparison itself is relative.
    return tuple(
        (1, f"{cell:.6g}")
        if isinstance(cell, float)
        else (0, "")
        if cell is None
        else (1, str(cell))
        for cell in row
    )


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return a == b


def _differences(name: str, duck_rows: list[tuple], spark_rows: list[tuple]) -> list[str]:
    if len(duck_rows) != len(spark_rows):
        return [f"{name}: {len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark"]
    found = []
    for duck_row, spark_row in zip(
        sorted(duck_rows, key=_sort_key), sorted(spark_rows, key=_sort_key), strict=True
    ):
        if not all(_same(a, b) for a, b in zip(duck_row, spark_row, strict=True)):
            found.append(f"{name}: DuckDB {duck_row} != Spark {spark_row}")
    return found


def table_differences(
    connection, session, table: str, where: str | None = None
) -> tuple[int, list[str]]:
    """``table`` (``schema.name``) read from the DuckDB ``connection`` and the Spark
    ``session``, its rows that match ``where`` (SQL both engines read) or all: its
    DuckDB row count and every difference (columns, rows; RUN_COLUMNS by name only)."""
    columns = [row[0] for row in connection.execute(f"describe {table}").fetchall()]
    spark_frame = session.table(table)
    if sorted(spark_frame.columns) != sorted(columns):
        return 0, [f"{table}: columns {columns} on DuckDB, {spark_frame.columns} on Spark"]
    columns = [column for column in columns if column not in RUN_COLUMNS]
    selected = ", ".join(columns)
    condition = f" where {where}" if where else ""
    if where:
        spark_frame = spark_frame.where(where)
    duck_rows = [
        tuple(_value(cell) for cell in row)
        for row in connection.execute(f"select {selected} from {table}{condition}").fetchall()
    ]
    spark_rows = [
        tuple(_value(row[column]) for column in columns)
        for row in spark_frame.select(*columns).collect()
    ]
    return len(duck_rows), _differences(table, duck_rows, spark_rows)
