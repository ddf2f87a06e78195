"""The BI file: the marts, without a column of personal data.

The warehouse file holds everything the pipeline needs: raw lines, emails, phones,
names, free text, next to the marts. BI tools and their users get their own file,
written after every publish (``cxw run``): each model under ``models/marts`` as a
table in its schema (marts, quality), without the columns its YAML tags
``meta: {pii: true}`` (docs/privacy.md).
It is written fresh under a temporary name and moved into place, so it never holds a
freed block of erased data and a reader never sees half of it; when writing it fails,
the previous one is removed with it.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cx_warehouse.layers import layer_schemas

log = logging.getLogger(__name__)


class BiError(Exception):
    """The BI file could not be written: a one-line reason."""


def bi_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/warehouse_bi.duckdb``."""
    return warehouse.with_name(warehouse.stem + "_bi" + warehouse.suffix)


def pii_columns(manifest: Path, *, marts_only: bool = False) -> dict[str, set[str]]:
    """Every model (and seed) of dbt's ``manifest``, by table name, with its columns
    tagged ``meta: {pii: true}``; with ``marts_only``, the models under models/marts:
    the tables of the BI file."""
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    except (OSError, ValueError, KeyError) as error:
        raise BiError(f"cannot read dbt's manifest {manifest}: {error}") from None
    tables: dict[str, set[str]] = {}
    for node in nodes.values():
        if node["resource_type"] not in {"model", "seed"}:
            continue
        if marts_only and (node["resource_type"] != "model" or node["fqn"][1] != "marts"):
            continue
        tables[node["alias"]] = {
            name for name, column in node["columns"].items() if column.get("meta", {}).get("pii")
        }
    return tables


def _copy_comments(connection, schema: str, table: str, columns: list[str]) -> None:
    """The table's and its columns' descriptions (persist_docs) onto the BI copy."""
    (comment,) = connection.execute(
        "select comment from duckdb_tables() where database_name = 'warehouse' "
        "and schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    name = f'"{schema}"."{table}"'
    if comment:
        connection.execute(f"comment on table {name} is {_literal(comment)}")
    for column, comment in connection.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'warehouse' "
        "and schema_name = ? and table_name = ? and comment is not null",
        [schema, table],
    ).fetchall():
        if column in columns:
            connection.execute(f'comment on column {name}."{column}" is {_literal(comment)}')


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_bi(warehouse: Path, manifest: Path, output: Path | None = None) -> Path:
    """Write the BI file of ``warehouse`` (default :func:`bi_path`) and return its path."""
    import duckdb

    output = output or bi_path(warehouse)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    tables = pii_columns(manifest, marts_only=True)
    try:
        with duckdb.connect(str(partial)) as connection:
            connection.execute(f"attach '{warehouse}' as warehouse (read_only)")
            for table, personal in sorted(tables.items()):
                held = connection.execute(
                    "select schema_name, column_name from duckdb_columns() "
                    "where database_name = 'warehouse' and list_contains(?, schema_name) "
                    "and table_name = ? order by column_index",
                    [list(layer_schemas()), table],
                ).fetchall()
                if not held:
                    raise BiError(f"{table} is not in {warehouse}")
                schema = held[0][0]
                columns = [column for _, column in held if column not in personal]
                listed = ", ".join(f'"{column}"' for column in columns)
                connection.execute(f'create schema if not exists "{schema}"')
                connection.execute(
                    f'create table "{schema}"."{table}" as '
                    f'select {listed} from warehouse."{schema}"."{table}"'
                )
                _copy_comments(connection, schema, table, columns)
            connection.execute("detach warehouse")
            connection.execute("checkpoint")
        os.replace(partial, output)
    except (duckdb.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        # The previous BI file describes the warehouse before this publish, and may
        # name people erased since: none is better than a stale one.
        output.unlink(missing_ok=True)
        raise BiError(
            f"writing {output}: {str(error).splitlines()[0]} (the previous BI file removed)"
        ) from None
    log.info("BI file %s: %d mart tables, personal columns left out", output, len(tables))
    return output
