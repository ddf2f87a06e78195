"""Every threshold the models read through ``var()`` has one home: ``dbt_project.yml``.

A ``var('x', 30)`` beside a declared ``x: 30`` is the same rule written twice, and an
undeclared ``var('x', 30)`` is a setting nobody finds; both fail here. The vars that
are optional by design (a choice left unset means "derive it") are named below.
"""

from __future__ import annotations

import re

import yaml

from cx_warehouse.paths import PROJECT_DIR

# Read with a default on purpose: unset means "derive it" (the system's shape comes
# from CXW_SOURCES, docs/sources.md; the look-back from CXW_LOOKBACK_DAYS), or a
# unit-test-only key.
OPTIONAL = {
    "callcenter_source",
    "marketing_source",
    "shop_source",
    "stores_source",
    "surveys_source",
    "web_source",
    "incremental_lookback_days",
    "pseudonym_key_for_unit_tests",
}
VAR_CALL = re.compile(r"""\bvar\(\s*['"]([a-z_]+)['"]\s*(,)?""")


def var_reads() -> list[tuple[str, str, bool]]:
    """(file, var name, read with a default) for every literal var() in the project."""
    reads = []
    for folder in ("models", "macros", "analyses", "tests/dbt"):
        for path in sorted((PROJECT_DIR / folder).rglob("*")):
            if path.suffix not in {".sql", ".yml"}:
                continue
            for name, comma in VAR_CALL.findall(path.read_text(encoding="utf-8")):
                reads.append((path.relative_to(PROJECT_DIR).as_posix(), name, bool(comma)))
    return reads


def test_every_var_is_declared_once_in_dbt_project_yml() -> None:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    declared = set(project["vars"])
    reads = var_reads()
    assert reads, "no var() found: the pattern no longer matches the project's SQL"
    undeclared = sorted({(f, n) for f, n, _ in reads if n not in declared | OPTIONAL})
    assert not undeclared, f"declare these vars in dbt_project.yml: {undeclared}"
    with_default = sorted({(f, n) for f, n, d in reads if d and n not in OPTIONAL})
    assert not with_default, f"read these without a default of their own: {with_default}"


def test_the_check_sees_a_default_written_beside_the_declaration() -> None:
    assert VAR_CALL.findall("{%- set d = var('churn_days', 180) -%}") == [("churn_days", ",")]
    assert VAR_CALL.findall('var( "followup_days" )') == [("followup_days", "")]
