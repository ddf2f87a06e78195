"""dbt-duckdb plugin: SQL functions the project needs that DuckDB lacks.

profiles.yml loads it (``plugins: - module: cx_warehouse.duckdb_plugin``) and
dbt-duckdb calls ``configure_connection`` on the connection every model and hook
runs on.

``cxw_erasure_hash(text)`` is a keyed hash (HMAC-SHA256) of a text under the secret
``CXW_ERASURE_KEY``. ``stg_landing__records`` keeps the keyed hashes of the erased
identifiers its held lines were searched for, so that the next run searches them for
the new identifiers only (DECISIONS.md). The key never reaches SQL, dbt's logs or the
warehouse: the function reads it from the environment of the dbt process, so a reader
of the warehouse cannot hash an email to learn whether its owner asked to be erased.
``cxw_erasure_key_is_set()`` tells the models whether to keep such hashes at all.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

ERASURE_KEY = "CXW_ERASURE_KEY"
MIN_KEY_LENGTH = 16


def erasure_key() -> bytes | None:
    """The erasure key from the environment, None when unset or empty."""
    key = os.environ.get(ERASURE_KEY, "")
    if not key:
        return None
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(
            f"{ERASURE_KEY} must be at least {MIN_KEY_LENGTH} characters "
            "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return key.encode("utf-8")


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        key = erasure_key()

        def erasure_hash(text: str) -> str:
            if key is None:
                raise ValueError(f"{ERASURE_KEY} is not set")
            return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()

        conn.create_function(
            "cxw_erasure_hash", erasure_hash, ["VARCHAR"], "VARCHAR", side_effects=False
        )
        conn.create_function(
            "cxw_erasure_key_is_set", lambda: key is not None, [], "BOOLEAN", side_effects=False
        )
