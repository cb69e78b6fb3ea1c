"""Issue 13 in a real browser: the page fits a classroom (three screens, two themes, no
overlapping cards, WCAG AA contrast measured on the rendered colours), keeps the work (the
address restores the world, downloads), compares runs, and class mode asks for its code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments.classroom.session import ClassroomModel
from tests.browser.checks import CONTRAST_JS, GEOMETRY_JS, appears, shows
from tests.browser.conftest import served

pytestmark = pytest.mark.browser
VIEWPORTS = [(1280, 800), (1920, 1080), (390, 844)]
THEMES = ["light", "dark"]


def open_dashboard(page, url: str) -> None:
    page.goto(url)
    page.locator(".hs-date").wait_for(timeout=90_000)
    page.locator(".hs-map").wait_for()


def press_step(page, to_step: int) -> None:
    page.locator(".hs-step").click()
    page.locator(".hs-date", has_text=f"step {to_step} of").wait_for()


def use_theme(page, theme: str) -> None:
    """The system's setting, as a laptop in dark mode sends it; the page follows it."""
    page.emulate_media(color_scheme=theme)


def is_dark(page) -> bool:
    return page.locator(".v-application.theme--dark").count() > 0


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_the_page_fits_the_screen_and_reads_in_both_themes(
    page, traffic, dashboard_url, results_dir, width, height, theme
):
    page.set_viewport_size({"width": width, "height": height})
    use_theme(page, theme)
    open_dashboard(page, dashboard_url + "?scenario=thaad_2016&step=5")
    page.locator(".hs-date", has_text="step 5 of").wait_for()
    assert is_dark(page) == (theme == "dark")
    # The controls are on the page, in reach, with no sidebar to open first.
    for control in (".hs-reset", ".hs-back", ".hs-play", ".hs-step"):
        assert page.locator(control).is_visible()
    page.wait_for_timeout(600)  # let the pictures settle
    page.screenshot(
        path=str(results_dir / f"dashboard_{width}x{height}_{theme}.png"), full_page=True
    )
    geometry = page.evaluate(GEOMETRY_JS)
    assert geometry["cards"] >= 8
    assert geometry["overlaps"] == [], geometry["overlaps"]
    assert geometry["outside"] == [], geometry["outside"]
    assert geometry["wide"] == [], geometry["wide"]
    contrast = page.evaluate(CONTRAST_JS)
    assert contrast["checked"] > 50
    assert contrast["failures"] == [], contrast["failures"]
    for tab in ("Compare", "Info", "Answers"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        contrast = page.evaluate(CONTRAST_JS)
        assert contrast["failures"] == [], (tab, contrast["failures"])
        assert page.evaluate(GEOMETRY_JS)["overlaps"] == []
    assert traffic.outside == [] and traffic.failed == []


def test_the_address_keeps_the_world_through_a_reload(page, traffic, dashboard_url):
    open_dashboard(page, dashboard_url)
    page.locator(".hs-slider-china_coercion [role=slider]").focus()
    page.keyboard.press("Home")
    page.locator(".hs-pressure-china_coercion", has_text="next step").wait_for()
    page.locator(".hs-event-missile_test").click()
    press_step(page, 1)
    press_step(page, 2)
    page.wait_for_function("() => location.search.includes('step=2')")
    assert "p=0:china_coercion:0" in page.url and "e=0:missile_test" in page.url
    expected = ClassroomModel()
    expected.set_pressure("china_coercion", 0.0)
    expected.fire_event("missile_test")
    expected.step()
    expected.step()
    security = f"{expected.agent('KOR').security:+.2f}"
    shows(page, ".hs-glance-security-KOR", security)  # before the reload
    page.reload()
    page.locator(".hs-date", has_text="step 2 of").wait_for(timeout=90_000)
    shows(page, ".hs-glance-security-KOR", security)  # and after it
    shows(page, ".hs-threat", f"{expected.threat:.3f}")
    # step back: the world of step 1, the address with it
    page.locator(".hs-back").click()
    page.locator(".hs-date", has_text="step 1 of").wait_for()
    page.wait_for_function("() => location.search.includes('step=1')")
    assert traffic.outside == [] and traffic.failed == []


def test_exercise_1_pinned_against_its_counterfactual_and_many_worlds(
    page, traffic, dashboard_url, results_dir, tmp_path
):
    """Exercise 1 of docs/teaching.md: THAAD with coercion, pinned; then without; the same
    numbers as the model in this process; then 200 worlds of the counterfactual."""
    open_dashboard(page, dashboard_url + "?scenario=thaad_2016")
    page.get_by_label("Run to date").click(force=True)
    page.get_by_role("option", name="2017-07-01").click()
    page.locator(".hs-go").click()
    page.locator(".hs-date", has_text="2017-07-01").wait_for()
    coerced = ClassroomModel("thaad_2016")
    for _ in range(6):
        coerced.step()
    shows(page, ".hs-glance-security-KOR", f"{coerced.agent('KOR').security:+.2f}")
    page.locator(".hs-pin").click()
    page.locator(".hs-pinned").wait_for()
    open_dashboard(page, dashboard_url + "?scenario=thaad_2016&p=0:china_coercion:0&step=6")
    spared = ClassroomModel("thaad_2016")
    spared.set_pressure("china_coercion", 0.0)
    for _ in range(6):
        spared.step()
    shows(page, ".hs-glance-security-KOR", f"{spared.agent('KOR').security:+.2f}")
    assert spared.agent("KOR").security > coerced.agent("KOR").security  # the lesson's claim

    page.get_by_role("tab", name="Compare").click()
    page.locator(".hs-run-ensemble").click()
    # 200 runs of the engine in the server: generous for a cold first start on a loaded machine
    # (once in about a dozen runs of the browser tier the shares never came, with no error in
    # the server's log: what the page showed then is kept)
    appears(
        page,
        ".hs-ensemble-shares",
        240_000,
        results_dir / "dashboard_ensemble_missing.png",
        around=".hs-ensemble-card",
    )
    shares = page.locator(".hs-ensemble-shares").inner_text()
    percents = [int(p) for p in re.findall(r"(\d+)%", shares)]
    assert len(percents) == 5 and abs(sum(percents) - 100) <= 3
    page.screenshot(path=str(results_dir / "dashboard_ensemble.png"))

    page.get_by_role("tab", name="Dashboard").click()
    with page.expect_download() as download:
        page.get_by_text("Run (CSV)").click()
    saved = tmp_path / "run.csv"
    download.value.save_as(saved)
    assert saved.read_text().splitlines()[0].startswith("step,state,security")
    page.get_by_role("tab", name="Answers").click()
    page.locator(".hs-answer-thaad-1 textarea").fill("Less close than unpunished.")
    with page.expect_download() as download:
        page.locator(".hs-answers-thaad").get_by_text("Download the answer sheet").click()
    sheet = tmp_path / "answers.md"
    download.value.save_as(sheet)
    assert "Less close than unpunished." in sheet.read_text()
    assert "scenario=thaad_2016" in sheet.read_text()
    assert traffic.outside == [] and traffic.failed == []


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    """A server in class mode (on loopback, for the test): its URL and the printed code."""
    with served(tmp_path_factory.mktemp("class"), "--class") as (url, log):
        yield url, re.search(r"join code: ([A-Z0-9]{6})", Path(log).read_text()).group(1)


def test_class_mode_admits_the_join_code_only(page, class_server):
    url, code = class_server
    page.goto(url)
    page.locator(".hs-refused-page").wait_for(timeout=90_000)
    assert page.locator(".hs-step").count() == 0
    page.goto(url + "?join=WRONG9")
    page.locator(".hs-refused-page").wait_for(timeout=90_000)
    open_dashboard(page, url + f"?join={code}")
    press_step(page, 1)
    page.wait_for_function(f"() => location.search.includes('join={code}')")  # kept for a reload
