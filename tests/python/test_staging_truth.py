"""Staging against the generator's ground truth: counted survey responses,
quarantined malformed records, and the reconciliation of every landed row."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated

from cx_warehouse import layers

pytestmark = pytest.mark.dbt


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with layers.connect(warehouse) as connection:
        return connection.execute(sql).fetchall()


def _truth(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect() as connection:
        return connection.execute(sql.format(path=path.as_posix())).fetchall()


def test_counted_responses_match_truth(small_dataset: Generated, small_build: Build) -> None:
    assert small_build.result.ok, small_build.result.reason()
    built = set(
        _rows(
            small_build.warehouse,
            "select response_id, survey_type, trigger_type, score"
            " from int_survey_responses_counted",
        )
    )
    truth = set(
        _truth(
            small_dataset.truth / "survey_responses.parquet",
            "select response_id, survey_type, trigger_type, score from read_parquet('{path}')",
        )
    )
    assert truth, "the truth holds no counted response"
    assert sorted(built - truth) == [], "counted in the warehouse but not in the truth"
    assert sorted(truth - built) == [], "counted in the truth but not in the warehouse"


def test_every_malformed_record_is_quarantined(
    small_dataset: Generated, small_build: Build
) -> None:
    assert small_build.result.ok, small_build.result.reason()
    faults = _truth(
        small_dataset.truth / "faults.parquet",
        """
        select distinct source_system, entity, file, source_record_id
        from read_parquet('{path}') where fault_kind = 'malformed'
        """,
    )
    assert faults, "the small dataset should hold malformed records"
    quarantined: dict[tuple[str, str, str], list[tuple[str | None, str | None]]] = defaultdict(list)
    for system, entity, file_name, record_id, raw_line in _rows(
        small_build.warehouse,
        """
        select source_system, entity, file_name, source_record_id, raw_line
        from quality_quarantine where rule != 'bad_score'
        """,
    ):
        quarantined[(system, entity, file_name)].append((record_id, raw_line))

    missing = []
    for system, entity, file_name, record_id in faults:
        candidates = quarantined[(system, entity, file_name)]
        # A truncated JSON line may have lost its own id: then any unclaimed
        # quarantined line of the same file without an id stands for it.
        match = next(
            (
                candidate
                for candidate in candidates
                if candidate[0] == record_id or f'"{record_id}"' in (candidate[1] or "")
            ),
            None,
        ) or next((candidate for candidate in candidates if candidate[0] is None), None)
        if match is None:
            missing.append((system, entity, file_name, record_id))
        else:
            candidates.remove(match)
    assert missing == [], "malformed records missing from quality_quarantine"


def test_reconciliation_balances(small_build: Build) -> None:
    assert small_build.result.ok, small_build.result.reason()
    rows = _rows(
        small_build.warehouse,
        """
        select source_system, entity, landed_rows, modelled_rows, deduplicated_rows,
            excluded_rows, quarantined_rows
        from quality_reconciliation
        """,
    )
    assert len(rows) == 12, "one row per landing entity"
    unbalanced = [row for row in rows if row[2] != sum(row[3:])]
    assert unbalanced == []


def test_generator_rows_are_the_landed_rows(small_dataset: Generated, small_build: Build) -> None:
    """What ``cxw generate`` prints per entity is what the reconciliation counts landed."""
    assert small_build.result.ok, small_build.result.reason()
    landed = dict(
        _rows(
            small_build.warehouse,
            "select source_system || '/' || entity, landed_rows from quality_reconciliation",
        )
    )
    assert small_dataset.rows == landed
