"""The dashboard's model: a scenario and a seed from the sidebar, and what a class does by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from experiments.classroom.scenarios import load_scenario
from experiments.classroom.session import DEFAULT_SEED, MODEL_PARAMS, ClassroomModel, parse_seed
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
    assert [e.label for e in model.pending_events] == ["Summit with CHN"]
    model.step()
    assert model.pending_events == []
    (event,) = model.hand_events
    assert (event.kind, event.label, event.date) == ("summit", "Summit with CHN", model.date)
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


def test_the_sidebar_offers_every_scenario_and_rebuilds_the_model_from_it():
    from mesa.visualization.solara_viz import _build_model_init_kwargs, _check_model_params

    model = ClassroomModel()
    _check_model_params(model, MODEL_PARAMS)  # what SolaraViz checks before it shows the page
    assert "thaad_2016" in MODEL_PARAMS["scenario_name"]["values"]
    chosen = {"scenario_name": "us_retrenchment", "seed": "11"}
    kwargs = _build_model_init_kwargs(
        model, chosen, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    rebuilt = type(model)(**kwargs)  # what Reset does
    assert (rebuilt.scenario_name, rebuilt.seed) == ("us_retrenchment", 11)
    assert np.isclose(rebuilt.pressures["us_trade_pressure"], 0.6)
