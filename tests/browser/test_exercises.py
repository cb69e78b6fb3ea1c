"""Exercises 2 and 3 of docs/teaching.md end to end in a real browser, and role play's
history: every action the lesson asks of a student is done on the page (RESET with a
scenario and seed, STEP, Run to date, a slider, an event button, the answer sheet), and what
the page then shows is compared with the same actions run in-process (the dashboard's model,
`experiments.classroom.lessons.walk`, the numbers docs/teaching.md's tables are written
from). The page's text is scanned for country codes and code identifiers along the way."""

from __future__ import annotations

import re

import pytest

from experiments.classroom import lessons
from experiments.classroom.lessons import Seen, seen
from experiments.classroom.session import DEFAULT_SEED, ClassroomModel
from tests.browser.checks import contains, shows
from tests.test_app_words import codes_of, raw_labels

pytestmark = pytest.mark.browser


def text(page, css: str) -> str:
    return page.locator(css).first.inner_text().strip()


def open_dashboard(page, url: str) -> None:
    page.goto(url)
    page.locator(".hs-date").wait_for(timeout=90_000)
    page.locator(".hs-map").wait_for()


def reset(page, scenario: str, seed: int = DEFAULT_SEED) -> None:
    """Pick the scenario and the seed in the controls and press RESET, as the lesson says."""
    page.get_by_label("Scenario").click(force=True)
    page.get_by_role("option", name=scenario).click()
    page.get_by_label("Seed (whole number)").fill(str(seed))
    page.get_by_role("button", name="Reset", exact=True).click()
    page.locator(".hs-scenario", has_text=scenario).wait_for()
    page.locator(".hs-date", has_text="step 0 of").wait_for()


def press_step(page, times: int = 1) -> None:
    for _ in range(times):
        now = int(text(page, ".hs-date").split("step ")[1].split(" ")[0])
        page.locator(".hs-step").click()
        page.locator(".hs-date", has_text=f"step {now + 1} of").wait_for()


def run_to(page, date: str) -> None:
    page.get_by_label("Run to date").click(force=True)
    page.get_by_role("option", name=date).click()
    page.locator(".hs-go").click()
    page.locator(".hs-date", has_text=date).wait_for(timeout=60_000)


def expected(s: Seen) -> dict[str, str]:
    """What each numbered element of the page shows for `s`, formatted as the page does."""
    return {
        ".hs-glance-security-KOR": f"{s.security:+.2f}",
        ".hs-glance-economy-KOR": f"{s.economic:+.2f}",
        ".hs-glance-defence-KOR": f"{s.autonomy:.2f}",
        ".hs-glance-gap-KOR": f"{s.gap:.2f}",
        ".hs-glance-posture-KOR": s.posture,
        ".hs-threat": f"{s.threat:.3f}",
        ".hs-provocation": f"{s.provocation:+.2f}",
        ".hs-rivalry": f"{s.rivalry:.2f}",
        ".hs-reliability": f"{s.reliability:.2f}",
        ".hs-seen-reliability": f"{s.seen_reliability:.2f}",
        ".hs-restriction": f"{s.restriction:.2f}",
        ".hs-favourable-USA": f"{100 * s.favourable['USA']:.0f}%",
        ".hs-favourable-CHN": f"{100 * s.favourable['CHN']:.0f}%",
        ".hs-odds": f"{s.odds:.2f}",
    }


def assert_page_shows(page, s: Seen, codes: set[str]) -> None:
    """The page at step `s.step` shows the numbers and the why card of the in-process run,
    and no code."""
    page.locator(".hs-date", has_text=f"step {s.step} of").wait_for()
    assert text(page, ".hs-date").startswith(s.date)
    for css, value in expected(s).items():
        shows(page, css, value)
    why = page.locator(".hs-why").inner_text()
    for line in s.why:
        assert line in why, line
    assert raw_labels(page.locator("body").inner_text(), codes) == []


def answer(page, tmp_path, key: str, words: str) -> str:
    """Write an answer to question 1 of exercise `key` and download the sheet."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.get_by_role("tab", name="Answers").click()
    page.locator(f".hs-answer-{key}-1 textarea").fill(words)
    button = page.locator(f".hs-answers-{key}").get_by_text("Download the answer sheet")
    # The answer typed makes the server draw the card again; a click that lands on the button
    # being replaced starts no download (seen once in CI), so a student, or this test, clicks
    # again. Three tries of 20 s each.
    for attempt in range(3):
        try:
            with page.expect_download(timeout=20_000) as download:
                button.click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    sheet = tmp_path / f"answers_{key}.md"
    download.value.save_as(sheet)
    page.get_by_role("tab", name="Dashboard").click()
    return sheet.read_text()


def test_exercise_2_the_dual_contingency_on_the_page(page, traffic, dashboard_url, tmp_path):
    """taiwan_contingency, seed 20250604, RESET; STEP to 2027-04 (before the crisis), the
    crisis, the salvo, a year on; then the quicker version (the Taiwan crisis button in
    lee_2025) and an answer."""
    runs = lessons.taiwan_run()["crisis"]
    codes = codes_of(ClassroomModel("taiwan_contingency"))
    open_dashboard(page, dashboard_url)
    reset(page, "taiwan_contingency")
    press_step(page, 7)
    assert_page_shows(page, runs[7], codes)
    press_step(page)  # the crisis: rivalry up, US attention drawn away, Pyongyang's opening
    assert_page_shows(page, runs[8], codes)
    assert runs[8].seen_reliability < runs[7].seen_reliability  # the lesson's chain
    assert runs[8].provocation > runs[7].provocation
    press_step(page)
    assert_page_shows(page, runs[9], codes)
    press_step(page, 3)
    assert_page_shows(page, runs[12], codes)
    assert runs[12].gap < runs[7].gap  # the middle way narrows

    # the quicker version: press Taiwan crisis and STEP, in lee_2025
    reset(page, "lee_2025")
    page.locator(".hs-event-taiwan_crisis").click()
    page.locator(".hs-pending", has_text="Taiwan crisis").wait_for()
    press_step(page)
    twin = ClassroomModel("lee_2025")
    twin.fire_event("taiwan_crisis")
    twin.step()
    calm = ClassroomModel("lee_2025")
    calm.step()
    assert_page_shows(page, seen(twin), codes)
    assert twin.rivalry > calm.rivalry and twin.taiwan_risk > calm.taiwan_risk
    shows(page, ".hs-taiwan", f"{twin.taiwan_risk:.2f}")

    sheet = answer(page, tmp_path, "taiwan", "Entrapment: Seoul does not rally.")
    assert "Entrapment: Seoul does not rally." in sheet and "scenario=lee_2025" in sheet
    assert "e=0:taiwan_crisis" in sheet  # the world the student saw, to reopen
    assert traffic.outside == [] and traffic.failed == []


def test_exercise_3_retrenchment_the_slider_and_a_summit_on_the_page(
    page, traffic, dashboard_url, tmp_path
):
    """us_retrenchment, RESET; STEP through 2026, run to 2029-07 and 2035-07; the slider
    version in lee_2025 (US reliability to 0.2 before the first step, 16 quarters), against
    the same without the slider; question 4 tried: a summit with the United States."""
    runs = lessons.retrenchment_run()
    codes = codes_of(ClassroomModel("us_retrenchment"))
    open_dashboard(page, dashboard_url)
    reset(page, "us_retrenchment")
    press_step(page, 4)
    assert_page_shows(page, runs["retrenchment"][4], codes)
    run_to(page, "2029-07-01")
    assert_page_shows(page, runs["retrenchment"][16], codes)
    # ▶ plays on to the scenario's end (2035-07-01), where the play stops by itself
    assert runs["retrenchment"][40].date == "2035-07-01"
    page.get_by_role("button", name="▶", exact=True).click()
    page.locator(".hs-date", has_text="step 40 of 40").wait_for(timeout=120_000)
    page.get_by_role("button", name="▶", exact=True).wait_for()  # stopped
    assert_page_shows(page, runs["retrenchment"][40], codes)

    # the slider version: US reliability to 0.2 before the first step, 16 quarters
    reset(page, "lee_2025")
    slider = page.locator(".hs-slider-us_reliability [role=slider]")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(4):  # 0.05 a press
        page.keyboard.press("ArrowRight")
    page.locator(".hs-pressure-us_reliability", has_text="0.20").wait_for()
    run_to(page, "2029-07-01")
    assert_page_shows(page, runs["slider"][16], codes)
    assert runs["slider"][16].security < runs["lee"][16].security  # the lesson's claim
    assert runs["slider"][16].autonomy > runs["lee"][16].autonomy

    # question 4: which policy brings Seoul back? A summit with the United States
    page.locator(".hs-event-summit").click()
    page.locator(".hs-pending", has_text="Summit").wait_for()
    press_step(page)
    twin = ClassroomModel("lee_2025")
    twin.set_pressure("us_reliability", 0.2)
    twin.run_for(16)
    twin.fire_event("summit", partner="USA")
    twin.step()
    assert_page_shows(page, seen(twin), codes)
    contains(page, ".hs-last-events", "summit")

    # and without the slider, as the lesson compares: RESET, the same 16 quarters
    reset(page, "lee_2025")
    run_to(page, "2029-07-01")
    assert_page_shows(page, runs["lee"][16], codes)

    sheet = answer(page, tmp_path, "retrenchment", "It arms; it does not bandwagon.")
    assert "It arms; it does not bandwagon." in sheet
    assert traffic.outside == [] and traffic.failed == []


def test_step_back_replays_the_seats_choices_on_the_page(browser, dashboard_url, traffic):
    """Two tabs of a class session play Washington and Pyongyang for two quarters; ◀ BACK
    shows the world the seats made at step 1, in both tabs, not the model's own; the
    debrief of Pyongyang's seat says what the model's own Pyongyang would have chosen."""
    url = dashboard_url + "?session=browser-history"
    tabs = {}
    for code in ("USA", "PRK"):
        tab = browser.new_page()
        tab.set_default_timeout(30_000)
        tab.on("request", traffic.on_request)
        tab.goto(url)
        tab.locator(".hs-seats").wait_for(timeout=90_000)
        tabs[code] = tab
    try:
        for code, tab in tabs.items():
            tab.locator(f".hs-seat-{code}").click()
            tab.locator(".hs-seat-choose").wait_for()
        levers = {"USA": "commitment", "PRK": "provocation"}
        labels = {"USA": "Its security commitment", "PRK": "Its course"}
        for quarter in (1, 2):
            for code, tab in tabs.items():
                tab.locator(f".hs-seat-slider-{levers[code]} [role=slider]").focus()
                tab.keyboard.press("End" if quarter == 1 else "Home")
                # the server has the slider's value (its label shows it) before Choose is
                # clicked: a click that overtakes the slider's message would choose the old one
                top = 1.0 if quarter == 1 else (0.0 if code == "USA" else -1.0)
                shown = re.compile(rf"^{re.escape(f'{labels[code]}: {top:.2f}')}$")
                tab.locator(".hs-seat-label", has_text=shown).wait_for()
                tab.locator(".hs-seat-choose").click()
            for tab in tabs.values():
                tab.locator(".hs-date", has_text=f"step {quarter} of").wait_for()
        # the same choices in-process
        twin = ClassroomModel()
        twin.take_seat("USA"), twin.take_seat("PRK")
        for level in ((1.0, 1.0), (0.0, -1.0)):
            twin.choose(
                "USA", **{**twin.agent("USA").levers_in_force["KOR"], "commitment": level[0]}
            )
            twin.choose("PRK", provocation=level[1])
            twin.step()
        shows(tabs["USA"], ".hs-glance-security-KOR", f"{twin.agent('KOR').security:+.2f}")
        own = twin.debrief("PRK").own["provocation"]
        tabs["PRK"].locator(
            ".hs-debrief-choice", has_text=f"provocation -1.00 (the model: {own:.2f})"
        ).wait_for()
        assert "The model's North Korea" in tabs["PRK"].locator(".hs-debrief").inner_text()

        at_one = ClassroomModel()
        at_one.take_seat("USA"), at_one.take_seat("PRK")
        at_one.choose("USA", **{**at_one.agent("USA").levers_in_force["KOR"], "commitment": 1.0})
        at_one.choose("PRK", provocation=1.0)
        at_one.step()
        unseated = ClassroomModel()
        unseated.step()
        tabs["USA"].locator(".hs-back").click()
        for tab in tabs.values():
            tab.locator(".hs-date", has_text="step 1 of").wait_for()
            # `shows` waits: the threat read the moment the date changed can still be step
            # 2's (0.647, which is also step 1's without the seats)
            assert f"{at_one.threat:.3f}" != f"{unseated.threat:.3f}"
            shows(tab, ".hs-threat", f"{at_one.threat:.3f}")
            shows(tab, ".hs-provocation", "+1.00")  # Pyongyang's seat chose it
        tabs["USA"].wait_for_function("() => location.search.includes('s=0:PRK:provocation=1')")
    finally:
        for tab in tabs.values():
            tab.close()
    assert traffic.outside == []
