"""The Mesa layer as Mesa: DataCollector tables, batch_run, live controls, explanations,
errors and logging. (Equivalence with the engine: test_agents_equivalence.py.)"""

from __future__ import annotations

import logging
import random

import mesa
import numpy as np
import pandas as pd
import pytest

import agents
import sim
from agents import GeopoliticsModel
from sim.opinion import switch_probability
from sim.params import (
    CAMPS,
    EVENT_KINDS,
    PRESSURE_KEYS,
    ParamError,
    PressureChange,
    ScheduledEvent,
    with_values,
)
from sim.utility import TERMS, utility

STEPS = 8
SHORT = 3  # a short run, for checks that need no more


@pytest.fixture(scope="module")
def model(default_params):
    model = GeopoliticsModel(default_params, rng=5, run=2, steps=STEPS)
    model.run_for(STEPS)
    return model


# ----------------------------------------------------------------------------- Mesa's tools
def test_model_table_agrees_with_the_dataset(model):
    table = model.datacollector.get_model_vars_dataframe()
    ds = model.to_dataset().isel(run=0)
    assert len(table) == STEPS + 1
    np.testing.assert_array_equal(table["threat"], ds["threat"])
    np.testing.assert_array_equal(table["rivalry_in_force"], ds["rivalry"])
    np.testing.assert_array_equal(table["taiwan_risk_in_force"], ds["taiwan_risk"])
    for name in PRESSURE_KEYS:
        np.testing.assert_array_equal(
            table[f"pressure.{name}"], ds["pressure"].sel(pressure_name=name)
        )
    for kind in EVENT_KINDS:
        np.testing.assert_array_equal(table[f"events.{kind}"], ds["events"].sel(event=kind))
    assert ds["events"].sum() > 0  # lee_2025 schedules tariff shocks and summits


def test_agent_table_agrees_with_the_dataset(model):
    table = model.datacollector.get_agent_vars_dataframe().reset_index()
    ds = model.to_dataset().isel(run=0)
    for code in model.state_codes:
        rows = table[table["code"] == code].sort_values("Step")
        assert (rows["role"] == "middle_power").all()
        np.testing.assert_array_equal(rows["Step"], ds["step"])
        state = ds.sel(state=code)
        for name in ("security", "economic", "autonomy", "hedging", "posture"):
            np.testing.assert_array_equal(
                rows[name].astype(float), state[name].astype(float), err_msg=name
            )
        np.testing.assert_array_equal(rows["government"].map(CAMPS.index), state["government"])
        for pole in model.pole_codes:
            np.testing.assert_array_equal(
                rows[f"restriction_by_{pole}"], state["restriction"].sel(great_power=pole)
            )
    for pole in model.pole_codes:
        rows = table[table["code"] == pole].sort_values("Step")
        np.testing.assert_array_equal(rows["reliability"], ds["reliability"].sel(great_power=pole))
        assert rows["security"].isna().all()  # not a middle power's column
        # nor is a government: NaN as in every column, not None (which Mesa deep-copies)
        assert all(value != value for value in rows["government"])
    challenger = table[table["role"] == "challenger"].sort_values("Step")
    np.testing.assert_array_equal(challenger["threat"], ds["threat"])


@pytest.mark.parametrize("great_powers", ["strategic", "responsive"])
def test_restrictions_now_are_the_pairs_restrictions(default_params, great_powers):
    """The restrictions the agents report (`restrictions_now`, read every step by the
    DataCollector) are those of the full pairs (`pairs_now`) at every step, bit for bit."""
    params = with_values(default_params, {"dynamics.great_powers": great_powers})
    model = GeopoliticsModel(params, rng=4, steps=STEPS)
    model.fire_event("coercion", target="KOR", partner="CHN", magnitude=0.8)
    highest = 0.0
    for _ in range(STEPS + 1):
        np.testing.assert_array_equal(model.restrictions_now(), model.pairs_now().restriction)
        highest = max(highest, model.restrictions_now().max())
        model.step()
    assert highest > 0  # the coercion episode restricts trade


def test_batch_run_sweeps_a_pressure(default_params):
    """batch_run over rivalry x two seeds: four runs, each the engine's run with that rivalry."""
    results = mesa.batch_run(
        GeopoliticsModel,
        parameters={"params": default_params, "rivalry": [0.1, 0.9], "steps": 4},
        rng=[1, 2],
        max_steps=100,
        data_collection_period=-1,
        display_progress=False,
    )
    table = pd.DataFrame(results)
    assert table["RunId"].nunique() == 4
    assert set(table["Step"]) == {4.0}  # stopped at the horizon, not at max_steps
    kor = table[table["code"] == "KOR"].set_index(["rivalry", "rng"])["security"]
    for rivalry in (0.1, 0.9):
        values = with_values(default_params, {"pressures.rivalry": rivalry})
        for seed in (1, 2):
            engine = sim.simulate(values, runs=1, seed=seed, steps=4)
            assert kor[(rivalry, seed)] == pytest.approx(
                float(engine["security"].sel(state="KOR")[0, -1]), abs=1e-12
            )
    assert kor[(0.1, 1)] != kor[(0.9, 1)]  # the swept pressure matters
    # every column of the model table, read by batch_run from the DataCollector's store
    model = GeopoliticsModel(default_params, rng=1, steps=1)
    assert set(model.datacollector.get_model_vars_dataframe().columns) <= set(table.columns)
    np.testing.assert_array_equal(table["pressure.rivalry"], table["rivalry"])


def test_steps_beyond_the_horizon_change_nothing(default_params):
    model = GeopoliticsModel(default_params, rng=1, steps=SHORT)
    model.run_for(SHORT)
    assert not model.running
    before = model.to_dataset()
    model.run_for(2)
    after = model.to_dataset()
    assert after.sizes["step"] == 4
    np.testing.assert_array_equal(after["security"], before["security"])


def test_a_middle_powers_choice_and_response_are_its_row_of_the_decisions(default_params):
    model = GeopoliticsModel(default_params, rng=3, steps=SHORT)
    mp = model.agent(model.focus)
    assert mp.choice is None and mp.response is None  # before its first decision
    model.run_for(1)
    assert mp.choice is None  # adopted
    row = lambda fields: tuple(x[0].tolist()[mp.index] for x in fields)  # noqa: E731
    assert mp.response == row(model.decisions[1])
    assert (mp.security, mp.economic, mp.autonomy) == row(model.decisions[0])
    mp.decide()  # the same decisions again: its choice is its row, not adopted yet
    assert mp.choice == row(model.decisions[0])
    assert all(type(x) is float for x in (*mp.choice, *mp.response))


def test_decisions_are_synchronous(default_params):
    """The order in which middle powers decide (Mesa's shuffle) changes no number."""
    first = GeopoliticsModel(default_params, rng=4, steps=6)
    second = GeopoliticsModel(default_params, rng=4, steps=6)
    second.middle_powers.random = random.Random(12345)  # a different activation order
    decided = []  # the codes of the middle powers of `second` in the order they decide

    def recorded(mp):
        own = mp.decide

        def decide():
            decided.append(mp.code)
            own()

        return decide

    for mp in second.middle_powers:
        mp.decide = recorded(mp)
    first.run_for(6)
    second.run_for(6)
    m = len(second.state_codes)
    orders = {tuple(decided[i : i + m]) for i in range(0, len(decided), m)}
    assert len(orders) > 1  # the order did vary
    np.testing.assert_array_equal(first.to_dataset()["security"], second.to_dataset()["security"])


# ----------------------------------------------------------------------------- the world now
def test_agents_numbers_are_their_parts_of_the_world_now(default_params):
    """An agent's numbers read and write its part of `model.now` (agents/parts.py): floats
    stay floats, arrays are views of its row or column."""
    model = GeopoliticsModel(default_params, rng=3, steps=SHORT)
    model.run_for(1)
    now, mp, gp, prk = (
        model.now,
        model.middle_powers.to_list()[0],
        model.great_powers.to_list()[0],
        model.challenger,
    )
    i, p = mp.index, gp.index
    assert type(mp.security) is float and mp.security == now.security[0, i]
    assert type(gp.reliability_shock) is float and type(prk.threat) is float
    assert type(mp.camp) is int and mp.government == CAMPS[int(now.camp[0, i])]
    assert np.shares_memory(mp.memory, now.memory) and np.shares_memory(gp.levers, now.levers)
    np.testing.assert_array_equal(gp.restriction, now.restriction[0, :, p])
    mp.ties[mp.index] = 0.25  # a write into the view is a write into the world now
    assert now.cooperation[0, i, i] == 0.25
    gp.restriction = np.full(len(model.state_codes), 0.5)  # an assignment copies the values in
    np.testing.assert_array_equal(now.restriction[0, :, p], 0.5)
    prk.threat = 0.4
    assert now.threat[0] == 0.4 and model.threat == 0.4


def test_world_state_and_the_record_keep_their_numbers(default_params):
    """`world_state()` is a copy of the world now; the world recorded at the end of a step
    and the world a step's choices were judged from do not change as the run goes on."""
    model = GeopoliticsModel(default_params, rng=3, steps=SHORT)
    model.run_for(1)
    copy, recorded = model.world_state(), model.trajectories()["security"].copy()
    before, judged_from = model.before, model.before.security.copy()
    model.now.security[...] = 0.123  # in place: neither the copies nor the record follow
    assert not np.any(copy.security == 0.123)
    np.testing.assert_array_equal(before.security, judged_from)
    model.run_for(2)
    np.testing.assert_array_equal(model.trajectories()["security"][:, :2], recorded)
    assert model.to_dataset().sizes["step"] == 4


def test_governing_camps_are_one_read_only_array_between_elections(default_params):
    """The engine keeps a camp's tables by the identity of the camps' array (read only):
    the same array while no government changes, another after a change."""
    model = GeopoliticsModel(default_params, rng=3, steps=SHORT)
    camps = model.now.camp
    assert not camps.flags.writeable
    mp = model.middle_powers.to_list()[0]
    mp.camp = mp.camp  # the same government: the same array
    assert model.now.camp is camps
    mp.camp = 1 - mp.camp
    assert model.now.camp is not camps and not model.now.camp.flags.writeable
    assert camps[0, mp.index] != model.now.camp[0, mp.index]


def test_a_middle_powers_odds_are_its_element_of_the_engines(default_params):
    """`MiddlePower.odds` (what its election is drawn against) is its element of the engine's
    switch probability of every middle power in the world now, read live: after its public
    warms to the first great power, its odds are those of the moved opinion, and differ."""
    model = GeopoliticsModel(default_params, rng=3, steps=SHORT)
    model.run_for(2)
    first = model.middle_powers.to_list()[0]
    odds = []
    for moved in (False, True):
        if moved:
            first.opinion[0] += 0.3  # a write into its row of the world now
        now = model.world_state()
        everyone = switch_probability(model.world, now.opinion, now.camp)  # (1, M)
        for mp in model.middle_powers:
            assert mp.odds.shape == (1,) and mp.odds[0] == everyone[0, mp.index]
        odds.append(float(first.odds[0]))
    assert odds[0] != odds[1]


# ----------------------------------------------------------------------------- live controls
def test_set_pressure_acts_as_a_scheduled_change(default_params):
    model = GeopoliticsModel(default_params, rng=6, run=1, steps=STEPS)
    model.run_for(3)
    model.set_pressure("rivalry", 0.95)
    assert (
        model.pressures["rivalry"] == default_params.pressures.rivalry
    )  # not before the next step
    model.run_for(STEPS - 3)
    assert model.pressures["rivalry"] == 0.95
    change = PressureChange(date=model.world.dates[4].isoformat(), pressure="rivalry", value=0.95)
    scheduled = with_values(
        default_params, {"scenario.schedule": [*default_params.scenario.schedule, change]}
    )
    engine = sim.simulate(scheduled, runs=2, seed=6, steps=STEPS).isel(run=[1])
    np.testing.assert_allclose(
        model.to_dataset()["security"], engine["security"], rtol=0, atol=1e-12
    )


def test_levers_in_force_follow_every_change(default_params):
    """The levers in force and their bounds, computed again only when the pressures or the
    shocks change, are at every step those the engine's functions give for the world then,
    through live pressures (which set a bound), a Taiwan crisis and summits (shocks)."""
    from sim.dynamics.levers import in_force
    from sim.world import lever_caps, pressure_levers

    model = GeopoliticsModel(default_params, rng=3, run=0, steps=STEPS)
    for k in range(STEPS):
        if k == 1:
            model.set_pressure("china_coercion", 0.1)
            model.fire_event("taiwan_crisis")
        if k == 3:
            model.set_pressure("us_reliability", 0.2)
            model.fire_event("summit", "KOR", "USA")
        model.step()
        state, w = model.world_state(), model.world
        expected = sim.dynamics.effective_levers(
            w, state.pressures, state.reliability_shock, state.taiwan_shock
        )
        assert model.levers.keys() == expected.keys()
        for name, value in expected.items():
            np.testing.assert_array_equal(model.levers[name], value, err_msg=name)
        caps = lever_caps(w, pressure_levers(w, state.pressures))
        np.testing.assert_array_equal(model.pressure_dispositions(state.pressures)[1], caps)
        held = in_force(state.levers, caps)
        for gp in model._pole_agents:
            table = gp.levers_in_force
            for i, code in enumerate(model.state_codes):
                assert list(table[code].values()) == held[0, i, gp.index].tolist()
    assert model.pressures["china_coercion"] == 0.1
    assert model.agent("CHN").coercion == 0.1  # the live pressure sets the disposition


def test_fire_event_acts_as_a_scheduled_event(default_params):
    model = GeopoliticsModel(default_params, rng=8, steps=STEPS)
    model.run_for(4)
    model.fire_event("coercion", target="KOR", partner="CHN", magnitude=0.8)
    model.fire_event("summit", target="JPN", partner="KOR")
    model.step()
    assert model.last_events["coercion"] >= 1 and model.last_events["summit"] >= 1
    assert model.agent("KOR").restrictions["CHN"] > 0
    model.run_for(STEPS - 5)
    date = model.world.dates[4].isoformat()
    fired = [
        ScheduledEvent(date=date, kind="coercion", target="KOR", partner="CHN", magnitude=0.8),
        ScheduledEvent(date=date, kind="summit", target="JPN", partner="KOR"),
    ]
    scheduled = with_values(
        default_params, {"scenario.events": [*default_params.scenario.events, *fired]}
    )
    engine = sim.simulate(scheduled, runs=1, seed=8, steps=STEPS)
    for name in ("security", "restriction", "events"):
        np.testing.assert_allclose(
            model.to_dataset()[name], engine[name], rtol=0, atol=1e-12, err_msg=name
        )


@pytest.mark.parametrize(
    ("control", "message"),
    [
        (
            lambda m: m.set_pressure("rivalryy", 0.3),
            "pressures.rivalryy = 0.3: no such pressure; allowed: ",
        ),
        (
            lambda m: m.set_pressure("rivalry", 1.3),
            "pressures.rivalry = 1.3: must be in [0.0, 1.0]",
        ),
        (
            lambda m: m.fire_event("coercion", target="KOR", partner="JPN"),
            "event.partner = 'JPN': the great power imposing it",
        ),
        (lambda m: m.fire_event("earthquake"), "event.kind = 'earthquake': must be one of"),
        (
            lambda m: m.fire_event("summit", target="ATL", partner="USA"),
            "event.target = 'ATL': unknown state code",
        ),
    ],
)
def test_bad_live_controls_fail_in_one_line(default_params, control, message):
    model = GeopoliticsModel(default_params, rng=1, steps=SHORT)
    with pytest.raises(ParamError) as error:
        control(model)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_why_splits_the_move_into_the_utility_terms(model):
    kor = model.agent("KOR")
    why = model.why("KOR")
    assert set(why.terms) == set(TERMS)
    assert why.after == {
        "security": kor.security,
        "economic": kor.economic,
        "autonomy": kor.autonomy,
    }
    assert why.before != why.after
    # the contributions add up to the change of the state's utility, computed independently
    ctx, weights = kor.context, model.world.weights

    def at(position):
        s, e, a = (np.array([[[position[d]]]]) for d in ("security", "economic", "autonomy"))
        return utility(s, e, a, ctx, weights)

    assert why.total == pytest.approx(float((at(why.after) - at(why.before))[0, 0, 0]), abs=1e-12)
    assert why.terms["inertia"] < 0  # moving always costs
    assert why.rows()[0][1] == max(why.terms.values(), key=abs)


def test_why_before_any_move_is_zero(default_params):
    why = GeopoliticsModel(default_params, rng=1).why()
    assert why.code == "KOR" and why.total == 0 and set(why.terms.values()) == {0.0}


# ----------------------------------------------------------------------------- errors, logs
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("pressures.rivalry", 1.5),
        ("weights.protection", -1.0),
        ("world.middle_powers.KOR.security", 2.0),
    ],
)
def test_bad_parameter_fails_as_in_the_engine(default_params, key, value):
    bad = with_values(default_params, {key: value})
    with pytest.raises(ParamError) as engine:
        sim.simulate(bad, runs=2)
    with pytest.raises(ParamError) as model:
        GeopoliticsModel(bad, rng=1)
    with pytest.raises(ParamError) as batch:
        agents.simulate(bad, runs=2)
    assert str(model.value) == str(engine.value) == str(batch.value)
    assert key in str(model.value) and "\n" not in str(model.value)


def test_bad_pressure_keyword_fails_as_the_config_would(default_params):
    with pytest.raises(ParamError) as engine:
        sim.simulate(with_values(default_params, {"pressures.dprk_threat": 1.2}))
    with pytest.raises(ParamError) as model:
        GeopoliticsModel(default_params, rng=1, dprk_threat=1.2)
    assert str(model.value) == str(engine.value)
    with pytest.raises(ParamError, match="^threat = 0.5: not a pressure; allowed: "):
        GeopoliticsModel(default_params, rng=1, threat=0.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rng": -1}, "rng = -1: a whole number in [0, 2**63), or None"),
        ({"rng": 1, "run": 1.5}, "run = 1.5: a whole number >= 0"),
        ({"rng": 1, "steps": 0}, "steps = 0: a whole number >= 1, or None for the scenario's"),
    ],
)
def test_bad_run_settings_fail_in_one_line(default_params, kwargs, message):
    with pytest.raises(ParamError) as error:
        GeopoliticsModel(default_params, **kwargs)
    assert str(error.value) == message


def test_array_parameter_needs_the_runs_element(default_params):
    params = with_values(default_params, {"pressures.rivalry": np.array([0.2, 0.4])})
    assert GeopoliticsModel(params, rng=1, run=1).pressures["rivalry"] == 0.4
    with pytest.raises(
        ParamError, match=r"^pressures.rivalry = array\[2\]: an array over runs needs a value"
    ):
        GeopoliticsModel(params, rng=1, run=2)


def test_mesa_step_logging_stays_out_of_the_logs(default_params, caplog):
    caplog.set_level(logging.INFO)  # what an experiment's log handler would see
    assert (
        logging.getLogger("MESA").getEffectiveLevel() == logging.WARNING
    )  # set by agents/__init__
    GeopoliticsModel(default_params, rng=1, steps=SHORT).run_for(SHORT)
    assert not [r for r in caplog.records if r.name.startswith("MESA")]
    logging.getLogger("MESA").setLevel(logging.INFO)  # and Mesa would log otherwise
    try:
        GeopoliticsModel(default_params, rng=1, steps=SHORT).run_for(1)
        assert [r for r in caplog.records if r.name.startswith("MESA")]
    finally:
        logging.getLogger("MESA").setLevel(logging.WARNING)


def test_unseeded_model_reports_its_seed(default_params):
    model = GeopoliticsModel(default_params, steps=SHORT)
    model.run_for(SHORT)
    again = GeopoliticsModel(default_params, rng=model.seed, steps=SHORT)
    again.run_for(SHORT)
    np.testing.assert_array_equal(model.to_dataset()["security"], again.to_dataset()["security"])
