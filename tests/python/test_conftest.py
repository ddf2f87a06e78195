"""The suite's own set-up: the one build that runs dbt's unit tests."""

from __future__ import annotations

import json

import pytest
from conftest import Build


@pytest.mark.dbt
def test_the_contract_example_build_runs_every_unit_test(landing_min_build: Build) -> None:
    """The other builds of the suite leave dbt's unit tests out (they read no landing
    data); this one must run every one of them, and they must pass."""
    target = landing_min_build.result.target_path
    declared = set(json.loads((target / "manifest.json").read_text())["unit_tests"])
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"] in declared}
    assert declared and set(ran) == declared
    assert set(ran.values()) == {"pass"}
