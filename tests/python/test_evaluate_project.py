"""bin/evaluate-project: dbt-project-evaluator's rules on the parsed project, with the
exceptions of bin/evaluate-project.yml."""

from __future__ import annotations

import copy
import json
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

from cx_warehouse.dbt import run_dbt
from cx_warehouse.paths import PROJECT_DIR

SCRIPT = PROJECT_DIR / "bin" / "evaluate-project"
EXCEPTIONS = PROJECT_DIR / "bin" / "evaluate-project.yml"


def _load_script():
    loader = SourceFileLoader("evaluate_project", str(SCRIPT))
    module = module_from_spec(spec_from_loader("evaluate_project", loader))
    sys.modules["evaluate_project"] = module  # its dataclasses look their module up
    loader.exec_module(module)
    return module


evaluate_project = _load_script()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    target = tmp_path_factory.mktemp("target")
    result = run_dbt(
        ["parse", "--target", "dev"],
        target_path=target,
        log_path=tmp_path_factory.mktemp("logs"),
        capture=True,
    )
    assert result.ok, result
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def _failures(results: dict) -> dict[str, list[str]]:
    return {
        rule: [row["offender"] for row in result["offenders"] if not row["reason"]]
        + [f"stale: {stale}" for stale in result["stale_exceptions"]]
        for rule, result in results.items()
        if result["stale_exceptions"] or any(not row["reason"] for row in result["offenders"])
    }


@pytest.mark.dbt
def test_every_offender_is_an_exception_with_its_reason(manifest: dict) -> None:
    results = evaluate_project.evaluate(manifest, evaluate_project.load_exceptions(EXCEPTIONS))
    assert _failures(results) == {}
    # the rules issue 27 names never grow back (before: 6 models with too many
    # joins, 16 rejoins, 10 staging models joining several sources)
    assert results["too_many_joins"]["count"] <= 5
    assert results["rejoining_of_upstream_concepts"]["count"] <= 14
    assert results["multiple_sources_joined"]["count"] <= 2
    assert results["missing_primary_key_tests"]["count"] == 0


def _add_model(manifest: dict, name: str, parents: list[str], folder: str) -> dict:
    changed = copy.deepcopy(manifest)
    template = changed["nodes"]["model.cx_warehouse.dim_customers"]
    node = copy.deepcopy(template)
    node.update(
        name=name,
        unique_id=f"model.cx_warehouse.{name}",
        original_file_path=f"models/{folder}/{name}.sql",
        depends_on={"macros": [], "nodes": parents},
    )
    changed["nodes"][node["unique_id"]] = node
    return changed


@pytest.mark.dbt
def test_a_new_offender_or_a_stale_exception_fails(manifest: dict) -> None:
    exceptions = evaluate_project.load_exceptions(EXCEPTIONS)
    parents = sorted(
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and uid.startswith("model.cx_warehouse.mart_")
    )[:7]
    joined = _add_model(manifest, "fct_everything", parents, "marts/core")
    # seven parents, and no primary-key test
    assert _failures(evaluate_project.evaluate(joined, exceptions)) == {
        "too_many_joins": ["fct_everything"],
        "missing_primary_key_tests": ["fct_everything"],
    }
    # a model that matches no exception any more leaves its exception stale
    gone = copy.deepcopy(manifest)
    del gone["nodes"]["model.cx_warehouse.quality_pseudonym_key"]
    assert _failures(evaluate_project.evaluate(gone, exceptions)) == {
        "root_models": ["stale: quality_pseudonym_key"]
    }


@pytest.mark.dbt
def test_a_rejoin_counts_only_through_a_model_nothing_else_reads(manifest: dict) -> None:
    graph_manifest = _add_model(
        manifest,
        "int_between",
        ["model.cx_warehouse.fct_journeys"],
        "intermediate/core",
    )
    rejoined = _add_model(
        graph_manifest,
        "fct_rejoined",
        ["model.cx_warehouse.fct_journeys", "model.cx_warehouse.int_between"],
        "marts/core",
    )
    results = evaluate_project.evaluate(rejoined, {})
    assert ("fct_rejoined", "reads fct_journeys and int_between, its only reader") in {
        (row["offender"], row["detail"])
        for row in results["rejoining_of_upstream_concepts"]["offenders"]
    }
    # a second reader of the model in between makes it a shared step: no rejoin
    shared = _add_model(rejoined, "fct_other", ["model.cx_warehouse.int_between"], "marts/core")
    assert "fct_rejoined" not in {
        row["offender"]
        for row in evaluate_project.evaluate(shared, {})["rejoining_of_upstream_concepts"][
            "offenders"
        ]
    }


def test_the_command_names_the_failing_rule(tmp_path: Path, capsys) -> None:
    manifest = {
        "metadata": {"project_name": "cx_warehouse"},
        "nodes": {
            "model.cx_warehouse.orphan": {
                "resource_type": "model",
                "package_name": "cx_warehouse",
                "name": "orphan",
                "original_file_path": "models/marts/orphan.sql",
                "depends_on": {"nodes": []},
                "raw_code": "select 1",
                "description": "",
                "columns": {},
                "config": {"materialized": "table"},
                "access": "protected",
            }
        },
        "sources": {},
        "exposures": {},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    empty = tmp_path / "exceptions.yml"
    empty.write_text("{}\n", encoding="utf-8")
    assert evaluate_project.main(["--manifest", str(path), "--exceptions", str(empty)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("evaluate-project: failing rules: ")
    assert "root_models" in err and "undocumented_models" in err
