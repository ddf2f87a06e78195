"""The survey statistics macros against cases computed by hand.

``analyses/survey_statistics_cases.sql`` applies every macro of
``macros/survey_statistics.sql`` to small literal inputs. dbt compiles it once for the
module (about 10 s), the compiled SQL runs in an in-memory DuckDB, and every value is
compared with the arithmetic written out below (to 1e-9; nulls and booleans exactly).
"""

from __future__ import annotations

import math

import duckdb
import pytest
from conftest import LANDING_MIN

from cx_warehouse.dbt import run_dbt

ANALYSIS = "survey_statistics_cases"
TOLERANCE = 1e-9

Value = float | bool | None

# case name -> statistic -> expected value (None: SQL null).
EXPECTED: dict[str, dict[str, Value]] = {
    # NPS from promoters P, detractors D and responses n, shares p = P / n, d = D / n:
    # score 100 (P - D) / n, margin 1.96 x 100 x sqrt((p + d - (p - d)^2) / n).
    "one_promoter": {
        # P 1, D 0, n 1: p + d - (p - d)^2 = 1 + 0 - 1 = 0. A one-kind sample has no
        # spread, so the margin is 0 even at n = 1 (documented, not a bug).
        "nps_score": 100.0,
        "nps_margin_of_error": 0.0,
    },
    "no_responses": {
        # n = 0 in every macro that divides by n.
        "nps_score": None,
        "nps_margin_of_error": None,
        "proportion_margin_of_error": None,
        "proportion_variance": None,
        "mean_margin_of_error": None,
    },
    "null_responses": {
        # P 3, D 1, n null.
        "nps_score": None,
        "nps_margin_of_error": None,
    },
    "all_promoters_50": {
        # P 50, D 0, n 50: 100 x 50 / 50; 1 + 0 - 1 = 0.
        "nps_score": 100.0,
        "nps_margin_of_error": 0.0,
    },
    "all_detractors_40": {
        # P 0, D 40, n 40: 100 x -40 / 40; 0 + 1 - (0 - 1)^2 = 0.
        "nps_score": -100.0,
        "nps_margin_of_error": 0.0,
    },
    "mixed_100": {
        # P 50, D 20, n 100: p 0.5, d 0.2; 100 x 30 / 100 = 30;
        # 0.5 + 0.2 - 0.3^2 = 0.61; 0.61 / 100 = 0.0061; sqrt(0.0061) = 0.0781024967590665;
        # x 196 = 15.308089364777.
        "nps_score": 30.0,
        "nps_margin_of_error": 15.308089364777,
    },
    "half_and_half_100": {
        # P 50, D 50, n 100: p = d = 0.5; score 0; 0.5 + 0.5 - 0 = 1; 1 / 100 = 0.01;
        # sqrt = 0.1; x 196 = 19.6.
        "nps_score": 0.0,
        "nps_margin_of_error": 19.6,
    },
    # Shares from successes S and responses n, p = S / n: 1.96 x 100 x sqrt(p (1 - p) / n);
    # the variance p (1 - p) / n.
    "half_100": {
        # S 50, n 100: 0.5 x 0.5 = 0.25; / 100 = 0.0025; sqrt = 0.05; x 196 = 9.8.
        "proportion_margin_of_error": 9.8,
        "proportion_variance": 0.0025,
    },
    "four_fifths_100": {
        # S 80, n 100: 0.8 x 0.2 = 0.16; / 100 = 0.0016; sqrt = 0.04; x 196 = 7.84.
        "proportion_margin_of_error": 7.84,
        "proportion_variance": 0.0016,
    },
    "all_20": {
        # S 20, n 20: 1 x 0 = 0.
        "proportion_margin_of_error": 0.0,
        "proportion_variance": 0.0,
    },
    # Means from sum(x), sum(x^2) and n: s^2 = (sum(x^2) - sum(x)^2 / n) / (n - 1),
    # margin 1.96 x sqrt(s^2 / n); null below n = 2.
    "one_score": {
        # x = 7: n 1.
        "mean_margin_of_error": None,
    },
    "scores_2_4": {
        # sum 6, squares 20, n 2: s^2 = (20 - 36 / 2) / 1 = 2; s^2 / n = 1; 1.96 x 1.
        "mean_margin_of_error": 1.96,
    },
    "scores_1_to_5": {
        # sum 15, squares 55, n 5: s^2 = (55 - 225 / 5) / 4 = 2.5; s^2 / n = 0.5;
        # sqrt(0.5) = 0.7071067811865475; x 1.96 = 1.385929291125633.
        "mean_margin_of_error": 1.385929291125633,
    },
    "scores_7_7_7": {
        # sum 21, squares 147, n 3: s^2 = (147 - 441 / 3) / 2 = 0.
        "mean_margin_of_error": 0.0,
    },
    # Differences of two estimates with margins 3 and 4: sqrt(3^2 + 4^2) = 5, significant
    # when |a - b| > 5.
    "just_above_margin": {
        # |30 - 24.999| = 5.001 > 5.
        "difference_margin_of_error": 5.0,
        "is_significant_difference": True,
    },
    "just_below_margin": {
        # |30 - 25.001| = 4.999 < 5.
        "difference_margin_of_error": 5.0,
        "is_significant_difference": False,
    },
    "at_margin": {
        # |30 - 25| = 5, not above 5.
        "difference_margin_of_error": 5.0,
        "is_significant_difference": False,
    },
    "just_above_margin_reversed": {
        # a 24.999 (margin 4), b 30 (margin 3): |a - b| = 5.001 > 5.
        "difference_margin_of_error": 5.0,
        "is_significant_difference": True,
    },
    "null_margin": {
        # a 30 with margin null, b 20 with margin 4.
        "difference_margin_of_error": None,
        "is_significant_difference": None,
    },
    "mixed_vs_half_and_half": {
        # The macros' own results: 30 +- 15.308089364777 against 0 +- 19.6.
        # 196^2 x 0.0061 = 234.3376; 19.6^2 = 384.16; sqrt(618.4976) = 24.869611979281;
        # |30 - 0| = 30 > 24.87.
        "difference_margin_of_error": 24.869611979281,
        "is_significant_difference": True,
    },
}

STATISTIC_TYPES = {
    "case_name": "VARCHAR",
    "nps_score": "DOUBLE",
    "nps_margin_of_error": "DOUBLE",
    "proportion_margin_of_error": "DOUBLE",
    "proportion_variance": "DOUBLE",
    "mean_margin_of_error": "DOUBLE",
    "difference_margin_of_error": "DOUBLE",
    "is_significant_difference": "BOOLEAN",
}

CHECKS = [
    pytest.param(case, statistic, expected, id=f"{case}-{statistic}")
    for case, statistics in EXPECTED.items()
    for statistic, expected in statistics.items()
]


@pytest.fixture(scope="module")
def compiled_sql(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The analysis compiled by dbt (compile only: nothing is built or read)."""
    workdir = tmp_path_factory.mktemp("survey_statistics")
    result = run_dbt(
        ["compile", "--select", ANALYSIS],
        env={
            "CXW_LANDING": str(LANDING_MIN),
            "CXW_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        },
        target_path=workdir / "target",
        log_path=workdir / "logs",
    )
    assert result.ok, result.reason()
    compiled = result.target_path / "compiled" / "cx_warehouse" / "analyses" / f"{ANALYSIS}.sql"
    assert compiled.is_file(), f"{compiled} is missing"
    return compiled.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def statistics(compiled_sql: str) -> dict[str, dict[str, Value]]:
    """case name -> statistic -> value, from the compiled SQL run in DuckDB."""
    with duckdb.connect() as connection:
        cursor = connection.execute(compiled_sql)
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    return {row[0]: dict(zip(columns[1:], row[1:], strict=True)) for row in rows}


def test_every_case_has_one_row(statistics: dict[str, dict[str, Value]]) -> None:
    assert sorted(statistics) == sorted(EXPECTED)


def test_statistic_types(compiled_sql: str) -> None:
    with duckdb.connect() as connection:
        described = connection.execute(f"describe {compiled_sql}").fetchall()
    assert {name: data_type for name, data_type, *_ in described} == STATISTIC_TYPES


@pytest.mark.parametrize(("case", "statistic", "expected"), CHECKS)
def test_statistic(
    statistics: dict[str, dict[str, Value]], case: str, statistic: str, expected: Value
) -> None:
    actual = statistics[case][statistic]
    if expected is None or isinstance(expected, bool):
        assert actual is expected
    else:
        assert actual is not None
        assert math.isclose(actual, expected, rel_tol=0, abs_tol=TOLERANCE), (
            f"{case} {statistic}: {actual!r}, expected {expected!r}"
        )
