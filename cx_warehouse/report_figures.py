"""The CX report's figures: the marts' summed counts with the SQL of the survey
statistics macros.

No formula is written here. ``statistics()`` renders ``macros/survey_statistics.sql``
with Jinja2 into functions that return SQL; a :class:`Measure` is a survey's headline
figure (NPS, CSAT %, CES mean) as that SQL over the sums of a mart's additive counts,
so a roll-up at any grain (a month, a slice, a store) gives what the marts would.
``monthly()`` compares each month with the previous one and the same month a year
before with the macros' significance test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from cx_warehouse.paths import PROJECT_DIR

STATISTICS_MACROS = PROJECT_DIR / "macros" / "survey_statistics.sql"
# Every counted answer (all of fct_survey_responses' columns) as a cell of one answer
# with the marts' count columns, so that a measure's SQL sums answers at a grain no mart
# holds (a store, omnichannel journeys, the answers whose journey held a driver).
ANSWERS = (
    "(select responses.*, responses.submitted_month as month, "
    "journeys.is_omnichannel, 1 as responses, "
    "cast(responses.is_promoter as int) as promoters, "
    "cast(responses.is_detractor as int) as detractors, "
    "cast(responses.is_satisfied as int) as satisfied_responses, "
    "responses.score as score_sum, responses.score * responses.score as score_sq_sum "
    "from fct_survey_responses as responses left join fct_journeys as journeys "
    "on responses.journey_id = journeys.journey_id) as answers"
)


@cache
def statistics():
    """``macros/survey_statistics.sql`` as a module of functions that return SQL.

    ``var()`` reads ``dbt_project.yml``'s vars, and like dbt's fails on one that is
    not declared there and has no default.
    """
    import jinja2
    import yaml

    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    variables = project.get("vars") or {}
    environment = jinja2.Environment()
    missing = object()

    def var(name: str, default: object = missing) -> object:
        if name in variables:
            return variables[name]
        if default is missing:
            raise KeyError(f"dbt var '{name}' is not declared in dbt_project.yml")
        return default

    environment.globals["var"] = var
    source = STATISTICS_MACROS.read_text(encoding="utf-8")
    return environment.from_string(source).make_module()


def min_answers() -> int:
    """The fewest answers a figure is shown from (the macros' significance minimum)."""
    return int(statistics().significance_min_responses())


@dataclass(frozen=True)
class Measure:
    """A survey's headline figure over summed counts: the SQL of its estimate and
    margin over the sums ``n`` (answers) and ``counts``, and its scale."""

    survey: str
    mart: str
    counts: tuple[tuple[str, str], ...]
    estimate: str
    margin: str
    low: float
    high: float


def measures(connection) -> dict[str, Measure]:
    """NPS, CSAT (top-2-box %) and CES (mean) with the macros' SQL."""
    macros = statistics()
    ces_low, ces_high = connection.execute(
        "select min_score, max_score from survey_scales where survey_type = 'ces'"
    ).fetchall()[0]
    return {
        "nps": Measure(
            "nps",
            "mart_nps",
            (("p", "promoters"), ("d", "detractors")),
            macros.nps_score("p", "d", "n"),
            macros.nps_margin_of_error("p", "d", "n"),
            -100.0,
            100.0,
        ),
        "csat": Measure(
            "csat",
            "mart_csat",
            (("s", "satisfied_responses"),),
            "100 * cast(s as double) / nullif(n, 0)",
            macros.proportion_margin_of_error("s", "n"),
            0.0,
            100.0,
        ),
        "ces": Measure(
            "ces",
            "mart_ces",
            (("x", "score_sum"), ("x2", "score_sq_sum")),
            "cast(x as double) / nullif(n, 0)",
            macros.mean_margin_of_error("x", "x2", "n"),
            float(ces_low),
            float(ces_high),
        ),
    }


@dataclass(frozen=True)
class Figure:
    """An estimate from ``n`` answers with its 95 % margin (None: not defined)."""

    n: int
    value: float | None
    margin: float | None

    def shown(self, minimum: int) -> bool:
        return self.value is not None and self.n >= minimum


@dataclass(frozen=True)
class Comparison:
    """This month's figure against an earlier month's, with the macros' significance."""

    month: date
    figure: Figure
    change: float | None
    is_significant: bool | None


@dataclass(frozen=True)
class Point:
    key: tuple
    month: date | None
    figure: Figure
    previous: Comparison | None = None
    year_before: Comparison | None = None


def _measured_sql(measure: Measure, keys: tuple[str, ...], where: str = "") -> str:
    sums = ", ".join(f"sum({column}) as {alias}" for alias, column in measure.counts)
    key_list = ", ".join(keys)
    return (
        f"select {key_list}, n, {measure.estimate} as value, {measure.margin} as margin "
        f"from (select {key_list}, sum(responses) as n, {sums} from {measure.mart} "
        f"{where} group by {key_list}) as cells"
    )


def figures(connection, measure: Measure, keys: tuple[str, ...], where: str = "") -> list[Point]:
    """The measure per ``keys`` over the whole period (no comparison)."""
    rows = connection.execute(
        _measured_sql(measure, keys, where) + f" order by {', '.join(keys)}"
    ).fetchall()
    return [Point(tuple(row[: len(keys)]), None, Figure(*row[len(keys) :])) for row in rows]


def monthly(
    connection, measure: Measure, keys: tuple[str, ...] = (), where: str = ""
) -> list[Point]:
    """The measure per month (and ``keys``), each against the previous month and the
    same month a year before, significant by the macros' test."""
    macros = statistics()
    cells = _measured_sql(measure, ("month", *keys), where)
    comparisons = []
    for name, months in (("previous", 1), ("year", 12)):
        significant = macros.is_significant_difference(
            "this.value", "this.margin", f"{name}.value", f"{name}.margin", "this.n", f"{name}.n"
        )
        same = "".join(f" and {name}.{key} = this.{key}" for key in keys)
        comparisons.append(
            (
                f"left join cells as {name} on {name}.month = this.month - interval {months} "
                f"month{same}",
                f"{name}.n, {name}.value, {name}.margin, {significant}",
            )
        )
    key_columns = "".join(f", this.{key}" for key in keys)
    query = (
        f"with cells as ({cells}) select this.month{key_columns}, this.n, this.value, "
        f"this.margin, {comparisons[0][1]}, {comparisons[1][1]} from cells as this "
        f"{comparisons[0][0]} {comparisons[1][0]} order by this.month{key_columns}"
    )
    points = []
    for row in connection.execute(query).fetchall():
        month, key, rest = row[0], tuple(row[1 : 1 + len(keys)]), row[1 + len(keys) :]
        figure = Figure(*rest[:3])
        points.append(
            Point(
                key,
                month,
                figure,
                _comparison(month, 1, figure, rest[3:7]),
                _comparison(month, 12, figure, rest[7:11]),
            )
        )
    return points


def _comparison(month: date, back: int, figure: Figure, row: tuple) -> Comparison | None:
    n, value, margin, significant = row
    if n is None:
        return None
    earlier = months_before(month, back)
    change = None if figure.value is None or value is None else figure.value - value
    return Comparison(earlier, Figure(int(n), value, margin), change, significant)


def months_before(month: date, back: int) -> date:
    index = month.year * 12 + month.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def sliced(measure: Measure, slice_id: str) -> tuple[Measure, str]:
    """The measure and the ``where`` clause of one slice (``channel=web``)."""
    if slice_id == "all":
        return measure, ""
    dimension, code = slice_id.split("=", 1)
    condition = f"{dimension} = '{code.replace(chr(39), chr(39) * 2)}'"
    if dimension == "store_id":
        return replace(
            measure, mart=ANSWERS
        ), f"where survey_type = '{measure.survey}' and {condition}"
    return measure, f"where {condition}"
