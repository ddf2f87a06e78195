"""dbt-duckdb plugin: hands the secret of the keyed hashes to the SQL.

profiles.yml loads it (``plugins: - module: cx_warehouse.duckdb_plugin``) and
dbt-duckdb calls ``configure_connection`` on the connection every model and hook
runs on. It registers:

- ``cxw_pseudonym_key()``: the key of ``keyed_hash`` (macros/keyed_hash.sql), read
  from ``CXW_ERASURE_KEY`` in the dbt process's environment (cx_warehouse/keys.py).
  dbt never reads the secret (it keeps the value of every env var a project reads,
  for partial parsing), and the SQL dbt compiles and logs names the function, never
  the key. Without the secret it is the public development key, with a warning.
- ``cxw_erasure_key_is_set()``: whether a real key is set.
"""

from __future__ import annotations

import logging

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from cx_warehouse.keys import DEVELOPMENT_KEY, ERASURE_KEY, erasure_key

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


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        secret = erasure_key()
        if secret is None:
            _warn_once()
        key = secret or DEVELOPMENT_KEY
        conn.create_function("cxw_pseudonym_key", lambda: key, [], "VARCHAR", side_effects=False)
        conn.create_function(
            "cxw_erasure_key_is_set", lambda: secret is not None, [], "BOOLEAN", side_effects=False
        )
