"""The run's intake (cx_warehouse/intake.py): every file under the landing folder is
loaded, quarantined or listed as unrecognised, a bad line never reaches dbt, and the
snapshot is fixed when the run starts. No dbt here: these are fast; the build on such
a folder is in test_operations.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import LANDING_MIN

from cx_warehouse import intake, layers
from cx_warehouse.paths import PROJECT_DIR

PII = b"secret.person@example.com"


def _landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    shutil.copytree(LANDING_MIN, landing)
    return landing


def _by_name(snapshot: intake.Snapshot) -> dict[str, intake.LandingFile]:
    return {file.file_name: file for file in snapshot.files}


@pytest.mark.parametrize(
    ("file_name", "rule"),
    [
        ("shop/customers/dt=2024-03-30/part-00000.jsonl", None),
        ("stores/stores.csv", None),
        ("shop/customers/dt=2025-13-45/part-00000.jsonl", "bad_day_folder"),
        ("shop/customers/dt=yesterday/part-00000.jsonl", "bad_day_folder"),
        ("shop/customers/dt=2024-03-30/customers.jsonl", "not_a_part_file"),
        ("shop/customers/dt=2024-03-30/part-00000.csv", "not_a_part_file"),
        ("crm/contacts/dt=2024-03-30/part-00000.csv", "unknown_entity"),
        ("crm/contacts.csv", "unknown_entity"),
        ("shop/customers.jsonl", "not_in_day_folder"),
        ("README.md", "unexpected_path"),
        ("shop/customers/dt=2024-03-30/.part-00000.jsonl.tmp", "hidden_file"),
    ],
)
def test_classify(file_name: str, rule: str | None) -> None:
    entity, _day, found, reason = intake.classify(file_name)
    assert found == rule
    assert (entity is None) == (rule is not None)
    assert (reason is None) == (rule is None)


def test_day_of_a_part() -> None:
    assert intake.classify("shop/orders/dt=2024-02-29/part-1.jsonl")[1] == date(2024, 2, 29)


def test_columns_are_the_source_yaml_columns() -> None:
    """intake.landing_files is written by cxw and declared (and created empty for plain
    dbt runs) from the source YAML: the two column lists must be one."""
    sources = yaml.safe_load(
        (PROJECT_DIR / "models/staging/landing/_landing__sources.yml").read_text()
    )
    table = sources["sources"][0]["tables"][0]
    declared = {column["name"]: column["data_type"] for column in table["columns"]}
    assert declared == intake.COLUMNS


def test_bad_lines_become_markers_without_their_bytes(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    part = landing / "shop" / "customers" / "dt=2024-03-31" / "part-00009.jsonl"
    good = b'{"customer_id": "C-GOOD", "email": "ok@example.com"}'
    part.write_bytes(
        good
        + b'\n{"customer_id": "C-BAD", "email": "'
        + PII
        + b'", "name": "Zo\xff\xfe"}\n{"customer_id": "C-LONG", "note": "'
        + PII
        + b"x" * (intake.MAX_LINE_BYTES + 10)
        + b'"}\n'
    )
    snapshot = intake.take_snapshot(landing, tmp_path / "snapshot")
    file = _by_name(snapshot)["shop/customers/dt=2024-03-31/part-00009.jsonl"]
    assert (file.status, file.rejected_lines, file.is_rewritten) == ("loaded", 2, True)
    copy = (snapshot.folder / file.file_name).read_bytes()
    assert PII not in copy
    assert copy.split(b"\n") == [
        good,
        b"#cxw:rejected invalid_encoding line 2: not UTF-8 text",
        b"#cxw:rejected line_too_long line 3: longer than 1048576 bytes",
        b"",
    ]
    # An untouched file is a link to the landed one, not a copy.
    clean = snapshot.folder / "shop" / "customers" / "dt=2024-03-30" / "part-00000.jsonl"
    assert clean.stat().st_ino == (landing / clean.relative_to(snapshot.folder)).stat().st_ino


def test_csv_read_by_its_header(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    folder = landing / "callcenter" / "calls" / "dt=2024-03-31"
    header = intake.contract_entities()[("callcenter", "calls")].header
    assert header is not None
    names = header.split(";")
    record = dict(zip(names, [f"v{i}" for i in range(len(names))], strict=True))
    reversed_names = list(reversed(names))
    (folder / "part-00007.csv").write_text(
        ";".join(reversed_names) + "\n" + ";".join(record[n] for n in reversed_names) + "\n"
    )
    (folder / "part-00008.csv").write_text("call;number\nx;y\n")
    snapshot = intake.take_snapshot(landing, tmp_path / "snapshot")
    files = _by_name(snapshot)
    reordered = files["callcenter/calls/dt=2024-03-31/part-00007.csv"]
    assert (reordered.status, reordered.is_rewritten) == ("loaded", True)
    lines = (snapshot.folder / reordered.file_name).read_text().splitlines()
    assert lines == [header, ";".join(record[n] for n in names)]
    mismatch = files["callcenter/calls/dt=2024-03-31/part-00008.csv"]
    assert (mismatch.status, mismatch.rule) == ("quarantined", "header_mismatch")
    assert "missing call_id" in (mismatch.reason or "")
    assert not (snapshot.folder / mismatch.file_name).exists(), "never read"


@pytest.mark.parametrize("content", [b"", b"PAR1 cut short", b"not parquet at all\n" * 20])
def test_unreadable_parquet_is_quarantined_as_a_file(tmp_path: Path, content: bytes) -> None:
    landing = _landing(tmp_path)
    part = landing / "shop" / "events" / "dt=2024-03-31" / "part-00009.parquet"
    part.write_bytes(content)
    snapshot = intake.take_snapshot(landing, tmp_path / "snapshot")
    file = _by_name(snapshot)["shop/events/dt=2024-03-31/part-00009.parquet"]
    assert (file.status, file.rule) == ("quarantined", "unreadable_file")
    assert str(landing) not in (file.reason or ""), "the reason names the file, not the disk"
    assert not (snapshot.folder / file.file_name).exists()


def test_unrecognised_files_are_listed_and_not_read(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    bad_day = landing / "shop" / "orders" / "dt=2025-13-45" / "part-00000.jsonl"
    bad_day.parent.mkdir()
    bad_day.write_text('{"order_id": "O-1"}\n')
    snapshot = intake.take_snapshot(landing, tmp_path / "snapshot")
    file = _by_name(snapshot)["shop/orders/dt=2025-13-45/part-00000.jsonl"]
    assert (file.status, file.rule) == ("unrecognised", "bad_day_folder")
    assert not (snapshot.folder / file.file_name).exists()
    assert any("bad_day_folder" in line for line in snapshot.warnings())


def test_files_that_arrive_later_are_not_in_the_snapshot(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    snapshot = intake.take_snapshot(landing, tmp_path / "snapshot")
    late = landing / "shop" / "orders" / "dt=2024-04-01" / "part-00000.jsonl"
    late.parent.mkdir()
    late.write_text('{"order_id": "O-LATE"}\n')
    assert not (snapshot.folder / "shop/orders/dt=2024-04-01/part-00000.jsonl").exists()
    assert intake.changed_since(snapshot) == [], "a new file changes nothing already read"
    # A file written in place during the run is caught before anything is published.
    held = landing / "shop" / "orders" / "dt=2024-03-30" / "part-00000.jsonl"
    with held.open("ab") as handle:
        handle.write(b'{"order_id": "O-APPENDED"}\n')
    assert [entry.split(" ")[0] for entry in intake.changed_since(snapshot)] == [
        "shop/orders/dt=2024-03-30/part-00000.jsonl"
    ]


def test_held_files_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = _landing(tmp_path)
    database = tmp_path / "warehouse.duckdb"
    first = intake.take_snapshot(landing, tmp_path / "snapshot")
    intake.write_intake(database, first)
    held = intake.held_intake(database)
    assert held == _by_name(first)
    read = []
    real_inspect = intake._inspect
    monkeypatch.setattr(
        intake, "_inspect", lambda path, *rest: read.append(path) or real_inspect(path, *rest)
    )
    new = landing / "shop" / "orders" / "dt=2024-04-01" / "part-00000.jsonl"
    new.parent.mkdir()
    new.write_text('{"order_id": "O-NEW"}\n')
    second = intake.take_snapshot(landing, tmp_path / "snapshot", held)
    assert read == [new], "only the new file is read"
    assert _by_name(second)[new.relative_to(landing).as_posix()].has_records
    assert intake.run_id(database) == first.run_id
    with layers.connect(database) as connection:
        assert connection.execute("select count(*) from intake.landing_files").fetchone()[0] == len(
            first.files
        )


def test_missing_or_empty_landing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(intake.LandingError, match="no such folder"):
        intake.check_landing(tmp_path / "nope", "CXW_LANDING")
    (tmp_path / "empty" / "shop").mkdir(parents=True)
    with pytest.raises(intake.LandingError, match="no files to build from"):
        intake.check_landing(tmp_path / "empty", "CXW_LANDING")


def test_bench_intake_prints_its_figures(tmp_path: Path, capsys, monkeypatch) -> None:
    import subprocess
    import sys

    landing = _landing(tmp_path)
    completed = subprocess.run(
        [
            sys.executable,
            str(PROJECT_DIR / "bench" / "bench_intake.py"),
            "--landing",
            str(landing),
            "--workdir",
            str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = completed.stdout.splitlines()
    assert lines[0].endswith("26 files, 0.0 MB"), lines
    assert [line.split(" ")[0] for line in lines[1:]] == ["floor", "cold", "warm"]
