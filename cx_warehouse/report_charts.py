"""The CX report's plotly charts, drawn from figures ``report`` has read.

Every label and hover text comes from the catalogue (``Messages``); a figure from too
few answers is drawn as a "too few answers" marker instead of a point, and every
interval is cut at the ends of its scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cx_warehouse.report_text import NO_VALUE, Messages

# One colour per survey type, on every chart.
SURVEY_COLOURS = {"nps": "#4c78a8", "csat": "#f58518", "ces": "#54a24b"}
SIGNIFICANT = "#e45756"
MUTED = "#bab0ac"
TOO_FEW_MARKER = {"symbol": "circle-open", "size": 9, "color": MUTED}


@dataclass(frozen=True)
class Chart:
    """One plotly figure on the page; ``note`` says how to read it."""

    key: str
    title: str
    figure: Any
    note: str = ""


@dataclass(frozen=True)
class Interval:
    """A value with its margin, cut at [low, high]; ``shown`` False: too few answers."""

    label: str
    value: float | None
    margin: float | None
    n: int
    shown: bool
    low: float
    high: float

    @property
    def below(self) -> float:
        return self.value - max(self.low, self.value - (self.margin or 0.0))

    @property
    def above(self) -> float:
        return min(self.high, self.value + (self.margin or 0.0)) - self.value


def layout(figure, m: Messages, height: int = 360, **extra) -> None:
    """The page's common layout; the section heading above a chart is its title."""
    figure.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 40},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.18},
        separators=m.plotly_separators(),
        **extra,
    )


def _hover(m: Messages, interval: Interval, digits: int) -> str:
    if not interval.shown:
        return m("chart.hover_too_few", label=interval.label, n=m.number(interval.n, 0))
    return m(
        "chart.hover_value",
        label=interval.label,
        value=m.number(interval.value, digits),
        margin=m.number(interval.margin or 0.0, digits),
        n=m.number(interval.n, 0),
    )


def _too_few_trace(m: Messages, xs: list, ys: list, hovers: list, orientation: str = "v"):
    """Markers where a figure has too few answers, labelled as such."""
    import plotly.graph_objects as go

    x, y = (ys, xs) if orientation == "h" else (xs, ys)
    return go.Scatter(
        x=x,
        y=y,
        mode="markers+text",
        marker=TOO_FEW_MARKER,
        text=[m("chart.too_few")] * len(ys),
        # Above and below in turn, so that neighbours' labels do not overlap.
        textposition="middle left"
        if orientation == "h"
        else [("top center", "bottom center")[index % 2] for index in range(len(ys))],
        textfont={"color": "#777", "size": 11},
        customdata=hovers,
        hovertemplate="%{customdata}<extra></extra>",
        name=m("chart.too_few"),
        showlegend=False,
        cliponaxis=False,
    )


def monthly_chart(
    key: str,
    m: Messages,
    slices: Sequence[tuple[str, list[Interval]]],
    survey: str,
    digits: int,
) -> Chart:
    """A line over months with each month's 95 % margin as an error bar, one set of
    traces per slice (only the first visible: the page's slice menu switches them)."""
    import plotly.graph_objects as go

    colour = SURVEY_COLOURS[survey]
    figure = go.Figure()
    for number, (slice_id, points) in enumerate(slices):
        if not points:
            continue
        visible = number == 0
        figure.add_trace(
            go.Scatter(
                x=[point.label for point in points],
                y=[point.value if point.shown else None for point in points],
                error_y=_error_bars(points),
                mode="lines+markers",
                line={"color": colour},
                customdata=[_hover(m, point, digits) for point in points],
                hovertemplate="%{customdata}<extra></extra>",
                name=m(f"scale.{survey}"),
                meta=slice_id,
                visible=visible,
            )
        )
        few = [point for point in points if not point.shown]
        if few:
            values = [point.value for point in points if point.shown]
            level = sum(values) / len(values) if values else (few[0].low + few[0].high) / 2
            trace = _too_few_trace(
                m,
                [point.label for point in few],
                [level] * len(few),
                [_hover(m, point, digits) for point in few],
            )
            trace.update(meta=slice_id, visible=visible)
            figure.add_trace(trace)
    layout(
        figure,
        m,
        yaxis_title=m(f"scale.{survey}"),
        xaxis={"type": "category"},
        showlegend=False,
    )
    return Chart(key, m(f"chart.{key}.title"), figure, m(f"chart.{key}.note"))


def _error_bars(intervals: Sequence[Interval]) -> dict[str, Any]:
    """Asymmetric error bars: each margin cut at the ends of its scale."""
    return {
        "type": "data",
        "symmetric": False,
        "array": [interval.above if interval.shown else None for interval in intervals],
        "arrayminus": [interval.below if interval.shown else None for interval in intervals],
    }


def bars(
    figure, m: Messages, intervals: list[Interval], colour: str, digits: int, **position
) -> None:
    """Vertical bars with clipped error bars; too few answers as a marker at 0."""
    import plotly.graph_objects as go

    shown = [interval for interval in intervals if interval.shown]
    if shown:
        figure.add_trace(
            go.Bar(
                x=[interval.label for interval in shown],
                y=[interval.value for interval in shown],
                error_y=_error_bars(shown),
                customdata=[_hover(m, interval, digits) for interval in shown],
                hovertemplate="%{customdata}<extra></extra>",
                marker_color=colour,
                showlegend=False,
            ),
            **position,
        )
    few = [interval for interval in intervals if not interval.shown]
    if few:
        figure.add_trace(
            _too_few_trace(
                m,
                [interval.label for interval in few],
                [0.0] * len(few),
                [_hover(m, interval, digits) for interval in few],
            ),
            **position,
        )


def nps_by_channel_and_trigger(
    m: Messages, by_channel: list[Interval], by_trigger: list[Interval]
) -> Chart:
    from plotly.subplots import make_subplots

    key = "nps_by_channel_trigger"
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(m(f"chart.{key}.by_channel"), m(f"chart.{key}.by_trigger")),
        shared_yaxes=True,
    )
    for column, intervals in enumerate((by_channel, by_trigger), start=1):
        bars(figure, m, intervals, SURVEY_COLOURS["nps"], 1, row=1, col=column)
    layout(figure, m, yaxis_title=m("scale.nps"))
    return Chart(key, m(f"chart.{key}.title"), figure, m(f"chart.{key}.note"))


def funnel(m: Messages, stages: list[tuple[str, int]], converted: int, journeys: int) -> Chart:
    """Journeys that reached at least each stage: never wider below than above."""
    import plotly.graph_objects as go

    figure = go.Figure(
        go.Funnel(
            y=[m.label("stage", stage) for stage, _ in stages],
            x=[count for _, count in stages],
            text=[
                f"{m.number(count, 0)} · {m.number(100.0 * count / journeys if journeys else 0)} %"
                for _, count in stages
            ],
            textinfo="text",
            hoverinfo="text",
            marker={"color": "#54a24b"},
        )
    )
    layout(figure, m, showlegend=False)
    rate = m.number(100.0 * converted / journeys) if journeys else NO_VALUE
    return Chart(
        "journey_funnel",
        m("chart.journey_funnel.title"),
        figure,
        m("chart.journey_funnel.note", converted=m.number(converted, 0), rate=rate),
    )


def entry_stages(m: Messages, stages: list[tuple[str, int]], journeys: int) -> Chart:
    """Where journeys start: the stage of their first touchpoint."""
    import plotly.graph_objects as go

    shares = [100.0 * count / journeys if journeys else 0.0 for _, count in stages]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[m.label("stage", stage) for stage, _ in stages],
            x=shares,
            text=[
                f"{m.number(count, 0)} · {m.number(share)} %"
                for (_, count), share in zip(stages, shares, strict=True)
            ],
            hoverinfo="text",
            marker_color="#72b7b2",
        )
    )
    layout(figure, m, height=300, showlegend=False, yaxis={"autorange": "reversed"})
    return Chart(
        "journey_entry", m("chart.journey_entry.title"), figure, m("chart.journey_entry.note")
    )


def emotional_curve(m: Messages, curves: dict[str, list[tuple[str, str, Interval]]]) -> Chart:
    """Mean score by the stage and type of the touchpoint before the answer."""
    from plotly.subplots import make_subplots

    types = list(curves)
    figure = make_subplots(
        rows=max(len(types), 1),
        cols=1,
        subplot_titles=[m(f"scale.{survey}_mean") for survey in types],
        vertical_spacing=0.16,
    )
    for number, survey in enumerate(types, start=1):
        _curve(figure, m, survey, curves[survey], number)
    figure.update_xaxes(tickangle=0, tickfont={"size": 10})
    layout(figure, m, height=330 * max(len(types), 1), showlegend=False)
    return Chart(
        "emotional_curve", m("chart.emotional_curve.title"), figure, m("chart.emotional_curve.note")
    )


def _curve(figure, m: Messages, survey: str, cells: list[tuple[str, str, Interval]], row: int):
    import plotly.graph_objects as go

    # Every cell on the line's axis, in journey order; too few answers leave a gap.
    intervals = [interval for _, _, interval in cells]
    figure.add_trace(
        go.Scatter(
            x=[[stage for stage, _, _ in cells], [kind for _, kind, _ in cells]],
            y=[interval.value if interval.shown else None for interval in intervals],
            error_y=_error_bars(intervals),
            customdata=[_hover(m, interval, 2) for interval in intervals],
            hovertemplate="%{customdata}<extra></extra>",
            mode="lines+markers",
            line={"color": SURVEY_COLOURS[survey]},
            name=m(f"survey.{survey}"),
        ),
        row=row,
        col=1,
    )
    few = [cell for cell in cells if not cell[2].shown]
    if few:
        values = [interval.value for interval in intervals if interval.shown]
        level = sum(values) / len(values) if values else (few[0][2].low + few[0][2].high) / 2
        figure.add_trace(
            _too_few_trace(
                m,
                [[stage for stage, _, _ in few], [kind for _, kind, _ in few]],
                [level] * len(few),
                [_hover(m, interval, 2) for _, _, interval in few],
            ),
            row=row,
            col=1,
        )


def omnichannel(m: Messages, groups: dict[str, list[Interval]], digits: dict[str, int]) -> Chart:
    """Each survey's headline figure in omnichannel against single-channel journeys."""
    from plotly.subplots import make_subplots

    types = list(groups)
    figure = make_subplots(
        rows=1, cols=max(len(types), 1), subplot_titles=[m(f"scale.{s}") for s in types]
    )
    for column, survey in enumerate(types, start=1):
        bars(figure, m, groups[survey], SURVEY_COLOURS[survey], digits[survey], row=1, col=column)
    layout(figure, m, height=320)
    return Chart("omnichannel", m("chart.omnichannel.title"), figure, m("chart.omnichannel.note"))


def drivers(m: Messages, rows: list[tuple[Interval, bool]], key: str = "nps_drivers") -> Chart:
    """Differences with their margins as horizontal bars, in the given order (the NPS
    drivers, largest impact on top; the "Does CX pay?" differences); red when
    significant, too few answers as such. ``key`` names the chart and its messages."""
    import plotly.graph_objects as go

    shown = [(interval, significant) for interval, significant in rows if interval.shown]
    figure = go.Figure()
    if shown:
        figure.add_trace(
            go.Bar(
                orientation="h",
                y=[interval.label for interval, _ in shown],
                x=[interval.value for interval, _ in shown],
                error_x=_error_bars([interval for interval, _ in shown]),
                marker_color=[SIGNIFICANT if significant else MUTED for _, significant in shown],
                customdata=[_hover(m, interval, 1) for interval, _ in shown],
                hovertemplate="%{customdata}<extra></extra>",
                showlegend=False,
            )
        )
    few = [interval for interval, _ in rows if not interval.shown]
    if few:
        figure.add_trace(
            _too_few_trace(
                m,
                [interval.label for interval in few],
                [0.0] * len(few),
                [_hover(m, interval, 1) for interval in few],
                orientation="h",
            )
        )
    layout(
        figure,
        m,
        height=max(260, 60 * len(rows) + 120),
        xaxis_title=m(f"chart.{key}.axis"),
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    return Chart(key, m(f"chart.{key}.title"), figure, m(f"chart.{key}.note"))


def response_rates(
    m: Messages, series: dict[str, list[tuple[str, int, int]]], minimum: int
) -> Chart:
    """Answers over invitations by invitation month; a month with too few invitations
    is a marker, not a rate."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for survey, points in series.items():
        enough = [invitations >= minimum for _, _, invitations in points]
        figure.add_trace(
            go.Scatter(
                x=[label for label, _, _ in points],
                y=[
                    100.0 * responses / invitations if ok else None
                    for (_, responses, invitations), ok in zip(points, enough, strict=True)
                ],
                mode="lines+markers",
                line={"color": SURVEY_COLOURS[survey]},
                customdata=[
                    m(
                        "chart.hover_rate",
                        label=label,
                        value=m.number(100.0 * responses / invitations if invitations else 0),
                        responses=m.number(responses, 0),
                        invitations=m.number(invitations, 0),
                    )
                    for label, responses, invitations in points
                ],
                hovertemplate="%{customdata}<extra></extra>",
                name=m(f"survey.{survey}"),
            )
        )
        few = [point for point, ok in zip(points, enough, strict=True) if not ok]
        if few:
            figure.add_trace(
                go.Scatter(
                    x=[label for label, _, _ in few],
                    y=[0.0] * len(few),
                    mode="markers+text",
                    marker={**TOO_FEW_MARKER, "color": SURVEY_COLOURS[survey]},
                    text=[m("chart.too_few_invitations")] * len(few),
                    textposition="top center",
                    textfont={"color": "#777", "size": 11},
                    hoverinfo="text",
                    showlegend=False,
                )
            )
    layout(figure, m, yaxis_title=m("chart.response_rates.axis"), xaxis={"type": "category"})
    return Chart(
        "response_rates", m("chart.response_rates.title"), figure, m("chart.response_rates.note")
    )


def quarantine(m: Messages, rows: list[tuple[str, str, int]]) -> Chart:
    """Quarantined records by rule, stacked by source entity."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for entity in sorted({entity for _, entity, _ in rows}):
        part = [(rule, records) for rule, name, records in rows if name == entity]
        figure.add_trace(
            go.Bar(x=[rule for rule, _ in part], y=[records for _, records in part], name=entity)
        )
    layout(figure, m, barmode="stack", yaxis_title=m("chart.quarantine.axis"))
    return Chart("quarantine", m("chart.quarantine.title"), figure, m("chart.quarantine.note"))
