"""The NPS, CSAT and CES marts against the generator's ground truth: every counted
response lands in exactly one cell, and the counts per month x survey type x
trigger type equal those computed from ``truth/survey_responses.parquet``."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated

from cx_warehouse import layers

pytestmark = pytest.mark.dbt

# Per mart: its survey type, and its positive / negative counts as SQL over the mart.
MARTS = {
    "mart_nps": ("nps", "promoters", "detractors"),
    "mart_csat": ("csat", "satisfied_responses", "responses - satisfied_responses"),
    "mart_ces": ("ces", "low_effort_responses", "responses - low_effort_responses"),
}

# The contract's categories, written out here independently of the warehouse's seed.
TRUTH_CELLS = """
    select
        cast(date_trunc('month', timezone('Europe/Warsaw', timezone('UTC', submitted_at)))
            as date) as month,
        survey_type,
        trigger_type,
        count(*) as responses,
        sum(case
            when survey_type = 'nps' and score >= 9 then 1
            when survey_type = 'csat' and score >= 4 then 1
            when survey_type = 'ces' and score >= 5 then 1
            else 0 end) as positive,
        sum(case
            when survey_type = 'nps' and score <= 6 then 1
            when survey_type = 'csat' and score <= 3 then 1
            when survey_type = 'ces' and score <= 4 then 1
            else 0 end) as negative,
        sum(score) as score_sum
    from read_parquet('{path}')
    group by all
"""


def _mart_cells(warehouse: Path) -> set[tuple]:
    selects = [
        f"select month, '{survey}' as survey_type, trigger_type, sum(responses),"
        f" sum({positive}), sum({negative}), sum(score_sum) from {mart} group by all"
        for mart, (survey, positive, negative) in MARTS.items()
    ]
    with layers.connect(warehouse) as connection:
        return set(connection.execute(" union all ".join(selects)).fetchall())


def _truth_cells(truth: Path) -> set[tuple]:
    path = (truth / "survey_responses.parquet").as_posix()
    with duckdb.connect() as connection:
        return set(connection.execute(TRUTH_CELLS.format(path=path)).fetchall())


def test_score_marts_match_truth(medium_dataset: Generated, medium_build: Build) -> None:
    assert medium_build.result.ok, medium_build.result.reason()
    truth = _truth_cells(medium_dataset.truth)
    built = _mart_cells(medium_build.warehouse)
    assert sum(cell[3] for cell in truth) > 50, "too few responses to prove anything"
    assert {cell[1] for cell in truth} == {"nps", "csat", "ces"}
    assert built == truth, (
        f"in the marts only: {sorted(built - truth)[:5]};"
        f" in truth only: {sorted(truth - built)[:5]}"
    )


def test_mart_cells_partition_the_responses(medium_build: Build) -> None:
    """Each counted response sits in exactly one cell: the marts' responses add up to
    fct_survey_responses, and fct_survey_responses to int_survey_responses_counted."""
    with layers.connect(medium_build.warehouse) as connection:
        marts, fact, counted = connection.execute(
            "select"
            " (select sum(responses) from mart_nps) + (select sum(responses) from mart_csat)"
            " + (select sum(responses) from mart_ces),"
            " (select count(*) from fct_survey_responses),"
            " (select count(*) from int_survey_responses_counted)"
        ).fetchone()
    assert marts == fact == counted
