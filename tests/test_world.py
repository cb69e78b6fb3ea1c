"""The compiled world (sim/world.py): a world of one run repeated over runs is the world
compiled for them (`repeated_run`, what the Mesa model's `trajectories` records with), and a run's
world made once per parameter values (`one_run_world`, what a Mesa model runs on)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from experiments import compose
from sim.params import ParamError, validate, with_values
from sim.world import (
    compile_world,
    one_run_world,
    parameter_snapshot,
    repeated_run,
    run_over_steps,
)


def assert_same(a, b, where: str = "world") -> None:
    """The same values to the bit, field by field (arrays: shape, dtype, bits)."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype, where
        assert a.tobytes() == b.tobytes(), where
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for name in a:
            assert_same(a[name], b[name], f"{where}[{name!r}]")
    elif isinstance(a, SimpleNamespace):
        assert_same(vars(a), vars(b), where)
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    else:
        assert a == b, where


@pytest.mark.parametrize(
    "overrides", [[], ["scenario=thaad_2016"], ["dynamics.great_powers=strategic"]]
)
def test_a_run_repeated_is_the_world_compiled_for_the_runs(overrides):
    params = compose(overrides)
    one = compile_world(params, 7, np.array([3]), slice(0, 1), 12)
    runs = np.full(5, 3)
    assert_same(repeated_run(one, runs), compile_world(params, 7, runs, slice(0, 1), 12))


def test_a_run_of_a_sweep_repeated_is_the_world_compiled_for_it():
    """Parameters given as arrays over runs: the run's element, repeated."""
    rng = np.random.default_rng(1)
    values = {"pressures.rivalry": rng.uniform(0, 1, 6), "weights.protection": rng.uniform(0, 2, 6)}
    params = validate(with_values(compose([]), values))
    one = compile_world(params, 7, np.array([4]), slice(4, 5))
    runs = np.full(3, 4)
    assert_same(repeated_run(one, runs), compile_world(params, 7, runs, np.full(3, 4)))


def test_only_a_world_of_one_run_is_repeated():
    world = compile_world(compose([]), 7, np.arange(2), slice(0, 2))
    with pytest.raises(ValueError, match="one run"):
        repeated_run(world, np.zeros(3, dtype=np.int64))


def test_a_run_s_world_is_compiled_once_per_parameter_values():
    """A Mesa run's world: what `compile_world` makes for the run, its run-independent part
    (arrays and the engine's caches) shared by the runs of the same parameter values."""
    params = compose([])
    first = one_run_world(params, 7, 0, 0)
    first.__dict__["_probe"] = "kept with the world"  # as an engine function keeps a cache
    second = one_run_world(compose([]), 8, 5, 5)  # equal values in another object
    assert_same(second, compile_world(params, 8, np.array([5]), slice(5, 6)))
    assert second.capability is first.capability and second.__dict__["_probe"]
    assert (first.seed, first.run_ids.tolist()) == (7, [0])  # each run keeps its own


def test_the_runs_of_a_world_start_from_the_same_read_only_pressures():
    """The pressures at step 0 are the world's, read only, the same arrays for every run of
    one parameter set (what the engine keeps by their identity is then made once), each run
    with a dict of its own (a change replaces an entry); a scenario's change at step 0
    included, and equal to what a world compiled afresh starts from."""
    from sim.dynamics.pressures import initial_pressures

    params = compose(
        [
            "scenario=baseline",
            "scenario.schedule=[{date: '2025-07-01', pressure: rivalry, value: 0.9}]",
        ]
    )
    a = initial_pressures(one_run_world(params, 7, 0, 0))
    b = initial_pressures(one_run_world(params, 8, 1, 1))  # the next run, as a batch runs
    assert a is not b and list(a) == list(b)
    assert all(a[name] is b[name] and not a[name].flags.writeable for name in a)
    assert_same(a, initial_pressures(compile_world(params, 9, np.array([2]), slice(0, 1))))
    assert a["rivalry"].tolist() == [0.9]


def test_a_run_s_world_follows_parameters_changed_in_place():
    """The parameters are recognised by their values, not the object: a Params changed in
    place since (Params is mutable) is compiled (and checked) again."""
    params = compose([])
    before = one_run_world(params, 7, 0, 0)
    params.pressures.rivalry = 0.25
    after = one_run_world(params, 7, 0, 0)
    assert after.capability is not before.capability
    assert_same(after, compile_world(params, 7, np.array([0]), slice(0, 1)))
    params.pressures.rivalry = 7.0
    with pytest.raises(ParamError, match="pressures.rivalry"):
        one_run_world(params, 7, 0, 0)


def test_a_run_s_world_of_a_sweep_takes_the_run_s_element():
    """Parameters given as arrays over runs: each element its own world, not kept."""
    values = {"pressures.rivalry": np.array([0.1, 0.2, 0.3])}
    params = validate(with_values(compose([]), values))
    assert parameter_snapshot(params) is None and parameter_snapshot(compose([]))
    for element in (0, 2, 1):
        world = one_run_world(params, 7, element, element)
        assert_same(
            world, compile_world(params, 7, np.array([element]), slice(element, element + 1))
        )


def test_a_run_over_its_steps_is_the_world_compiled_for_them():
    """`run_over_steps`: the run's world repeated over its steps (what a Mesa run records
    on), kept with the world and shared by the runs of the same values, each its own run."""
    params = compose([])
    for run in (3, 4):
        world = one_run_world(params, 7, run, run, 12)
        over = run_over_steps(world, 13)
        assert_same(over, compile_world(params, 7, np.full(13, run), slice(0, 1), 12))
    assert over.capability is run_over_steps(one_run_world(params, 8, 5, 5, 12), 13).capability


def test_a_compiled_worlds_fields_are_bound_once():
    """What is made of a world's own fields is made once and kept with it
    (`sim.strategy_kernels.world_views`), so setting one of its fields, or one of its
    parameter groups' values, is refused with a line naming it; a copy for another run
    takes its own parameters, seed and run numbers (`REBOUND`), as `one_run_world` does."""
    params = compose([])
    w = one_run_world(params, 1, 0, 0)
    with pytest.raises(AttributeError, match=r"CompiledWorld\.cooperation: .*bound once"):
        w.cooperation = w.cooperation * 2
    with pytest.raises(AttributeError, match=r"memory_half_life: .*bound once"):
        w.dynamics.memory_half_life = np.ones(1)
    with pytest.raises(AttributeError, match=r"noise: .*bound once"):
        del w.strategy.noise
    other = one_run_world(params, 2, 5, 0)  # a copy of the same arrays, its own run
    assert other.cooperation is w.cooperation and other.run_ids.tolist() == [5]
    assert other.seed == 2 and type(other.dynamics) is type(w.dynamics)
    over = repeated_run(w, np.arange(3))  # a world of its own, bound as compiled
    with pytest.raises(AttributeError, match="bound once"):
        over.rates.summit = 0.0
