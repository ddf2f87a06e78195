"""Every column that holds personal data is tagged ``meta: {pii: true}`` in its model's
YAML, and the tags are tested against the data: on the small generated dataset (every
fault on), a column of any table whose values look like an email address or a phone
number, or that holds a person's name, free text or a raw landing line, must be
tagged. The BI file (cx_warehouse/bi.py) leaves every tagged column out."""

from __future__ import annotations

import re

import pytest
from conftest import Build

from cx_warehouse import layers
from cx_warehouse.bi import pii_columns

pytestmark = pytest.mark.dbt

EMAIL = re.compile(r"[^@\s:]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
# A whole value that is a phone: E.164, or nine or more digits with spaces or dashes.
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{7,18}[0-9]")
# Columns whose name says what they hold, whatever their values look like in a sample.
NAMED = re.compile(r"(^|_)(first_name|last_name|comment|line|raw_line|card_number)$")
# Work tables beside a model (not in the manifest; never in the BI file), with their
# columns of personal data.
SIDE_TABLES = {
    "int_identifiers_clustered__edges_held": {"node_id_from", "node_id_to"},
    "stg_landing__records__erased_held": set(),  # keyed hashes
}


def _looks_personal(values: list[str]) -> bool:
    return any(EMAIL.search(value) or PHONE.fullmatch(value.strip()) for value in values)


def test_every_personal_column_is_tagged(small_build: Build) -> None:
    tagged = pii_columns(small_build.result.target_path / "manifest.json")
    untagged = []
    with layers.connect(small_build.warehouse) as connection:
        columns = connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR' and table_schema <> 'intake' order by 1, 2, 3"
        ).fetchall()
        for schema, table, column in columns:
            personal = SIDE_TABLES[table] if table in SIDE_TABLES else tagged.get(table)
            assert personal is not None, f"{table}: not a model of the project"
            if column in personal:
                continue
            values = [
                row[0]
                for row in connection.execute(
                    f'select distinct "{column}" from "{schema}"."{table}" '
                    f'where "{column}" is not null limit 5000'
                ).fetchall()
            ]
            if NAMED.search(column) or _looks_personal(values):
                untagged.append(f"{table}.{column}")
    assert not untagged, "personal data not tagged pii: " + ", ".join(untagged)


def test_the_tag_test_can_fail() -> None:
    assert _looks_personal(["x", "ann@example.com"])
    assert _looks_personal(["+48600200300"]) and _looks_personal(["600 200 300"])
    assert not _looks_personal(["shop/customers/dt=2025-01-01/part-00000.jsonl", "C0000012"])
    assert not _looks_personal(["2025-01-01 10:00:00", "12.50"])


def test_no_suite_reads_a_personal_column(small_build: Build) -> None:
    """The suites' Data Docs show samples of unexpected values: no suite may read a
    tagged column, or a failed validation would publish personal data in them."""
    import json

    from cx_warehouse.paths import PROJECT_DIR

    tagged = pii_columns(small_build.result.target_path / "manifest.json")
    read = []
    for path in sorted((PROJECT_DIR / "expectations").glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))["meta"]["cx_warehouse"]
        read += [
            f"{meta['table']}.{column}" for column in tagged[meta["table"]] & set(meta["columns"])
        ]
    assert not read, "suites read personal columns: " + ", ".join(read)
