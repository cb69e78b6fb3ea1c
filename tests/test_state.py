"""The engine's State (`sim/dynamics/state.py`): `evolved`, the step's quick
`dataclasses.replace`, gives what `replace` gives, refuses what it refuses, and rests on what
it assumes of the class (a plain dataclass: no `__post_init__`, no slots)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from experiments import compose
from sim import dynamics
from sim.dynamics.state import State, evolved
from sim.world import compile_world


@pytest.fixture(scope="module")
def state() -> State:
    w = compile_world(compose([]), 3, np.arange(4), slice(0, 4))
    keys, s = dynamics.random_keys(w), dynamics.initial_state(w)
    return dynamics.step(w, s, 1, keys)


def test_evolved_is_replace_field_by_field(state):
    for field in dataclasses.fields(State):
        new_value = np.zeros(1)
        got = evolved(state, **{field.name: new_value})
        expected = dataclasses.replace(state, **{field.name: new_value})
        assert type(got) is State
        for f in dataclasses.fields(State):
            assert getattr(got, f.name) is getattr(expected, f.name), (field.name, f.name)
    unchanged = evolved(state)  # the fields alone: none of the caches a step keeps on a state
    assert unchanged is not state and vars(unchanged) == {
        f.name: getattr(state, f.name) for f in dataclasses.fields(State)
    }


def test_evolved_refuses_a_name_that_is_not_a_field(state):
    with pytest.raises(TypeError, match="no field wealth"):
        evolved(state, wealth=np.zeros(1))


def test_state_is_what_evolved_assumes_a_plain_dataclass():
    # evolved fills a new State's __dict__ without calling __init__: a __post_init__ or
    # slots added to State must change evolved too
    assert not hasattr(State, "__post_init__")
    assert "__slots__" not in vars(State)
    assert dataclasses.is_dataclass(State) and not State.__dataclass_params__.frozen
