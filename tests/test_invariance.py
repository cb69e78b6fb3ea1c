"""Reproducibility: run r is a function of (seed, r, its parameters) only.

Not of the order of states in the world file, the batch it shares, the block size, or where
the batch starts (first_run). Same seed and config, same numbers; another seed, other numbers.
(Chunked sweeps and executors are the sweep's tests.)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import xarray as xr

import sim
from sim.params import Params, with_values

SEED = 4242
RUNS = 24


@pytest.fixture(scope="module", params=["partial", "logit"])
def params(request, default_params: Params) -> Params:
    # Stochastic events at higher rates than the defaults so that every random stream is
    # exercised in a short horizon (history disputes, coercion, tariffs, crises, summits).
    busy = {
        "decision.rule": request.param,
        "events.rates.coercion": 1.0,
        "events.rates.tariff_shock": 1.0,
        "events.rates.taiwan_crisis": 1.0,
        "events.rates.history_dispute": 1.0,
        "events.rates.summit": 1.0,
    }
    return with_values(default_params, busy)


def run(params: Params, **kwargs) -> xr.Dataset:
    kwargs.setdefault("runs", RUNS)
    kwargs.setdefault("seed", SEED)
    kwargs.setdefault("steps", 12)
    return sim.simulate(params, **kwargs)


def assert_same_numbers(a: xr.Dataset, b: xr.Dataset) -> None:
    """Bit-identical variables and coordinates (attrs hold the params' text and may differ)."""
    xr.testing.assert_identical(a.drop_attrs(deep=False), b.drop_attrs(deep=False))


@pytest.mark.parametrize("great_powers", ["strategic", "responsive"])
def test_same_seed_same_numbers_and_events_happen(params, great_powers):
    params = with_values(params, {"dynamics.great_powers": great_powers, "strategy.noise": 0.1})
    first, second = run(params), run(params)
    assert_same_numbers(first, second)
    # the check has something to compare: every kind of stochastic event occurred (random
    # coercion episodes and tariff shocks only where the great powers do not hold levers)
    kinds = ["missile_test", "taiwan_crisis", "summit", "history_dispute"]
    if great_powers == "responsive":
        kinds += ["coercion", "tariff_shock"]
    happened = first.events.sum(dim=("run", "step")).to_series()
    assert (happened[kinds] > 0).all(), happened
    # ... and the great powers did choose (their levers moved from their start)
    if great_powers == "strategic":
        assert (first.lever.isel(step=-1) != first.lever.isel(step=0)).any()


def test_another_seed_other_numbers(params):
    first, other = run(params), run(params, seed=SEED + 1)
    assert not np.array_equal(first.security.values, other.security.values)
    assert not np.array_equal(first.events.values, other.events.values)


def test_runs_differ_from_each_other(params):
    ds = run(params)
    paths = ds.security.values.reshape(RUNS, -1)
    assert len(np.unique(paths.round(12), axis=0)) == RUNS


def reordered_world(params: Params) -> Params:
    """The same world with every dict of states in reversed insertion order."""
    world = params.world

    def flipped(mapping: dict) -> dict:
        return dict(reversed(list(mapping.items())))

    values = {
        "world.great_powers": flipped(world.great_powers),
        "world.middle_powers": flipped(world.middle_powers),
        "world.challengers": flipped(world.challengers),
        "world.backers": flipped(world.backers),
    }
    out = with_values(params, values)
    for code, mp in out.world.middle_powers.items():
        key = f"world.middle_powers.{code}"
        out = with_values(
            out,
            {
                f"{key}.exports": flipped(mp.exports),
                f"{key}.ideals": flipped(mp.ideals),
                f"{key}.neighbours": flipped(mp.neighbours),
            },
        )
    return out


def test_order_of_states_changes_nothing(params):
    reordered = reordered_world(params)
    assert list(reordered.world.middle_powers) == list(reversed(params.world.middle_powers))
    assert list(reordered.world.great_powers) == list(reversed(params.world.great_powers))
    assert_same_numbers(run(params), run(reordered))


def test_a_third_middle_power_in_front_changes_nothing_for_the_others(params):
    """Adding a state keyed before the others alphabetically shifts every array index; the
    existing states' random streams must not move. The newcomer has no neighbour ties, and the
    channels through which any state moves the others are shut: the challenger's choice and
    the threat spiral (they average over all middle powers; the great powers' restraint of
    the challenger sums over them) and summits and tariff shocks (they move a great power's
    reliability for everyone). The great powers' levers toward each state are chosen pair by
    pair, so they stay open. Then the others' runs are unchanged."""
    base = with_values(
        params,
        {
            "dynamics.spiral": 0.0,
            "dynamics.challenger": "responsive",
            "events.rates.summit": 0.0,
            "events.rates.tariff_shock": 0.0,
        },
    )
    newcomer = base.world.middle_powers["JPN"]
    extended = with_values(
        base,
        {
            "world.middle_powers": {
                "AUS": dataclasses.replace(newcomer, neighbours={}),
                **base.world.middle_powers,
            }
        },
    )
    before, after = run(base), run(extended)
    for name in ("security", "economic", "autonomy"):
        np.testing.assert_array_equal(
            before[name].values, after[name].sel(state=list(before.state.values)).values
        )


def test_batch_size_changes_nothing(params):
    small, large = run(params, runs=5), run(params, runs=RUNS)
    assert_same_numbers(small, large.isel(run=slice(0, 5)))


@pytest.mark.parametrize("block_runs", [1, 7, 2048])
def test_block_size_changes_nothing(params, block_runs):
    assert_same_numbers(run(params, block_runs=block_runs), run(params, block_runs=RUNS))


def test_first_run_offset_continues_the_numbering(params):
    whole = run(params)
    tail = run(params, runs=RUNS - 9, first_run=9)
    assert list(tail.run.values) == list(range(9, RUNS))
    assert_same_numbers(tail, whole.isel(run=slice(9, None)))


def test_per_run_parameters_follow_their_run_across_offsets_and_blocks(params):
    """A parameter array over runs: run r keeps its own value whichever block or offset it
    is simulated in."""
    rivalry = np.linspace(0.1, 0.9, RUNS)
    whole = run(with_values(params, {"pressures.rivalry": rivalry}), block_runs=5)
    tail = run(with_values(params, {"pressures.rivalry": rivalry[9:]}), runs=RUNS - 9, first_run=9)
    assert_same_numbers(tail, whole.isel(run=slice(9, None)))
    # and the array is used run by run: a run at a scalar equal to its entry matches
    single = run(with_values(params, {"pressures.rivalry": float(rivalry[3])}), runs=1, first_run=3)
    assert_same_numbers(single, whole.isel(run=[3]))


def test_a_short_run_is_the_start_of_a_long_one(params):
    """Stopping early changes nothing before the stop (no look-ahead), even when the
    scenario has dated events after it."""
    long = run(params, steps=12)
    short = run(params, steps=1)
    assert_same_numbers(short, long.isel(step=slice(0, 2)))


def test_a_shorter_horizon_past_the_dated_events_is_the_start_of_a_long_one(params):
    long = run(params, steps=12)
    short = run(params, steps=4)
    assert_same_numbers(short, long.isel(step=slice(0, 5)))
