"""After erasures, nothing a run leaves holds an erased person: a sweep of every place.

The contract example with the leak cases of issue 25 (``landing_with_leak_cases``) is
published by ``cxw run`` (once per session, ``leak_cases_published``, and copied); then
erasures that arrive after the data (an email that only email events hold, and a shop
customer by customer_id) land and a second, incremental run applies them. The sweep then
looks for every identifier of every erased person - as landed, trimmed, lower-cased,
phones in E.164, digits and national forms, and the md5, sha1 and sha256 hex of each of
those - in:

- every column of every table and view of the published warehouse;
- the published file's raw bytes;
- every file the runs left: dbt's ``target/`` and ``logs/``, the Data Docs,
  ``last_validation.json``, the report, spill folders and any build file.

The erased persons' identifiers are those the landing data links to the requests (the
rule of ``erased_identifiers``, recomputed in ``test_privacy``), the leak cases' own,
and the cookies their shop accounts logged in with. The landing folder itself is not
searched: it is the source systems' data, which the warehouse reads and cannot erase.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pytest
from conftest import ERASURE_KEY, publish_in, published_copy
from test_privacy import linked_identifiers

from cx_warehouse import layers
from cx_warehouse.bi import pii_columns

pytestmark = pytest.mark.dbt

# Erasures that arrive after the first run: a person only email events hold, and a
# shop customer (a CDC pair: two emails) by customer_id.
LATER_ERASURES = (
    "ER-000009,email,zuzana.horvathova@example.sk,2024-04-01 09:00:00\n"
    "ER-000010,customer_id,C000001,2024-04-01 09:30:00\n"
)
# What only the broken line or the leak cases tell (the recomputed rule reads valid
# lines only).
LEAK_CASE_IDENTIFIERS = {
    ("customer_id", "C-TRUNC"),
    ("email", "cut.short@example.com"),
    ("phone", "+420703118919"),
}


def _cookies(landing: Path, customer_ids: set[str]) -> set[tuple[str, str]]:
    """The cookies that logged in as one of ``customer_ids``."""
    if not customer_ids:
        return set()
    listed = ", ".join(f"'{value}'" for value in sorted(customer_ids))
    glob = (landing / "shop" / "events" / "*" / "*.parquet").as_posix()
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"select distinct anonymous_id from read_parquet('{glob}', union_by_name=true) "
            f"where customer_id in ({listed}) and anonymous_id is not null"
        ).fetchall()
    return {("anonymous_id", row[0]) for row in rows}


def _forms(identifier_type: str, identifier: str) -> set[str]:
    """Every written form of an identifier, and the plain hashes of each."""
    forms = {identifier, identifier.strip(), identifier.strip().lower()}
    if identifier_type == "phone":
        digits = re.sub(r"[^0-9]", "", identifier)
        national = digits[-9:]
        forms |= {
            digits,
            "+" + digits,
            national,
            f"{national[:3]} {national[3:6]} {national[6:]}",
        }
    hashed = set()
    for form in forms:
        for algorithm in ("md5", "sha1", "sha256"):
            hashed.add(hashlib.new(algorithm, form.encode()).hexdigest())
    return {form.lower() for form in forms | hashed if len(form) >= 6}


def _pattern(forms: set[str]) -> re.Pattern[bytes]:
    """One regex for all forms, each standing alone (no letter or digit touching it:
    nine digits turn up inside longer numbers and hashes)."""
    alternatives = b"|".join(re.escape(form.encode()) for form in sorted(forms, key=len)[::-1])
    return re.compile(rb"(?<![0-9a-z])(?:" + alternatives + rb")(?![0-9a-z])")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory, leak_cases_published: Path) -> dict:
    """The session's first run (``leak_cases_published``) copied, with the later
    erasures landed and applied by a second run in the copy."""
    root = tmp_path_factory.mktemp("sweep")
    published_copy(leak_cases_published, root)
    landing = root / "landing"
    warehouse = root / "data" / "warehouse.duckdb"
    requests = landing / "privacy" / "erasure_requests.csv"
    requests.write_text(requests.read_text(encoding="utf-8") + LATER_ERASURES, "utf-8")
    publish_in(root, "data/warehouse.duckdb")

    erased = linked_identifiers(landing) | LEAK_CASE_IDENTIFIERS
    erased |= _cookies(landing, {value for kind, value in erased if kind == "customer_id"})
    forms: dict[str, tuple[str, str]] = {}
    for identifier_type, identifier in erased:
        for form in _forms(identifier_type, identifier):
            forms[form] = (identifier_type, identifier)
    return {"root": root, "landing": landing, "warehouse": warehouse, "forms": forms}


def _named(swept: dict, matches: set[bytes]) -> list[str]:
    return sorted(
        f"{swept['forms'][match.decode()][0]} {match.decode()!r}"
        f" (of {swept['forms'][match.decode()][1]!r})"
        for match in matches
    )


def test_the_sweep_knows_the_erased_persons(swept: dict) -> None:
    """The sweep is real: it looks for the persons the fixture erases, and their
    identifiers are in the landing data it reads."""
    identifiers = {value for value in swept["forms"].values()}
    kinds = {kind for kind, _ in identifiers}
    assert {"customer_id", "email", "phone", "loyalty_card", "anonymous_id"} <= kinds
    assert ("customer_id", "C000001") in identifiers
    assert ("email", "zuzana.horvathova@example.sk") in identifiers
    landed = b"".join(
        path.read_bytes().lower() for path in swept["landing"].rglob("*") if path.is_file()
    )
    pattern = _pattern(set(swept["forms"]))
    assert {swept["forms"][match.decode()] for match in pattern.findall(landed)} >= identifiers - {
        value for value in identifiers if value[0] == "anonymous_id"
    }


def test_no_table_holds_an_erased_identifier(swept: dict) -> None:
    pattern = _pattern(set(swept["forms"]))
    hits = []
    with layers.connect(swept["warehouse"]) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            rows = connection.execute(f'select * from "{schema}"."{table}"').fetchall()
            text = "\n".join("\t".join(str(value) for value in row) for row in rows)
            found = set(pattern.findall(text.lower().encode()))
            if found:
                hits.append(f"{schema}.{table}: {', '.join(_named(swept, found))}")
    assert not hits, "erased identifiers in tables:\n" + "\n".join(hits)


def test_no_file_a_run_leaves_holds_an_erased_identifier(swept: dict) -> None:
    """The published file's bytes, dbt's target/ and logs/, the Data Docs,
    last_validation.json, the report, spill folders, build files."""
    pattern = _pattern(set(swept["forms"]))
    searched = [
        path
        for path in sorted(swept["root"].rglob("*"))
        if path.is_file() and swept["landing"] not in path.parents
    ]
    names = {path.relative_to(swept["root"]).as_posix() for path in searched}
    assert {
        "data/warehouse.duckdb",
        "data/warehouse_bi.duckdb",
        "data/cx_report.html",
        "logs/dbt.log",
    } <= names
    assert any(name.startswith("data/data_docs.") for name in names)  # data_docs links here
    assert any(name.startswith("target/compiled/") for name in names)
    hits = []
    for path in searched:
        found = set(pattern.findall(path.read_bytes().lower()))
        if found:
            hits.append(f"{path.relative_to(swept['root'])}: {', '.join(_named(swept, found))}")
    assert not hits, "erased identifiers in files:\n" + "\n".join(hits)


def test_the_bi_file_holds_the_marts_and_no_personal_column(swept: dict) -> None:
    marts = pii_columns(swept["root"] / "target" / "manifest.json", marts_only=True)
    assert {"mart_nps", "dim_customers", "mart_detractor_followups"} <= set(marts)
    assert any(marts.values()), "some mart column is tagged pii"
    bi_file = swept["warehouse"].with_name("warehouse_bi.duckdb")
    with layers.connect(bi_file) as connection:
        columns = connection.execute(
            "select table_name, column_name from duckdb_columns() where not internal"
        ).fetchall()
    held: dict[str, set[str]] = {}
    for table, column in columns:
        held.setdefault(table, set()).add(column)
    assert set(held) == set(marts)
    assert all(not (held[table] & marts[table]) for table in marts)
    assert "customer_id" in held["mart_detractor_followups"]
    with layers.connect(bi_file) as connection:
        described = connection.execute(
            "select count(*) from duckdb_columns() where not internal and comment is null"
        ).fetchone()[0]
        (nps_comment,) = connection.execute(
            "select comment from duckdb_tables() where table_name = 'mart_nps'"
        ).fetchone()
    assert described == 0, "every BI column carries its description"
    assert nps_comment and nps_comment.startswith("NPS")


def test_keys_are_keyed_hashes_under_the_secret(swept: dict) -> None:
    """A loyalty member is keyed by sha256(key || sha256(key || ':' || card)), not by a
    plain hash of its card; a customer without a shop account by 'K' and the keyed hash
    of its anchor node; an erased customer by 'E' and the keyed hash of the id."""

    def keyed(text: str) -> str:
        inner = hashlib.sha256(f"{ERASURE_KEY}:{text}".encode()).hexdigest()
        return hashlib.sha256(f"{ERASURE_KEY}{inner}".encode()).hexdigest()

    with layers.connect(swept["warehouse"]) as connection:
        members = {
            row[0]
            for row in connection.execute(
                "select loyalty_member_id from stg_stores__loyalty_members"
            ).fetchall()
        }
        keys = dict(
            connection.execute("select node_id, customer_id from int_customer_keys").fetchall()
        )
        customers = {
            row[0] for row in connection.execute("select customer_id from dim_customers").fetchall()
        }
    assert members == {keyed("LC-100001"), keyed("LC-100002")}
    anchor = "email:eva.svobodova@example.cz"  # a respondent with no shop account or card
    assert keys[anchor] == "K" + keyed(anchor)
    assert "E" + keyed("C000001") in customers
