"""dbt, whose partial parsing does not depend on where the DuckDB file lies.

``run_dbt`` starts dbt through this module (``python -m cx_warehouse.dbt_shared_parse
<dbt arguments>``) when ``CXW_DBT_PARSE_CACHE`` names a shared parse
(``cx_warehouse.dbt``): the test suite builds dozens of warehouses, each in a folder
of its own, and without this every one of them parsed the whole project again.

dbt keeps a parsed project in ``<target>/partial_parse.msgpack`` and reuses it when
nothing it could have read has changed. One of the things it compares is a hash of
the profile's connection, which holds the file's ``path`` and DuckDB's
``temp_directory`` beside it: another warehouse file means a full parse, although no
model reads either. This module computes that hash without those two values; the
``database`` name (the file's stem, which every relation of the manifest carries)
stays in it, as does every other key of the connection, so a warehouse of another
name, another target or other settings still parses in full.
"""

from __future__ import annotations

import dataclasses
import pprint
import sys
from collections.abc import Iterable
from typing import Any

# Connection values that name files only: no model, macro or test reads them at parse
# time (the project's Jinja reads target.database, which stays in the hash).
PATH_KEYS = frozenset({"path"})
PATH_OPTIONS = frozenset({"temp_directory"})


def parse_relevant(connection_info: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The connection's key/value pairs without the file locations, sorted as dbt sorts
    them for its hash."""
    kept = []
    for key, value in connection_info:
        if key in PATH_KEYS:
            continue
        if isinstance(value, dict) and key == "config_options":
            value = {name: item for name, item in value.items() if name not in PATH_OPTIONS}
        kept.append((key, value))
    return sorted(kept)


def install() -> None:
    """Replace dbt's profile hash of the partial-parse check by ``parse_relevant``'s."""
    from dbt.contracts.files import FileHash
    from dbt.parser.manifest import ManifestLoader

    original = ManifestLoader.build_manifest_state_check

    def build_manifest_state_check(self: ManifestLoader):  # type: ignore[no-untyped-def]
        check = original(self)
        pairs = parse_relevant(self.root_project.credentials.connection_info())
        profile_hash = FileHash.from_contents(pprint.pformat(pairs))
        return dataclasses.replace(check, profile_hash=profile_hash)

    ManifestLoader.build_manifest_state_check = build_manifest_state_check  # type: ignore[method-assign]


def main() -> int:
    from dbt.cli.main import cli

    install()
    sys.argv[0] = "dbt"
    return cli()


if __name__ == "__main__":
    sys.exit(main())
