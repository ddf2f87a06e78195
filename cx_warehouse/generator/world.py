"""Shared state of one generation run: settings, random streams and the DuckDB session."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from .config import GenerateConfig

MEMORY_LIMIT = "1500MB"


class World:
    """Everything generated so far, as DuckDB tables in one in-memory session.

    Each component draws from its own random stream (``rng(salt)``), so that adding
    a draw in one place never shifts the numbers of another: same seed, same data.
    """

    def __init__(self, config: GenerateConfig, spill: Path) -> None:
        self.config = config
        start = datetime(config.start.year, config.start.month, config.start.day, tzinfo=UTC)
        self.start_ts = calendar.timegm(start.timetuple())
        self.end_ts = self.start_ts + config.days * 86_400  # exclusive
        self.n_companies = 0
        self.con = duckdb.connect()
        self.con.execute("set TimeZone = 'UTC'")
        self.con.execute("set threads = 2")
        # Bounded memory: DuckDB spills to disk past this instead of growing.
        self.con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute(f"set temp_directory = '{spill}'")
        self.con.execute(
            "create macro ascii_fold(s) as "
            "lower(strip_accents(replace(replace(s, 'ł', 'l'), 'Ł', 'L')))"
        )
        self._arrow: dict[str, pa.Table] = {}

    def rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([self.config.seed, salt])

    def date_of(self, ts: int) -> date:
        return datetime.fromtimestamp(ts, tz=UTC).date()

    def rate(self, fault: str) -> float:
        return self.config.faults[fault]

    def table(self, sql: str, params: dict | None = None) -> pa.Table:
        """A query's result as an Arrow table."""
        return self.con.sql(sql, params=params).to_arrow_table()

    def add(self, name: str, table: pa.Table) -> None:
        """Materialise an Arrow table as a DuckDB table named ``name``."""
        self.con.register("_incoming", table)
        self.con.execute(f"create or replace table {name} as select * from _incoming")
        self.con.unregister("_incoming")

    def lookup(self, name: str, column: str, values: list[str]) -> None:
        """A small indexed lookup table: ``i`` (0-based) and ``column``."""
        self.add(name, pa.table({"i": np.arange(len(values)), column: values}))

    def day_weights(self) -> np.ndarray:
        """Relative traffic per day: weekly rhythm, a December peak and Black Friday."""
        days = np.arange(self.config.days)
        ts = self.start_ts + days * 86_400
        weekday = ((ts // 86_400) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        weekly = np.array([1.0, 1.02, 1.0, 0.98, 0.95, 0.85, 0.8])[weekday]
        doy = np.array([datetime.fromtimestamp(t, tz=UTC).timetuple().tm_yday for t in ts])
        yearly = 1.0 + 0.3 * np.cos(2 * np.pi * (doy - 350) / 365.0)
        black_friday = np.ones_like(yearly)
        for i, t in enumerate(ts):
            day = datetime.fromtimestamp(t, tz=UTC)
            if day.month == 11 and day.weekday() == 4 and day.day + 7 > 30:
                black_friday[i] = 2.5
        weights = weekly * yearly * black_friday
        return weights / weights.sum()

    def sample_times(self, salt: int, size: int, hour_weights: np.ndarray) -> np.ndarray:
        """UTC epoch seconds in the period, following the day rhythm and local hours."""
        rng = self.rng(salt)
        day = rng.choice(self.config.days, size=size, p=self.day_weights())
        hour = rng.choice(24, size=size, p=hour_weights / hour_weights.sum())
        second = rng.integers(0, 3_600, size)
        # Hours are local (Central European); one hour behind gives UTC closely enough.
        ts = self.start_ts + day * 86_400 + (hour - 1) * 3_600 + second
        return ts.clip(self.start_ts, self.end_ts - 1)


# Local hour-of-day profiles.
WEB_HOURS = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.2,
        3,
        3.4,
        3.6,
        3.8,
        4,
        3.8,
        3.6,
        3.6,
        3.8,
        4.2,
        4.8,
        5.4,
        5.8,
        5.2,
        3.6,
        2,
    ]
)
STORE_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4, 5, 5, 4.5, 4.5, 5, 5.5, 6, 5, 3, 1, 0, 0]
)
CALL_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0.5, 3, 5, 5, 5, 4.5, 4.5, 5, 5, 4.5, 4, 3, 2, 1, 0.5, 0, 0]
)
