"""``cxw report``: the CX report as a person sees it, its numbers, and its errors.

The report of the medium build is opened in headless Chromium (Debian's
``chromium``, driven by playwright; ``.ci/run`` installs it when missing): it must
render without a console error and without fetching anything, every chart must hold
data, and a screenshot is written next to the report (the path is printed; pytest
keeps the last runs' temporary folders).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import Build, sha256

from cx_warehouse import layers, report
from cx_warehouse.cli import main
from cx_warehouse.validate import VALIDATION_RESULT_NAME

# Debian's chromium; CXW_CHROMIUM names another Chromium or Chrome (GitHub's runners).
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
CHARTS = {
    "nps_by_month",
    "csat_by_month",
    "ces_by_month",
    "nps_by_channel_trigger",
    "journey_funnel",
    "emotional_curve",
    "nps_drivers",
    "response_rates",
    "quarantine",
}
# For each plotly chart on the page: its traces and how many points each trace holds.
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
    id: gd.id,
    rendered: gd.querySelectorAll('.main-svg').length > 0,
    points: gd.data.map(trace => Math.max(
        ...['x', 'y', 'values'].map(key => trace[key] ? trace[key].length : 0))),
}))"""
INJECTED_COMMENT = "<script>window.injected = true</script>"


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


# --------------------------------------------------------------------------- in a browser


@pytest.mark.dbt
def test_report_renders_in_chromium_with_data_in_every_chart(
    medium_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), f"{CHROMIUM} missing: apt-get install chromium (.ci/run does)"
    warehouse = _copy(medium_build, tmp_path / "data" / "warehouse.duckdb")
    with layers.connect(warehouse, read_only=False) as connection:
        # A comment is customer text: the page must show it, never run it.
        connection.execute(
            "update mart_detractor_followups set comment = ? where response_id = "
            "(select min(response_id) from mart_detractor_followups)",
            [INJECTED_COMMENT],
        )
    before = sha256(warehouse)
    output = tmp_path / "report" / "cx_report.html"
    assert main(["report", "--warehouse", str(warehouse), "--output", str(output)]) == 0
    assert capsys.readouterr().out.strip() == f"report: {output}"
    assert sha256(warehouse) == before, "the report opens the warehouse read-only"

    screenshot = output.with_suffix(".png")
    console, page_errors, fetched = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: console.append((message.type, message.text)))
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.on("request", lambda request: fetched.append(request.url))
            page.goto(output.as_uri(), wait_until="load")
            charts = page.evaluate(CHART_DATA_JS)
            injected = page.evaluate("() => window.injected === true")
            text = page.inner_text("body")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    print(f"report: {output}\nscreenshot: {screenshot}")

    assert page_errors == []
    assert [entry for entry in console if entry[0] in ("error", "warning")] == []
    assert fetched == [output.as_uri()], "the page loads nothing but itself"
    assert {chart["id"].removeprefix("chart-") for chart in charts} == CHARTS
    for chart in charts:
        assert chart["rendered"], f"{chart['id']} drew nothing"
        assert chart["points"] and min(chart["points"]) > 0, f"{chart['id']}: {chart}"
    assert not injected, "a comment's markup must not run"
    assert INJECTED_COMMENT in text
    assert "No validation result beside this warehouse" in text
    with layers.connect(warehouse) as connection:
        followups = connection.execute("select count(*) from mart_detractor_followups").fetchone()
    assert f"Detractor follow-ups ({followups[0]})" in text
    assert screenshot.stat().st_size > 50_000


# --------------------------------------------------------------------------- numbers


def test_margin_formulas_by_hand() -> None:
    # 50 promoters, 20 detractors of 100: 1.96 x 100 x sqrt((0.7 - 0.09) / 100).
    assert report.nps(50, 20, 100) == pytest.approx(30.0)
    assert report.nps_margin(50, 20, 100) == pytest.approx(15.3081, abs=1e-4)
    # 80 of 100 satisfied: 1.96 x 100 x sqrt(0.8 x 0.2 / 100) = 7.84.
    assert report.share_margin(80, 100) == pytest.approx(7.84)
    # scores 1, 2, 3: s = 1, 1.96 / sqrt(3).
    assert report.mean_margin(6, 14, 3) == pytest.approx(1.96 / 3**0.5)
    assert report.nps(0, 0, 0) is None and report.mean_margin(5, 25, 1) is None


@pytest.mark.dbt
def test_monthly_scores_roll_up_the_counted_answers(medium_build: Build) -> None:
    """The report's months equal NPS, CSAT and CES computed straight from the answers,
    and its margin formulas equal the marts' SQL on every cell."""
    assert medium_build.result.ok, medium_build.result.reason()
    with layers.connect(medium_build.warehouse) as connection:
        connection.execute("set TimeZone = 'UTC'")
        series = report._monthly_scores(connection)
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
        cells = {
            "nps": connection.execute(
                "select promoters, detractors, responses, nps_margin_of_error from mart_nps"
            ).fetchall(),
            "csat": connection.execute(
                "select satisfied_responses, responses, csat_margin_of_error from mart_csat"
            ).fetchall(),
            "ces": connection.execute(
                "select score_sum, score_sq_sum, responses, ces_mean_margin_of_error from mart_ces"
            ).fetchall(),
        }
    expected = {
        (kind, month): (n, {"nps": nps, "csat": csat, "ces": mean}[kind])
        for kind, month, n, nps, csat, mean in direct
    }
    got = {
        (kind, month.date()): (n, value)
        for kind, points in series.items()
        for month, value, _margin, n in points
    }
    assert got.keys() == expected.keys()
    for key, (n, value) in got.items():
        assert n == expected[key][0], key
        assert value == pytest.approx(expected[key][1]), key
    for p, d, n, margin in cells["nps"]:
        assert report.nps_margin(p, d, n) == pytest.approx(margin)
    for s, n, margin in cells["csat"]:
        assert report.share_margin(s, n) == pytest.approx(margin)
    for x, x2, n, margin in cells["ces"]:
        assert report.mean_margin(x, x2, n) == pytest.approx(margin, nan_ok=True)


@pytest.mark.dbt
def test_report_shows_the_last_validation(
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
    html = (isolated_locations / report.REPORT_NAME).read_text(encoding="utf-8")
    assert f"{suites} Great Expectations suites, {result['expectations']} expectations" in html
    assert '<span class="ok">passed</span>' in html
    assert 'href="data_docs/index.html"' in html


@pytest.mark.dbt
def test_report_on_empty_marts(small_build: Build, tmp_path: Path) -> None:
    """A warehouse with no answers yet still gets a report, with empty charts."""
    warehouse = _copy(small_build, tmp_path / "warehouse.duckdb")
    with layers.connect(warehouse, read_only=False) as connection:
        for table in report.REQUIRED_TABLES:
            connection.execute(f"delete from {table}")
    assert main(["-q", "report", "--warehouse", str(warehouse)]) == 0
    html = (tmp_path / report.REPORT_NAME).read_text(encoding="utf-8")
    assert "Detractor follow-ups (0)" in html
    assert "no answers" in html


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
