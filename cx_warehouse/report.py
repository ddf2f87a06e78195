"""The CX report: one self-contained HTML page drawn from the published warehouse.

``build_report(warehouse, output, lang)`` opens the DuckDB file read-only, reads the
CX, journey and quality marts, draws plotly charts (``report_charts``) and writes a
single HTML file with plotly.js inlined (about 5 MB), so it opens offline in any
browser; ``print_pdf`` has headless Chromium print it beside the HTML.

No formula is written here. Where the page shows a mart's own row (a driver, a
touchpoint) it reads the mart's figures; where it rolls cells up (a month over every
trigger, channel and country) it sums the marts' additive counts with the SQL of
``macros/survey_statistics.sql`` (``report_figures``), so a formula changes in one
place. A figure from fewer answers than the macros' minimum for significance
(``significance_min_responses``, 30) is shown as "too few answers", and intervals are
cut at the ends of their scale. Words, numbers and dates come from the catalogue of
the chosen language (``report_text``).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cx_warehouse import layers
from cx_warehouse import report_charts as charts_
from cx_warehouse.report_charts import Interval
from cx_warehouse.report_figures import (
    ANSWERS,
    Comparison,
    Figure,
    Measure,
    Point,
    figures,
    measures,
    min_answers,
    monthly,
    months_before,
    sliced,
)
from cx_warehouse.report_text import NO_VALUE, Messages
from cx_warehouse.validate import VALIDATION_RESULT_NAME, default_docs_dir

log = logging.getLogger(__name__)

REPORT_NAME = "cx_report.html"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "report.html.j2"
# Debian's chromium prints the PDF; CXW_CHROMIUM names another Chromium or Chrome.
CHROMIUM = Path(os.environ.get("CXW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Every table the report reads; a warehouse without one of them is refused.
REQUIRED_TABLES = (
    "mart_nps",
    "mart_csat",
    "mart_ces",
    "mart_response_rates",
    "mart_touchpoint_scores",
    "mart_nps_drivers",
    "mart_detractor_followups",
    "mart_cx_outcomes",
    "mart_experience_outcomes",
    "fct_survey_responses",
    "fct_journeys",
    "journey_stages",
    "survey_scales",
    "quality_quarantine",
    "quality_reconciliation",
)
SURVEYS = ("nps", "csat", "ces")
# The dimensions of mart_nps, mart_csat and mart_ces a reader can slice the months by;
# a store is sliced on the answers (report_figures.ANSWERS), the marts have no store.
SLICES = ("channel", "trigger_type", "country")


class ReportError(Exception):
    """The report cannot be made from this warehouse: a one-line reason."""


# --------------------------------------------------------------------------- reading


def _connect(warehouse: Path):
    import duckdb

    if not warehouse.exists():
        raise ReportError(f"{warehouse}: no such file")
    if not warehouse.is_file():
        raise ReportError(f"{warehouse}: not a file")
    try:
        connection = layers.connect(warehouse)
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0]
        raise ReportError(f"{warehouse}: not a DuckDB warehouse ({first})") from None
    present = layers.layer_tables(connection)
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        connection.close()
        raise ReportError(
            f"{warehouse}: no {', '.join(missing)} (is it a warehouse built by cxw run?)"
        )
    return connection


def _label(m: Messages, dimension: str, code: object) -> str:
    """A slice's value in words: countries by CLDR, other codes by the catalogue."""
    if dimension == "country":
        from babel import Locale

        return Locale.parse(m.lang).territories.get(str(code), m.label("country", code))
    return m.label(dimension.removesuffix("_type"), code)


def _interval(label: str, figure: Figure, measure: Measure, minimum: int) -> Interval:
    return Interval(
        label,
        figure.value,
        figure.margin,
        figure.n,
        figure.shown(minimum),
        measure.low,
        measure.high,
    )


def _slice_options(connection, m: Messages) -> list[tuple[str, list[tuple[str, str]]]]:
    """The slices the page offers as ``(group, [(id, label), ...])``, ``all`` first."""
    groups = [("", [("all", m("page.slice_all"))])]
    for dimension in SLICES:
        codes = connection.execute(f"select distinct {dimension} from mart_nps order by 1")
        options = [
            (f"{dimension}={code}", _label(m, dimension, code)) for (code,) in codes.fetchall()
        ]
        groups.append((m(f"slice.{dimension}"), options))
    stores = connection.execute(
        "select distinct store_id from fct_survey_responses where store_id is not null order by 1"
    )
    options = [
        (f"store_id={store}", m("page.store", store=store)) for (store,) in stores.fetchall()
    ]
    groups.append((m("slice.store_id"), options))
    return groups


def _monthly_charts(connection, m: Messages, measures_: dict[str, Measure], minimum: int):
    """The three monthly charts, one set of traces per slice, and the overall
    series (the KPI tiles and the sentences read them)."""
    options = _slice_options(connection, m)
    digits = {"nps": 1, "csat": 1, "ces": 2}
    charts, overall = [], {}
    for survey, measure in measures_.items():
        slices = []
        for slice_id in [slice_id for _, group in options for slice_id, _ in group]:
            over, where = sliced(measure, slice_id)
            points = monthly(connection, over, where=where)
            if slice_id == "all":
                overall[survey] = points
            slices.append(
                (
                    slice_id,
                    [
                        _interval(m.short_month(point.month), point.figure, measure, minimum)
                        for point in points
                    ],
                )
            )
        charts.append(
            charts_.monthly_chart(f"{survey}_by_month", m, slices, survey, digits[survey])
        )
    return charts, overall, options


def _nps_by_channel_and_trigger(connection, m: Messages, nps_: Measure, minimum: int):
    sides = []
    for dimension in ("channel", "trigger_type"):
        sides.append(
            [
                _interval(_label(m, dimension, point.key[0]), point.figure, nps_, minimum)
                for point in figures(connection, nps_, (dimension,))
            ]
        )
    return charts_.nps_by_channel_and_trigger(m, *sides)


def _stages(connection) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "select journey_stage from journey_stages group by journey_stage "
            "order by min(stage_order)"
        ).fetchall()
    ]


def _journey_charts(connection, m: Messages) -> list[charts_.Chart]:
    """The funnel (journeys that reached at least each stage) and where they start."""
    stages = _stages(connection)
    furthest = dict(
        connection.execute(
            "select furthest_stage, count(*) from fct_journeys group by 1"
        ).fetchall()
    )
    entered = dict(
        connection.execute(
            "select stages.journey_stage, count(*) from fct_journeys as journeys "
            "inner join journey_stages as stages "
            "on journeys.entry_touchpoint_type = stages.touchpoint_type group by 1"
        ).fetchall()
    )
    journeys, converted = connection.execute(
        "select count(*), count(*) filter (where is_converted) from fct_journeys"
    ).fetchall()[0]
    at_least = [
        (stage, sum(furthest.get(later, 0) for later in stages[index:]))
        for index, stage in enumerate(stages)
    ]
    return [
        charts_.funnel(m, at_least, converted, journeys),
        charts_.entry_stages(m, [(stage, entered.get(stage, 0)) for stage in stages], journeys),
    ]


def _emotional_curve(connection, m: Messages, minimum: int) -> charts_.Chart:
    """mart_touchpoint_scores' own means and margins, cut at each survey's scale."""
    rows = connection.execute(
        "select scores.survey_type, scores.preceding_journey_stage, "
        "scores.preceding_touchpoint_type, scores.responses, scores.mean_score, "
        "scores.mean_score_margin_of_error, scales.min_score, scales.max_score "
        "from mart_touchpoint_scores as scores inner join survey_scales as scales "
        "on scores.survey_type = scales.survey_type "
        "order by scores.preceding_stage_order, scores.preceding_touchpoint_type"
    ).fetchall()
    curves: dict[str, list] = {survey: [] for survey in SURVEYS}
    for survey, stage, kind, n, mean, margin, low, high in rows:
        stage_label = m.label("stage", stage or "none")
        kind_label = m.label("touchpoint", kind or "none")
        interval = Interval(
            f"{stage_label} · {kind_label}",
            mean,
            margin,
            n,
            mean is not None and n >= minimum,
            float(low),
            float(high),
        )
        # The axis breaks a touchpoint's words over lines: the categories sit close.
        tick = kind_label.replace(" ", "<br>")
        curves.setdefault(survey, []).append((stage_label, tick, interval))
    return charts_.emotional_curve(m, {survey: cells for survey, cells in curves.items() if cells})


def _omnichannel(connection, m: Messages, measures_: dict[str, Measure], minimum: int):
    """Each survey's headline figure in omnichannel against single-channel journeys:
    the answers' counts summed per group, with the measures' SQL."""
    groups = {}
    for survey, measure in measures_.items():
        points = figures(
            connection,
            replace(measure, mart=ANSWERS),
            ("is_omnichannel",),
            f"where survey_type = '{survey}' and is_omnichannel is not null",
        )
        groups[survey] = [
            _interval(
                m(f"chart.omnichannel.{'omnichannel' if point.key[0] else 'single'}"),
                point.figure,
                measure,
                minimum,
            )
            for point in sorted(points, key=lambda point: not point.key[0])
        ]
    return charts_.omnichannel(m, groups, {"nps": 1, "csat": 1, "ces": 2})


def _drivers(connection, m: Messages, minimum: int) -> charts_.Chart:
    """mart_nps_drivers' own differences and margins; a driver with fewer than
    ``minimum`` answers on either side is shown as too few answers."""
    rows = connection.execute(
        "select driver, responses_with, responses_without, nps_difference, "
        "nps_difference_margin_of_error, is_significant from mart_nps_drivers "
        "order by impact_rank"
    ).fetchall()
    drawn = []
    for driver, with_, without, difference, margin, significant in rows:
        interval = Interval(
            m("chart.nps_drivers.with", driver=m.label("driver", driver), n=m.number(with_, 0)),
            difference,
            margin,
            min(with_, without),
            difference is not None and min(with_, without) >= minimum,
            -200.0,
            200.0,
        )
        drawn.append((interval, bool(significant)))
    return charts_.drivers(m, drawn)


# Does CX pay? The two comparison marts, over the whole period (month null): each
# group against its reference (the survey's best class; the customers without the
# experience), in the repurchase share within 90 days.
OUTCOME_CHARTS = (
    ("cx_outcomes", "mart_cx_outcomes", "survey_type", "score_class"),
    ("experience_outcomes", "mart_experience_outcomes", "experience", "experience_group"),
)


def _outcomes(connection, m: Messages, minimum: int) -> list[charts_.Chart]:
    """The marts' own differences and margins; a group or reference with fewer than
    ``minimum`` customers whose 90-day window is complete shows as too few answers."""
    drawn_charts = []
    for key, mart, topic, group in OUTCOME_CHARTS:
        rows = connection.execute(
            f"""
            select g.{topic}, g.{group}, g.customers_90d, r.customers_90d,
                g.repurchase_share_90d_difference,
                g.repurchase_share_90d_difference_margin_of_error,
                g.is_repurchase_share_90d_difference_significant
            from {mart} as g
            inner join {mart} as r
                on r.{topic} = g.{topic} and r.month is null and r.is_reference_group
            where g.month is null and not g.is_reference_group
            order by g.{topic}, g.{group}
            """
        ).fetchall()
        drawn = []
        for topic_code, group_code, n, reference_n, difference, margin, significant in rows:
            label = m(
                f"chart.{key}.group",
                topic=m.label("survey" if key == "cx_outcomes" else "driver", topic_code),
                group=m.label("score_class", group_code),
                n=m.number(n, 0),
            )
            fewest = min(n, reference_n)
            shown = difference is not None and fewest >= minimum
            interval = Interval(label, difference, margin, fewest, shown, -100.0, 100.0)
            drawn.append((interval, bool(significant)))
        drawn_charts.append(charts_.drivers(m, drawn, key=key))
    return drawn_charts


def _response_rates(connection, m: Messages, minimum: int) -> charts_.Chart:
    rows = connection.execute(
        "select survey_type, month, sum(responses), sum(invitations) "
        "from mart_response_rates group by all order by month"
    ).fetchall()
    series: dict[str, list] = {survey: [] for survey in SURVEYS}
    for survey, month, responses, invitations in rows:
        series.setdefault(survey, []).append((m.short_month(month), responses, invitations))
    return charts_.response_rates(
        m, {survey: points for survey, points in series.items() if points}, minimum
    )


def _quarantine(connection, m: Messages) -> charts_.Chart:
    rows = connection.execute(
        "select rule, source_system || '.' || entity, count(*) "
        "from quality_quarantine group by all order by 2, 1"
    ).fetchall()
    return charts_.quarantine(m, [(m.label("rule", rule), entity, n) for rule, entity, n in rows])


# --------------------------------------------------------------------------- what changed


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    detail: str
    changes: tuple[tuple[str, bool | None], ...]


def _value(m: Messages, survey: str, value: float) -> str:
    return m.number(value, 2 if survey == "ces" else 1) + (" %" if survey == "csat" else "")


def _change_text(
    m: Messages, survey: str, versus: str, comparison: Comparison, minimum: int
) -> str:
    if not comparison.figure.shown(minimum) or comparison.change is None:
        return m("kpi.no_comparison", month=m.month(comparison.month))
    verdict = m("kpi.significant" if comparison.is_significant else "kpi.not_significant")
    change = m.signed(comparison.change, 2 if survey == "ces" else 1)
    return f"{m(versus, change=change, month=m.month(comparison.month))} · {verdict}"


def _tiles(m: Messages, overall: dict[str, list[Point]], month: date, minimum: int) -> list[Tile]:
    """This month's NPS, CSAT and CES, each against the previous month and the same
    month a year before where the data has them."""
    tiles = []
    for survey, points in overall.items():
        label = f"{m(f'survey.{survey}')} · {m.month(month)}"
        point = next((point for point in points if point.month == month), None)
        if point is None:
            tiles.append(Tile(label, NO_VALUE, m("kpi.no_answers"), ()))
            continue
        figure = point.figure
        answers = m("kpi.answers", n=m.number(figure.n, 0))
        if not figure.shown(minimum):
            tiles.append(Tile(label, m("kpi.too_few"), answers, ()))
            continue
        margin = m.number(figure.margin or 0.0, 2 if survey == "ces" else 1)
        changes = tuple(
            (_change_text(m, survey, versus, comparison, minimum), comparison.is_significant)
            for versus, comparison in (
                ("kpi.versus_previous", point.previous),
                ("kpi.versus_year", point.year_before),
            )
            if comparison is not None
        )
        tiles.append(Tile(label, f"{_value(m, survey, figure.value)} ± {margin}", answers, changes))
    return tiles


def _survey_sentences(m: Messages, survey: str, point: Point | None, month: date, minimum: int):
    name = m(f"survey.{survey}")
    if point is None or not point.figure.shown(minimum):
        return [m("summary.too_few", survey=name, month=m.month(month))]
    value = _value(m, survey, point.figure.value)
    previous = point.previous
    earlier = months_before(month, 1)
    if previous is None or not previous.figure.shown(minimum):
        sentences = [
            m(
                "summary.no_previous",
                survey=name,
                value=value,
                month=m.month(month),
                previous=m.month(earlier),
            )
        ]
    else:
        key = "summary.held"
        if previous.is_significant:
            key = "summary.rose" if previous.change > 0 else "summary.fell"
        sentences = [
            m(
                key,
                survey=name,
                value=value,
                month=m.month(month),
                change=m.signed(previous.change, 2 if survey == "ces" else 1),
                previous=m.month(earlier),
                previous_value=_value(m, survey, previous.figure.value),
            )
        ]
    year = point.year_before
    if year is not None and year.figure.shown(minimum):
        sentences.append(
            m(
                "summary.year",
                month=m.month(year.month),
                value=_value(m, survey, year.figure.value),
                change=m.signed(year.change, 2 if survey == "ces" else 1),
                significance=m("kpi.significant" if year.is_significant else "kpi.not_significant"),
            )
        )
    return sentences


def _summary(connection, m, measures_, overall, month: date, minimum: int) -> list[str]:
    """A few plain sentences: what changed this month, the touchpoint that moved most,
    the driver that costs most, and how many answers wait for a call back."""
    sentences = []
    for survey, points in overall.items():
        point = next((point for point in points if point.month == month), None)
        sentences.extend(_survey_sentences(m, survey, point, month, minimum))
    moved = [
        point
        for point in monthly(connection, measures_["nps"], ("trigger_type",))
        if point.month == month
        and point.figure.shown(minimum)
        and point.previous is not None
        and point.previous.figure.shown(minimum)
    ]
    if moved:
        top = max(moved, key=lambda point: abs(point.previous.change))
        sentences.append(
            m(
                "summary.touchpoint",
                touchpoint=m.label("trigger", top.key[0]),
                change=m.signed(top.previous.change),
                previous=m.month(top.previous.month),
                n=m.number(top.figure.n, 0),
            )
        )
    else:
        sentences.append(m("summary.no_touchpoint"))
    sentences.append(_driver_moved(connection, m, measures_["nps"], month, minimum))
    driver = connection.execute(
        "select driver, nps_difference, responses_with from mart_nps_drivers "
        "where is_significant and nps_difference < 0 order by impact_rank limit 1"
    ).fetchall()
    if driver:
        code, difference, with_ = driver[0]
        sentences.append(
            m(
                "summary.driver",
                driver=m.label("driver", code),
                difference=m.signed(difference),
                n=m.number(with_, 0),
            )
        )
    else:
        sentences.append(m("summary.no_driver"))
    # A sentence may open with a month, which Polish and Czech write in lower case.
    return [sentence[:1].upper() + sentence[1:] for sentence in sentences]


def _drivers_held(connection) -> list[str]:
    """mart_nps_drivers' drivers, each a flag has_<driver> of fct_survey_responses."""
    rows = connection.execute("select distinct driver from mart_nps_drivers order by 1")
    return [driver for (driver,) in rows.fetchall() if driver.isidentifier()]


def _driver_moved(connection, m: Messages, nps_: Measure, month: date, minimum: int) -> str:
    """The driver whose answers' NPS changed most against the previous month."""
    moved = []
    for driver in _drivers_held(connection):
        where = f"where survey_type = 'nps' and has_{driver}"
        for point in monthly(connection, replace(nps_, mart=ANSWERS), where=where):
            if (
                point.month == month
                and point.figure.shown(minimum)
                and point.previous is not None
                and point.previous.figure.shown(minimum)
            ):
                moved.append((driver, point))
    if not moved:
        return m("summary.no_driver_moved")
    driver, top = max(moved, key=lambda item: abs(item[1].previous.change))
    return m(
        "summary.driver_moved",
        driver=m.label("driver", driver),
        change=m.signed(top.previous.change),
        n=m.number(top.figure.n, 0),
    )


# --------------------------------------------------------------------------- tables

FOLLOWUP_COLUMNS = (
    "customer",
    "answered",
    "survey",
    "score",
    "callback",
    "reason",
    "touchpoint",
    "segment",
    "revenue",
    "comment",
    "contacted",
    "next_score",
)
IN_STORE = ("receipt_qr", "walk_up")


def _followups(connection, m: Messages) -> list[list[str]]:
    """Whom to call back: the customer, the channel to reach them on (the one their
    answer came through) and the reason (the journey's drivers, else the comment's
    topics), newest first."""
    drivers = _drivers_held(connection)
    flags = "".join(f", responses.has_{driver}" for driver in drivers)
    rows = connection.execute(
        "select followups.customer_id, followups.submitted_date, followups.survey_type, "
        "followups.score, responses.invitation_channel, followups.store_id, "
        "followups.trigger_type, followups.channel, followups.customer_segment, "
        "followups.customer_net_revenue_pln, followups.comment, "
        "followups.has_followup_within_48h, followups.next_score, followups.topics"
        f"{flags} from mart_detractor_followups as followups "
        "left join fct_survey_responses as responses "
        "on followups.response_id = responses.response_id "
        "order by followups.submitted_at desc, followups.response_id"
    ).fetchall()
    table = []
    for row in rows:
        (customer, answered, survey, score, invited, store, trigger, channel, segment) = row[:9]
        revenue, comment, contacted, next_score, topics = row[9:14]
        held = [
            m.label("driver", driver)
            for driver, flag in zip(drivers, row[14:], strict=True)
            if flag
        ]
        mentioned = [
            m.label("topic", topic.strip()) for topic in (topics or "").split(",") if topic.strip()
        ]
        callback = m.label("callback", invited) if invited else ""
        if invited in IN_STORE and store:
            callback = m("page.store", store=store)
        table.append(
            [
                customer or m("followups.unknown_customer"),
                m.date(answered),
                m(f"survey.{survey}"),
                str(score),
                callback,
                "; ".join(held + mentioned) or m("followups.no_reason"),
                f"{m.label('trigger', trigger)} · {m.label('channel', channel)}",
                m.label("segment", segment) if segment else "",
                "" if revenue is None else m.number(float(revenue), 0),
                comment or "",
                m("value.yes" if contacted else "value.no"),
                "" if next_score is None else str(next_score),
            ]
        )
    return table


def _reconciliation(connection, m: Messages) -> tuple[list[str], list[list[str]]]:
    columns = (
        "landed_rows",
        "modelled_rows",
        "deduplicated_rows",
        "excluded_rows",
        "quarantined_rows",
    )
    rows = connection.execute(
        f"select source_system || '.' || entity, {', '.join(columns)}, is_balanced "
        "from quality_reconciliation order by 1"
    ).fetchall()
    header = [m(f"reconciliation.{name}") for name in ("entity", *columns, "is_balanced")]
    body = [
        [
            row[0],
            *(m.number(value, 0) for value in row[1:-1]),
            m(f"value.{'yes' if row[-1] else 'no'}"),
        ]
        for row in rows
    ]
    return header, body


def read_validation_result(warehouse: Path) -> dict[str, Any] | None:
    """The last ``cxw validate`` / ``cxw run`` result beside the Data Docs, if any."""
    path = default_docs_dir(warehouse) / VALIDATION_RESULT_NAME
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("ignoring %s: %s", path, error)
        return None
    # A result written before expectations could warn has no warnings.
    for key, default in (("strict", False), ("warned", 0), ("warnings", [])):
        result.setdefault(key, default)
    return result


# --------------------------------------------------------------------------- page


def render_report(warehouse: Path, output: Path, lang: str = "en") -> dict[str, Any]:
    """Everything the template needs, read from ``warehouse``, in ``lang``."""
    m = Messages(lang)
    minimum = min_answers()
    connection = _connect(warehouse)
    try:
        measures_ = measures(connection)
        monthly_charts, overall, slices = _monthly_charts(connection, m, measures_, minimum)
        month = max((p.month for points in overall.values() for p in points), default=None)
        last_day, first_followup, last_followup, uncontacted = connection.execute(
            "select (select max(submitted_date) from fct_survey_responses), "
            "min(submitted_date), max(submitted_date), "
            "count(*) filter (where not has_followup_within_48h) from mart_detractor_followups"
        ).fetchall()[0]
        followups = _followups(connection, m)
        summary = []
        if month is not None:
            summary = _summary(connection, m, measures_, overall, month, minimum)
        if followups:
            summary.append(
                m(
                    "summary.followups",
                    count=m.number(len(followups), 0),
                    first=m.date(first_followup),
                    last=m.date(last_followup),
                    uncontacted=m.number(uncontacted, 0),
                )
            )
        sections = {
            "changes": monthly_charts,
            "journey": [
                *_journey_charts(connection, m),
                _emotional_curve(connection, m, minimum),
                _omnichannel(connection, m, measures_, minimum),
                _nps_by_channel_and_trigger(connection, m, measures_["nps"], minimum),
                _drivers(connection, m, minimum),
                _response_rates(connection, m, minimum),
            ],
            "cx_pays": _outcomes(connection, m, minimum),
        }
        quality_charts = [_quarantine(connection, m)]
        reconciliation = _reconciliation(connection, m)
    finally:
        connection.close()
    docs_index = default_docs_dir(warehouse) / "index.html"
    validation = read_validation_result(warehouse)
    validated_at, landed_days = NO_VALUE, None
    if validation:
        validated_at = m.moment(datetime.fromisoformat(validation["validated_at"]))
        first, last = (validation.get("landed_days") or [None, None])[:2]
        if first and last:
            landed_days = (m.date(date.fromisoformat(first)), m.date(date.fromisoformat(last)))
    return {
        "lang": lang,
        "t": m,
        "last_day": m.date(last_day) if last_day else NO_VALUE,
        "generated_at": m.moment(datetime.now(UTC)),
        "minimum": minimum,
        "month": m.month(month) if month else NO_VALUE,
        "summary": summary,
        "tiles": _tiles(m, overall, month, minimum) if month else [],
        "slices": slices,
        "sections": sections,
        "quality_charts": quality_charts,
        "followup_header": [m(f"followups.{name}") for name in FOLLOWUP_COLUMNS],
        "followups": followups,
        "followup_period": (
            m.date(first_followup) if first_followup else NO_VALUE,
            m.date(last_followup) if last_followup else NO_VALUE,
        ),
        "reconciliation_header": reconciliation[0],
        "reconciliation": reconciliation[1],
        "validation": validation,
        "validated_at": validated_at,
        "landed_days": landed_days,
        "docs_link": os.path.relpath(docs_index, output.parent) if docs_index.exists() else None,
    }


def _html(context: dict[str, Any]) -> str:
    import jinja2
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )

    plotly_words = context["t"].group("plotly")

    def embed(chart: charts_.Chart) -> dict[str, Any]:
        return {
            "key": chart.key,
            "title": chart.title,
            "note": chart.note,
            # Markup: plotly's own div and script, not user text.
            "html": jinja2.utils.markupsafe.Markup(
                pio.to_html(
                    chart.figure,
                    full_html=False,
                    include_plotlyjs=False,
                    div_id=f"chart-{chart.key}",
                    config={
                        "displaylogo": False,
                        "responsive": True,
                        # The page stays offline: no button sends a chart to plotly's cloud.
                        "modeBarButtonsToRemove": ["sendChartToCloud"],
                        # plotly's toolbar and notices in the page's language.
                        "locale": context["lang"],
                        "locales": {context["lang"]: {"dictionary": plotly_words}},
                    },
                )
            ),
        }

    return environment.get_template(TEMPLATE).render(
        **{
            **context,
            "sections": {
                name: [embed(chart) for chart in charts]
                for name, charts in context["sections"].items()
            },
            "quality_charts": [embed(chart) for chart in context["quality_charts"]],
        },
        plotly_js=jinja2.utils.markupsafe.Markup(get_plotlyjs()),
    )


def default_report_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/cx_report.html``."""
    return warehouse.parent / REPORT_NAME


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium (the charts drawn first)."""
    if not CHROMIUM.is_file():
        raise ReportError(f"--pdf needs Chromium at {CHROMIUM} (apt-get install chromium)")
    partial = pdf.with_name(pdf.name + ".partial")
    command = [
        str(CHROMIUM),
        *CHROMIUM_ARGS,
        "--no-pdf-header-footer",
        "--virtual-time-budget=30000",
        f"--print-to-pdf={partial}",
        html.as_uri(),
    ]
    try:
        subprocess.run(command, capture_output=True, check=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        partial.unlink(missing_ok=True)
        raise ReportError(f"Chromium could not print {html}: {error}") from None
    if not partial.is_file() or partial.stat().st_size == 0:
        raise ReportError(f"Chromium wrote no PDF for {html}")
    os.replace(partial, pdf)
    return pdf


def build_report(warehouse: Path, output: Path | None = None, lang: str = "en") -> Path:
    """Write the report for ``warehouse`` to ``output`` (default beside the warehouse),
    in ``lang``.

    The file is written under a temporary name and moved into place, so a browser
    never reads half a report. Raises :class:`ReportError` with a one-line reason.
    """
    output = output or default_report_path(warehouse)
    log.debug("writing the CX report for %s to %s in %s", warehouse, output, lang)
    html = _html(render_report(warehouse, output, lang))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, output)
    return output
