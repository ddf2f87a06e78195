"""``cxw report``: the CX report as a person sees it, its numbers, and its errors.

The report of the medium build is opened in headless Chromium (Debian's
``chromium``, driven by playwright; ``.ci/run`` installs it when missing): it must
render without a console error and without fetching anything, every chart must hold
data, and a screenshot is written next to the report (the path is printed; pytest
keeps the last runs' temporary folders).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import Build, sha256

from cx_warehouse import layers, report, report_figures, report_text
from cx_warehouse.cli import main
from cx_warehouse.report_charts import Interval
from cx_warehouse.validate import VALIDATION_RESULT_NAME

# Debian's chromium (CXW_CHROMIUM names another), started as the report prints its PDF.
CHROMIUM = report.CHROMIUM
CHROMIUM_ARGS = report.CHROMIUM_ARGS
CHARTS = {
    "nps_by_month",
    "csat_by_month",
    "ces_by_month",
    "journey_funnel",
    "journey_entry",
    "emotional_curve",
    "omnichannel",
    "nps_by_channel_trigger",
    "nps_drivers",
    "response_rates",
    "cx_outcomes",
    "experience_outcomes",
    "quarantine",
}
# For each plotly chart on the page: its traces, how many points each holds, and the
# values with their error bars (x for a horizontal bar chart).
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
    id: gd.id,
    rendered: gd.querySelectorAll('.main-svg').length > 0,
    points: gd.data.map(trace => Math.max(
        ...['x', 'y', 'values'].map(key => trace[key] ? trace[key].length : 0))),
    traces: gd.data.map(trace => ({
        name: trace.name || '',
        axis: trace.yaxis || 'y',
        x: trace.x, y: trace.y, error_x: trace.error_x || null, error_y: trace.error_y || null,
        text: trace.text || null,
    })),
}))"""
# The scale of each chart's values, by its y axis (one per subplot).
SCALES = {
    "nps_by_month": {"y": (-100, 100)},
    "csat_by_month": {"y": (0, 100)},
    "ces_by_month": {"y": (1, 7)},
    "nps_by_channel_trigger": {"y": (-100, 100), "y2": (-100, 100)},
    "omnichannel": {"y": (-100, 100), "y2": (0, 100), "y3": (1, 7)},
    "emotional_curve": {"y": (0, 10), "y2": (1, 5), "y3": (1, 7)},
    "nps_drivers": {"y": (-200, 200)},
}
# Choose the menu's second slice: which slices' traces the monthly charts show then.
SLICE_JS = """() => {
    const menu = document.getElementById('slice');
    menu.value = menu.options[1].value;
    menu.dispatchEvent(new Event('change'));
    return {chosen: menu.value, shown: Array.from(
        document.querySelectorAll('#changes .js-plotly-plot')).flatMap(
            gd => gd.data.filter(trace => trace.visible !== false).map(trace => trace.meta))};
}"""
INJECTED_COMMENT = "<script>window.injected = true</script>"
# Identical in English and in a translation, on purpose: names and codes.
SAME_IN_EVERY_LANGUAGE = {
    "survey.nps",
    "survey.csat",
    "survey.ces",
    "chart.hover_value",
    "chart.hover_count",
    "followups.segment",
    "channel.email",
    "callback.email",
}
SAME_IN = {"cs": {"channel.web"}, "pl": set()}


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert err, "an error line on stderr"
    assert err[-1].startswith("cxw: error: "), err
    return err[-1]


def _copy(build: Build, target: Path) -> Path:
    assert build.result.ok, build.result.reason()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(build.warehouse, target)
    return target


def _open(page_url: str, screenshot: Path | None = None, **evaluate: str) -> dict:
    """Open ``page_url`` in headless Chromium with the network cut off: what it logged,
    what it tried to fetch from outside file://, and each ``evaluate`` script's result."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), f"{CHROMIUM} missing: apt-get install chromium (.ci/run does)"
    seen: dict = {"console": [], "page_errors": [], "remote": [], "failed": []}

    def route(handle) -> None:
        if handle.request.url.startswith("file:"):
            handle.continue_()
        else:
            seen["remote"].append(handle.request.url)
            handle.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", route)
            page.on("console", lambda message: seen["console"].append((message.type, message.text)))
            page.on("pageerror", lambda error: seen["page_errors"].append(str(error)))
            page.on("requestfailed", lambda request: seen["failed"].append(request.url))
            page.goto(page_url, wait_until="load")
            for name, script in evaluate.items():
                seen[name] = page.evaluate(script)
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


def _assert_clean(seen: dict) -> None:
    assert seen["page_errors"] == []
    assert [entry for entry in seen["console"] if entry[0] in ("error", "warning")] == []
    assert seen["remote"] == [] and seen["failed"] == [], "the page loads nothing from outside"


def _within_scales(chart: dict) -> None:
    """No value's error bar leaves its scale."""
    for trace in chart["traces"]:
        horizontal = trace["error_x"] is not None
        bars = trace["error_x"] if horizontal else trace["error_y"]
        if not bars or not bars.get("array"):
            continue
        low, high = SCALES[chart["id"].removeprefix("chart-")][trace["axis"]]
        values = trace["x"] if horizontal else trace["y"]
        above, below = bars["array"], bars.get("arrayminus") or bars["array"]
        for value, up, down in zip(values, above, below, strict=True):
            if value is None:
                continue
            assert low - 1e-9 <= value - down and value + up <= high + 1e-9, (chart["id"], value)


# --------------------------------------------------------------------------- in a browser


@pytest.mark.dbt
def test_report_renders_in_chromium_with_data_in_every_chart(
    medium_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = _copy(medium_build, tmp_path / "data" / "warehouse.duckdb")
    with layers.connect(warehouse, read_only=False) as connection:
        # A comment is customer text: the page must show it, never run it.
        connection.execute(
            "update mart_detractor_followups set comment = ? where response_id = "
            "(select min(response_id) from mart_detractor_followups)",
            [INJECTED_COMMENT],
        )
        # A driver of 3 answers all detractors: -130 points with a margin near 0.
        connection.execute(
            "update mart_nps_drivers set responses_with = 3, nps_difference = -130, "
            "nps_difference_margin_of_error = 5, is_significant = false "
            "where driver = 'repeat_call'"
        )
        # Wide margins on every touchpoint: cut at the scale, never past it.
        connection.execute(
            "update mart_touchpoint_scores set mean_score_margin_of_error = 20, "
            "responses = greatest(responses, 100) where mean_score is not null"
        )
    before = sha256(warehouse)
    output = tmp_path / "report" / "cx_report.html"
    args = ["report", "--warehouse", str(warehouse), "--output", str(output), "--pdf"]
    assert main(args) == 0
    pdf = output.with_suffix(".pdf")
    assert capsys.readouterr().out.strip().splitlines() == [f"report: {output}", f"pdf: {pdf}"]
    assert sha256(warehouse) == before, "the report opens the warehouse read-only"

    screenshot = output.with_name("cx_report.en.png")
    seen = _open(
        output.as_uri(),
        screenshot,
        charts=CHART_DATA_JS,
        injected="() => window.injected === true",
        text="() => document.body.innerText",
        followups="""() => Array.from(document.querySelectorAll('#followups tr')).map(
            row => Array.from(row.children).map(cell => cell.innerText))""",
        sliced=SLICE_JS,
    )
    print(f"report: {output}\nscreenshot: {screenshot}\npdf: {pdf}")

    _assert_clean(seen)
    charts = seen["charts"]
    assert {chart["id"].removeprefix("chart-") for chart in charts} == CHARTS
    for chart in charts:
        assert chart["rendered"], f"{chart['id']} drew nothing"
        assert chart["points"] and min(chart["points"]) > 0, f"{chart['id']}: {chart}"
        _within_scales(chart)
        for trace in chart["traces"]:
            if trace["name"] == "too few answers":
                assert trace["text"] == ["too few answers"] * len(trace["y"]), chart["id"]
    drivers = next(chart for chart in charts if chart["id"] == "chart-nps_drivers")
    too_few = [trace for trace in drivers["traces"] if trace["name"] == "too few answers"]
    drawn = [trace for trace in drivers["traces"] if trace["name"] != "too few answers"]
    assert too_few and any("(3 with)" in label for label in too_few[0]["y"])
    assert not any("(3 with)" in label for trace in drawn for label in trace["y"])
    assert seen["sliced"]["chosen"] != "all" and seen["sliced"]["shown"]
    assert set(seen["sliced"]["shown"]) == {seen["sliced"]["chosen"]}, "the menu slices"
    assert not seen["injected"], "a comment's markup must not run"
    assert INJECTED_COMMENT in seen["text"]
    assert "No validation result beside this warehouse" in seen["text"]
    assert (
        "The driver whose answers' NPS moved most:" in seen["text"]
        or "No driver has enough NPS answers in both months to compare." in seen["text"]
    )

    header, *rows = seen["followups"]
    with layers.connect(warehouse) as connection:
        count = connection.execute("select count(*) from mart_detractor_followups").fetchall()
    assert f"Whom to call back ({count[0][0]})" in seen["text"]
    assert header[:6] == ["customer", "answered", "survey", "score", "call back on", "reason"]
    assert len(rows) == count[0][0] > 0
    assert all(row[0] and row[4] and row[5] for row in rows), "every row: whom, how and why"
    assert screenshot.stat().st_size > 50_000

    from pypdf import PdfReader

    printed = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for title in (
        "What changed in",
        "The journey",
        "Does CX pay?",
        "Whom to call back",
        "Data quality",
    ):
        assert title in printed, title
    for chart in CHARTS - {"quarantine"}:
        assert report_text.Messages("en")(f"chart.{chart}.title") in printed, chart


@pytest.mark.dbt
@pytest.mark.parametrize("lang", ["pl", "cs"])
def test_polish_and_czech_reports_carry_no_english_label(
    small_build: Build, tmp_path: Path, lang: str
) -> None:
    """Every label, sentence, number and month of the page is in the language chosen."""
    warehouse = _copy(small_build, tmp_path / "warehouse.duckdb")
    output = tmp_path / f"cx_report.{lang}.html"
    assert (
        main(
            ["-q", "report", "--warehouse", str(warehouse), "--output", str(output), "--lang", lang]
        )
        == 0
    )
    screenshot = output.with_suffix(".png")
    seen = _open(
        output.as_uri(),
        screenshot,
        text="() => document.body.innerText",
        charts="""() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
            .map(gd => [gd.data, gd.layout]))""",
        toolbar="""() => Array.from(document.querySelectorAll('.modebar-btn'))
            .map(button => button.getAttribute('data-title'))""",
    )
    print(f"report: {output}\nscreenshot: {screenshot}")
    _assert_clean(seen)

    english, translated = report_text.catalogue("en"), report_text.catalogue(lang)
    messages = report_text.Messages(lang)
    assert f'<html lang="{lang}">' in output.read_text(encoding="utf-8")
    for key, text in english.items():
        if text == translated[key]:
            continue
        for fragment in re.split(r"\{[a-z_]+\}", text):
            fragment = fragment.strip(" :·()")
            if len(fragment) >= 12 or (fragment == text and len(text) >= 3):
                word = re.compile(rf"(?<!\w){re.escape(fragment)}(?!\w)")
                assert not word.search(seen["text"]), (key, fragment)
                assert json.dumps(fragment) not in seen["charts"], (key, fragment)
    # plotly's own toolbar speaks the language too, and has no button to its cloud.
    plotly_english = set(report_text.Messages("en").group("plotly")) | {"Share chart..."}
    assert seen["toolbar"] and not set(seen["toolbar"]) & plotly_english, seen["toolbar"]
    page = seen["text"] + seen["charts"]
    with layers.connect(warehouse) as connection:
        month = connection.execute("select max(month) from mart_nps").fetchall()[0][0]
    assert messages.short_month(month) in page and format(month, "%b %Y") not in page
    assert messages("summary.title", month=messages.month(month)) in seen["text"]


def test_every_catalogue_key_is_translated() -> None:
    """pl and cs hold every key of en, with no placeholder en lacks, each translated."""
    english = report_text.catalogue("en")
    for lang in ("pl", "cs"):
        translated = report_text.catalogue(lang)
        assert translated.keys() == english.keys(), lang
        for key, text in english.items():
            names = set(re.findall(r"\{([a-z_]+)\}", text))
            # A translation may leave a value out (the month is implied), never add one.
            assert set(re.findall(r"\{([a-z_]+)\}", translated[key])) <= names, (lang, key)
            if key not in SAME_IN_EVERY_LANGUAGE | SAME_IN[lang]:
                assert translated[key] != text, f"{lang}: {key} is not translated"


def test_numbers_and_dates_follow_the_language() -> None:
    day = date(2026, 12, 7)
    english, polish, czech = (report_text.Messages(lang) for lang in ("en", "pl", "cs"))
    assert english.number(1234.5) == "1,234.5" and english.month(day) == "December 2026"
    assert polish.number(1234.5) == "1\xa0234,5" and polish.month(day) == "grudzień 2026"
    assert polish.date(day) == "7 gru 2026" and polish.plotly_separators() == ",\xa0"
    assert czech.number(1234.5) == "1\xa0234,5" and czech.month(day) == "prosinec 2026"
    assert polish.signed(-2.25, 2) == "\u22122,25" and english.signed(0.0) == "+0.0"


# --------------------------------------------------------------------------- numbers


def test_intervals_are_cut_at_the_scale() -> None:
    # CES 6.8 +- 0.5 on 1-7: the bar reaches 7, not 7.3; NPS -95 +- 10 reaches -100.
    ces = Interval("Dec", 6.8, 0.5, 40, True, 1.0, 7.0)
    assert ces.above == pytest.approx(0.2) and ces.below == pytest.approx(0.5)
    nps = Interval("Dec", -95.0, 10.0, 40, True, -100.0, 100.0)
    assert nps.below == pytest.approx(5.0) and nps.above == pytest.approx(10.0)


def test_the_minimum_sample_is_the_macros_significance_minimum() -> None:
    assert report_figures.min_answers() == 30
    sql = report_figures.statistics().is_significant_difference("a", "ma", "b", "mb", "na", "nb")
    assert "(na) >= 30" in sql and "(nb) >= 30" in sql


@pytest.mark.dbt
def test_figures_come_from_the_macros_on_summed_counts(medium_build: Build) -> None:
    """The report's months equal NPS, CSAT and CES computed straight from the answers,
    and the macros' SQL it runs gives every mart cell's own figure and margin."""
    assert medium_build.result.ok, medium_build.result.reason()
    with layers.connect(medium_build.warehouse) as connection:
        connection.execute("set TimeZone = 'UTC'")
        measures = report_figures.measures(connection)
        direct = connection.execute(
            """
            select survey_type, submitted_month, count(*),
                100.0 * (count(*) filter (where score_category = 'promoter')
                    - count(*) filter (where score_category = 'detractor')) / count(*),
                100.0 * count(*) filter (where score_category = 'satisfied') / count(*),
                avg(score)
            from fct_survey_responses group by all
            """
        ).fetchall()
        got = {
            (survey, point.month): point
            for survey, measure in measures.items()
            for point in report_figures.monthly(connection, measure)
        }
        grain = ("month", "trigger_type", "channel", "country")
        cells = {
            survey: (
                report_figures.figures(connection, measure, grain),
                connection.execute(
                    f"select {', '.join(grain)}, {value}, {margin} from {measure.mart} "
                    f"order by {', '.join(grain)}"
                ).fetchall(),
            )
            for survey, measure, value, margin in (
                ("nps", measures["nps"], "nps", "nps_margin_of_error"),
                ("csat", measures["csat"], "csat", "csat_margin_of_error"),
                ("ces", measures["ces"], "ces_mean", "ces_mean_margin_of_error"),
            )
        }
        previous = {
            row[:4]: row[4:]
            for row in connection.execute(
                f"select {', '.join(grain)}, previous_nps, is_change_significant from mart_nps"
            ).fetchall()
        }
    expected = {
        (kind, month): (n, {"nps": nps, "csat": csat, "ces": mean}[kind])
        for kind, month, n, nps, csat, mean in direct
    }
    assert got.keys() == expected.keys()
    for (kind, month), point in got.items():
        n, value = expected[(kind, month)]
        assert point.figure.n == n and point.figure.value == pytest.approx(value), (kind, month)
    for survey, (points, rows) in cells.items():
        assert len(points) == len(rows), survey
        for point, row in zip(points, rows, strict=True):
            assert point.key == row[:4]
            assert point.figure.value == pytest.approx(row[4], nan_ok=True), (survey, row)
            assert point.figure.margin == pytest.approx(row[5], nan_ok=True), (survey, row)
    with layers.connect(medium_build.warehouse) as connection:
        by_cell = report_figures.monthly(connection, measures["nps"], grain[1:])
        # A store and a driver, which no mart holds by month: the measures' SQL over the
        # answers themselves, against the answers counted directly.
        store = connection.execute(
            "select min(store_id) from fct_survey_responses where survey_type = 'nps'"
        ).fetchall()[0][0]
        over_answers = replace(measures["nps"], mart=report_figures.ANSWERS)
        checks = {}
        for condition in (f"store_id = '{store}'", "has_late_delivery"):
            checks[condition] = (
                report_figures.monthly(
                    connection, over_answers, where=f"where survey_type = 'nps' and {condition}"
                ),
                connection.execute(
                    "select submitted_month, count(*), 100.0 * (count(*) filter "
                    "(where is_promoter) - count(*) filter (where is_detractor)) / count(*) "
                    "from fct_survey_responses "
                    f"where survey_type = 'nps' and {condition} group by 1 order by 1"
                ).fetchall(),
            )
        assert report_figures.sliced(measures["nps"], f"store_id={store}") == (
            over_answers,
            f"where survey_type = 'nps' and store_id = '{store}'",
        )
    for condition, (points, direct_rows) in checks.items():
        assert direct_rows, condition
        assert [(point.month, point.figure.n) for point in points] == [
            (month, n) for month, n, _ in direct_rows
        ], condition
        for point, (_, _, nps) in zip(points, direct_rows, strict=True):
            assert point.figure.value == pytest.approx(nps), condition
    for point in by_cell:
        previous_nps, significant = previous[(point.month, *point.key)]
        if point.previous is None:
            assert previous_nps is None
        else:
            assert point.previous.figure.value == pytest.approx(previous_nps, nan_ok=True)
            assert point.previous.is_significant == significant


@pytest.mark.dbt
def test_report_links_data_docs_that_open_styled_offline(
    small_build: Build, isolated_locations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = _copy(small_build, isolated_locations / "warehouse.duckdb")
    assert main(["-q", "validate"]) == 0
    result = json.loads(
        (isolated_locations / "data_docs" / VALIDATION_RESULT_NAME).read_text(encoding="utf-8")
    )
    assert result["ok"] is True and result["failed"] == 0
    assert result["warehouse"] == str(warehouse)
    suites = len(result["suites"])
    capsys.readouterr()
    assert main(["-q", "report"]) == 0, "the default is $CXW_WAREHOUSE"
    output = isolated_locations / report.REPORT_NAME
    html = output.read_text(encoding="utf-8")
    assert f"{suites} Great Expectations suites, {result['expectations']} expectations" in html
    assert '<span class="ok">passed</span>' in html
    assert 'href="data_docs/index.html"' in html

    # Follow the report's link with the network cut off: styled, and its tables drawn.
    link = _open(output.as_uri(), href="() => document.getElementById('data-docs').href")
    seen = _open(
        link["href"],
        docs="""() => ({
            font: getComputedStyle(document.body).fontFamily,
            navbar: getComputedStyle(document.querySelector('nav')).display,
            rows: document.querySelectorAll('#Validation-Results tbody tr').length,
            results: jQuery('#Validation-Results table[id]').bootstrapTable('getData').length,
        })""",
    )
    _assert_clean(seen)
    assert seen["docs"]["font"].startswith("-apple-system"), "bootstrap's stylesheet applies"
    assert seen["docs"]["rows"] > 0, "bootstrap-table drew the validation results"
    assert seen["docs"]["results"] == suites, "one validation result per suite"


@pytest.mark.dbt
def test_report_on_empty_marts(small_build: Build, tmp_path: Path) -> None:
    """A warehouse with no answers yet still gets a report, with empty charts."""
    warehouse = _copy(small_build, tmp_path / "warehouse.duckdb")
    with layers.connect(warehouse, read_only=False) as connection:
        for table in report.REQUIRED_TABLES:
            if table not in ("journey_stages", "survey_scales"):
                connection.execute(f"delete from {table}")
    assert main(["-q", "report", "--warehouse", str(warehouse)]) == 0
    html = (tmp_path / report.REPORT_NAME).read_text(encoding="utf-8")
    assert "Whom to call back (0)" in html
    assert "No detractor or dissatisfied answer in the period." in html


# --------------------------------------------------------------------------- errors


def test_missing_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert _error_line(capsys).endswith("none.duckdb: no such file")
    assert main(["report"]) == 2
    assert "CXW_WAREHOUSE" in _error_line(capsys)


def test_not_a_duckdb_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database\n" * 100)
    assert main(["report", "--warehouse", str(junk)]) == 2
    assert "not a DuckDB warehouse" in _error_line(capsys)


def test_a_missing_mart_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with layers.connect(warehouse, read_only=False) as connection:
        connection.execute("create schema marts; create table marts.mart_nps (month date)")
    assert main(["report", "--warehouse", str(warehouse)]) == 2
    line = _error_line(capsys)
    assert "no mart_csat, mart_ces" in line and "mart_nps," not in line
    assert not (tmp_path / report.REPORT_NAME).exists()


def test_output_must_not_be_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--output", str(tmp_path)]) == 2
    assert "--output" in _error_line(capsys)


def test_pdf_needs_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "cx_report.html"
    page.write_text("<p>report</p>", encoding="utf-8")
    monkeypatch.setattr(report, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(report.ReportError, match=r"--pdf needs Chromium at .*no-chromium"):
        report.print_pdf(page, page.with_suffix(".pdf"))
    assert not page.with_suffix(".pdf").exists()


def test_a_validation_result_from_before_warnings_reads_as_none_warned(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    docs = tmp_path / "data_docs"
    docs.mkdir()
    (docs / VALIDATION_RESULT_NAME).write_text(
        json.dumps({"ok": True, "failed": 0, "failures": []}), encoding="utf-8"
    )
    result = report.read_validation_result(warehouse)
    assert result is not None
    assert (result["ok"], result["strict"], result["warned"], result["warnings"]) == (
        True,
        False,
        0,
        [],
    )
