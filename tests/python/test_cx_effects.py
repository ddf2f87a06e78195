"""The generator's CX effects: experiences and answers move later shop purchases.

A three-person world is simulated up to the answers, then stripped to hand-made
experiences: person 0 answers NPS as a detractor, person 1 as a promoter, person 2
not at all, all three on day 1 and with the same, very high purchase rate. The extra
purchase visits drawn after day 1 must follow the factors (behaviour.FACTORS): kept
with probability (m - FLOOR) / (CAP - FLOOR).
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from cx_warehouse.generator import SIMULATION, GenerateConfig, behaviour, parse_faults, vocab
from cx_warehouse.generator.formats import install_macros
from cx_warehouse.generator.world import World


def _world(tmp_path: Path, effects: bool) -> World:
    config = GenerateConfig(
        customers=3,
        days=365,
        start=date(2025, 1, 1),
        seed=5,
        landing=tmp_path / "landing",
        truth=tmp_path / "truth",
        faults=parse_faults("none"),
        cx_effects=effects,
    )
    world = World(config, spill=Path(tempfile.mkdtemp(dir=tmp_path)))
    install_macros(world)
    for name, step in SIMULATION:
        if name == "later purchases":
            break
        step(world)
    day_one = world.start_ts + 86_400
    world.con.execute(
        f"""
        update people set web_rate = 10000;
        update orders set late_days = 0, returned_ts = null;
        delete from calls;
        delete from responses;
        insert into responses by name
        select pid, 0::tinyint as survey_type, score, {day_one} as submit_ts,
            true as is_complete, -1::tinyint as bad_score_kind
        from (values (0, 2), (1, 10)) as t(pid, score);
        """
    )
    return world


def _later_visits(world: World, first_session: int) -> dict[int, int]:
    rows = world.con.execute(
        f"""
        select pid, count(*) from sessions
        where session_no >= {first_session}
            and start_ts > {world.start_ts + 86_400}
            and start_ts < {world.start_ts + 86_400 * (1 + behaviour.EFFECT_DAYS)}
        group by pid
        """
    ).fetchall()
    return dict(rows)


def test_answers_move_later_purchases_by_their_factors(tmp_path: Path) -> None:
    world = _world(tmp_path, effects=True)
    first_session = world.con.execute("select count(*) from sessions").fetchall()[0][0]
    behaviour.add_later_purchases(world)
    visits = _later_visits(world, first_session)

    def keep(factor: float) -> float:
        return (factor - behaviour.FLOOR) / (behaviour.CAP - behaviour.FLOOR)

    detractor, promoter, silent = (visits.get(pid, 0) for pid in (0, 1, 2))
    assert silent > 150, "too few visits to compare"
    # Expected ratios against the silent person: 0.6 -> 0.43, 1.3 -> 1.43.
    assert detractor / silent == pytest.approx(
        keep(behaviour.FACTORS["nps_detractor"]) / keep(1.0), abs=0.15
    )
    assert promoter / silent == pytest.approx(
        keep(behaviour.FACTORS["nps_promoter"]) / keep(1.0), abs=0.25
    )
    orders = world.con.execute(
        f"""
        select count(*), count(*) filter (where late_days > 0 or returned_ts is not null
            or cancelled_ts is not null)
        from orders inner join sessions using (session_no)
        where sessions.session_no >= {first_session}
        """
    ).fetchall()[0]
    assert orders[0] >= sum(visits.values()), "one order per extra purchase visit"
    assert orders[1] == 0, "the extra orders are quiet"


def test_no_later_purchases_with_effects_off(tmp_path: Path) -> None:
    world = _world(tmp_path, effects=False)
    before = world.con.execute("select count(*) from sessions").fetchall()[0][0]
    behaviour.add_later_purchases(world)
    assert world.con.execute("select count(*) from sessions").fetchall()[0][0] == before


def test_truth_flags_calls_by_the_marts_definitions() -> None:
    """The truth (behaviour.CALLS_FLAGGED) flags a call as the mart does: the same
    thresholds as the dbt vars and the same outcomes as the macro is_unresolved_call.
    A drift here would show as call rows off the truth with nothing wrong in the
    warehouse (docs/cx-pays.md, "Call rows")."""
    root = Path(__file__).resolve().parents[2]
    dbt_vars = yaml.safe_load((root / "dbt_project.yml").read_text())["vars"]
    assert dbt_vars["repeat_call_days"] == behaviour.REPEAT_CALL_DAYS
    assert dbt_vars["long_wait_minutes"] * 60 == behaviour.LONG_WAIT_SECONDS
    macro = (root / "macros" / "is_unresolved_call.sql").read_text()
    named = re.search(r"in \(([^)]*)\)", macro)
    assert named is not None, "is_unresolved_call names its outcomes in a list"
    assert set(re.findall(r"'(\w+)'", named.group(1))) == {
        vocab.OUTCOMES[i] for i in behaviour.UNRESOLVED_OUTCOMES
    }
