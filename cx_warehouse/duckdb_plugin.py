"""dbt-duckdb plugin: paths from the project folder, and the key of the keyed hashes.

profiles.yml loads it (``plugins: - module: cx_warehouse.duckdb_plugin``).
dbt-duckdb calls ``update_connection_config`` before it opens the database: a
relative ``path`` or ``temp_directory`` (the profile's defaults, ``data/dev.duckdb``)
is taken from the project folder, not from wherever dbt runs, so that dbt run from
another folder never creates a second warehouse there; the prod target is refused
unless cxw runs dbt. It calls
``configure_connection`` on the connection every model and hook runs on, which
registers:

- ``cxw_pseudonym_key()``: the key of ``keyed_hash`` (macros/keyed_hash.sql), read
  from ``CXW_ERASURE_KEY`` in the dbt process's environment (cx_warehouse/keys.py).
  dbt never reads the secret (it keeps the value of every env var a project reads,
  for partial parsing), and the SQL dbt compiles and logs names the function, never
  the key. Without the secret it is the public development key, with a warning.
- ``cxw_erasure_key_is_set()``: whether a real key is set.

When ``CXW_RAW`` names a DuckDB file (the tables connectors load, docs/sources.md),
it is attached READ-ONLY as the catalog ``cxw_raw`` that the connector sources name
(var ``raw_catalog``); a missing file is a one-line error before dbt opens anything.
When ``CXW_GA4_EXPORT`` names the GA4 export's folder (macro ``ga4_export_path``), a
folder that does not exist is the same kind of error.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.credentials import Attachment
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError
from duckdb import DuckDBPyConnection

from cx_warehouse.keys import DEVELOPMENT_KEY, ERASURE_KEY, erasure_key
from cx_warehouse.paths import PROJECT_DIR

log = logging.getLogger(__name__)
_warned = False


def _warn_once() -> None:
    global _warned
    if not _warned:
        log.warning(
            "%s is not set: pseudonymous keys use the public development key; "
            "set it for any warehouse that holds real people",
            ERASURE_KEY,
        )
        _warned = True


def from_project(path: str) -> str:
    """A relative file path taken from the project folder; others unchanged."""
    if not path or path == ":memory:" or ":" in path.split("/")[0] or Path(path).is_absolute():
        return path
    return str(PROJECT_DIR / path)


RAW = "CXW_RAW"
RAW_CATALOG = "cxw_raw"


def raw_attachment() -> Attachment | None:
    """The connectors' raw file named by ``CXW_RAW``, attached read-only; None unset."""
    name = os.environ.get(RAW, "").strip()
    if not name:
        return None
    path = Path(from_project(name))
    if not path.is_file():
        raise DbtRuntimeError(f"{RAW} {path}: no such DuckDB file (the connectors' raw tables)")
    return Attachment(path=str(path), alias=RAW_CATALOG, read_only=True)


GA4_EXPORT = "CXW_GA4_EXPORT"


def check_ga4_export() -> None:
    """A ``CXW_GA4_EXPORT`` that names no folder is a one-line error; unset passes
    (the GA4 source then refuses to compile when ``web_source`` is ga4)."""
    name = os.environ.get(GA4_EXPORT, "").strip()
    if name and not Path(from_project(name)).is_dir():
        raise DbtRuntimeError(
            f"{GA4_EXPORT} {from_project(name)}: no such folder (the GA4 export's Parquet files)"
        )


REFUSED = (
    "the prod target is the published warehouse, which `cxw run` builds, validates and "
    "publishes; develop on the dev target (the default, data/dev.duckdb): "
    "dbt build -s my_model+"
)


class Plugin(BasePlugin):
    read_only = False
    runner_only = False

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.runner_only = bool(plugin_config.get("cxw_runner_only"))

    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        # The prod target (``config: {cxw_runner_only: true}``) is built only by cxw's
        # write-audit-publish, whose runner sets CXW_RUNNER. Refused here, before dbt
        # opens the file: by on-run-start, dbt has already created the schemas.
        if self.runner_only and os.environ.get("CXW_RUNNER") != "cxw":
            raise DbtRuntimeError(REFUSED)
        # A reader (the published target) builds no key, so it needs no warning.
        self.read_only = str(config.get("access_mode", "")).upper() == "READ_ONLY"
        creds.path = from_project(creds.path)
        if Path(creds.path).is_absolute():  # a fresh clone has no data/ yet
            Path(creds.path).parent.mkdir(parents=True, exist_ok=True)
        check_ga4_export()
        raw = raw_attachment()
        if raw is not None and not any(a.alias == RAW_CATALOG for a in creds.attach or []):
            creds.attach = [*(creds.attach or []), raw]
        if "temp_directory" in config:
            config["temp_directory"] = from_project(str(config["temp_directory"]))

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        secret = erasure_key()
        if secret is None and not self.read_only:
            _warn_once()
        key = secret or DEVELOPMENT_KEY
        conn.create_function("cxw_pseudonym_key", lambda: key, [], "VARCHAR", side_effects=False)
        conn.create_function(
            "cxw_erasure_key_is_set", lambda: secret is not None, [], "BOOLEAN", side_effects=False
        )
