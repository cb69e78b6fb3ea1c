"""The Mesa layer runs the engine's equations: `GeopoliticsModel(params, rng=seed, run=r)`
stepped to the horizon is run r of `sim.simulate(params, runs=R, seed=seed)` (to 1e-12).

The default tier checks the default scenario and a stress scenario that schedules every kind
of event and raises every stochastic rate, under both decision rules; the slow tier sweeps
every scenario and world of conf/ under both rules, for several seeds and runs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import agents
import sim
from experiments import compose
from experiments.config import available
from sim.params import LeverChange, ScheduledEvent, with_values

TOLERANCE = 1e-12


def event(date, kind, target="", partner="", magnitude=1.0, camp=""):
    return ScheduledEvent(
        date=date, kind=kind, target=target, partner=partner, magnitude=magnitude, camp=camp
    )


# Every kind of event, two on the same step and pair (coercion then a summit that eases it),
# forced and drawn elections, summits with a great power, the challenger and a neighbour.
STRESS_EVENTS = [
    event("2025-08-01", "missile_test"),
    event("2025-08-15", "nuclear_test", magnitude=0.5),
    event("2025-09-01", "taiwan_crisis"),
    event("2025-09-10", "coercion", "KOR", "CHN"),
    event("2025-09-11", "summit", "KOR", "CHN", 0.5),
    event("2025-11-01", "tariff_shock", "JPN", "USA", 0.4),
    event("2025-11-02", "summit", "KOR", "PRK"),
    event("2025-11-03", "summit", "KOR", "JPN"),
    event("2026-02-01", "election", "KOR", camp="conservative"),
    event("2026-02-02", "election", "JPN"),
    event("2026-03-01", "history_dispute", "KOR", "JPN"),
    event("2026-03-02", "summit", "JPN", "USA", -0.5),
    event("2025-08-02", "pledge", "JPN", "USA", 0.7),
]
STRESS_RATES = {
    "missile_test": 6.0,
    "nuclear_test": 1.0,
    "coercion": 1.0,
    "tariff_shock": 1.0,
    "taiwan_crisis": 0.5,
    "summit": 2.0,
    "history_dispute": 1.0,
}


def stressed(params):
    """`params` with every event kind scheduled, high event rates and a short election cycle."""
    values = {"scenario.events": [*params.scenario.events, *STRESS_EVENTS]}
    values.update({f"events.rates.{kind}": rate for kind, rate in STRESS_RATES.items()})
    values["world.middle_powers.KOR.election.next"] = "2027-06-03"
    values["world.middle_powers.KOR.election.term_years"] = 2.0
    return with_values(params, values)


def assert_run_matches(params, seed: int, run: int, runs: int, reference=None) -> None:
    """The Mesa model of `run` against run `run` of the engine's batch of `runs`."""
    reference = sim.simulate(params, runs=runs, seed=seed) if reference is None else reference
    model = agents.GeopoliticsModel(params, rng=seed, run=run)
    model.run_for(model.horizon)
    assert not model.running
    mesa = model.to_dataset()
    assert mesa.sizes["step"] == reference.sizes["step"]
    for name in reference.data_vars:
        expected, got = reference[name].values[run], mesa[name].values[0]
        assert got.dtype == expected.dtype, name
        if np.issubdtype(expected.dtype, np.floating):
            np.testing.assert_allclose(
                got, expected, rtol=0, atol=TOLERANCE, err_msg=f"{name}, run {run}"
            )
        else:
            np.testing.assert_array_equal(got, expected, err_msg=f"{name}, run {run}")


@pytest.fixture(scope="module")
def stress_params():
    return stressed(compose([]))


@pytest.mark.parametrize("rule", ["partial", "logit"])
def test_default_scenario_runs_match_the_engine(default_params, rule):
    params = with_values(default_params, {"decision.rule": rule})
    reference = sim.simulate(params, runs=4, seed=7)
    for run in (0, 3):
        assert_run_matches(params, 7, run, 4, reference)


@pytest.mark.parametrize("rule", ["partial", "logit"])
def test_every_event_kind_matches_the_engine(stress_params, rule):
    params = with_values(stress_params, {"decision.rule": rule})
    reference = sim.simulate(params, runs=3, seed=11)
    # the stress scenario really exercises the events (else the test would prove little)
    assert (reference["events"].sum(dim=("run", "step")) > 0).all()
    for run in (1, 2):
        assert_run_matches(params, 11, run, 3, reference)


@pytest.mark.parametrize("great_powers", ["strategic", "responsive"])
def test_the_world_judged_from_shares_no_array_with_the_world_now(stress_params, great_powers):
    """`before` keeps the arrays the step replaced in the world now and copies of those it
    changed in place (`GeopoliticsModel._kept_as_before`): once a step is done it shares
    none with the world now but the read-only camps and the pressures (replaced, never
    changed), so writing into the world now leaves it alone."""

    class Copying(agents.GeopoliticsModel):  # with a full copy of the world `before` keeps
        def _kept_as_before(self):
            self.copied = self.world_state()
            return super()._kept_as_before()

    params = with_values(stress_params, {"dynamics.great_powers": great_powers})
    model = Copying(params, rng=11, run=1)
    for _ in range(model.horizon):
        model.step()
        for name in sim.dynamics.State.__dataclass_fields__:
            kept, copied = getattr(model.before, name), getattr(model.copied, name)
            if name == "pressures":
                assert kept == copied
                continue
            np.testing.assert_array_equal(kept, copied)  # the step changed none of it
            assert name == "camp" or not np.shares_memory(kept, getattr(model.now, name)), name


def test_parameters_over_runs_use_the_runs_element(stress_params):
    """A sweep's parameters are arrays over runs: the model for run r takes element r."""
    runs = 6
    params = with_values(
        stress_params,
        {
            "pressures.rivalry": np.linspace(0.0, 1.0, runs),
            "weights.protection": np.linspace(0.5, 2.0, runs),
            "world.middle_powers.KOR.security": np.linspace(-0.5, 0.9, runs),
        },
    )
    reference = sim.simulate(params, runs=runs, seed=3)
    for run in (0, 4):
        assert_run_matches(params, 3, run, runs, reference)


@pytest.mark.parametrize(
    "great_powers, challenger",
    [("responsive", "responsive"), ("scheduled", "strategic"), ("strategic", "responsive")],
)
@pytest.mark.parametrize("rule", ["partial", "logit"])
def test_every_mode_matches(stress_params, great_powers, challenger, rule):
    params = with_values(
        stress_params,
        {
            "dynamics.great_powers": great_powers,
            "dynamics.challenger": challenger,
            "decision.rule": rule,
        },
    )
    assert_run_matches(params, 5, 2, 3)


def test_scheduled_levers_and_noisy_great_powers_match(stress_params):
    """Dated levers (`scenario.levers`) and great powers whose choices are noisy."""
    lever = LeverChange(date="2026-01-01", great_power="USA", state="KOR", lever="commitment")
    params = with_values(
        stress_params,
        {
            "scenario.levers": [dataclasses.replace(lever, value=1.0)],
            "strategy.noise": 0.1,
            "strategy.review_months": 3,
        },
    )
    assert_run_matches(params, 13, 1, 2)


def test_agents_simulate_is_the_engines_dataset(stress_params):
    """The batch function behind `experiments.run engine=mesa`: same values, coords, attrs."""
    params = with_values(stress_params, {"pressures.rivalry": np.array([0.2, 0.5, 0.8])})
    engine = sim.simulate(params, runs=3, seed=9, first_run=10)
    mesa = agents.simulate(params, runs=3, seed=9, first_run=10)
    assert list(mesa.data_vars) == list(engine.data_vars)
    assert mesa.attrs == engine.attrs
    for name in engine.coords:
        np.testing.assert_array_equal(mesa[name].values, engine[name].values)
    for name in engine.data_vars:
        assert mesa[name].dims == engine[name].dims
        assert mesa[name].attrs == engine[name].attrs
        np.testing.assert_allclose(mesa[name].values, engine[name].values, rtol=0, atol=TOLERANCE)


# ----------------------------------------------------------------------------- exhaustive
SCENARIOS = available("scenario")
WORLDS = available("world")


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["partial", "logit"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_matches_the_engine(scenario, rule):
    params = compose([f"scenario={scenario}", f"decision.rule={rule}"])
    for seed in (0, 20250604, 2**40 + 3):
        reference = sim.simulate(params, runs=12, seed=seed)
        for run in (0, 5, 11):
            assert_run_matches(params, seed, run, 12, reference)


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["partial", "logit"])
@pytest.mark.parametrize("world", WORLDS)
def test_every_world_under_stress_matches_the_engine(world, rule):
    params = stressed(compose([f"world={world}", f"decision.rule={rule}"]))
    for seed in (1, 99):
        reference = sim.simulate(params, runs=8, seed=seed)
        for run in (0, 7):
            assert_run_matches(params, seed, run, 8, reference)
