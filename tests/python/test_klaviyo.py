"""Connectors (issue 28, docs/sources.md): the email events from Klaviyo.

A hand-made raw file (tests/fixtures/connectors/klaviyo.sql) holds one case of each
Klaviyo quirk (soft deletes, sync time against business time, metrics that are not
email events, an event id synced twice, a staff profile, an unknown person, a campaign
of no known type, a campaign's and a flow's message, an erased person), each with its
expected outcome; a generated seed in both shapes gives the same email events and the
same email-driven answers; the truth of the fivetran shape is keyed by Klaviyo's ids;
``none`` builds without an email service provider; an unknown value is a one-line error.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated
from test_connectors import _rows
from test_identity import measure
from test_qualtrics import _outcomes

from cx_warehouse.dbt import run_dbt
from cx_warehouse.generator.connectors.klaviyo import EVENTS_PER_QUIRK

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def klaviyo_build(connector_build: Build) -> Path:
    assert connector_build.result.ok, connector_build.result.reason()
    return connector_build.warehouse


def test_each_klaviyo_quirk_has_its_outcome(klaviyo_build: Path) -> None:
    assert _outcomes(klaviyo_build, "stg_klaviyo__events", "event_record_id") == {
        "KE1": ("modelled", None),
        "KE2": ("modelled", None),
        "KE2~2": ("deduplicated", "duplicate_event"),
        "KE3": ("modelled", None),
        "KE4": ("modelled", None),
        "KE5": ("excluded", "not_an_email_event"),
        "KE6": ("excluded", "deleted_in_source"),
        "KE7": ("quarantined", "unknown_person"),
        "KE8": ("excluded", "internal_profile"),
        "KE9": ("modelled", None),
        "KE10": ("modelled", None),
        "KE11": ("quarantined", "unknown_campaign_type"),
        "KE12": ("modelled", None),
    }
    assert _outcomes(klaviyo_build, "stg_klaviyo__persons", "person_id") == {
        "KLP1": ("modelled", None),
        "KLP2": ("modelled", None),
        "KLP3": ("excluded", "internal_profile"),
        "KLP4": ("excluded", "deleted_in_source"),
    }
    # the latest sync of KE2 is the one kept
    assert _rows(
        klaviyo_build,
        "select strftime(synced_at, '%Y-%m-%d') from stg_klaviyo__events"
        " where event_record_id = 'KE2'",
    ) == [("2024-04-01",)]


def test_email_events_are_the_modelled_klaviyo_events(klaviyo_build: Path) -> None:
    events = _rows(
        klaviyo_build,
        """
        select message_id, campaign_id, campaign_type, email, event_type, file_name,
            is_erased, partition_date::varchar, strftime(occurred_at, '%Y-%m-%d %H:%M:%S')
        from stg_marketing__email_events order by occurred_at, message_id
        """,
    )
    # the business time (timestamp, else datetime), never the sync time (2024-04-01);
    # a campaign's message and a flow's message are both sends; an event's message is
    # its send (KE1), campaign:person when the send is not held (KE12's bounce)
    assert events == [
        ("KE1", "KC1", "newsletter", "ewa.kowalska@example.pl", "sent",
            "klaviyo.event", False, "2024-04-01", "2024-03-05 09:00:00"),
        ("KE9", "KC1", "newsletter", None, "sent",
            "klaviyo.event", True, "2024-04-01", "2024-03-05 09:00:00"),
        ("KC1:KLP4", "KC1", "newsletter", "old.profile@example.pl", "bounce",
            "klaviyo.event", False, "2024-04-01", "2024-03-05 09:00:05"),
        ("KE1", "KC1", "newsletter", "ewa.kowalska@example.pl", "open",
            "klaviyo.event", False, "2024-04-01", "2024-03-05 10:15:00"),
        ("KE1", "KC1", "newsletter", "ewa.kowalska@example.pl", "click",
            "klaviyo.event", False, "2024-04-01", "2024-03-05 10:16:30"),
        ("KE9", "KC1", "newsletter", None, "unsubscribe",
            "klaviyo.event", True, "2024-04-01", "2024-03-05 11:00:00"),
        ("KE4", "KF1", "post_purchase", "ewa.kowalska@example.pl", "sent",
            "klaviyo.event", False, "2024-04-01", "2024-03-10 12:00:00"),
    ]  # fmt: skip


def test_klaviyo_email_events_reach_the_journey(klaviyo_build: Path) -> None:
    assert _rows(
        klaviyo_build,
        "select touchpoint_type, count(*) from fct_customer_journey"
        " where source_system = 'marketing' group by 1 order by 1",
    ) == [("email_click", 1), ("email_open", 1)]


def test_klaviyo_erasure_leaves_nothing_findable(klaviyo_build: Path) -> None:
    """Jan Novak's profile keeps its row with email and phone nulled, his events keep
    theirs without his address; no table the Klaviyo rows reach names him (the whole
    warehouse of the same build is searched by test_connectors' Zendesk test)."""
    assert _rows(
        klaviyo_build,
        "select person_id, email, phone, is_erased from stg_klaviyo__persons"
        " where person_id = 'KLP2'",
    ) == [("KLP2", None, None, True)]
    assert _rows(
        klaviyo_build,
        "select event_record_id, email, is_erased from stg_klaviyo__events"
        " where person_id = 'KLP2' order by 1",
    ) == [("KE10", None, True), ("KE9", None, True)]
    reached = ["stg_klaviyo__persons", "stg_klaviyo__events", "stg_marketing__email_events",
               "fct_customer_journey", "quality_quarantine"]  # fmt: skip
    named = " union all ".join(
        f"select '{table}' from {table} as t where lower(t::varchar) similar to"
        " '.*(novak|777 ?123 ?456).*'"
        for table in reached
    )
    assert _rows(klaviyo_build, named) == []


def test_klaviyo_tables_reconcile_and_quarantine(klaviyo_build: Path) -> None:
    rows = _rows(
        klaviyo_build,
        """
        select reconciliation_id, landed_rows, modelled_rows, deduplicated_rows,
            excluded_rows, quarantined_rows, is_balanced
        from quality_reconciliation
        where source_system in ('klaviyo', 'marketing') order by 1
        """,
    )
    assert rows == [
        ("klaviyo.event", 13, 7, 1, 3, 2, True),
        ("klaviyo.person", 4, 2, 0, 2, 0, True),
        ("marketing.email_events", 0, 0, 0, 0, 0, True),
    ]
    quarantined = _rows(
        klaviyo_build,
        "select source_record_id, rule, file_name, reason from quality_quarantine"
        " where source_system = 'klaviyo'",
    )
    assert sorted(quarantined) == [
        ("KE11", "unknown_campaign_type", "klaviyo.event",
            "campaign or flow KC2 matches no campaign type (var klaviyo_campaign_types)"),
        ("KE7", "unknown_person", "klaviyo.event",
            "person KLP9 is no Klaviyo profile (person)"),
    ]  # fmt: skip


def test_marketing_none_builds_without_an_email_provider(connectors_none_build: Build) -> None:
    assert connectors_none_build.result.ok, connectors_none_build.result.reason()
    warehouse = connectors_none_build.warehouse
    assert _rows(warehouse, "select count(*) from stg_marketing__email_events") == [(0,)]
    assert _rows(
        warehouse, "select count(*) from fct_customer_journey where source_system = 'marketing'"
    ) == [(0,)]
    assert _rows(
        warehouse,
        "select landed_rows, modelled_rows, is_balanced from quality_reconciliation"
        " where reconciliation_id = 'marketing.email_events'",
    ) == [(0, 0, True)]


def test_an_unknown_marketing_source_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_dbt(
        ["parse", "--vars", "{marketing_source: mailchimp}"],
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
    )
    assert not result.ok
    assert (
        "marketing_source must be landing, klaviyo or none, got 'mailchimp'"
        in (tmp_path / "logs" / "dbt.log").read_text()
    )


# -- one seed, both shapes ---------------------------------------------------------------


EMAIL_FACTS = """
    select strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), campaign_type, email, event_type,
        is_erased
    from stg_marketing__email_events
"""

EMAIL_DRIVEN = {
    "email touchpoints per month": """
        select strftime(occurred_at, '%Y-%m'), touchpoint_type, count(*)
        from fct_customer_journey
        where source_system = 'marketing' group by all order by all
    """,
    "customers first seen by email": """
        select count(*), min(first_seen_at), max(first_seen_at) from dim_customers
        where acquisition_channel = 'email'
    """,
    "opens and clicks per campaign type": """
        select campaign_type, event_type, count(*), count(distinct email)
        from stg_marketing__email_events
        where event_type in ('open', 'click') group by all order by all
    """,
}

LANDING_QUARANTINED = """
    select quarantined_rows from quality_reconciliation
    where reconciliation_id = 'marketing.email_events'
"""


def test_both_shapes_carry_the_same_email_events(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    """Every landed email event is a Klaviyo email event; Klaviyo has one more for each
    line the landing files cut short (the malformed fault, quarantined there)."""
    facts = {}
    for shape, (_, build) in both_shapes.items():
        assert build.result.ok, f"{shape}: {build.result.reason()}"
        facts[shape] = Counter(_rows(build.warehouse, EMAIL_FACTS))
    assert facts["landing"], "the seed should send emails"
    assert facts["landing"] - facts["fivetran"] == Counter()
    [(cut_short,)] = _rows(both_shapes["landing"][1].warehouse, LANDING_QUARANTINED)
    assert (facts["fivetran"] - facts["landing"]).total() == cut_short


def test_email_driven_marts_agree_across_shapes(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    landing, fivetran = (both_shapes[shape][1].warehouse for shape in ("landing", "fivetran"))
    differing = [
        question
        for question, sql in EMAIL_DRIVEN.items()
        if not _rows(landing, sql) or _rows(fivetran, sql) != _rows(landing, sql)
    ]
    assert differing == []


def test_fivetran_truth_is_keyed_by_klaviyo_ids(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    generated, build = both_shapes["fivetran"]
    with duckdb.connect() as connection:
        truth = connection.execute(
            "select distinct source_record_id from read_parquet(?)"
            " where source_system = 'marketing' and entity = 'email_events'",
            [str(generated.truth / "record_owners.parquet")],
        ).fetchall()
    messages = set(
        _rows(build.warehouse, "select distinct message_id from stg_marketing__email_events")
    )
    assert truth and set(truth) == messages


def test_identity_of_email_events_holds_in_both_shapes(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    """Pairwise precision and recall of the email events against each shape's truth
    (test_identity.measure), each message keyed by its own id in each shape. They are
    not equal to the digit: Klaviyo keeps the sends the landing files cut short (the
    malformed fault), which the landing shape quarantines and resolves to nobody."""
    scores = {}
    for shape, (generated, build) in both_shapes.items():
        assert build.result.ok, f"{shape}: {build.result.reason()}"
        _, per_entity = measure(build.warehouse, generated.truth)
        scores[shape] = next(row[1:] for row in per_entity if row[0] == "email_events")
    assert scores["landing"][0] > 0
    assert scores["fivetran"][1] == scores["landing"][1]  # precision
    assert scores["fivetran"][2] == pytest.approx(scores["landing"][2], abs=0.005)  # recall


def test_generated_klaviyo_quirks_have_their_known_counts(
    both_shapes: dict[str, tuple[Generated, Build]],
) -> None:
    """The generator writes a known number of rows of each quirk (``EVENTS_PER_QUIRK``),
    and older syncs of events at the duplicates rate; each meets its rule."""
    generated, build = both_shapes["fivetran"]
    rules = dict(
        _rows(build.warehouse, "select record_rule, count(*) from stg_klaviyo__events group by 1")
    )
    emails = rules.pop(None)
    quirks = max(1, emails // EVENTS_PER_QUIRK)
    duplicates = rules.pop("duplicate_event", 0)
    assert rules == {
        "deleted_in_source": quirks,
        "not_an_email_event": 2 * quirks,
        "internal_profile": quirks,
        "unknown_person": quirks,
        "unknown_campaign_type": quirks,
    }
    assert duplicates == generated.rows["klaviyo/event"] - emails - 6 * quirks
    assert _rows(
        build.warehouse,
        "select record_rule, count(*) from stg_klaviyo__persons"
        " where record_rule is not null group by 1 order by 1",
    ) == [("deleted_in_source", quirks), ("internal_profile", 1)]
