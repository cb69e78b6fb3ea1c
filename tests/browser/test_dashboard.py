"""The dashboard in a real browser: it renders offline, and what a student does shows.

The page is driven as a class would drive it: move a slider, fire an event, press STEP. The
numbers the page then shows are compared with the same actions taken on the same model in
this process, and with the same model left alone, so the test fails if the page shows
nothing new, or something other than what the model says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.classroom.components import posture_of
from experiments.classroom.session import DEFAULT_SEED, ClassroomModel
from tests.browser.checks import contains, shows

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def text(page, css: str) -> str:
    return page.locator(css).first.inner_text().strip()


def open_dashboard(page, url: str) -> None:
    page.goto(url)
    page.locator(".hs-date").wait_for(timeout=90_000)
    page.locator(".hs-map").wait_for()


def press_step(page, to_step: int) -> None:
    page.get_by_role("button", name="Step", exact=True).click()
    page.locator(".hs-date", has_text=f"step {to_step} of").wait_for()


def test_a_slider_an_event_and_a_step_change_what_is_shown(
    page, traffic, dashboard_url, results_dir
):
    open_dashboard(page, dashboard_url)
    assert re.search(r"step 0 of \d+", text(page, ".hs-date"))
    assert text(page, ".hs-seed") == f"seed {DEFAULT_SEED}"
    assert text(page, ".hs-scenario").startswith("lee_2025: ")
    map_before = page.locator(".hs-map").get_attribute("src")
    # launched as `make demo` launches it: named tab, no banner over the cards
    assert page.title() == "hedgesim dashboard"
    assert page.get_by_text("This website runs on").count() == 0
    # a page for a class, not for a developer: none of Mesa's knobs
    for developer_control in ("Play Interval", "Render Interval", "Use Threads"):
        assert page.get_by_text(developer_control).count() == 0

    # The rivalry slider to its maximum, with the keyboard as a student could.
    page.locator(".hs-slider-rivalry [role=slider]").focus()
    page.keyboard.press("End")
    page.locator(".hs-pressure-rivalry", has_text="1.00").wait_for()
    assert "next step" in text(page, ".hs-pressure-rivalry")

    page.locator(".hs-event-missile_test").click()
    page.locator(".hs-pending", has_text="Missile test").wait_for()

    press_step(page, 1)

    steered = ClassroomModel()
    steered.set_pressure("rivalry", 1.0)
    steered.fire_event("missile_test")
    steered.step()
    left_alone = ClassroomModel()
    left_alone.step()
    assert steered.threat != pytest.approx(left_alone.threat, abs=1e-3)  # the event matters

    assert f"{steered.rivalry:.2f}" == "1.00"
    shows(page, ".hs-rivalry", f"{steered.rivalry:.2f}")
    shows(page, ".hs-threat", f"{steered.threat:.3f}")
    assert text(page, ".hs-threat") != f"{left_alone.threat:.3f}"
    contains(page, ".hs-last-events", "missile test")
    shows(page, ".hs-pending", "Queued: nothing")
    shows(page, ".hs-pressure-rivalry", "US–China rivalry: 1.00")
    shows(page, ".hs-why-move", re.compile(r"^South Korea moved"))
    focus = steered.agent("KOR")
    posture = f"Posture now: {posture_of(steered, focus)}"
    shows(page, ".hs-posture", re.compile(rf"^{re.escape(posture)}"))
    assert page.locator(".hs-map").get_attribute("src") != map_before

    shot = results_dir / "dashboard_lee_2025.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000

    assert traffic.outside == [], "the page reached outside this machine"
    assert traffic.failed == [], "the server could not serve part of the page"


def choose(page, scenario: str, seed: str) -> None:
    """Pick a scenario and a seed in the sidebar and press Reset, as a teacher does."""
    page.get_by_label("Scenario").click(force=True)
    page.get_by_role("option", name=scenario).click()
    field = page.get_by_label("Seed (whole number)")
    field.fill(seed)  # no Enter: RESET takes what is typed
    page.get_by_role("button", name="Reset", exact=True).click()


def test_a_scenario_and_a_seed_take_effect_on_reset(page, traffic, dashboard_url, results_dir):
    open_dashboard(page, dashboard_url)
    choose(page, "thaad_2016", "7")
    page.locator(".hs-scenario", has_text="thaad_2016").wait_for()
    assert text(page, ".hs-seed") == "seed 7"
    assert text(page, ".hs-date").startswith("2016-01-01")
    expected = ClassroomModel("thaad_2016", "7")
    press_step(page, 1)
    expected.step()
    shows(page, ".hs-threat", f"{expected.threat:.3f}")

    # Exercise 1 of docs/teaching.md as the class sees it: the ban of March 2017 bites.
    choose(page, "thaad_2016", str(DEFAULT_SEED))
    page.locator(".hs-seed", has_text=f"seed {DEFAULT_SEED}").wait_for()
    lesson = ClassroomModel("thaad_2016")
    for step in range(1, 6):
        press_step(page, step)
        lesson.step()
    assert text(page, ".hs-date").startswith("2017-04-01")
    shows(page, ".hs-restriction", f"{lesson.agent('KOR').restrictions['CHN']:.2f}")
    assert float(text(page, ".hs-restriction")) > 0.3
    contains(page, ".hs-last-events", "coercion")
    page.set_viewport_size({"width": 1600, "height": 1180})  # every card in the picture
    page.wait_for_timeout(800)  # let the pictures settle before the photograph
    shot = results_dir / "dashboard.png"
    page.screenshot(path=str(shot))
    if os.environ.get("HEDGESIM_UPDATE_FIGURES"):  # refresh the README's picture on request
        shutil.copyfile(shot, ROOT / "docs" / "figures" / "dashboard.png")

    choose(page, "thaad_2016", "seven")
    error = page.locator(".hs-input-error")
    error.wait_for()
    assert (
        error.inner_text().strip()
        == f"seed = 'seven': a whole number in [0, 2**63), e.g. {DEFAULT_SEED} (kept {DEFAULT_SEED})"
    )
    assert traffic.outside == [] and traffic.failed == []


def test_play_steps_on_its_own_and_pause_stops_it(page, traffic, dashboard_url):
    open_dashboard(page, dashboard_url)
    step = page.get_by_role("button", name="Step", exact=True)
    page.get_by_role("button", name="▶", exact=True).click()
    page.locator(".hs-date", has_text="step 2 of").wait_for()
    assert step.is_disabled()  # no STEP under a playing world
    page.get_by_role("button", name="❚❚", exact=True).click()
    page.get_by_role("button", name="▶", exact=True).wait_for()
    assert step.is_enabled()
    paused_at = int(re.search(r"step (\d+) of", text(page, ".hs-date")).group(1))
    press_step(page, paused_at + 1)  # by hand again, one quarter at a time
    expected = ClassroomModel()
    for _ in range(paused_at + 1):
        expected.step()
    shows(page, ".hs-threat", f"{expected.threat:.3f}")
    assert traffic.outside == [] and traffic.failed == []


def test_the_step_click_benchmark_times_clicks_and_records_them(tmp_path):
    # benchmarks/bench_dashboard.py on this tree, a few clicks: a smoke test, nothing timed
    out = tmp_path / "dashboard.jsonl"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_dashboard.py")]
        + ["--rounds", "1", "--clicks", "2", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["benchmark"] == "dashboard_step_click" and record["clicks"] == 2
    assert 0 < record["min_ms"] <= record["median_ms"] <= record["max_ms"]
    assert "STEP click: min" in result.stdout


def test_the_step_click_benchmark_refuses_a_baseline_without_a_dashboard(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_dashboard.py")]
        + ["--baseline", str(tmp_path), "--json", str(tmp_path / "x.jsonl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: --baseline = {tmp_path}: not a hedgesim checkout")
