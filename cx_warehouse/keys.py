"""The secret behind the warehouse's keyed hashes: ``CXW_ERASURE_KEY``.

Every pseudonymous key built from a person's identifier (a loyalty member, a customer
without a shop account, an erased customer) and the hashes of the erased identifiers
the held lines were searched for are keyed hashes under it (macros/keyed_hash.sql).
The dbt-duckdb plugin (``duckdb_plugin``) hands it to the SQL; ``cxw run`` refuses to
publish without it unless ``--demo`` (docs/privacy.md: how to set and rotate it).
"""

from __future__ import annotations

import os
import re

ERASURE_KEY = "CXW_ERASURE_KEY"
MIN_KEY_LENGTH = 16
# Without the secret: a published constant that protects nothing. Also the spark
# target's default in profiles.yml (test_duckdb_plugin checks both are the same).
DEVELOPMENT_KEY = "cxw-development-key-not-secret"
# Letters, digits, '-' and '_' only: Spark substitutes the key into a SQL string.
KEY_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
HOW_TO_MAKE_ONE = "python -c 'import secrets; print(secrets.token_hex(32))'"


class BadKey(ValueError):
    """CXW_ERASURE_KEY is set but unusable: a one-line reason."""


def erasure_key() -> str | None:
    """The secret from the environment, None when unset or empty. Raises
    :class:`BadKey` when it is too short or holds other characters."""
    key = os.environ.get(ERASURE_KEY, "")
    if not key:
        return None
    if len(key) < MIN_KEY_LENGTH or not KEY_CHARACTERS.fullmatch(key):
        raise BadKey(
            f"{ERASURE_KEY} must be at least {MIN_KEY_LENGTH} letters, digits, '-' or '_' "
            f"(e.g. {HOW_TO_MAKE_ONE})"
        )
    return key
