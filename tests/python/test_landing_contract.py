"""The landing contract is declared once (var landing_entities in dbt_project.yml),
and the generator, staging and the source YAML all follow that one declaration.

The generated files are checked against it (a CSV's header line, a JSON line's keys,
a Parquet file's schema), and the first record of each generated CSV file is split by
staging's own macro (``landing_columns``, through ``dbt show``): it must give the
declared columns, by name, holding the record's fields. A column added, renamed or
moved in one place and not in the others fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import yaml
from conftest import ERASURE_KEY, Generated

from cx_warehouse.contract import Entity, contract_entities
from cx_warehouse.dbt import dbt_command
from cx_warehouse.paths import PROJECT_DIR

CSV = [entity for entity in contract_entities().values() if entity.format == "csv"]


def _files(landing: Path, system: str, entity: str, extension: str) -> list[Path]:
    daily = (landing / system / entity).glob(f"dt=*/part-*.{extension}")
    return sorted([*daily, *(landing / system).glob(f"{entity}.{extension}")])


def _first_record(entity: Entity, landing: Path) -> str:
    """The first generated record of a CSV entity that has every declared field."""
    return next(
        line
        for path in _files(landing, entity.system, entity.entity, entity.extension)
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
        if line.count(entity.delimiter) == len(entity.columns) - 1
    )


def test_generated_files_follow_the_declaration(small_dataset: Generated) -> None:
    for entity in contract_entities().values():
        files = _files(small_dataset.landing, entity.system, entity.entity, entity.extension)
        assert files, f"{entity.system}/{entity.entity}: nothing generated"
        for path in files:
            if entity.format == "csv":
                with path.open(encoding="utf-8") as file:
                    assert file.readline().rstrip("\n") == entity.header, path
            elif entity.format == "json":
                for line in path.read_text(encoding="utf-8").splitlines():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a malformed line, the fault the generator plants
                    assert tuple(record) == entity.columns, path
            else:
                with duckdb.connect() as connection:
                    names = connection.execute(
                        "select column_name from (describe select * from "
                        f"read_parquet('{path}', hive_partitioning = false))"
                    ).fetchall()
                assert tuple(name for (name,) in names) == entity.columns, path


def test_staging_splits_a_generated_record_into_the_declared_columns(
    small_dataset: Generated, tmp_path: Path
) -> None:
    records = {
        (entity.system, entity.entity): _first_record(entity, small_dataset.landing)
        for entity in CSV
    }
    queries = [
        f"select '{system}/{name}' as entity, to_json(parsed) as parsed from ("
        f"select {{{{ landing_columns('{system}', '{name}') }}}} 0 as end_of_fields "
        f"from (select '{line.replace(chr(39), chr(39) * 2)}' as line) as landed) as parsed"
        for (system, name), line in records.items()
    ]
    shown = subprocess.run(
        [
            *dbt_command(),
            "show",
            "--inline",
            " union all ".join(queries),
            "--limit",
            "100",
            "--output",
            "json",
            "--log-format",
            "json",
            "--quiet",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env={
            **os.environ,
            "CXW_DEV_WAREHOUSE": str(tmp_path / "dev.duckdb"),
            "CXW_ERASURE_KEY": ERASURE_KEY,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stdout[-2000:]
    preview = next(
        json.loads(event["data"]["preview"])
        for event in map(json.loads, shown.stdout.splitlines())
        if event.get("data", {}).get("preview")
    )
    parsed = {row["entity"]: json.loads(row["parsed"]) for row in preview}
    for entity in CSV:
        fields = parsed[f"{entity.system}/{entity.entity}"]
        assert fields.pop("end_of_fields") == 0
        assert tuple(fields) == entity.columns
        values = records[(entity.system, entity.entity)].split(entity.delimiter)
        assert list(fields.values()) == [value or None for value in values]


def test_source_yaml_points_to_the_declaration_and_lists_no_columns() -> None:
    """The source YAML describes values, not the column list: each landing table's
    description points to the declaration, and the Parquet events' YAML columns (a
    real schema) are the declared ones, in order."""
    tables = {
        (source["name"], table["name"]): table
        for path in sorted(PROJECT_DIR.glob("models/staging/*/_*__sources.yml"))
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
        for table in source.get("tables", [])
    }
    for key, entity in contract_entities().items():
        table = tables[key]
        if entity.format == "parquet":
            names = [column["name"] for column in table["columns"]]
            assert tuple(names[: len(entity.columns)]) == entity.columns
        else:
            assert "var landing_entities" in " ".join(table["description"].split()), key


def test_staging_models_read_fields_by_name_only() -> None:
    """No staging model or macro splits a raw line by position or writes a header or a
    field count of its own: they read the declaration through the contract macros."""
    positional = re.compile(
        r"split_field\(|field_count\([^)]*\)\s*(=|between)\s*\d|'[a-z_]+[,;][a-z_]+[,;]"
    )
    sql = [*PROJECT_DIR.glob("models/**/*.sql"), *PROJECT_DIR.glob("macros/*.sql")]
    own = {"split_field.sql", "field_count.sql", "landing_contract.sql"}
    offenders = [
        f"{path.relative_to(PROJECT_DIR)}: {match.group(0)}"
        for path in sql
        if path.name not in own
        for match in positional.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
