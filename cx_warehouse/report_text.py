"""The CX report's words: one message catalogue per language, numbers and dates in its
conventions.

The catalogues are ``cx_warehouse/locales/<lang>.toml``: a translator edits one file.
A table's keys join its name, so ``[trigger] order_delivered = "..."`` is
``trigger.order_delivered``. Numbers and dates follow the language's CLDR conventions
(babel): ``1 234,5`` and ``7 grudnia 2026`` in Polish, ``1 234,5`` and
``7. prosince 2026`` in Czech.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "pl", "cs")
# Shown where a figure has no value, in every language: an en dash.
NO_VALUE = "\u2013"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every message of ``lang``, by dotted key."""
    if lang not in LANGUAGES:
        raise ValueError(f"no catalogue for {lang!r}: choose {', '.join(LANGUAGES)}")
    with (LOCALE_DIR / f"{lang}.toml").open("rb") as file:
        return _flatten(tomllib.load(file))


@dataclass(frozen=True)
class Messages:
    """The words, numbers and dates of one language."""

    lang: str

    def __call__(self, key: str, **values: object) -> str:
        return catalogue(self.lang)[key].format(**values)

    def group(self, group: str) -> dict[str, str]:
        """The messages of one table, by their key within it."""
        prefix = f"{group}."
        return {
            key.removeprefix(prefix): text
            for key, text in catalogue(self.lang).items()
            if key.startswith(prefix)
        }

    def label(self, group: str, code: object) -> str:
        """A data code (``order_delivered``) in words; a code no catalogue knows is
        shown as it is, so new data never breaks the page."""
        return catalogue(self.lang).get(f"{group}.{code}", str(code))

    def number(self, value: float, digits: int = 1) -> str:
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.lang)

    def signed(self, value: float, digits: int = 1) -> str:
        """``+1.5`` / ``\u22121.5`` (a minus sign): a change always shows its sign."""
        text = self.number(abs(value), digits)
        return ("+" if value >= 0 else "\u2212") + text

    def month(self, day: date) -> str:
        """``December 2026`` / ``grudzień 2026`` / ``prosinec 2026``."""
        from babel.dates import format_date

        return format_date(day, "LLLL yyyy", locale=self.lang)

    def short_month(self, day: date) -> str:
        """An axis label: ``Dec 2026`` / ``gru 2026`` / ``pro 2026``."""
        from babel.dates import format_date

        return format_date(day, "LLL yyyy", locale=self.lang)

    def date(self, day: date) -> str:
        """``Dec 7, 2026`` / ``7 gru 2026`` / ``7. 12. 2026``."""
        from babel.dates import format_date

        return format_date(day, "medium", locale=self.lang)

    def moment(self, when: datetime) -> str:
        """A UTC time: ``Dec 7, 2026 16:20 UTC`` / ``7 gru 2026 16:20 UTC``."""
        return self.date(when.date()) + when.strftime(" %H:%M UTC")

    def plotly_separators(self) -> str:
        """plotly's ``separators``: the decimal mark, then the thousands mark."""
        sample = self.number(1234.5)
        return sample[5] + sample[1]
