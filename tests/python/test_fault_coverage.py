"""Every injected fault (truth/faults.parquet) is handled as the contract's rule says:
quarantined, deduplicated, excluded or repaired - never silently lost."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import Build, Generated

from cx_warehouse import layers

pytestmark = pytest.mark.dbt

FAULT_KINDS = {
    "malformed",
    "bad_scores",
    "duplicates",
    "cdc_versions",
    "test_traffic",
    "dangling_refs",
    "withheld_numbers",
    "currencies",
    "timestamps",
    "messy_identifiers",
    "late_arrival",
    "shared_identifiers",
}

# The staging model and key of each entity.
STAGED = {
    ("shop", "customers"): ("stg_shop__customers", "customer_id"),
    ("shop", "orders"): ("stg_shop__orders", "order_id"),
    ("shop", "events"): ("stg_shop__events", "event_id"),
    ("marketing", "email_events"): ("stg_marketing__email_events", "message_id"),
    ("callcenter", "calls"): ("stg_callcenter__calls", "call_id"),
    ("stores", "transactions"): ("stg_stores__transactions", "receipt_id"),
    ("stores", "loyalty_members"): ("stg_stores__loyalty_members", "card_number"),
    ("surveys", "invitations"): ("stg_surveys__invitations", "invitation_id"),
    ("surveys", "responses"): ("stg_surveys__responses", "response_id"),
}


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with layers.connect(warehouse) as connection:
        return connection.execute(sql).fetchall()


def _faults(dataset: Generated, kind: str) -> list[tuple[str, str, str | None, str, int | None]]:
    with duckdb.connect() as connection:
        return connection.execute(
            """
            select source_system, entity, source_record_id, file, line
            from read_parquet(?) where fault_kind = ?
            order by all
            """,
            [(dataset.truth / "faults.parquet").as_posix(), kind],
        ).fetchall()


def _ids(faults: list[tuple], system: str, entity: str) -> list[str]:
    return sorted({f[2] for f in faults if f[0] == system and f[1] == entity and f[2]})


def _in_list(values: list[str] | set[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(values)) or "null"


def _raw_line(dataset: Generated, file: str, line: int) -> str:
    with (dataset.landing / file).open(encoding="utf-8", newline="") as handle:
        for number, text in enumerate(handle, start=1):
            if number == line:
                return text.rstrip("\r\n")
    raise AssertionError(f"{file} has no line {line}")


@pytest.fixture(scope="module")
def built(small_build: Build) -> Path:
    assert small_build.result.ok, small_build.result.reason()
    return small_build.warehouse


def test_every_fault_kind_is_covered(small_dataset: Generated) -> None:
    with duckdb.connect() as connection:
        kinds = {
            row[0]
            for row in connection.execute(
                "select distinct fault_kind from read_parquet(?)",
                [(small_dataset.truth / "faults.parquet").as_posix()],
            ).fetchall()
        }
    assert kinds <= FAULT_KINDS, f"fault kinds without a test: {sorted(kinds - FAULT_KINDS)}"


def test_malformed_records_are_quarantined(small_dataset: Generated, built: Path) -> None:
    faults = _faults(small_dataset, "malformed")
    quarantined: dict[tuple[str, str, str], list[tuple[str | None, str | None]]] = defaultdict(list)
    for system, entity, file_name, record_id, raw_line in _rows(
        built,
        """
        select source_system, entity, file_name, source_record_id, raw_line
        from quality_quarantine where rule != 'bad_score'
        """,
    ):
        quarantined[(system, entity, file_name)].append((record_id, raw_line))
    missing = []
    for system, entity, record_id, file_name, _line in faults:
        candidates = quarantined[(system, entity, file_name)]
        match = next(
            (c for c in candidates if c[0] == record_id or f'"{record_id}"' in (c[1] or "")),
            None,
        ) or next((c for c in candidates if c[0] is None), None)
        if match is None:
            missing.append((system, entity, file_name, record_id))
        else:
            candidates.remove(match)
    assert missing == []


def test_bad_scores_are_rejected_with_a_reason(small_dataset: Generated, built: Path) -> None:
    ids = _ids(_faults(small_dataset, "bad_scores"), "surveys", "responses")
    if not ids:
        pytest.skip("no bad scores in this dataset")
    rows = _rows(
        built,
        f"""
        select
            responses.response_id,
            responses.score_rejection_reason,
            classified.response_status,
            quarantine.rule,
            quarantine.reason
        from stg_surveys__responses as responses
        left join int_survey_responses_classified as classified
            on responses.response_id = classified.response_id
        left join quality_quarantine as quarantine
            on quarantine.source_record_id = responses.response_id
            and quarantine.rule = 'bad_score'
        where responses.response_id in ({_in_list(ids)})
        """,
    )
    assert sorted(row[0] for row in rows) == ids, "a bad-score response was not staged"
    for response_id, rejection, status, rule, reason in rows:
        assert rejection in ("not_a_number", "out_of_scale"), response_id
        # The rules run in order: a test, incomplete or superseded submission
        # never reaches the score check; every other one is quarantined.
        if status == "bad_score":
            assert rule == "bad_score" and reason == rejection, response_id
        else:
            assert status in ("test_traffic", "incomplete", "superseded"), response_id
    counted = _rows(
        built,
        "select response_id from int_survey_responses_counted"
        f" where response_id in ({_in_list(ids)})",
    )
    assert counted == []


def test_duplicates_are_kept_once(small_dataset: Generated, built: Path) -> None:
    faults = _faults(small_dataset, "duplicates")
    for (system, entity), (model, key) in STAGED.items():
        ids = _ids(faults, system, entity)
        if not ids:
            continue
        counts = dict(
            _rows(
                built,
                f"""
                select {key}, count(*) from {model}
                where {key} in ({_in_list(ids)}) group by {key}
                """,
            )
        )
        if entity == "email_events":
            # one row per message, event and time (the model's key)
            assert set(counts) == set(ids), (model, sorted(set(ids) - set(counts)))
            continue
        if entity == "loyalty_members":
            erased = _rows(built, f"select count(*) from {model} where is_erased")[0][0]
            assert len(set(ids) - set(counts)) <= erased, model
        else:
            assert set(counts) == set(ids), (model, sorted(set(ids) - set(counts)))
        assert {key_id: n for key_id, n in counts.items() if n != 1} == {}, model
    # a resubmitted invitation has at most one counted response
    assert (
        _rows(
            built,
            """
            select invitation_id from int_survey_responses_counted
            where invitation_id is not null
            group by invitation_id having count(*) > 1
            """,
        )
        == []
    )


def _latest_versions(dataset: Generated, entity: str, key: str) -> dict[str, datetime]:
    with duckdb.connect() as connection:
        connection.execute("set timezone = 'UTC'")
        glob = (dataset.landing / "shop" / entity / "*" / "*.jsonl").as_posix()
        rows = connection.execute(
            f"""
            select
                json_extract_string(line, '$.{key}'),
                max(timezone('UTC', try_cast(json_extract_string(line, '$.updated_at')
                    as timestamptz)))
            from read_csv('{glob}', columns={{'line': 'VARCHAR'}}, delim=chr(31), quote='',
                escape='', header=false, auto_detect=false, strict_mode=false)
            where json_valid(line)
            group by all
            """
        ).fetchall()
    return dict(rows)


@pytest.mark.parametrize(("entity", "key"), [("customers", "customer_id"), ("orders", "order_id")])
def test_cdc_keeps_the_latest_version(
    small_dataset: Generated, built: Path, entity: str, key: str
) -> None:
    ids = _ids(_faults(small_dataset, "cdc_versions"), "shop", entity)
    if not ids:
        pytest.skip(f"no CDC versions of {entity}")
    latest = _latest_versions(small_dataset, entity, key)
    staged = dict(
        _rows(
            built,
            f"""
            select {key}, updated_at from stg_shop__{entity}
            where {key} in ({_in_list(ids)})
            """,
        )
    )
    counts = _rows(built, f"select count(*), count(distinct {key}) from stg_shop__{entity}")[0]
    assert counts[0] == counts[1], "one row per id"
    assert set(staged) == set(ids)
    assert {i: staged[i] for i in ids if staged[i] != latest[i]} == {}


def test_test_traffic_is_excluded(small_dataset: Generated, built: Path) -> None:
    faults = _faults(small_dataset, "test_traffic")
    identified = set(
        _rows(built, "select source_system, entity, record_id from int_test_traffic_identified")
    )
    missing = [
        (system, entity, record_id)
        for system, entity, record_id, _file, _line in faults
        if record_id and (system, entity, record_id) not in identified
    ]
    # A test account's cookie that never logged in carries nothing that links it
    # to the account: the warehouse cannot know those events are test traffic.
    unknowable = {
        row[0]
        for row in _rows(
            built,
            f"""
            select event_id from stg_shop__events
            where event_id in ({_in_list({m[2] for m in missing if m[1] == "events"})})
                and customer_id is null
                and anonymous_id not in (
                    select anonymous_id from stg_shop__events
                    where customer_id is not null and anonymous_id is not null
                )
            """,
        )
    }
    missing = [m for m in missing if not (m[1] == "events" and m[2] in unknowable)]
    assert missing == [], "test records not identified as test traffic"
    responses = _ids(faults, "surveys", "responses")
    assert (
        _rows(
            built,
            f"select response_id from int_survey_responses_counted "
            f"where response_id in ({_in_list(responses)})",
        )
        == []
    )
    # '@test.internal' appears only in staging (1:1 with the sources) and in the
    # models that list or count exclusions.
    allowed = re.compile(
        r"^(stg_.*|quality_.*|int_test_traffic_identified|int_survey_responses_classified)$"
    )
    with layers.connect(built) as connection:
        columns = connection.execute(
            """
            select table_name, column_name from information_schema.columns
            where table_schema <> 'intake' and data_type = 'VARCHAR'
            """
        ).fetchall()
        leaks = [
            (table, column)
            for table, column in columns
            if not allowed.match(table)
            and connection.execute(
                f'select count(*) from "{table}" where "{column}" like \'%@test.internal%\''
            ).fetchall()[0][0]
        ]
    assert leaks == []


def test_dangling_refs_are_kept_and_flagged(small_dataset: Generated, built: Path) -> None:
    faults = _faults(small_dataset, "dangling_refs")
    calls = _ids(faults, "callcenter", "calls")
    invitations = _ids(faults, "surveys", "invitations")
    rows = _rows(
        built,
        f"""
        select call_id, order_id, has_unmatched_order_ref from int_calls_linked
        where call_id in ({_in_list(calls)})
        """,
    )
    assert sorted(row[0] for row in rows) == calls
    assert all(row[1] is None and row[2] for row in rows)
    rows = _rows(
        built,
        f"""
        select invitation_id, coalesce(order_id, call_id, receipt_id), has_unmatched_trigger_ref
        from int_survey_invitations_linked
        where invitation_id in ({_in_list(invitations)})
        """,
    )
    assert sorted(row[0] for row in rows) == invitations
    assert all(row[1] is None and row[2] for row in rows)


def test_withheld_numbers_are_null_and_flagged(small_dataset: Generated, built: Path) -> None:
    calls = _ids(_faults(small_dataset, "withheld_numbers"), "callcenter", "calls")
    rows = _rows(
        built,
        f"""
        select call_id, caller_number, is_caller_withheld from stg_callcenter__calls
        where call_id in ({_in_list(calls)})
        """,
    )
    assert sorted(row[0] for row in rows) == calls
    assert all(row[1] is None and row[2] for row in rows)


def test_every_currency_is_converted(small_dataset: Generated, built: Path) -> None:
    faults = _faults(small_dataset, "currencies")
    for model, key, system, entity in [
        ("stg_shop__orders", "order_id", "shop", "orders"),
        ("stg_stores__transactions", "receipt_id", "stores", "transactions"),
    ]:
        ids = _ids(faults, system, entity)
        rows = _rows(
            built,
            f"select {key}, currency, total_amount_pln from {model} "
            f"where {key} in ({_in_list(ids)})",
        )
        assert sorted(row[0] for row in rows) == ids, model
        assert all(row[1] != "PLN" and row[2] is not None for row in rows), model
        assert _rows(built, f"select count(*) from {model} where total_amount_pln is null") == [
            (0,)
        ]


def test_timestamps_are_utc(small_dataset: Generated, built: Path) -> None:
    # every *_at column is a naive timestamp (UTC by convention)
    wrong_types = _rows(
        built,
        """
        select table_name, column_name, data_type from information_schema.columns
        where table_schema <> 'intake' and column_name like '%\\_at' escape '\\'
            and data_type != 'TIMESTAMP'
        """,
    )
    assert wrong_types == []
    # survey submissions: the truth knows the instant of every counted response
    with duckdb.connect() as connection:
        truth = dict(
            connection.execute(
                "select response_id, submitted_at from read_parquet(?)",
                [(small_dataset.truth / "survey_responses.parquet").as_posix()],
            ).fetchall()
        )
    staged = dict(
        _rows(built, "select response_id, submitted_at from int_survey_responses_counted")
    )
    assert {i: (staged.get(i), t) for i, t in truth.items() if staged.get(i) != t} == {}
    # records written with a local offset: the staged instant is the offset's instant
    faults = _faults(small_dataset, "timestamps")
    checks = {
        ("surveys", "invitations"): ("stg_surveys__invitations", "invitation_id", "sent_at"),
        ("surveys", "responses"): ("stg_surveys__responses", "response_id", "submitted_at"),
    }
    for (system, entity), (model, key, column) in checks.items():
        expected = {}
        for f_system, f_entity, record_id, file, line in faults:
            if (f_system, f_entity) == (system, entity) and record_id and line:
                text = json.loads(_raw_line(small_dataset, file, line))[column]
                expected[record_id] = (
                    datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)
                )
        staged = dict(
            _rows(
                built,
                f"select {key}, {column} from {model} where {key} in ({_in_list(set(expected))})",
            )
        )
        assert {i: (staged.get(i), t) for i, t in expected.items() if staged.get(i) != t} == {}


def test_identifiers_are_normalised(built: Path) -> None:
    email_columns = _rows(
        built,
        """
        select table_name, column_name from information_schema.columns
        where table_schema <> 'intake' and table_name like 'stg\\_%' escape '\\'
            and (column_name = 'email' or column_name like '%\\_email' escape '\\')
        """,
    )
    phone_columns = _rows(
        built,
        """
        select table_name, column_name from information_schema.columns
        where table_schema <> 'intake' and table_name like 'stg\\_%' escape '\\'
            and (column_name like '%phone' or column_name = 'caller_number')
        """,
    )
    assert email_columns and phone_columns
    bad = []
    for table, column in email_columns:
        bad += _rows(
            built,
            f'select \'{table}\', "{column}" from "{table}" '
            f'where "{column}" != lower(trim("{column}")) limit 3',
        )
    for table, column in phone_columns:
        bad += _rows(
            built,
            f'select \'{table}\', "{column}" from "{table}" '
            f"where not regexp_full_match(\"{column}\", '\\+[0-9]{{8,15}}') limit 3",
        )
    assert bad == []


def test_late_folders_are_staged(small_dataset: Generated, built: Path) -> None:
    folders = [f for f in _faults(small_dataset, "late_arrival") if f[2] is None]
    assert folders, "the small dataset should hold late folders"
    for system, entity, _record_id, folder, _line in folders:
        files = sorted((small_dataset.landing / folder).glob("part-*"))
        if entity == "events":
            with duckdb.connect() as connection:
                expected = sum(
                    connection.execute(
                        f"select count(*) from read_parquet('{p.as_posix()}')"
                    ).fetchall()[0][0]
                    for p in files
                )
        else:
            expected = 0
            for path in files:
                lines = [text for text in path.read_text(encoding="utf-8").splitlines() if text]
                if path.suffix == ".csv" and lines:
                    lines = lines[1:]
                expected += len(lines)
        landed = _rows(
            built,
            f"""
            select count(*) from stg_landing__records
            where source_system = '{system}' and entity = '{entity}'
                and file_name like '{folder}/%'
            """,
        )[0][0]
        assert landed == expected, folder
        model, _key = STAGED[(system, entity)]
        if expected:
            staged = _rows(
                built, f"select count(*) from {model} where file_name like '{folder}/%'"
            )[0][0]
            # CDC entities may have a newer version elsewhere; the rest stage them all
            assert staged > 0 or entity in ("customers", "orders"), folder


def test_shared_identifier_records_are_staged(small_dataset: Generated, built: Path) -> None:
    faults = _faults(small_dataset, "shared_identifiers")
    for (system, entity), (model, key) in STAGED.items():
        ids = _ids(faults, system, entity)
        if not ids:
            continue
        if entity == "loyalty_members":
            # an erased card keeps its row under its hashed key
            count = _rows(
                built,
                f"select count(*) from {model} where card_number in ({_in_list(ids)}) or is_erased",
            )[0][0]
            assert count >= len(ids), model
            continue
        staged = {
            row[0]
            for row in _rows(built, f"select {key} from {model} where {key} in ({_in_list(ids)})")
        }
        assert staged == set(ids), (model, sorted(set(ids) - staged))
