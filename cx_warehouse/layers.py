"""Opening a warehouse file: each layer's tables sit in a schema of their own.

dbt builds staging, intermediate, marts, quality and seeds each into its schema
(macros/generate_schema_name.sql, with the optional prefix ``CXW_SCHEMA_PREFIX``).
Readers that name tables unqualified (the suites, the report, the tests) open the
file with :func:`connect`, whose DuckDB ``search_path`` runs through the layers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

LAYERS = ("marts", "quality", "intermediate", "staging", "seeds")


def layer_schemas() -> tuple[str, ...]:
    """The layers' schema names, as dbt names them."""
    prefix = os.environ.get("CXW_SCHEMA_PREFIX", "")
    return tuple(prefix + layer for layer in LAYERS)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def layer_tables(connection, catalogs: Sequence[str] = ()) -> set[str]:
    """The names of the layers' tables (and views) in the connection's own file
    and the attached ``catalogs``."""
    return {
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables "
            "where list_contains(?, table_schema) "
            "and (table_catalog = current_database() or list_contains(?, table_catalog))",
            [list(layer_schemas()), list(catalogs)],
        ).fetchall()
    }


def use_layers(connection, catalogs: Sequence[str] = ()) -> None:
    """Set ``search_path`` to every layer schema of the connection's own file, then of
    each of the attached ``catalogs`` in turn: the first that holds a name wins."""
    own = connection.execute("select current_database()").fetchone()[0]
    present = set(
        connection.execute("select database_name, schema_name from duckdb_schemas()").fetchall()
    )
    path = [
        f"{_quoted(catalog)}.{_quoted(schema)}"
        for catalog in (own, *catalogs)
        for schema in (*layer_schemas(), "main")
        if (catalog, schema) in present
    ]
    connection.execute("set search_path = " + "'" + ",".join(path).replace("'", "''") + "'")


def predates_layers(path: Path) -> bool:
    """Whether the warehouse file ``path`` keeps its models in schema main, as built
    before the layer schemas: an incremental run on it would leave those tables behind."""
    import duckdb

    if not Path(path).is_file():
        return False
    with duckdb.connect(str(path), read_only=True) as connection:
        (models_in_main,) = connection.execute(
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' and regexp_matches(table_name, '^(stg|int|fct|dim|mart)_')"
        ).fetchone()
    return models_in_main > 0


def connect(path: Path | str, *, read_only: bool = True, config: dict | None = None):
    """A DuckDB connection to the warehouse file ``path`` that finds every layer's
    tables by their bare names."""
    import duckdb

    connection = duckdb.connect(str(path), read_only=read_only, config=config or {})
    try:
        use_layers(connection)
    except duckdb.Error:
        connection.close()
        raise
    return connection
