"""The great powers' forecast is the middle powers' own utility, differentiated: every
closed-form cross-partial of `sim.influence.lever_pulls` equals the finite difference of the
slope of `sim.utility.utility` through `sim.dynamics.middle_power_context`, and the decision
rules' curvature is the utility's. So the equations exist once and are checked here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim import dynamics
from sim.decision import STEP, Choice, logit_response, partial_response
from sim.influence import K, lever_pulls
from sim.options import utilities_along
from sim.params import LEVERS, PRESSURE_KEYS, with_values
from sim.utility import utility
from sim.world import compile_world, lever_caps

RUNS = 64


def world_at_step_one(params, **values):
    """A compiled world of RUNS runs with random pressures and positions, and its state after
    the events of step 1 (what the middle powers decide from)."""
    rng = np.random.default_rng(5)
    spread = {f"pressures.{k}": rng.uniform(0.05, 0.95, RUNS) for k in params.pressures.__dict__}
    spread["world.middle_powers.KOR.security"] = rng.uniform(-0.9, 0.9, RUNS)
    spread["world.middle_powers.KOR.economic"] = rng.uniform(-0.9, 0.9, RUNS)
    spread["world.middle_powers.KOR.autonomy"] = rng.uniform(0.05, 0.95, RUNS)
    spread["world.middle_powers.JPN.economic"] = rng.uniform(-0.9, 0.9, RUNS)
    spread.update(values)
    params = with_values(params, {**spread, "decision.noise": 0.0})
    w = compile_world(params, 3, np.arange(RUNS), slice(0, RUNS))
    keys = dynamics.random_keys(w)
    start = dynamics.initial_state(w)
    state = dynamics.apply_events(
        w, start, 1, keys, dynamics.scheduled_pressures(w, start.pressures, 1)
    )
    caps = lever_caps(
        w,
        dynamics.effective_levers(w, state.pressures, state.reliability_shock, state.taiwan_shock),
    )
    # every lever strictly inside its bound, so a small change moves the lever in force
    inside = caps[:, None] * rng.uniform(0.2, 0.8, state.levers.shape)
    return w, replace(state, levers=inside), caps


def slopes(w, state):
    """The slope of utility along security and economic alignment at each state's position."""
    ctx = dynamics.decision_context(w, state)
    u = utilities_along(ctx, w.weights, (STEP, STEP, STEP), relative=True)  # (7, M, runs)
    return np.moveaxis((u[2] - u[1]) / 2.0, -1, 0), np.moveaxis((u[4] - u[3]) / 2.0, -1, 0)


@pytest.mark.parametrize("great_powers", ["strategic", "scheduled"])
def test_every_cross_partial_is_the_finite_difference_of_the_utility(default_params, great_powers):
    params = with_values(default_params, {"dynamics.great_powers": great_powers})
    w, state, caps = world_at_step_one(params)
    pair = dynamics.state_pairs(w, state)
    g_s, g_e = lever_pulls(w, dynamics.decision_context(w, state, pair), pair)
    base_s, base_e = slopes(w, state)
    h = 1e-5
    for p in range(len(w.poles)):
        for k, lever in enumerate(LEVERS):
            active = caps[:, p, k] > 10 * h  # a zero bound holds the lever at 0
            if not active.any():
                continue
            moved = state.levers.copy()
            moved[:, :, p, k] += h
            s, e = slopes(w, replace(state, levers=moved))
            for name, fd, closed in (("s", (s - base_s) / h, g_s), ("e", (e - base_e) / h, g_e)):
                np.testing.assert_allclose(
                    closed[active, :, p, k],
                    fd[active],
                    rtol=1e-4,
                    atol=1e-6,
                    err_msg=f"G_{name} of {w.poles[p]}'s {lever}",
                )


def test_a_coercion_lever_below_the_events_restriction_pulls_nothing(default_params):
    w, state, _ = world_at_step_one(default_params)
    state = replace(state, restriction=np.ones_like(state.restriction))
    pair = dynamics.state_pairs(w, state)
    g_s, g_e = lever_pulls(w, dynamics.decision_context(w, state, pair), pair)
    assert not g_s[..., K["coercion"]].any() and not g_e[..., K["coercion"]].any()


def test_the_logit_rules_response_is_the_partial_rules(default_params):
    """Both rules return the same target and curvature: three grid rows determine the
    parabola along a dimension exactly."""
    w, state, _ = world_at_step_one(default_params)
    ctx = dynamics.decision_context(w, state)
    zero = Choice(*(np.zeros(ctx.last_security.shape[:-1]) for _ in range(3)))
    half = Choice(*(np.full(ctx.last_security.shape[:-1], 0.5) for _ in range(3)))
    _, partial = partial_response(ctx, w.weights, 1.0, 0.0, zero)
    _, logit = logit_response(ctx, w.weights, 0.02, 21, half)
    for a, b in zip(partial, logit, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def cross_partial_security_autonomy(w, state, h=1e-3) -> np.ndarray:
    """d2U / ds da at each state's position, by central finite differences of `utility`."""
    ctx = dynamics.decision_context(w, state)
    s, a, e = ctx.last_security, ctx.last_autonomy, ctx.last_economic

    def u(ds, da):
        return utility(s + ds, e, a + da, ctx, w.weights)[..., 0]

    return (u(h, h) - u(h, -h) - u(-h, h) + u(-h, -h)) / (4 * h * h)


def test_consent_makes_autonomy_a_complement_of_the_alliance(default_params):
    """Seoul's 2025 state: with Washington's consent (Gyeongju, 2025) d2U/ds da > 0, autonomy
    complements the alliance; without it < 0, autonomy substitutes for it (seed 001)."""
    w = compile_world(
        with_values(default_params, {"decision.noise": 0.0}), 0, np.arange(1), slice(0, 1)
    )
    keys = dynamics.random_keys(w)
    start = dynamics.initial_state(w)
    state = dynamics.apply_events(
        w, start, 1, keys, dynamics.scheduled_pressures(w, start.pressures, 1)
    )
    i, usa = w.middle.index("KOR"), w.poles.index("USA")
    assert state.levers[0, i, usa, K["consent"]] == 1.0
    consented = cross_partial_security_autonomy(w, state)[0, i]
    refused = state.levers.copy()
    refused[:, :, usa, K["consent"]] = 0.0
    substitute = cross_partial_security_autonomy(w, replace(state, levers=refused))[0, i]
    assert consented > 0 > substitute, (consented, substitute)


def test_observe_is_the_pairs_the_context_and_the_decisions_of_the_state(default_params):
    """`dynamics.observe` reads a state the engine made as it is, without the checks of
    `state_pairs`, `decision_context` and `decide`: the same numbers to the bit as those
    three, at many runs with their own pressures (and noise) and at one run, at every step,
    whether the levers in force are capped in the pairs' pass or known already."""
    rng = np.random.default_rng(11)
    spread = {f"pressures.{k}": rng.uniform(0.05, 0.95, RUNS) for k in PRESSURE_KEYS}
    for params, runs in ((with_values(default_params, spread), RUNS), (default_params, 1)):
        w = compile_world(params, 7, np.arange(runs), slice(0, runs))
        keys = dynamics.random_keys(w)
        state = dynamics.initial_state(w)
        for k in range(1, 9):
            shocked = dynamics.apply_events(
                w, state, k, keys, dynamics.scheduled_pressures(w, state.pressures, k)
            )
            apart = replace(shocked)  # a copy without the caches `observe` keeps on its state
            pair = dynamics.state_pairs(w, apart)
            ctx = dynamics.decision_context(w, apart, pair)
            choice, response = dynamics.decide(w, ctx, k, keys.decide)
            if k % 2 == 0:  # the levers in force known before: `observe` reads them
                dynamics.levers_held(w, shocked)
            got = dynamics.observe(w, shocked, k, keys)
            for want, have in zip((pair, ctx, choice, response), got, strict=True):
                for name, a, b in zip(want._fields, want, have, strict=True):
                    a, b = np.broadcast_arrays(a, b)
                    assert np.array_equal(a, b), (runs, k, name)
            assert not np.array_equal(got[2].security, shocked.security)  # they moved
            assert np.array_equal(
                dynamics.levers_held(w, shocked)[1], dynamics.levers_held(w, apart)[1]
            )
            state = dynamics.step(w, state, k, keys)


def test_the_choices_read_the_engines_own_state_as_they_are(default_params):
    """Pyongyang's choice and the great powers' review, `trusted` (the engine's step and the
    Mesa model pass a state they made and what `observe` made of it, without the tests of
    `views`), are the same numbers to the bit as checked, at many runs with their own
    pressures and at one run, on review steps and between them."""
    rng = np.random.default_rng(12)
    spread = {f"pressures.{k}": rng.uniform(0.05, 0.95, RUNS) for k in PRESSURE_KEYS}
    for params, runs in ((with_values(default_params, spread), RUNS), (default_params, 1)):
        w = compile_world(params, 7, np.arange(runs), slice(0, runs))
        keys = dynamics.random_keys(w)
        state, reviewed = dynamics.initial_state(w), 0
        for k in range(1, 9):
            shocked = dynamics.apply_events(
                w, state, k, keys, dynamics.scheduled_pressures(w, state.pressures, k)
            )
            pair, ctx, choice, response = dynamics.observe(w, shocked, k, keys)
            held = dynamics.levers_held(w, shocked)[1]
            chosen = [
                dynamics.challenger_decides(
                    w, shocked, choice.security, pair, held, k, keys, trusted=trusted
                )
                for trusted in (False, True)
            ]
            assert np.array_equal(*chosen), (runs, k, "provocation")
            checked, as_is = (
                dynamics.great_powers_decide(
                    w, shocked, ctx, pair, response, k, keys, trusted=trusted
                )
                for trusted in (False, True)
            )
            for name, a, b in zip(("levers", "restraint"), checked, as_is, strict=True):
                assert np.array_equal(a, b), (runs, k, name)
            reviewed += not np.shares_memory(checked[0], shocked.levers)  # new levers
            state = dynamics.step(w, state, k, keys)
        assert reviewed >= 3, reviewed  # some steps were review steps
