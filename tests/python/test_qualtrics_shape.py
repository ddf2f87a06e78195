"""Connectors (issue 28, docs/sources.md): the surveys from Qualtrics in the generator.

One seed in both shapes (``both_shapes``): under ``CXW_SOURCES=fivetran`` the surveys
are Qualtrics' tables, configured by ``dbt_project.yml``'s default
``qualtrics_surveys`` with no extra var. The two shapes count the same responses
(type, score, trigger, submitted time, store, comment) and give the same survey marts
and response rates; the fivetran truth, keyed by Qualtrics' response ids, holds; every
Qualtrics quirk the generator writes has its known number of rows and its outcome; the
identity of invitations and responses is resolved as well as on landing files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated
from test_connectors import _rows
from test_identity import measure
from test_marts_truth import _mart_cells, _truth_cells

from cx_warehouse.contract import project_vars
from cx_warehouse.generator.connectors import qualtrics

pytestmark = pytest.mark.dbt

Shapes = dict[str, tuple[Generated, Build]]

# A counted response's facts, its call trigger by number (CL00000042 on landing
# files, Zendesk's ticket 42 in the fivetran shape).
COUNTED = """
    select survey_type, trigger_type,
        case when trigger_type = 'call_completed'
            then ltrim(replace(trigger_ref, 'CL', ''), '0') else trigger_ref end,
        score, strftime(submitted_at, '%Y-%m-%d %H:%M:%S'), store_id, comment,
        case when comment is not null then language end, is_erased
    from int_survey_responses_counted
"""

# The counts BI reads, per month x trigger x channel: the score follows from them.
# Not per country: Shopify keeps no address of a customer's own (docs/sources.md), so
# a shop customer without an order takes the country of their store there.
MART_FIGURES = {
    "mart_nps": ["responses", "promoters", "passives", "detractors", "score_sum"],
    "mart_csat": ["responses", "satisfied_responses", "score_sum"],
    "mart_ces": ["responses", "low_effort_responses", "score_sum"],
}


def _built(shapes: Shapes, shape: str) -> tuple[Generated, Path]:
    generated, build = shapes[shape]
    assert build.result.ok, f"{shape}: {build.result.reason()}"
    return generated, build.warehouse


def test_fivetran_shape_reads_the_surveys_from_qualtrics(both_shapes: Shapes) -> None:
    _, warehouse = _built(both_shapes, "fivetran")
    assert _rows(warehouse, "select distinct file_name from stg_surveys__responses order by 1") == [
        ("qualtrics.survey_response",)
    ]
    # the generator's surveys are the default var's, none left to detection or quarantine
    surveys = _rows(
        warehouse,
        "select survey_id, record_status, is_configured from stg_qualtrics__surveys order by 1",
    )
    configured = sorted(project_vars()["qualtrics_surveys"])
    assert [row for row in surveys if row[1] == "modelled"] == [
        (survey, "modelled", True) for survey in configured
    ]
    assert [row for row in surveys if row[1] != "modelled"] == [
        (qualtrics.DELETED_SURVEY, "excluded", False)
    ]


def test_both_shapes_count_the_same_responses(both_shapes: Shapes) -> None:
    facts = {
        shape: sorted(_rows(_built(both_shapes, shape)[1], COUNTED), key=repr)
        for shape in both_shapes
    }
    assert len(facts["landing"]) > 5, "the seed should count responses"
    assert {row[1] for row in facts["landing"]} >= {"walk_up", "call_completed"}
    assert any(row[5] for row in facts["landing"]), "a walk-up should name its store"
    assert facts["fivetran"] == facts["landing"]


@pytest.mark.parametrize("mart", sorted(MART_FIGURES))
def test_survey_marts_agree_across_shapes(both_shapes: Shapes, mart: str) -> None:
    sums = ", ".join(f"sum({figure})" for figure in MART_FIGURES[mart])
    sql = f"select month, trigger_type, channel, {sums} from {mart} group by all order by all"
    rows = {shape: _rows(_built(both_shapes, shape)[1], sql) for shape in both_shapes}
    assert rows["fivetran"] == rows["landing"], mart


def test_response_rates_agree_across_shapes(both_shapes: Shapes) -> None:
    sql = """
        select month, survey_type, invitation_channel, invitations, responses
        from mart_response_rates order by all
    """
    rows = {shape: _rows(_built(both_shapes, shape)[1], sql) for shape in both_shapes}
    assert {row[2] for row in rows["landing"]} >= {"email", "sms", "receipt_qr"}
    assert rows["fivetran"] == rows["landing"]


def test_fivetran_truth_of_counted_responses(both_shapes: Shapes) -> None:
    """The truth tests of counted responses (test_staging_truth, test_marts_truth) on
    the fivetran shape: the truth keyed by Qualtrics' response ids."""
    generated, warehouse = _built(both_shapes, "fivetran")
    with duckdb.connect() as connection:
        truth = set(
            connection.execute(
                "select response_id, survey_type, trigger_type, score from read_parquet(?)",
                [str(generated.truth / "survey_responses.parquet")],
            ).fetchall()
        )
    built = set(
        _rows(
            warehouse,
            "select response_id, survey_type, trigger_type, score"
            " from int_survey_responses_counted",
        )
    )
    assert truth and all(row[0].startswith("R_") for row in truth)
    assert built == truth
    assert _mart_cells(warehouse) == _truth_cells(generated.truth)


def test_fivetran_truth_keys_invitations_by_distribution_contact(both_shapes: Shapes) -> None:
    generated, warehouse = _built(both_shapes, "fivetran")
    with duckdb.connect() as connection:
        owners = dict(
            connection.execute(
                "select entity, list(source_record_id order by source_record_id)"
                " from read_parquet(?) where source_system = 'surveys' group by entity",
                [str(generated.truth / "record_owners.parquet")],
            ).fetchall()
        )
    assert owners["invitations"] == [
        row[0]
        for row in _rows(warehouse, "select invitation_id from stg_surveys__invitations order by 1")
    ]
    assert owners["responses"] == [
        row[0]
        for row in _rows(
            warehouse,
            "select response_id from stg_qualtrics__survey_responses"
            " where record_status = 'modelled' order by 1",
        )
    ]


def test_each_generated_qualtrics_quirk_has_its_rows(both_shapes: Shapes) -> None:
    generated, warehouse = _built(both_shapes, "fivetran")
    responses = generated.rows["qualtrics/survey_response"]
    business = len(
        _rows(warehouse, "select 1 from stg_qualtrics__survey_responses where record_rule"
              " is null or record_rule = 'unfinished_response'")
    )  # fmt: skip
    quirks = max(1, business // 300)
    outcomes = dict(
        _rows(
            warehouse,
            "select coalesce(record_rule, 'counted'), count(*)"
            " from stg_qualtrics__survey_responses group by 1",
        )
    )
    assert outcomes["test_response"] == 2 * quirks
    assert outcomes["deleted_in_source"] == quirks
    assert sum(outcomes.values()) == responses
    invitations = dict(
        _rows(
            warehouse,
            "select coalesce(record_rule, 'invitation'), count(*)"
            " from stg_qualtrics__distribution_contacts group by 1",
        )
    )
    assert invitations["deleted_in_source"] == quirks
    assert invitations["not_an_invitation"] > 0, "reminders to unanswered invitations"
    # answers re-synced: the latest value of a response's score question counts
    with duckdb.connect(str(generated.landing.parent / "raw.duckdb"), read_only=True) as raw:
        latest = dict(
            raw.execute(
                """
                select response_id, trim(arg_max(value, _fivetran_synced))
                from qualtrics.question_response where question_id = 'QID1'
                group by response_id having count(*) > 1
                """
            ).fetchall()
        )
    assert len(latest) >= quirks
    staged = dict(_rows(warehouse, "select response_id, score_text from"
                        " stg_qualtrics__survey_responses"))  # fmt: skip
    assert {response: staged[response] for response in latest} == latest
    rows = _rows(
        warehouse,
        """
        select reconciliation_id, is_balanced, landed_rows
        from quality_reconciliation where source_system = 'qualtrics' order by 1
        """,
    )
    assert rows == [
        ("qualtrics.distribution_contact", True, generated.rows["qualtrics/distribution_contact"]),
        ("qualtrics.survey", True, generated.rows["qualtrics/survey"]),
        ("qualtrics.survey_response", True, responses),
    ]


def test_identity_of_surveys_holds_in_both_shapes(both_shapes: Shapes) -> None:
    """Pairwise precision and recall of invitations and responses, and overall,
    against each shape's truth (test_identity.measure), each record keyed by its own
    id. Not equal to the last digit: an unanswered Qualtrics invitation names no
    order, call or receipt (no embedded data), and an invitation's complete
    submissions are one response; neither may cost more than a trace."""
    scores = {}
    for shape in both_shapes:
        generated, warehouse = _built(both_shapes, shape)
        overall, per_entity = measure(warehouse, generated.truth)
        scores[shape] = {"overall": overall} | {row[0]: row[1:] for row in per_entity}
    for entity in ("overall", "invitations", "responses"):
        landing, fivetran = scores["landing"][entity], scores["fivetran"][entity]
        assert landing[0] > 0 and fivetran[0] > 0, entity
        assert fivetran[1] >= landing[1] - 1e-3, f"{entity} precision {fivetran} < {landing}"
        assert fivetran[2] >= landing[2] - 1e-2, f"{entity} recall {fivetran} < {landing}"


def test_a_survey_missing_from_the_var_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generator writes the surveys dbt_project.yml's qualtrics_surveys names:
    without one for a survey type and trigger it generates, it stops with one line."""
    from datetime import date

    from cx_warehouse.generator import ConfigError, GenerateConfig, generate

    surveys = project_vars()["qualtrics_surveys"]
    kept = {k: v for k, v in surveys.items() if v["survey_type"] != "ces"}
    monkeypatch.setattr(qualtrics, "project_vars", lambda: {"qualtrics_surveys": kept})
    config = GenerateConfig(
        customers=300,
        days=30,
        start=date(2025, 1, 1),
        seed=42,
        landing=tmp_path / "landing",
        truth=tmp_path / "truth",
        shape="fivetran",
        raw=tmp_path / "raw.duckdb",
    )
    with pytest.raises(ConfigError, match=r"^qualtrics_surveys in dbt_project.yml names no"
                       r" survey for ces call_completed$"):  # fmt: skip
        generate(config, progress=False)


def test_qualtrics_tables_are_deterministic(tmp_path: Path) -> None:
    """Same seed and scale, the same Qualtrics rows and the same truth."""
    from datetime import date

    from cx_warehouse.generator import GenerateConfig, generate

    tables = []
    for run in ("first", "second"):
        config = GenerateConfig(
            customers=200,
            days=20,
            start=date(2025, 1, 1),
            seed=7,
            landing=tmp_path / run / "landing",
            truth=tmp_path / run / "truth",
            shape="fivetran",
            raw=tmp_path / run / "raw.duckdb",
        )
        rows = generate(config, progress=False)
        with duckdb.connect(str(config.raw), read_only=True) as raw:
            tables.append(
                {
                    table: raw.execute(f"select * from qualtrics.{table}").fetchall()
                    for table in qualtrics.TABLES
                }
            )
        assert all(rows[f"qualtrics/{table}"] == len(tables[-1][table]) for table in tables[-1])
    assert tables[0]["survey_response"], "the seed should answer surveys"
    assert tables[0] == tables[1]
    for truth in ("record_owners", "survey_responses"):
        first = (tmp_path / "first" / "truth" / f"{truth}.parquet").read_bytes()
        assert first == (tmp_path / "second" / "truth" / f"{truth}.parquet").read_bytes()
