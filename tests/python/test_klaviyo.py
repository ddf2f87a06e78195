"""Connectors (issue 28, docs/sources.md): the email events from Klaviyo.

A hand-made raw file (tests/fixtures/connectors/klaviyo.sql) holds one case of each
Klaviyo quirk (soft deletes, sync time against business time, metrics that are not
email events, an event id synced twice, a staff profile, an unknown person, a campaign
of no known type, a campaign's and a flow's message, an erased person), each with its
expected outcome; ``none`` builds without an email service provider; an unknown value
is a one-line error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Build
from test_connectors import _rows
from test_qualtrics import _outcomes

from cx_warehouse.dbt import run_dbt

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
