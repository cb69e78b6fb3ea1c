"""Play a side on the dashboard, in this process: two tabs of one class session share a world,
each takes a seat, the world steps when both have chosen, and the seat's card and the "why"
card say in words what the model's own agents chose and why."""

from __future__ import annotations

import threading
import warnings

import pytest
import solara

from experiments.classroom import app
from experiments.classroom.scenarios import DEFAULT_SCENARIO
from experiments.classroom.session import DEFAULT_SEED, ClassroomModel, Session
from experiments.classroom.words import describe_levers, describe_provocation
from sim.errors import HedgesimError

warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def tab(name: str) -> Session:
    found = app.page_address.decode("")
    return app.session_for(found, name)


def test_two_tabs_of_a_class_session_share_one_world_and_step_when_both_chose():
    washington, beijing = tab("seats-test-1"), tab("seats-test-1")
    alone = tab("")
    assert washington.model.value is beijing.model.value
    assert alone.model.value is not washington.model.value
    washington.take_seat("USA")
    beijing.take_seat("CHN")
    washington.choose(commitment=0.9)
    assert washington.model.value.steps == 0  # Beijing has not chosen yet
    assert washington.model.value.waiting == ["CHN"]
    beijing.choose(coercion=0.4)
    model = beijing.model.value
    assert model.steps == 1 and washington.model.value is model
    kor = model.state_codes.index("KOR")
    assert model.agent("USA").levers[kor][0] == 0.9
    assert model.agent("CHN").levers[kor][2] == 0.4
    # the same world as the Mesa layer's seats give, choice for choice
    twin = ClassroomModel(DEFAULT_SCENARIO, DEFAULT_SEED)
    twin.take_seat("USA"), twin.take_seat("CHN")
    twin.choose("USA", commitment=0.9), twin.choose("CHN", coercion=0.4)
    twin.step()
    assert twin.agent("KOR").security == model.agent("KOR").security
    assert model.debrief("USA").own != model.debrief("USA").chosen


def test_a_tab_follows_the_changes_of_another():
    first, second = tab("seats-test-2"), tab("seats-test-2")
    stop = threading.Event()
    follower = threading.Thread(target=second.follow, args=(stop, 0.05))
    seen = second.version.value
    follower.start()
    try:
        first.step()
        for _ in range(600):  # a generous bound, not a timing: the follower wakes on the change
            if second.version.value > seen:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        follower.join()
    assert second.version.value > seen


def test_a_refused_choice_is_one_line_and_nothing_moves():
    seoul = tab("seats-test-3")
    seoul.take_seat("KOR")
    with pytest.raises(HedgesimError, match=r"choose.security") as error:
        seoul.choose(security=3.0)
    assert "\n" not in str(error.value) and seoul.model.value.steps == 0


def test_the_why_card_tells_what_the_great_powers_and_pyongyang_did():
    model = ClassroomModel(DEFAULT_SCENARIO, DEFAULT_SEED)
    model.run_for(4)
    names = {"KOR": "South Korea", "plus": "the United States", "minus": "China"}
    usa = describe_levers("the United States", model.why("USA"), names)
    assert usa and all("toward South Korea" in line for line in usa)
    moved = [r for r in model.why("USA").rows() if abs(r[1]) >= 0.005]
    if moved:
        assert " because " in usa[0] and f"{model.why('USA').after[moved[0][0]]:.2f}" in usa[0]
    prk = describe_provocation("North Korea", model.why("PRK"), names)
    assert prk[0].startswith("North Korea") and len(prk) >= 2


def texts(root) -> str:
    from tests.test_app_page import all_text

    return all_text(root)


def test_the_page_plays_a_side_and_shows_the_debrief():
    from tests.test_app_page import find

    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        assert "Play a side" in texts(box)
        assert "The great powers and Pyongyang" not in texts(box)  # nothing chosen yet
        find(box, "hs-seat-USA").click()
        assert "levers toward South Korea" in texts(box)
        find(box, "hs-seat-choose").click()  # the only seat: the world steps
        shown = texts(box)
        assert "Debrief" in shown and "The great powers and Pyongyang" in shown
        assert "North Korea" in shown
    finally:
        context.close()


def test_the_page_plays_pyongyang_and_the_debrief_says_what_the_models_would_have_done():
    from tests.test_app_page import find

    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        find(box, "hs-seat-PRK").click()
        assert "North Korea's course next quarter" in texts(box)
        find(box, "hs-seat-choose").click()  # its course as it stands: the world steps
        shown = texts(box)
        twin = ClassroomModel(DEFAULT_SCENARIO, DEFAULT_SEED)
        twin.take_seat("PRK")
        twin.choose("PRK", provocation=twin.challenger.provocation)
        twin.step()
        own = twin.debrief("PRK").own["provocation"]
        assert f"provocation {twin.challenger.provocation:.2f} (the model: {own:.2f})" in shown
        names = {"plus": "the United States", "minus": "China"}
        for line in describe_provocation("The model's North Korea", twin.debrief("PRK").why, names):
            assert line in shown
    finally:
        context.close()
