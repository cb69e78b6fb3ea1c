"""The dashboard's page rendered in this process, without a browser (Solara's own way to test
a page): the controls are there and do what they say, and what the page shows after a
slider, an event and a step is what the same actions give on the model itself."""

from __future__ import annotations

import warnings

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from experiments.classroom import app
from experiments.classroom.components import posture_of
from experiments.classroom.session import DEFAULT_SEED, ClassroomModel

warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def widgets(root):
    """Every widget below `root`, slots included (Vuetify puts the sidebar's menu in one)."""
    yield root
    children = getattr(root, "children", None) or []
    slots = [slot.get("children") for slot in getattr(root, "v_slots", None) or []]
    for child in [*children, *slots]:
        for widget in child if isinstance(child, list) else [child]:
            if isinstance(widget, ipywidgets.Widget):
                yield from widgets(widget)


def find(root, css: str):
    found = [w for w in widgets(root) if css in (getattr(w, "class_", None) or "").split()]
    assert found, f"nothing on the page has the class {css}"
    return found[0]


def picture(root, card: str) -> bytes:
    """The PNG a picture card shows."""
    return bytes(
        next(w for w in widgets(find(root, card)) if isinstance(w, ipywidgets.Image)).value
    )


def text(root, css: str) -> str:
    return "".join(part for part in find(root, css).children if isinstance(part, str)).strip()


def all_text(root) -> str:
    parts = []
    for widget in widgets(root):
        parts += [c for c in getattr(widget, "children", None) or [] if isinstance(c, str)]
        parts += [str(getattr(widget, "label", "") or "")]
    return " ".join(parts)


@pytest.fixture
def page():
    """The page as the server shows it: inside Solara's app layout (the sidebar lives there)."""
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    yield box
    context.close()  # stops the play thread, if any


def test_the_page_has_its_cards_and_controls_and_none_of_mesas(page):
    shown = all_text(page)
    for card in (
        "At a glance",
        "Pressures",
        "Why did South Korea move?",
        "The blocs now",
        "The scenario's schedule",
        "Scenario",
        "Seed (whole number)",
        "A teaching model, not a forecast",
    ):
        assert card in shown
    for control in ("hs-reset", "hs-play", "hs-step", "hs-back", "hs-pin", "hs-date"):
        find(page, control)
    for card in ("hs-map-card", "hs-series-card"):
        assert picture(page, card).startswith(b"\x89PNG")
    for developer_control in ("Play Interval", "Render Interval", "Use Threads"):
        assert developer_control not in shown
    assert text(page, "hs-seed") == f"seed {DEFAULT_SEED}"
    assert text(page, "hs-date").endswith("step 0 of 40")


def test_a_slider_an_event_and_a_step_show_what_the_model_does(page):
    slider = next(w for w in widgets(find(page, "hs-slider-rivalry")) if isinstance(w, v.Slider))
    slider.v_model = 1.0  # what dragging the slider sends
    assert text(page, "hs-pressure-rivalry") == "US–China rivalry: 1.00  → next step"
    find(page, "hs-event-missile_test").click()
    assert text(page, "hs-pending") == "Queued: Missile test"
    map_before = picture(page, "hs-map-card")
    find(page, "hs-step").click()

    steered = ClassroomModel()
    steered.set_pressure("rivalry", 1.0)
    steered.fire_event("missile_test")
    steered.step()
    alone = ClassroomModel()
    alone.step()
    assert text(page, "hs-date").endswith("step 1 of 40")
    assert text(page, "hs-threat") == f"{steered.threat:.3f}" != f"{alone.threat:.3f}"
    assert text(page, "hs-rivalry") == "1.00"
    assert "missile test" in text(page, "hs-last-events")
    assert text(page, "hs-pending") == "Queued: nothing"
    korea = steered.agent("KOR")
    assert text(page, "hs-posture").startswith(f"Posture now: {posture_of(steered, korea)}")
    assert picture(page, "hs-map-card") != map_before


def test_a_scenario_and_a_seed_take_effect_on_reset(page):
    scenario = next(w for w in widgets(page) if getattr(w, "label", None) == "Scenario")
    seed = next(w for w in widgets(page) if getattr(w, "label", None) == "Seed (whole number)")
    scenario.v_model = "thaad_2016"
    seed.v_model = "7"
    assert text(page, "hs-seed") == f"seed {DEFAULT_SEED}"  # not before RESET
    find(page, "hs-reset").click()
    assert text(page, "hs-scenario").startswith("thaad_2016: THAAD")
    assert text(page, "hs-seed") == "seed 7"
    find(page, "hs-step").click()
    expected = ClassroomModel("thaad_2016", "7")
    expected.step()
    assert text(page, "hs-threat") == f"{expected.threat:.3f}"

    seed.v_model = "seven"
    find(page, "hs-reset").click()
    assert text(page, "hs-input-error") == (
        f"seed = 'seven': a whole number in [0, 2**63), e.g. {DEFAULT_SEED} (kept {DEFAULT_SEED})"
    )
    assert text(page, "hs-date").endswith("step 0 of 40")


def test_play_shows_pause_and_takes_the_step_button_away(page):
    find(page, "hs-play").click()
    # The play thread draws the page as it steps; a click is shown once it lets go of it.
    solara_wait(lambda: find(page, "hs-play").children == ["❚❚"])
    assert find(page, "hs-step").disabled  # no STEP under a playing world
    find(page, "hs-play").click()
    solara_wait(lambda: find(page, "hs-play").children == ["▶"])
    assert not find(page, "hs-step").disabled


def solara_wait(condition, seconds: float = 60) -> None:
    """Wait for the play thread to get somewhere (a deadline, not a measured time)."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page did not get there in time"
        time.sleep(0.02)


def test_a_step_draws_the_whole_page_in_one_render_pass():
    """Only the page watches the world and hands its version down to the cards: with every
    card watching, Solara drew a STEP in one pass per card (fifteen), each over the page."""
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        find(box, "hs-step").click()
        before = context.render_count
        find(box, "hs-step").click()
        assert text(box, "hs-date").endswith("step 2 of 40")
        assert context.render_count - before == 1
    finally:
        context.close()


def test_the_readout_shows_the_step_read_and_follows_a_step(page):
    model = ClassroomModel()
    for _ in range(2):
        find(page, "hs-step").click()
        model.step()
        korea = model.agent("KOR")
        assert text(page, "hs-readout").startswith(
            f"{model.date.isoformat()}: security {korea.security:+.2f}, "
            f"economy {korea.economic:+.2f}"
        )
    first = ClassroomModel.replayed(model.scenario_name, model.seed, [], 1).agent("KOR")
    slider = next(
        w
        for w in widgets(find(page, "hs-series-card"))
        if isinstance(w, v.Slider) and w.label == "Read the charts at step"
    )
    slider.v_model = 1
    assert f"security {first.security:+.2f}" in text(page, "hs-readout")
