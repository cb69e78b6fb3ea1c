"""Play a side in a real browser: two tabs of one class session take Washington's and
Beijing's seats, each chooses, the world steps once both have, and both tabs show the same new
world, the one the same choices give in-process, with the debrief of each seat."""

from __future__ import annotations

import pytest

from experiments.classroom.scenarios import DEFAULT_SCENARIO
from experiments.classroom.session import DEFAULT_SEED, ClassroomModel
from tests.browser.checks import shows

pytestmark = pytest.mark.browser


def open_tab(browser, url: str):
    tab = browser.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(url)
    tab.locator(".hs-date").wait_for(timeout=90_000)
    tab.locator(".hs-seats").wait_for()
    return tab


def take_seat(tab, code: str) -> None:
    tab.locator(f".hs-seat-{code}").click()
    tab.locator(".hs-seat-choose").wait_for()


def choose_top(tab, lever: str) -> None:
    """Put `lever` toward Seoul at its top (the slider's End key), then choose."""
    tab.locator(f".hs-seat-slider-{lever} [role=slider]").focus()
    tab.keyboard.press("End")
    tab.locator(".hs-seat-label", has_text="1.00").wait_for()
    tab.locator(".hs-seat-choose").click()


def test_two_tabs_take_two_seats_of_one_class_session(browser, dashboard_url, traffic):
    url = dashboard_url + "?session=browser-seats"
    washington, beijing = open_tab(browser, url), open_tab(browser, url)
    for tab in (washington, beijing):
        tab.on("request", traffic.on_request)
    try:
        take_seat(washington, "USA")
        take_seat(beijing, "CHN")
        washington.locator(".hs-seat-status", has_text="China: waiting").wait_for()
        choose_top(washington, "commitment")
        beijing.locator(".hs-seat-status", has_text="the United States: chosen").wait_for()
        assert washington.locator(".hs-date", has_text="step 0 of").count() == 1
        choose_top(beijing, "coercion")
        for tab in (washington, beijing):
            tab.locator(".hs-date", has_text="step 1 of").wait_for()
            tab.locator(".hs-debrief").wait_for()
        # the same world in both tabs, and the one the same choices give in-process
        twin = ClassroomModel(DEFAULT_SCENARIO, DEFAULT_SEED)
        for code, lever in (("USA", "commitment"), ("CHN", "coercion")):
            twin.take_seat(code)
            levers = twin.agent(code).levers_in_force[twin.focus]
            twin.choose(code, **{**levers, lever: 1.0})
        twin.step()
        expected = f"{twin.agent('KOR').security:+.2f}"
        for tab in (washington, beijing):
            shows(tab, ".hs-glance-security-KOR", expected)
        assert (
            washington.locator(".hs-date").inner_text() == beijing.locator(".hs-date").inner_text()
        )
        # each debrief compares the seat's choice with the model's own
        own_usa = twin.debrief("USA").own["commitment"]
        washington.locator(
            ".hs-debrief-choice", has_text=f"commitment 1.00 (the model: {own_usa:.2f})"
        ).wait_for()
        own_chn = twin.debrief("CHN").own["coercion"]
        beijing.locator(
            ".hs-debrief-choice", has_text=f"coercion 1.00 (the model: {own_chn:.2f})"
        ).wait_for()
        assert beijing.locator(".hs-why-USA").count() >= 1
    finally:
        washington.close()
        beijing.close()
    assert traffic.outside == []
