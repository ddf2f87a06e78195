"""Incremental builds equal a full refresh of the same landing data, row for row.

One generated landing folder (1000 customers x 30 days) is delivered into a fresh
landing folder over five incremental builds, the way a real feed arrives: day folders in
order, some of them (clickstream, email events, call records) days late, and the erasure
requests file growing only in later deliveries, after the data it erases is already
built; a late event without a time names a cookie whose sessions are already held, and
another late event comes exactly the session timeout after a held cookie's last event
(it joins that session); two shop accounts become test accounts, and one of them a real
account again, with no new event on their cookies. A full refresh of the final landing
folder must then give exactly the same rows in every table (EXCEPT ALL both ways), apart
from the two append-only identity logs, whose rows record the history of builds
themselves (a merge noticed between two incremental builds is logged; one full refresh
notices none), so they legitimately differ, and apart from the bookkeeping of the run
that wrote a row (loaded_at, and the erasure_fingerprint it applied). Those must show
that the last runs kept older rows. The builds take each way of searching the held raw
lines for newly erased identifiers (SEARCHES), and the erasure key they use must not be
written anywhere.

The generated feed does not change every input of the journey rule in place, so a
second test changes each input int_journey_steps keeps of one held touchpoint and
checks that an incremental run rebuilds that party, and only a changed one.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import ERASURE_KEY, Build, Generated, generate_into

from cx_warehouse import layers
from cx_warehouse.dbt import build_args, run_dbt

pytestmark = pytest.mark.dbt

DAYS = 30
START = date(2025, 1, 1)
# (last day delivered, day folders held back until a later delivery, erasure requests
# delivered: None for all of them; events are duplicated across days 23/24 and 24/25:
# an earlier held delivery must win)
DELIVERIES = [
    (8, {"shop/events": [3, 7], "marketing/email_events": [5]}, 0),
    (16, {"callcenter/calls": [12], "shop/events": [15]}, 1),
    (20, {"shop/events": [19], "stores/transactions": [18]}, 1),
    (24, {"shop/events": [23]}, 2),
    (DAYS, {}, None),
]
# How stg_landing__records searches its held lines for erased identifiers, by delivery
# (whether the keyed hashes of the searched patterns are dropped before the build, as a
# warehouse of an earlier version holds none; extra dbt arguments; what the log must
# say): the first build keeps the hashes; the second finds none held, so it searches
# for every pattern (the erased set changed: a new request) and keeps them anew; the
# third has nothing new to search; the last two bring a request each and search for its
# new patterns only, by a nested loop, then by slices (nested loop allowed for none).
# They are the last searches: a later full search would find what they missed.
SEARCHES: list[tuple[bool, tuple[str, ...], str | None]] = [
    (False, (), None),
    (True, (), None),
    (False, (), None),
    (False, (), "new erased pattern(s) by a nested loop"),
    (False, ("--vars", "{erasure_nested_loop_max_patterns: 0}"), "by slices"),
]
HELD_PATTERNS = "stg_landing__records__erased_held"
# Logs of the builds' own history (see the module docstring).
BUILD_LOGS = {"int_customer_keys_issued", "int_customer_merges"}
# Columns naming the run that wrote a row and the erased identifiers it applied (see
# the module docstring).
BOOKKEEPING = {"loaded_at", "erasure_fingerprint"}
# Incremental models whose last runs must have kept rows an earlier run wrote.
KEEPS_HISTORY = (
    "stg_landing__records",
    "stg_shop__events",
    "int_sessions_aggregated",
    "int_identifiers_observed",
    "int_journey_steps",
)


def _deliver(full: Path, landing: Path, up_to: int, held: dict[str, list[int]]) -> None:
    """Copy every day folder up to day ``up_to`` not held back (and not yet copied)."""
    for folder in sorted(full.glob("*/*/dt=*")):
        entity = folder.parent.relative_to(full).as_posix()
        day = (date.fromisoformat(folder.name[3:]) - START).days + 1
        late = {START + timedelta(days=d - 1) for d in held.get(entity, [])}
        if day > up_to or date.fromisoformat(folder.name[3:]) in late:
            continue
        target = landing / folder.relative_to(full)
        if not target.exists():
            shutil.copytree(folder, target)


def _deliver_reference(full: Path, landing: Path, erasures: int | None) -> None:
    """Reference files; the erasure file with its header and the first ``erasures`` requests."""
    for path in full.glob("*/*.csv"):
        target = landing / path.relative_to(full)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "erasure_requests.csv" and erasures is not None:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            target.write_text("".join(lines[: 1 + erasures]), encoding="utf-8")
        else:
            shutil.copyfile(path, target)


def _build(landing: Path, warehouse: Path, workdir: Path, *extra: str) -> str:
    """Run ``dbt build`` as ``cxw run`` does (no unit tests: they read no landing
    data, and ``landing_min_build`` runs them); return its log."""
    result = run_dbt(
        [*build_args(), *extra],
        env={
            "CXW_LANDING": str(landing),
            "CXW_WAREHOUSE": str(warehouse),
            "CXW_THREADS": "2",
            "CXW_ERASURE_KEY": ERASURE_KEY,
        },
        target_path=workdir / "target",
        log_path=workdir / "logs",
    )
    assert result.ok, result.reason()
    return (workdir / "logs" / "dbt.log").read_text(encoding="utf-8")


def _holds_patterns(warehouse: Path) -> bool:
    with layers.connect(warehouse) as connection:
        return bool(
            connection.execute(
                "select count(*) from information_schema.tables where table_name = ?",
                [HELD_PATTERNS],
            ).fetchone()[0]
        )


def _day_files(warehouse: Path, newest_erased: bool = False) -> set[str]:
    """The day files stg_landing__records holds; with ``newest_erased``, those the newest
    run wrote with an erased line."""
    condition = (
        "is_erased and loaded_at = (select max(loaded_at) from stg_landing__records)"
        if newest_erased
        else "true"
    )
    with layers.connect(warehouse) as connection:
        rows = connection.execute(
            "select distinct file_name from stg_landing__records "
            f"where partition_date is not null and {condition}"
        ).fetchall()
    return {row[0] for row in rows}


def _files_holding(text: str, *paths: Path) -> list[str]:
    """The files under ``paths`` whose bytes contain ``text``."""
    needle = text.encode("utf-8")
    found = []
    for path in paths:
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and needle in file.read_bytes():
                found.append(str(file))
    return found


def _differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Per table: (rows only in the incremental build, rows only in the full refresh)."""
    found = {}
    with duckdb.connect() as connection:
        connection.execute(f"attach '{incremental}' as incremental (read_only)")
        connection.execute(f"attach '{full}' as full_refresh (read_only)")
        tables = dict(
            connection.execute(
                "select table_name, table_schema from information_schema.tables "
                "where table_catalog = 'full_refresh' and table_schema <> 'intake' "
                "and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        )
        assert "fct_customer_journey" in tables and "stg_shop__events" in tables
        for table in sorted(set(tables) - BUILD_LOGS):
            columns = [
                row[0]
                for row in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = 'full_refresh' and table_name = ? "
                    "order by ordinal_position",
                    [table],
                ).fetchall()
                if row[0] not in BOOKKEEPING
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            name = f'"{tables[table]}"."{table}"'
            counts = []
            for left, right in (("incremental", "full_refresh"), ("full_refresh", "incremental")):
                counts.append(
                    connection.execute(
                        f"select count(*) from (select {listed} from {left}.{name} "
                        f"except all select {listed} from {right}.{name})"
                    ).fetchone()[0]
                )
            if any(counts):
                found[table] = (counts[0], counts[1])
    return found


def _erase_a_web_customer(landing: Path, requests: Path) -> None:
    """Add a request erasing a shop account that logged in on the web in the first days.

    It arrives with the last delivery, so the events and sessions of its cookies are
    already held: the incremental run must rewrite exactly those.
    """
    with duckdb.connect() as connection:
        customer_id = connection.execute(
            "select min(customer_id) from read_parquet(?, union_by_name = true) "
            "where event_type = 'login' and anonymous_id is not null "
            "and occurred_at < timestamp '2025-01-06'",
            [str(landing / "shop" / "events" / "*" / "*.parquet")],
        ).fetchone()[0]
    assert customer_id, "the dataset should hold an early web login"
    with requests.open("a", encoding="utf-8") as file:
        file.write(f"ER-TEST-1,customer_id,{customer_id},2025-01-20 10:00:00\n")


def _copy_a_held_cookies_last_event(
    landing: Path, event_id: str, occurred_at: str, cookie: str, cookie_order: str
) -> int:
    """Write, in day 22's folder, a copy of the last event of a cookie last seen before
    day 12 (the first by ``cookie_order`` that meets ``cookie``, SQL over its events), as
    ``event_id`` at ``occurred_at`` (SQL over the copied event). The fourth delivery
    brings it, when the cookie's sessions are held. Returns the rows written."""
    events = landing / "shop" / "events"
    target = events / f"dt={START + timedelta(days=21)}" / f"part-{event_id}.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"""
            copy (
                select * replace ('{event_id}' as event_id, {occurred_at} as occurred_at)
                from read_parquet(?, union_by_name = true)
                where anonymous_id = (
                    select anonymous_id
                    from read_parquet(?, union_by_name = true)
                    where anonymous_id is not null
                    group by anonymous_id
                    having max(occurred_at) < timestamp '2025-01-12' and {cookie}
                    order by {cookie_order}
                    limit 1
                )
                order by occurred_at desc
                limit 1
            ) to '{target}' (format parquet)
            """,
            [str(events / "*" / "*.parquet")] * 2,
        )
        written = connection.execute("select count(*) from read_parquet(?)", [str(target)])
        return written.fetchone()[0]


def _add_an_untimed_event(landing: Path) -> None:
    """Add a late event without a time for a cookie whose sessions are held: it gives
    the cookie no session (sessions are built from timed events), so the incremental run
    must keep the cookie's held sessions, as a full refresh builds them."""
    written = _copy_a_held_cookies_last_event(
        landing, "EV-TEST-UNTIMED", "case when false then occurred_at end", "true", "anonymous_id"
    )
    assert written == 1, "the dataset should hold a cookie last seen before day 12"


def _add_an_event_at_the_timeout(landing: Path) -> None:
    """Add a late event exactly the session timeout (30 minutes) after the last event of
    a held cookie that never logged in: it joins the cookie's last session (a gap of
    exactly the timeout stays in the session), so the incremental run must rebuild that
    held session, not start a new one. A cookie that never logged in is one no later
    rule rebuilds whole (test accounts, erasures)."""
    written = _copy_a_held_cookies_last_event(
        landing,
        "EV-TEST-AT-TIMEOUT",
        "occurred_at + interval 30 minute",
        "count(customer_id) = 0",
        "anonymous_id desc",
    )
    assert written == 1, "the dataset should hold a cookie that never logged in"


def _switch_test_accounts(landing: Path) -> None:
    """Add new versions of two real shop accounts whose cookies have no event after day
    18's folder: both get an @test.internal address in day 24's folder, and the second
    its own address back in day 30's.

    The fourth and fifth deliveries bring them, with no new event on those cookies:
    their events' test-traffic status flips (a cookie is test traffic as a whole), so
    the fourth run must drop both accounts' held sessions and the fifth must build the
    second's again.
    """
    shop = landing / "shop"
    with duckdb.connect() as connection:
        quiet = {
            row[0]
            for row in connection.execute(
                "select distinct customer_id from read_parquet(?, union_by_name = true) "
                "where customer_id is not null and anonymous_id in ("
                "  select anonymous_id"
                "  from read_parquet(?, union_by_name = true, filename = true)"
                "  group by anonymous_id"
                "  having max(regexp_extract(filename, 'dt=([0-9-]+)', 1)) < '2025-01-19')",
                [str(shop / "events" / "*" / "*.parquet")] * 2,
            ).fetchall()
        }
    latest: dict[str, tuple[str, dict]] = {}  # customer_id: (day folder, newest version)
    for path in sorted((shop / "customers").glob("dt=*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                version = json.loads(line)
            except ValueError:
                continue  # a malformed line (faults)
            if isinstance(version, dict) and version.get("customer_id"):
                latest[version["customer_id"]] = (path.parent.name, version)
    real = [
        version
        for customer_id, (folder, version) in sorted(latest.items())
        if customer_id in quiet
        and folder < "dt=2025-01-20"
        and not str(version.get("email")).strip().lower().endswith("@test.internal")
    ]
    assert len(real) >= 2, "the dataset should hold two real accounts with quiet cookies"
    for day, versions in (
        (24, [{**version, "email": "qa+cdc@test.internal"} for version in real[-2:]]),
        (30, [real[-1]]),
    ):
        target = shop / "customers" / f"dt={START + timedelta(days=day - 1)}" / "part-cdc.jsonl"
        target.write_text(
            "".join(
                json.dumps({**version, "updated_at": f"2025-01-{day}T23:59:59+00:00"}) + "\n"
                for version in versions
            ),
            encoding="utf-8",
        )


def test_incremental_builds_equal_a_full_refresh(tmp_path: Path) -> None:
    generated = generate_into(tmp_path / "generated", customers=1000, days=DAYS)
    requests = generated.landing / "privacy" / "erasure_requests.csv"
    assert len(requests.read_text().splitlines()) >= 3, "the dataset should hold 2 requests"
    _erase_a_web_customer(generated.landing, requests)
    _add_an_untimed_event(generated.landing)
    _add_an_event_at_the_timeout(generated.landing)
    _switch_test_accounts(generated.landing)

    landing = tmp_path / "landing"
    warehouse = tmp_path / "incremental.duckdb"
    for delivery, ((up_to, held, erasures), (drop_hashes, extra, search)) in enumerate(
        zip(DELIVERIES, SEARCHES, strict=True)
    ):
        _deliver(generated.landing, landing, up_to, held)
        _deliver_reference(generated.landing, landing, erasures)
        held_files = _day_files(warehouse) if delivery else set()
        if drop_hashes:
            with layers.connect(warehouse, read_only=False) as connection:
                connection.execute(f"drop table {HELD_PATTERNS}")
        log = _build(landing, warehouse, tmp_path / f"incremental-{delivery}", *extra)
        assert _holds_patterns(warehouse), f"delivery {delivery}"
        if search is not None:
            assert search in log, f"delivery {delivery}: no {search!r}"
            # the search found held lines to erase (else the comparison proves nothing)
            assert _day_files(warehouse, newest_erased=True) & held_files, delivery

    with layers.connect(warehouse) as connection:
        query = "select count(distinct loaded_at) from {}"
        runs = {
            model: connection.execute(query.format(model)).fetchone()[0] for model in KEEPS_HISTORY
        }
    assert all(count >= 2 for count in runs.values()), f"rows written by how many runs: {runs}"

    full = tmp_path / "full.duckdb"
    _build(landing, full, tmp_path / "full", "--full-refresh")
    with layers.connect(full) as connection:
        joined = connection.execute(
            "select sessions.event_count from int_sessions_aggregated as sessions"
            " inner join stg_shop__events as events"
            " on sessions.cookie_key = events.anonymous_id"
            " and sessions.ended_at = events.occurred_at"
            " where events.event_id = 'EV-TEST-AT-TIMEOUT'"
        ).fetchall()
    assert len(joined) == 1 and joined[0][0] > 1, "the event at the timeout joins a session"
    assert _differences(warehouse, full) == {}
    # the key never reaches the warehouse, dbt's compiled SQL or its logs
    assert _files_holding(ERASURE_KEY, tmp_path / "full", warehouse, full) == []
    assert _files_holding(ERASURE_KEY, *tmp_path.glob("incremental-*")) == []


# What int_journey_steps keeps of each touchpoint, and a value that differs from it.
STEP_INPUTS = {
    "party_key": "party_key || '-moved'",
    "touchpoint_type": "touchpoint_type || '-changed'",
    "anchor_touchpoint_id": "case when anchor_touchpoint_id is null then 'an-anchor' end",
    "is_known_customer": "not is_known_customer",
    "occurred_at": "occurred_at - interval 1 day",
}


@pytest.mark.parametrize("changed", [None, *STEP_INPUTS])
def test_journey_steps_rebuild_the_parties_whose_touchpoints_changed(
    small_dataset: Generated, small_build: Build, tmp_path: Path, changed: str | None
) -> None:
    """An incremental run of int_journey_steps rebuilds a party when anything the rule
    read of one of its touchpoints differs now (held as read: party_key, type, anchor,
    is_known_customer, occurred_at), and keeps every other party's rows. A held party is
    marked stale; with one input of one of its touchpoints changed, the run must rebuild
    it exactly; with none changed (the control), the mark must stay."""
    assert small_build.result.ok, small_build.result.reason()
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_build.warehouse, warehouse)
    columns = "touchpoint_id, journey_id, journey_stage, step_in_journey, is_repeat_purchase"
    with layers.connect(warehouse, read_only=False) as connection:
        before = connection.execute(f"select {columns} from int_journey_steps").fetchall()
        # a party of several touchpoints, one of them anchored (so every input is set)
        touchpoint, party = connection.execute(
            "select touchpoint_id, party_key from int_journey_steps"
            " where anchor_touchpoint_id is not null and is_known_customer"
            " order by touchpoint_id limit 1"
        ).fetchone()
        connection.execute(
            "update int_journey_steps set journey_id = 'stale' where party_key = ?", [party]
        )
        if changed:
            connection.execute(
                f"update int_journey_steps set {changed} = {STEP_INPUTS[changed]}"
                " where touchpoint_id = ?",
                [touchpoint],
            )
    _build(small_dataset.landing, warehouse, tmp_path, "--select", "int_journey_steps")
    with layers.connect(warehouse) as connection:
        after = connection.execute(f"select {columns} from int_journey_steps").fetchall()
        stale = connection.execute(
            "select count(*) from int_journey_steps where journey_id = 'stale'"
        ).fetchone()[0]
    if changed:
        assert (stale, sorted(after)) == (0, sorted(before))
    else:
        assert stale > 1, "an unchanged party was rebuilt: the run is not targeted"
