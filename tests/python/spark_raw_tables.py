"""Copy every table of a DuckDB raw file (the connector fixtures, as ``connector_raw``
in conftest.py loads them) into the Spark metastore of ``CXW_SPARK_DIR``: one
metastore database per DuckDB schema, named as the schema (``zendesk``, ``qualtrics``,
as the connectors' ``<connector>_schema`` vars name them), one Parquet table per
table. DuckDB writes the Parquet files (its column types kept; naive timestamps as UTC
instants, which Spark reads as its ``timestamp``, not ``timestamp_ntz``); Spark only
registers them, so the copy runs no Spark job.

A connector whose source is files (``parquet_export``, GA4's export) is no table of the
destination: its schema is skipped, and Spark reads its files instead.

Run as a child process (``python spark_raw_tables.py RAW_FILE SPARK_DIR [SKIPPED_SCHEMA
...]``) before dbt runs on Spark: a local Spark keeps its metastore (embedded Derby)
locked while its JVM lives, and the dbt child must open the same metastore afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb


def _export(connection: duckdb.DuckDBPyConnection, schema: str, table: str, path: Path) -> None:
    """``schema.table`` as one Parquet file at ``path``, naive timestamps as UTC."""
    columns = connection.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    selected = ", ".join(
        f'timezone(\'UTC\', "{name}") as "{name}"' if kind == "TIMESTAMP" else f'"{name}"'
        for name, kind in columns
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    connection.execute(
        f'copy (select {selected} from "{schema}"."{table}") to \'{path}\' (format parquet)'
    )


def copy_raw_tables(raw: Path, spark_dir: Path, skipped: Sequence[str]) -> list[str]:
    """Every table of ``raw`` but those of the ``skipped`` schemas as
    ``<schema>.<table>`` in Spark (its files under ``spark_dir/raw``); their names."""
    from cx_warehouse.validate import spark_session

    with duckdb.connect(str(raw), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        tables = [
            (schema, table)
            for schema, table in connection.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_catalog = current_database() and table_type = 'BASE TABLE'"
                " order by all"
            ).fetchall()
            if schema not in skipped
        ]
        for schema, table in tables:
            _export(connection, schema, table, spark_dir / "raw" / schema / table / "part.parquet")
    session = spark_session(spark_dir)
    try:
        for schema, table in tables:
            session.sql(f"create database if not exists `{schema}`")
            location = spark_dir / "raw" / schema / table
            session.sql(f"create table `{schema}`.`{table}` using parquet location '{location}'")
    finally:
        session.stop()
    return [f"{schema}.{table}" for schema, table in tables]


def copy_in_child(raw: Path, spark_dir: Path, skipped: Sequence[str]) -> None:
    """``copy_raw_tables`` in a child process, which ends its JVM and so frees the
    metastore for the next Spark process."""
    subprocess.run([sys.executable, __file__, str(raw), str(spark_dir), *skipped], check=True)


if __name__ == "__main__":
    print("\n".join(copy_raw_tables(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])))
