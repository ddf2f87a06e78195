"""Where things live: the project, the landing folder, the truth folder and the warehouse.

Every ``cxw`` command and every dbt invocation resolves these the same way: an
``CXW_*`` environment variable wins, otherwise a default under ``<project>/data``.
Paths are always made absolute, so nothing depends on the working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"


def _resolve(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Locations:
    landing: Path
    truth: Path
    warehouse: Path

    @classmethod
    def from_env(cls) -> Locations:
        return cls(
            landing=_resolve("CXW_LANDING", DATA_DIR / "landing"),
            truth=_resolve("CXW_TRUTH", DATA_DIR / "truth"),
            warehouse=_resolve("CXW_WAREHOUSE", DATA_DIR / "warehouse.duckdb"),
        )
