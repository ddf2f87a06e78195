"""Does CX pay? The outcome marts against the generator's truth, on a small build.

One module-scoped build: 4,000 customers x 365 days with CX effects on, the outcome
marts and their parents only (``dbt seed``, ``dbt run -s +<marts>``), then the data
and unit tests of the new models (the unit tests are the hand-made cases: censoring,
stratification and the Kaplan-Meier curve, ``models/*/roi/_roi__unit_tests.yml``).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import pytest
from conftest import ERASURE_KEY, Generated, generate_into

from cx_warehouse.dbt import run_dbt

pytestmark = pytest.mark.dbt

MARTS = ("mart_cx_outcomes", "mart_experience_outcomes", "mart_time_to_repurchase")
WINDOWS = ("30d", "90d", "180d")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate_into(tmp_path_factory.mktemp("cx_pays"), customers=4000, days=365, seed=3)


@pytest.fixture(scope="module")
def warehouse(dataset: Generated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("cx_pays_build")
    env = {
        "CXW_LANDING": str(dataset.landing),
        "CXW_WAREHOUSE": str(workdir / "warehouse.duckdb"),
        "CXW_THREADS": "2",
        "CXW_ERASURE_KEY": ERASURE_KEY,
    }
    paths = {"target_path": workdir / "target", "log_path": workdir / "logs"}
    selected = " ".join(f"+{mart}" for mart in MARTS)
    for args in (["seed"], ["run", "-s", selected]):
        result = run_dbt(args, env=env, capture=True, **paths)
        assert result.ok, result.reason()
    tests = run_dbt(
        ["test", "-s", "int_outcome_index_events", *MARTS], env=env, capture=True, **paths
    )
    assert tests.ok, tests.reason()
    return workdir / "warehouse.duckdb"


def _compared(warehouse: Path, truth: Path) -> list[dict]:
    """The marts' differences over the whole period beside the true ones."""
    columns = ", ".join(
        f"repurchase_share_{w}_difference as difference_{w}, "
        f"repurchase_share_{w}_difference_margin_of_error as margin_{w}, "
        f"revenue_per_customer_{w}_pln_difference as revenue_difference_{w}, "
        f"revenue_per_customer_{w}_pln_difference_margin_of_error as revenue_margin_{w}"
        for w in WINDOWS
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(
            f"""
            with mart as (
                select 'survey' as kind, survey_type as topic, score_class, {columns}
                from marts.mart_cx_outcomes where month is null and not is_reference_group
                union all
                select 'experience', experience, null, {columns}
                from marts.mart_experience_outcomes
                where month is null and not is_reference_group
            )
            select mart.*, {
                ", ".join(
                    f"t.true_difference_{w}, t.true_revenue_difference_{w}_pln"
                    f" as true_revenue_difference_{w}"
                    for w in WINDOWS
                )
            }
            from mart
            inner join read_parquet('{truth / "cx_outcomes.parquet"}') as t
                on t.kind = mart.kind and t.topic = mart.topic
                and t.score_class is not distinct from mart.score_class
            """
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.parametrize("measure", ["", "revenue_"], ids=["repurchase_share", "revenue"])
def test_effects_on_directions_recovered(dataset: Generated, warehouse: Path, measure: str) -> None:
    """Every true difference clearly away from 0 has the mart's sign, and the truth lies
    inside the mart's 95 % interval for nearly every comparison: the share who ordered
    again (points) and the revenue per customer (PLN)."""
    rows = _compared(warehouse, dataset.truth)
    assert len(rows) == 9, "5 experiences and 4 score classes below the best"
    inside = total = clear = 0
    for row in rows:
        for w in WINDOWS:
            true, mart, margin = (
                row[f"{k}_{w}"]
                for k in (f"true_{measure}difference", f"{measure}difference", f"{measure}margin")
            )
            if true is None or mart is None:
                continue
            total += 1
            inside += abs(mart - true) <= margin
            if abs(true) > 2 * margin:
                clear += 1
                assert (mart > 0) == (true > 0), (row["topic"], row["score_class"], w)
    assert total >= 20
    assert inside >= 0.9 * total, f"{inside} of {total} inside"
    assert clear >= 1, "no true difference clear of the noise at this scale"


def test_windows_not_complete_are_not_counted(warehouse: Path) -> None:
    """Events after window_<w>_complete_through never count in the <w> columns."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        late = con.execute(
            """
            select count(*) filter (where is_complete_30d), count(*)
            from intermediate.int_outcome_index_events
            where indexed_at > data_end_at - interval 30 day
            """
        ).fetchone()
    assert late[1] > 0, "no event in the last 30 days to prove censoring on"
    assert late[0] == 0


def test_survival_starts_at_one_and_never_rises(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        curves = con.execute(
            """
            select survey_type, score_class, month, list(survival order by day_number),
                min(day_number)
            from marts.mart_time_to_repurchase group by all
            """
        ).fetchall()
    assert curves
    for *_, survival, first_day in curves:
        assert first_day == 0 and survival[0] == 1.0
        assert all(b <= a for a, b in itertools.pairwise(survival))
