"""The CX report: one self-contained HTML page drawn from the published warehouse.

``build_report(warehouse, output)`` opens the DuckDB file read-only, reads the CX and
quality marts, draws plotly charts and writes a single HTML file with plotly.js
inlined (about 5 MB), so it opens offline in any browser. Ratios are recomputed from
the marts' additive counts at the grain shown (a month over every trigger, channel and
country), with the formulas of ``macros/survey_statistics.sql``; margins of error are
95 %. The last validation result is read from ``last_validation.json``, which
``cxw validate`` and ``cxw run`` write beside the Data Docs.
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cx_warehouse import layers
from cx_warehouse.validate import VALIDATION_RESULT_NAME, default_docs_dir

log = logging.getLogger(__name__)

REPORT_NAME = "cx_report.html"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "report.html.j2"

# Every table the report reads; a warehouse without one of them is refused.
REQUIRED_TABLES = (
    "mart_nps",
    "mart_csat",
    "mart_ces",
    "mart_response_rates",
    "mart_touchpoint_scores",
    "mart_nps_drivers",
    "mart_detractor_followups",
    "mart_journey_funnel",
    "quality_quarantine",
    "quality_reconciliation",
)
FUNNEL_STAGES = ("awareness", "consideration", "purchase", "service", "loyalty")
SURVEY_SCALES = {"nps": "0-10", "csat": "1-5", "ces": "1-7 (7 = very easy)"}
FOLLOWUP_COLUMNS = (
    ("submitted_date", "answered"),
    ("survey_type", "survey"),
    ("score", "score"),
    ("trigger_type", "trigger"),
    ("channel", "channel"),
    ("customer_segment", "segment"),
    ("customer_net_revenue_pln", "net revenue (PLN)"),
    ("topics", "topics"),
    ("comment", "comment"),
    ("has_followup_within_48h", "follow-up ≤ 48 h"),
    ("next_score", "next score"),
)
Z_95 = 1.96


class ReportError(Exception):
    """The report cannot be made from this warehouse: a one-line reason."""


# --------------------------------------------------------------------------- statistics
# The same formulas as macros/survey_statistics.sql, applied to counts summed in Python.


def nps(promoters: float, detractors: float, responses: float) -> float | None:
    """100 x (promoters - detractors) / responses."""
    return 100.0 * (promoters - detractors) / responses if responses else None


def nps_margin(promoters: float, detractors: float, responses: float) -> float | None:
    """1.96 x 100 x sqrt((p + d - (p - d)^2) / n), p and d the shares."""
    if not responses:
        return None
    p, d = promoters / responses, detractors / responses
    return Z_95 * 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / responses)


def share_margin(successes: float, responses: float) -> float | None:
    """A share's margin in points: 1.96 x 100 x sqrt(p (1 - p) / n)."""
    if not responses:
        return None
    p = successes / responses
    return Z_95 * 100.0 * math.sqrt(p * (1 - p) / responses)


def mean_margin(score_sum: float, score_sq_sum: float, responses: float) -> float | None:
    """1.96 x s / sqrt(n), s^2 the sample variance (n - 1) from the sums; n >= 2."""
    n = responses
    if n < 2:
        return None
    spread = n * score_sq_sum - score_sum * score_sum
    return Z_95 * math.sqrt(max(spread, 0.0) / (n * n * (n - 1)))


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


def _frame(connection, query: str):
    return connection.execute(query).df()


def _monthly_scores(connection):
    """NPS, CSAT and CES per month over every trigger, channel and country."""
    nps_rows = _frame(
        connection,
        "select month, sum(responses) as n, sum(promoters) as p, sum(detractors) as d "
        "from mart_nps group by month order by month",
    )
    csat_rows = _frame(
        connection,
        "select month, sum(responses) as n, sum(satisfied_responses) as s "
        "from mart_csat group by month order by month",
    )
    ces_rows = _frame(
        connection,
        "select month, sum(responses) as n, sum(score_sum) as x, sum(score_sq_sum) as x2 "
        "from mart_ces group by month order by month",
    )
    series = {
        "nps": [
            (r.month, nps(r.p, r.d, r.n), nps_margin(r.p, r.d, r.n), int(r.n))
            for r in nps_rows.itertuples()
        ],
        "csat": [
            (r.month, 100.0 * r.s / r.n, share_margin(r.s, r.n), int(r.n))
            for r in csat_rows.itertuples()
        ],
        "ces": [
            (r.month, r.x / r.n, mean_margin(r.x, r.x2, r.n), int(r.n))
            for r in ces_rows.itertuples()
        ],
    }
    return series


def _nps_by(connection, dimension: str):
    rows = _frame(
        connection,
        f"select {dimension} as label, sum(responses) as n, sum(promoters) as p, "
        f"sum(detractors) as d from mart_nps group by 1 order by 1",
    )
    return [
        (r.label, nps(r.p, r.d, r.n), nps_margin(r.p, r.d, r.n), int(r.n))
        for r in rows.itertuples()
    ]


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class Chart:
    """One plotly figure on the page; ``note`` says how to read it."""

    key: str
    title: str
    figure: Any
    note: str = ""


def _layout(figure, height: int = 360, **extra) -> None:
    """The page's common layout; the section heading above a chart is its title."""
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.18},
        **extra,
    )


def _band_chart(key: str, title: str, points, y_title: str, colour: str, note: str) -> Chart:
    """A line over months with its 95 % margin of error as a shaded band."""
    import plotly.graph_objects as go

    months = [point[0] for point in points]
    values = [point[1] for point in points]
    margins = [point[2] or 0.0 for point in points]
    counts = [point[3] for point in points]
    upper = [v + m for v, m in zip(values, margins, strict=True)]
    lower = [v - m for v, m in zip(values, margins, strict=True)]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=months + months[::-1],
            y=upper + lower[::-1],
            fill="toself",
            mode="lines",
            fillcolor=colour,
            opacity=0.2,
            line={"width": 0},
            hoverinfo="skip",
            name="95 % margin of error",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=values,
            mode="lines+markers",
            line={"color": colour},
            customdata=list(zip(margins, counts, strict=True)),
            hovertemplate="%{x|%b %Y}: %{y:.1f} ± %{customdata[0]:.1f} "
            "(n = %{customdata[1]})<extra></extra>",
            name=y_title,
        )
    )
    _layout(figure, yaxis_title=y_title, xaxis={"dtick": "M1", "tickformat": "%b %Y"})
    return Chart(key, title, figure, note)


def _nps_by_channel_and_trigger(connection) -> Chart:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("by channel", "by trigger"), shared_yaxes=True
    )
    for column, dimension in enumerate(("channel", "trigger_type"), start=1):
        rows = [row for row in _nps_by(connection, dimension) if row[1] is not None]
        figure.add_trace(
            go.Bar(
                x=[row[0] for row in rows],
                y=[row[1] for row in rows],
                error_y={"type": "data", "array": [row[2] for row in rows]},
                customdata=[row[3] for row in rows],
                hovertemplate="%{x}: NPS %{y:.1f} (n = %{customdata})<extra></extra>",
                marker_color="#4c78a8" if column == 1 else "#f58518",
                name=dimension.replace("_", " "),
            ),
            row=1,
            col=column,
        )
    _layout(figure, yaxis_title="NPS")
    return Chart(
        "nps_by_channel_trigger",
        "NPS by channel and trigger",
        figure,
        "Whole period; error bars are 95 % margins of error. Channel is that of the "
        "touchpoint that triggered the survey (none: relationship surveys).",
    )


def _funnel(connection) -> Chart:
    import plotly.graph_objects as go

    sums = ", ".join(f"sum(reached_{stage})" for stage in FUNNEL_STAGES)
    row = connection.execute(
        f"select sum(journeys), {sums}, sum(converted_journeys) from mart_journey_funnel"
    ).fetchone()
    journeys, reached, converted = row[0] or 0, row[1:-1], row[-1] or 0
    figure = go.Figure(
        go.Funnel(
            y=["journeys", *FUNNEL_STAGES],
            x=[int(journeys), *(int(count or 0) for count in reached)],
            texttemplate="%{value:,}<br>%{percentInitial:.0%} of journeys",
            marker={"color": "#54a24b"},
        )
    )
    _layout(figure, showlegend=False)
    rate = f"{100.0 * converted / journeys:.1f} %" if journeys else "-"
    return Chart(
        "journey_funnel",
        "Journey funnel",
        figure,
        f"Journeys reaching each stage, all months; {int(converted):,} converted ({rate}). "
        "A journey may open at any stage (a product view is consideration), so a later "
        "stage can hold more journeys than an earlier one.",
    )


def _emotional_curve(connection) -> Chart:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = _frame(
        connection,
        "select survey_type, preceding_stage_order, preceding_journey_stage, "
        "preceding_touchpoint_type, responses, mean_score, mean_score_margin_of_error "
        "from mart_touchpoint_scores "
        "order by survey_type, preceding_stage_order, preceding_touchpoint_type",
    )
    types = [t for t in SURVEY_SCALES if t in set(rows["survey_type"])]
    figure = make_subplots(
        rows=max(len(types), 1),
        cols=1,
        shared_xaxes=False,
        subplot_titles=[f"{t.upper()} mean score ({SURVEY_SCALES[t]})" for t in types],
        vertical_spacing=0.16,
    )
    for number, survey_type in enumerate(types, start=1):
        part = rows[rows["survey_type"] == survey_type]
        figure.add_trace(
            go.Scatter(
                x=[
                    list(part["preceding_journey_stage"].fillna("none")),
                    [
                        kind.replace("_", "<br>")
                        for kind in part["preceding_touchpoint_type"].fillna("none")
                    ],
                ],
                y=list(part["mean_score"]),
                error_y={
                    "type": "data",
                    "array": list(part["mean_score_margin_of_error"].fillna(0.0)),
                },
                customdata=list(part["responses"]),
                mode="lines+markers",
                hovertemplate="%{x}: %{y:.2f} (n = %{customdata})<extra></extra>",
                name=survey_type.upper(),
            ),
            row=number,
            col=1,
        )
    figure.update_xaxes(tickangle=0, tickfont={"size": 10})
    _layout(figure, height=330 * max(len(types), 1))
    return Chart(
        "emotional_curve",
        "Emotional curve",
        figure,
        "Mean score of the answers whose journey's last touchpoint before the answer "
        "was of this stage and type, in journey order; error bars are 95 % margins.",
    )


def _drivers(connection) -> Chart:
    import plotly.graph_objects as go

    rows = _frame(
        connection,
        "select driver_description, driver, responses_with, responses_without, "
        "nps_difference, nps_difference_margin_of_error, is_significant "
        "from mart_nps_drivers where nps_difference is not null order by impact_rank desc",
    )
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[
                f"{driver} ({count:,} with)"
                for driver, count in zip(rows["driver"], rows["responses_with"], strict=True)
            ],
            x=list(rows["nps_difference"]),
            error_x={"type": "data", "array": list(rows["nps_difference_margin_of_error"])},
            marker_color=["#e45756" if flag else "#bab0ac" for flag in rows["is_significant"]],
            customdata=list(zip(rows["driver_description"], rows["responses_with"], strict=True)),
            hovertemplate="%{customdata[0]}<br>NPS difference %{x:.1f} "
            "(n with = %{customdata[1]})<extra></extra>",
        )
    )
    _layout(
        figure,
        height=max(260, 60 * len(rows) + 120),
        xaxis_title="NPS difference (points)",
        showlegend=False,
    )
    return Chart(
        "nps_drivers",
        "NPS drivers",
        figure,
        "NPS of the answers whose journey had the driver minus NPS of those without it. "
        "Ranked by impact (top = largest); red: significant at 95 % with at least 30 "
        "answers on each side; error bars are the difference's 95 % margin. A driver "
        "no NPS answer's journey held is left out.",
    )


def _response_rates(connection) -> Chart:
    import plotly.graph_objects as go

    rows = _frame(
        connection,
        "select month, survey_type, sum(invitations) as invitations, "
        "sum(responses) as responses from mart_response_rates "
        "group by all order by survey_type, month",
    )
    figure = go.Figure()
    for survey_type, part in rows.groupby("survey_type", sort=True):
        rates = [
            100.0 * r / i if i else None
            for r, i in zip(part["responses"], part["invitations"], strict=True)
        ]
        figure.add_trace(
            go.Scatter(
                x=list(part["month"]),
                y=rates,
                mode="lines+markers",
                customdata=list(zip(part["responses"], part["invitations"], strict=True)),
                hovertemplate="%{x|%b %Y}: %{y:.1f} % (%{customdata[0]} of "
                "%{customdata[1]})<extra></extra>",
                name=str(survey_type).upper(),
            )
        )
    _layout(
        figure,
        yaxis_title="responses / invitations (%)",
        xaxis={"dtick": "M1", "tickformat": "%b %Y"},
    )
    return Chart(
        "response_rates",
        "Response rates",
        figure,
        "Cohort rates: an answer counts towards its invitation's month, so the last "
        "month rises while late answers come in. Walk-up answers have no invitation.",
    )


def _quarantine(connection) -> Chart:
    import plotly.graph_objects as go

    rows = _frame(
        connection,
        "select rule, source_system || '.' || entity as entity, count(*) as records "
        "from quality_quarantine group by all order by entity, rule",
    )
    figure = go.Figure()
    for entity, part in rows.groupby("entity", sort=True):
        figure.add_trace(go.Bar(x=list(part["rule"]), y=list(part["records"]), name=str(entity)))
    _layout(
        figure,
        barmode="stack",
        yaxis_title="records",
    )
    return Chart(
        "quarantine",
        "Quarantine",
        figure,
        "Landed records kept out of the models, by the rule that rejected them "
        "(quality_quarantine).",
    )


# --------------------------------------------------------------------------- page


def _kpis(series) -> list[dict[str, str]]:
    """The latest month's NPS, CSAT and CES with their margins and answers."""
    cards = []
    labels = {"nps": ("NPS", "{:.1f}"), "csat": ("CSAT", "{:.1f} %"), "ces": ("CES", "{:.2f}")}
    for key, (label, form) in labels.items():
        points = series[key]
        if not points:
            cards.append({"label": label, "value": "-", "detail": "no answers"})
            continue
        last = points[-1]
        margin = "" if last[2] is None else f" ± {form.format(last[2]).replace(' %', '')}"
        cards.append(
            {
                "label": f"{label}, {last[0]:%B %Y}",
                "value": form.format(last[1]) + margin,
                "detail": f"n = {last[3]:,}",
            }
        )
    return cards


def _records(connection, query: str) -> tuple[list[str], list[list[str]]]:
    cursor = connection.execute(query)
    names = [column[0] for column in cursor.description]
    rows = [[_cell(value) for value in row] for row in cursor.fetchall()]
    return names, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


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


def _charts(connection) -> list[Chart]:
    series = _monthly_scores(connection)
    return [
        _band_chart(
            "nps_by_month",
            "NPS by month",
            series["nps"],
            "NPS",
            "#4c78a8",
            "100 x (promoters - detractors) / responses, from the counts summed over "
            "every trigger, channel and country; band: 95 % margin of error.",
        ),
        _band_chart(
            "csat_by_month",
            "CSAT by month",
            series["csat"],
            "CSAT (% satisfied, 4-5)",
            "#f58518",
            "Share of CSAT answers scoring 4 or 5; band: 95 % margin of error.",
        ),
        _band_chart(
            "ces_by_month",
            "CES by month",
            series["ces"],
            "CES mean (1-7, 7 = very easy)",
            "#54a24b",
            "Mean CES score; band: 95 % margin of error of the mean.",
        ),
        _nps_by_channel_and_trigger(connection),
        _funnel(connection),
        _emotional_curve(connection),
        _drivers(connection),
        _response_rates(connection),
    ]


def render_report(warehouse: Path, output: Path) -> dict[str, Any]:
    """Everything the template needs, read from ``warehouse``."""
    connection = _connect(warehouse)
    try:
        series = _monthly_scores(connection)
        charts = _charts(connection)
        quality_charts = [_quarantine(connection)]
        followup_names, followups = _records(
            connection,
            "select "
            + ", ".join(column for column, _ in FOLLOWUP_COLUMNS)
            + " from mart_detractor_followups order by submitted_at desc, response_id",
        )
        reconciliation = _records(
            connection,
            "select source_system || '.' || entity as entity, landed_rows, modelled_rows, "
            "deduplicated_rows, excluded_rows, quarantined_rows, is_balanced "
            "from quality_reconciliation order by entity",
        )
    finally:
        connection.close()
    validation = read_validation_result(warehouse)
    docs_index = default_docs_dir(warehouse) / "index.html"
    return {
        "warehouse": str(warehouse),
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "kpis": _kpis(series),
        "charts": charts,
        "quality_charts": quality_charts,
        "followup_header": [dict(FOLLOWUP_COLUMNS)[name] for name in followup_names],
        "followups": followups,
        "reconciliation_header": reconciliation[0],
        "reconciliation": reconciliation[1],
        "validation": validation,
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

    def embed(chart: Chart) -> dict[str, Any]:
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
                    config={"displaylogo": False, "responsive": True},
                )
            ),
        }

    return environment.get_template(TEMPLATE).render(
        **{
            **context,
            "charts": [embed(chart) for chart in context["charts"]],
            "quality_charts": [embed(chart) for chart in context["quality_charts"]],
        },
        plotly_js=jinja2.utils.markupsafe.Markup(get_plotlyjs()),
    )


def default_report_path(warehouse: Path) -> Path:
    """``data/warehouse.duckdb`` -> ``data/cx_report.html``."""
    return warehouse.parent / REPORT_NAME


def build_report(warehouse: Path, output: Path | None = None) -> Path:
    """Write the report for ``warehouse`` to ``output`` (default beside the warehouse).

    The file is written under a temporary name and moved into place, so a browser
    never reads half a report. Raises :class:`ReportError` with a one-line reason.
    """
    output = output or default_report_path(warehouse)
    log.debug("writing the CX report for %s to %s", warehouse, output)
    html = _html(render_report(warehouse, output))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, output)
    return output
