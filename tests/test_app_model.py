"""The dashboard's model and session: a scenario and a seed from the sidebar, what a class does
by hand, playing and pausing."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from experiments.classroom.scenarios import load_scenario
from experiments.classroom.session import DEFAULT_SEED, ClassroomModel, Session, parse_seed
from sim import simulate
from sim.params import ParamError

warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def test_it_is_run_0_of_the_engine_for_its_scenario_and_seed():
    model = ClassroomModel("thaad_2016", "7")
    for _ in range(6):
        model.step()
    engine = simulate(load_scenario("thaad_2016"), runs=1, seed=7).isel(run=0, step=6)
    assert model.seed == 7 and model.scenario_name == "thaad_2016"
    assert model.agent("KOR").security == pytest.approx(
        float(engine["security"].sel(state="KOR")), abs=1e-12
    )
    assert model.threat == pytest.approx(float(engine["threat"]), abs=1e-12)


def test_a_pressure_set_by_hand_is_pending_until_the_next_step():
    model = ClassroomModel()
    before = model.pressures["us_reliability"]
    model.set_pressure("us_reliability", 0.2)
    assert model.pending_pressures == {"us_reliability": 0.2}
    assert model.pressures["us_reliability"] == before  # not yet in force
    model.step()
    assert model.pressures["us_reliability"] == 0.2
    assert model.pending_pressures == {}


def test_a_fired_event_is_queued_then_dated_where_it_happened():
    model = ClassroomModel()
    model.step()
    model.fire_event("summit", partner="CHN")
    assert [e.label for e in model.pending_events] == ["Summit with China"]  # partners named
    model.step()
    assert model.pending_events == []
    (event,) = model.hand_events
    assert (event.kind, event.label, event.date) == ("summit", "Summit with China", model.date)
    assert model.last_events["summit"] >= 1


def test_a_missile_test_by_hand_raises_the_threat_against_the_same_world_left_alone():
    steered, alone = ClassroomModel(), ClassroomModel()
    steered.fire_event("missile_test")
    steered.step()
    alone.step()
    assert steered.threat > alone.threat


@pytest.mark.parametrize("typed", ["seven", "-3", "1e3", str(2**63)])
def test_a_bad_seed_keeps_the_default_and_says_why_in_one_line(typed):
    model = ClassroomModel("lee_2025", typed)
    assert model.seed == DEFAULT_SEED
    assert (
        model.input_error
        == f"seed = {typed!r}: a whole number in [0, 2**63), e.g. {DEFAULT_SEED} (kept {DEFAULT_SEED})"
    )


def test_seeds_may_be_typed_with_separators():
    assert parse_seed(" 20_250_604 ") == parse_seed("20,250,604") == 20250604
    with pytest.raises(ParamError, match="seed = 'x'"):
        parse_seed("x")


# ----------------------------------------------------------------------------- the session
def test_playing_steps_to_the_horizon_then_stops_as_stepping_by_hand_does():
    session = Session("thaad_2016", "7")
    session.playing.value = True
    session.play(threading.Event(), seconds=0)
    by_hand = ClassroomModel("thaad_2016", "7")
    while by_hand.running:
        by_hand.step()
    model = session.model.value
    assert not session.playing.value and not model.running
    assert (model.steps, model.threat) == (by_hand.steps, by_hand.threat)
    session.toggle_play()
    assert not session.playing.value  # nothing left to play


def test_a_pause_stops_the_play_before_the_next_step():
    session = Session()
    session.playing.value = True
    paused = threading.Event()
    paused.set()
    session.play(paused, seconds=0)
    assert session.model.value.steps == 0


def test_reset_builds_the_world_the_sidebar_chose_and_stops_the_play():
    session = Session()
    session.step()
    session.playing.value = True
    session.scenario.value, session.seed_text.value = "us_retrenchment", "11"
    version = session.version.value
    session.reset()
    model = session.model.value
    assert (model.scenario_name, model.seed, model.steps) == ("us_retrenchment", 11, 0)
    assert np.isclose(model.pressures["us_trade_pressure"], 0.6)
    assert not session.playing.value and session.version.value > version


def test_a_play_never_steps_the_world_a_reset_put_in_its_place():
    session = Session()
    session.playing.value = True
    stop = threading.Event()
    original_step = session.step

    def step_then_reset(world=None) -> bool:  # a teacher presses RESET while the world plays
        running = original_step(world)
        session.step = original_step
        session.reset()
        session.playing.value = True  # and ▶ again before the old loop wakes
        return running

    session.step = step_then_reset
    session.play(stop, seconds=0)
    assert session.model.value.steps == 0
