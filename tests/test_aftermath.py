"""The compiled aftermath of a step and the compiled context are the array functions the Mesa
agents call, composed: the same numbers to the bit, in every mode of the great powers and
of the challenger."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from experiments import compose
from sim import dynamics
from sim.arrays import total
from sim.dynamics.aftermath import aftermath
from sim.dynamics.middle_powers import context_kernel
from sim.influence import K
from sim.opinion import opinion_target, opinion_update
from sim.world import compile_world

engine_step = importlib.import_module("sim.dynamics.step")  # the module (`step` is its function)

RUNS = 64


def _after_steps(overrides, steps=6):
    """A world and its state `steps` steps in, with per-run pressures (runs differ)."""
    rng = np.random.default_rng(7)
    params = compose(overrides)
    w = compile_world(params, 3, np.arange(RUNS), slice(0, RUNS))
    keys, state = dynamics.random_keys(w), dynamics.initial_state(w)
    for k in range(1, steps + 1):
        state = dynamics.step(w, state, k, keys)
    # distinct, nonzero restrictions, memories, pledges and shocks in every run
    state.restriction = rng.uniform(0.0, 0.6, state.restriction.shape)
    state.memory = state.memory + rng.uniform(0.0, 0.5, state.memory.shape)
    state.pledge = rng.uniform(0.0, 0.3, state.pledge.shape)
    state.reliability_shock = rng.uniform(-0.2, 0.2, state.reliability_shock.shape)
    state.opinion = rng.uniform(0.0, 1.0, state.opinion.shape)
    return w, keys, state


MODES = [
    ["dynamics.great_powers=strategic", "dynamics.challenger=strategic"],
    ["dynamics.great_powers=responsive", "dynamics.challenger=responsive"],
    ["dynamics.great_powers=scheduled", "dynamics.challenger=strategic"],
]


@pytest.mark.parametrize("overrides", MODES)
def test_aftermath_is_the_array_functions_composed(overrides):
    w, keys, before = _after_steps(overrides)
    held = engine_step._held(w, before)[1]
    rng = np.random.default_rng(3)
    y = rng.uniform(-1.0, 1.0, RUNS)
    security = rng.uniform(-1.0, 1.0, before.security.shape)
    p = before.pressures
    strategic = w.dynamics.challenger == "strategic"
    support = dynamics.backing(w, w.backing_effect, p["russia_dprk"])
    target = (
        None
        if strategic
        else dynamics.challenger.responsive_threat_target(w, p["dprk_threat"], support, security)
    )
    got = aftermath(w, before, before.restriction, held, y, target)

    memory = dynamics.remember(
        w,
        before.memory,
        dynamics.restriction_in_force(w, before.restriction, held[..., K["coercion"]]),
    )
    expected = dict(
        threat=dynamics.threat_response(w, before.threat, p["dprk_threat"], support, security, y),
        restriction=dynamics.restrictions_fade(w, before.restriction),
        memory=memory,
        opinion=opinion_update(
            w, before.opinion, opinion_target(w, memory, held[..., K["tariff"]])
        ),
        reliability_shock=dynamics.shocks_fade(w, before.reliability_shock),
        taiwan_shock=dynamics.shocks_fade(w, before.taiwan_shock),
        cooperation=dynamics.ties_recover(w, before.cooperation),
        momentum=dynamics.momentum_fades(w, before.momentum),
        pledge=dynamics.pledges_drawn_down(w, before.pledge),
    )
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        assert got[name].shape == value.shape, name
        assert np.array_equal(got[name], value), name
    # the fading and the memory moved something: the comparison is not of constants
    assert not np.array_equal(got["restriction"], before.restriction)
    assert not np.array_equal(got["opinion"], before.opinion)


def test_context_kernel_sums_ties_as_total_does():
    """The context kernel's sums over neighbours (left to right) are `sim.arrays.total`'s,
    which it is given instead for eight neighbours or more."""
    rng = np.random.default_rng(5)
    runs, states, poles = 32, 6, 2
    ties = rng.uniform(0.0, 1.0, (runs, states, states))
    security = rng.uniform(-1.0, 1.0, (runs, states))
    pairs = [rng.uniform(0.0, 1.0, (runs, states, poles)) for _ in range(5)]
    per_run = [rng.uniform(0.0, 1.0, runs) for _ in range(5)]
    exposure = rng.uniform(0.0, 1.0, (runs, states))
    neighbours = rng.uniform(0.0, 1.0, (runs, states, 1))
    coercion = rng.uniform(0.0, 1.0, (runs, poles))

    def fields(ties_total, aligned_total):
        by_state, by_pole = np.empty((4, runs, states, 1)), np.empty((4, runs, states, poles, 1))
        summed = ties_total.shape[1] > 0
        context_kernel(states, poles, 0 if summed else states, summed)(
            per_run[0], exposure, per_run[1], exposure, neighbours, ties, security,
            ties_total, aligned_total, pairs[0], pairs[1], per_run[2], pairs[2], per_run[3],
            pairs[3], coercion, per_run[4], pairs[4], pairs[0] - 0.5, by_state, by_pole,
        )  # fmt: skip
        return [*by_state, *by_pole]

    summed = fields(np.empty((runs, 0)), np.empty((runs, 0)))
    given = fields(total(ties, axis=-1), total(ties * security[:, None, :], axis=-1))
    for a, b in zip(summed, given, strict=True):
        assert np.array_equal(a, b)
    assert np.array_equal(summed[2][..., 0], neighbours[..., 0] * total(ties, axis=-1))
    assert summed[7].min() == 0.0  # the trade pressure is clipped to [0, 1]
