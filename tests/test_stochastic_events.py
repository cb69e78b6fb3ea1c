"""The engine's compiled pass over a step's stochastic events (`sim.dynamics.stochastic_events`,
which the Mesa model calls too) is the array functions of each entity's module composed: the
same numbers and counts to the bit, whether the great powers hold levers or not."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import compose
from sim import dynamics
from sim.influence import K
from sim.params import EVENT_KINDS
from sim.world import compile_world

RUNS = 64


def _state_after(overrides, steps=5):
    """A world, its keys and its state `steps` steps in, with distinct restrictions and
    shocks in every run (so that a summit's easing shows)."""
    rng = np.random.default_rng(11)
    w = compile_world(compose(overrides), 5, np.arange(RUNS), slice(0, RUNS))
    keys, state = dynamics.random_keys(w), dynamics.initial_state(w)
    for k in range(1, steps + 1):
        state = dynamics.step(w, state, k, keys)
    state.restriction = rng.uniform(0.0, 0.6, state.restriction.shape)
    state.reliability_shock = rng.uniform(-0.2, 0.2, state.reliability_shock.shape)
    state.levers = state.levers.copy()
    state.levers[..., K["coercion"]] = rng.uniform(0.0, 1.0, state.levers.shape[:3])
    state.cooperation = np.clip(state.cooperation + rng.uniform(0.0, 0.1), 0.0, 1.0)
    state.events = np.zeros((RUNS, len(EVENT_KINDS)), dtype=np.int16)
    return w, keys, state


def _composed(w, keys, s, k):
    """The step's stochastic events by the array functions, in the order the kernel applies
    them: tests, crises, summits (with each great power, then with the challenger),
    disputes, bounds."""
    threat, missile, nuclear = dynamics.challenger_tests(
        w, s.threat, keys.missile, keys.nuclear, k, s.provocation
    )
    taiwan, crisis = dynamics.taiwan_crises(w, s.taiwan_shock, keys.taiwan, k)
    summit, partner = dynamics.summit_draws(w, keys.summit, keys.summit_partner, k)
    restriction, shock, levers = s.restriction.copy(), s.reliability_shock.copy(), s.levers.copy()
    poles = len(w.poles)
    for i in range(len(w.middle)):
        for p in range(poles):
            with_p = summit[:, i] & (partner[:, i] == p)
            shock[:, p], restriction[:, i, p] = dynamics.summit_with_pole(
                w, shock[:, p], restriction[:, i, p], with_p, 1.0
            )
            if w.dynamics.great_powers != "responsive":
                levers[:, i, p, K["coercion"]] = dynamics.coercion_eased(
                    levers[:, i, p, K["coercion"]], with_p, 1.0
                )
    met = summit & (partner == poles)
    threat = dynamics.summits_with_challenger(w, threat, met)
    momentum = dynamics.momentum_after_summits(w, s.momentum, met.sum(axis=1))
    disputes = dynamics.history_disputes(w, keys.history, k)
    ties = dynamics.settle_ties(
        dynamics.ties_after_disputes(w, s.cooperation, disputes, disputes.transpose(0, 2, 1))
    )
    counts = np.zeros_like(s.events)
    for kind, n in (
        ("missile_test", missile),
        ("nuclear_test", nuclear),
        ("taiwan_crisis", crisis),
        ("summit", summit.sum(axis=1)),
        ("history_dispute", disputes.sum(axis=(1, 2))),
    ):
        counts[:, EVENT_KINDS.index(kind)] += n.astype(np.int16)
    return dict(
        threat=dynamics.settle_threat(threat),
        taiwan_shock=taiwan,
        momentum=momentum,
        reliability_shock=shock,
        restriction=dynamics.settle_restriction(restriction),
        levers=levers,
        cooperation=ties,
        events=counts,
    )


@pytest.mark.parametrize("great_powers", ["strategic", "responsive"])
def test_stochastic_events_are_the_array_functions_composed(great_powers):
    w, keys, before = _state_after([f"dynamics.great_powers={great_powers}"])
    happened = np.zeros(len(EVENT_KINDS), dtype=int)
    for k in (6, 7, 8, 9):
        expected = _composed(w, keys, before, k)
        got = dynamics.State(**{**vars(before)})
        for name in expected:  # the kernel changes the state's arrays in place
            setattr(got, name, getattr(before, name).copy())
        dynamics.stochastic_events(w, got, k, keys)
        for name, value in expected.items():
            assert np.array_equal(getattr(got, name), value), (name, k)
        happened += got.events.sum(axis=0)
    # summits with both great powers and the challenger, disputes and tests all drawn
    for kind in ("summit", "history_dispute", "missile_test"):
        assert happened[EVENT_KINDS.index(kind)] > 0, kind
