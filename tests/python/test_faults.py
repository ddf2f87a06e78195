"""``--faults`` parsing."""

from __future__ import annotations

import pytest

from cx_warehouse.generator.config import DEFAULT_FAULT_RATES, ConfigError, parse_faults


@pytest.mark.parametrize("spec", [None, "", "all", " all ", "all,"])
def test_default_rates(spec: str | None) -> None:
    assert parse_faults(spec) == DEFAULT_FAULT_RATES


def test_result_is_a_copy() -> None:
    rates = parse_faults(None)
    rates["malformed"] = 0.9
    assert DEFAULT_FAULT_RATES["malformed"] != 0.9


def test_none_switches_everything_off() -> None:
    rates = parse_faults("none")
    assert set(rates) == set(DEFAULT_FAULT_RATES)
    assert all(rate == 0.0 for rate in rates.values())


def test_none_then_one_kind_at_a_rate() -> None:
    rates = parse_faults("none,bad_scores=0.1")
    assert rates["bad_scores"] == 0.1
    assert all(rate == 0.0 for kind, rate in rates.items() if kind != "bad_scores")


def test_kind_without_rate_takes_its_default() -> None:
    rates = parse_faults("none, malformed")
    assert rates["malformed"] == DEFAULT_FAULT_RATES["malformed"]
    assert rates["duplicates"] == 0.0


def test_rate_on_top_of_defaults() -> None:
    rates = parse_faults("duplicates=0.5")
    assert rates["duplicates"] == 0.5
    assert rates["malformed"] == DEFAULT_FAULT_RATES["malformed"]


@pytest.mark.parametrize("rate", ["0", "1", "0.0", "1.0", "0.25"])
def test_bounds_are_inclusive(rate: str) -> None:
    assert parse_faults(f"duplicates={rate}")["duplicates"] == float(rate)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("bogus", "unknown fault 'bogus'"),
        ("none,Duplicates", "unknown fault 'Duplicates'"),
        ("duplicates=abc", "must be a number"),
        ("duplicates=1.5", "between 0 and 1"),
        ("duplicates=-0.1", "between 0 and 1"),
    ],
)
def test_bad_specs(spec: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment) as raised:
        parse_faults(spec)
    assert "\n" not in str(raised.value)


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)
