"""Generator settings: scale, period, seed, output folders and fault rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# The twelve fault kinds of the landing contract, with their default rates.
# What a rate means for each kind is documented in docs/generator.md.
DEFAULT_FAULT_RATES: dict[str, float] = {
    "duplicates": 0.02,
    "cdc_versions": 0.30,
    "timestamps": 0.05,
    "messy_identifiers": 0.30,
    "bad_scores": 0.02,
    "test_traffic": 0.005,
    "late_arrival": 0.03,
    "currencies": 1.0,
    "dangling_refs": 0.02,
    "malformed": 0.001,
    "withheld_numbers": 0.05,
    "shared_identifiers": 0.03,
}


# The shapes the generator writes: the landing contract's files, or (fivetran) the
# tables connectors load into a DuckDB file for the systems whose connector is built
# (docs/sources.md), the landing files for the others.
SHAPES = ("landing", "fivetran")


class ConfigError(ValueError):
    """A bad generator argument; its message is one line meant for the user."""


def parse_faults(spec: str | None) -> dict[str, float]:
    """Turn ``--faults`` text into rates.

    ``all`` (or nothing) keeps the defaults, ``none`` switches every fault off, and
    ``kind`` or ``kind=rate`` entries, comma separated, set one kind on top of that:
    ``none,bad_scores=0.1`` gives clean data except bad survey scores.
    """
    rates = dict(DEFAULT_FAULT_RATES)
    if spec is None:
        return rates
    for token in (part.strip() for part in spec.split(",")):
        if token in ("", "all"):
            continue
        if token == "none":
            rates = dict.fromkeys(rates, 0.0)
            continue
        name, _, value = token.partition("=")
        if name not in DEFAULT_FAULT_RATES:
            known = ", ".join(DEFAULT_FAULT_RATES)
            raise ConfigError(f"unknown fault '{name}'; known faults: {known}, all, none")
        if not value:
            rates[name] = DEFAULT_FAULT_RATES[name]
            continue
        try:
            rate = float(value)
        except ValueError:
            raise ConfigError(f"fault rate for '{name}' must be a number, got '{value}'") from None
        if not 0.0 <= rate <= 1.0:
            raise ConfigError(f"fault rate for '{name}' must be between 0 and 1, got {value}")
        rates[name] = rate
    return rates


CX_EFFECTS = ("on", "none")


@dataclass(frozen=True)
class GenerateConfig:
    customers: int
    days: int
    start: date
    seed: int
    landing: Path
    truth: Path
    faults: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FAULT_RATES))
    shape: str = "landing"
    raw: Path | None = None
    # --shape fivetran: the folder the web events go to as the GA4 export's daily
    # Parquet files (connectors/ga4.py) instead of shop/events.
    ga4_export: Path | None = None
    # Experiences and survey answers change later shop purchases (generator/behaviour.py);
    # False (`--cx-effects none`): every person keeps fixed purchase rates.
    cx_effects: bool = True

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ConfigError(f"--shape must be one of {', '.join(SHAPES)}, got '{self.shape}'")
        if (self.shape == "fivetran") != (self.raw is not None):
            raise ConfigError("--raw FILE.duckdb goes with --shape fivetran, and only with it")
        if self.raw is not None and self.raw.resolve().is_relative_to(self.landing.resolve()):
            raise ConfigError("--raw must be outside the landing folder")
        if self.ga4_export is not None and self.shape != "fivetran":
            raise ConfigError("--ga4-export DIR goes with --shape fivetran only")
        if self.ga4_export is not None and self.ga4_export.resolve().is_relative_to(
            self.landing.resolve()
        ):
            raise ConfigError("--ga4-export must be outside the landing folder")
        if self.customers < 1:
            raise ConfigError(f"--customers must be at least 1, got {self.customers}")
        if self.days < 1:
            raise ConfigError(f"--days must be at least 1 (end on or after start), got {self.days}")
        if self.seed < 0:
            raise ConfigError(f"--seed must not be negative, got {self.seed}")
        if self.landing.resolve() == self.truth.resolve():
            raise ConfigError("--truth must be beside the landing folder, not the same folder")
        if self.truth.resolve().is_relative_to(self.landing.resolve()):
            raise ConfigError("--truth must be beside the landing folder, never inside it")

    @property
    def end(self) -> date:
        """The last generated day (inclusive)."""
        return self.start + timedelta(days=self.days - 1)
