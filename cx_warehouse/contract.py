"""The landing contract's entities, as declared once in ``var landing_entities``.

``dbt_project.yml`` declares each landing entity once: its system and name, format,
whether it arrives in daily parts, a CSV's delimiter (and an alternative one a file
may use), its columns in the order the system writes them and its key. The dbt models
read the declaration through ``macros/landing_contract.sql``; cxw's intake and the
generator read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cx_warehouse.paths import PROJECT_DIR

EXTENSIONS = {"json": "jsonl", "csv": "csv", "parquet": "parquet"}


@dataclass(frozen=True)
class Entity:
    system: str
    entity: str
    format: str
    dated: bool
    columns: tuple[str, ...]
    key: tuple[str, ...]
    delimiter: str = ","
    alternative_delimiter: str | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def header(self) -> str | None:
        """A CSV's header line: the columns joined by the delimiter."""
        return self.delimiter.join(self.columns) if self.format == "csv" else None


@cache
def project_vars() -> dict:
    """The dbt vars ``dbt_project.yml`` declares, with their values there."""
    import yaml

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]


@cache
def contract_entities() -> dict[tuple[str, str], Entity]:
    """The landing contract's entities, from ``var landing_entities`` (dbt_project.yml)."""
    entities = {}
    for spec in project_vars()["landing_entities"]:
        entity = Entity(
            system=spec["system"],
            entity=spec["entity"],
            format=spec["format"],
            dated=bool(spec["dated"]),
            columns=tuple(spec["columns"]),
            key=tuple(spec["key"]),
            delimiter=spec.get("delimiter", ","),
            alternative_delimiter=spec.get("alternative_delimiter"),
        )
        entities[(entity.system, entity.entity)] = entity
    return entities
