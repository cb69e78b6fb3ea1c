"""The compiled kernels (`sim/kernels.py`): where no cache directory is writable they compile
in memory and give the same numbers as the cached ones (so does a kernel whose cache entry
cannot be loaded, with one warning); the vectorized `partial` kernel decides a block of runs
as it decides each run alone; `vertex` (a select) picks as documented.

(What the kernels compute is held by the engine/Mesa equality tests, the invariance tests and
tests/test_utility.py, which checks the terms, the sum and the decision rules.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numba import types

import sim
from experiments import compose
from sim import kernels
from sim.random import normal_at, run_keys, run_stream_keys, step_counter

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
import numpy as np
from experiments import compose
import sim
from sim import kernels
ds = sim.simulate(compose(["decision.rule=%s"]), runs=12, seed=3, steps=8)
np.save(sys.argv[1], ds.security.values)
"""


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["partial", "logit"])
def test_without_a_writable_cache_the_kernels_compile_in_memory_to_the_same_numbers(rule, tmp_path):
    # Numba finds no place for its cache when the only locator it may use is the one for
    # zip files: the situation of a read-only install
    env = {
        **os.environ,
        "NUMBA_CACHE_LOCATOR_CLASSES": "ZipCacheLocator",
        "PYTHONPATH": str(ROOT),
    }
    out = tmp_path / "security.npy"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT % rule, str(out)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    expected = sim.simulate(compose([f"decision.rule={rule}"]), runs=12, seed=3, steps=8)
    np.testing.assert_array_equal(np.load(out), expected.security.values)


WORLD_STEPS = """
import agents
from experiments import compose
import sim
for overrides in ([], ["world=indo_pacific_2025"]):
    params = compose(overrides)
    sim.simulate(params, runs=5, seed=1, steps=4)
    agents.GeopoliticsModel(params, rng=1, run=0).run_for(4)
"""


@pytest.mark.slow
def test_a_new_process_loads_every_kernel_from_the_disk_cache_and_compiles_none():
    # A kernel Numba cannot key in its cache (e.g. a closure capturing a function made at run
    # time) is compiled again in every process: a second or more in each Dask worker.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = [sys.executable, "-c", WORLD_STEPS]
    first = subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr  # compiles what the cache lacks
    again = subprocess.run(
        run,
        env={**env, "NUMBA_DEBUG_CACHE": "1"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert again.returncode == 0, again.stderr
    compiled_again = [line for line in again.stdout.splitlines() if "data saved" in line]
    assert compiled_again == [], compiled_again[:3]


def test_the_kernels_views_feed_take_writable_arrays_without_a_second_overload():
    # `sim.strategy_kernels.views` passes the Mesa model's writable arrays as they are to the
    # review's and the challenger's kernels, whose signatures take read-only arrays: Numba
    # converts them at the call. A second overload would mean a second compile (and cache
    # entry) per kernel, and a conversion Numba no longer makes would be a TypeError here.
    import agents
    from sim.strategy_kernels import compiled_challenger, compiled_review

    params = compose([])
    model = agents.GeopoliticsModel(params, rng=1, run=0)
    model.run_for(6)
    model.why("PRK")  # the incentive's kernel, through `challenger_table`'s views
    engine = sim.simulate(params, runs=3, seed=1, steps=6)
    middle, poles = len(model.state_codes), len(model.pole_codes)
    for kernel in (compiled_review(poles, middle), compiled_challenger(middle, poles)):
        assert len(kernel.overloads) == 1, kernel.signatures
        (signature,) = kernel.signatures
        arrays = [t for t in signature if isinstance(t, types.Array)]
        assert any(not t.mutable for t in arrays)  # its inputs: read-only arrays
    # and the numbers are the engine's
    np.testing.assert_array_equal(model.trajectories()["security"][0], engine.security.values[0])


POISON = """
import importlib.util
import numpy as np
spec = importlib.util.spec_from_file_location("hedgesim_copy", "sim/random.py")
copy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(copy)
copy._normals(np.arange(10, dtype=np.uint64), np.uint64(3), np.empty(10))
"""

DRAW = """
import sys
import numpy as np
from sim import random
out = np.empty(10)
random._normals(np.arange(10, dtype=np.uint64), np.uint64(3), out)
np.save(sys.argv[1], out)
"""


@pytest.mark.slow
def test_a_cache_entry_that_cannot_be_loaded_is_compiled_in_memory_with_one_warning(tmp_path):
    # A process that loads a module's file under another name writes cache entries, keyed by
    # the file, that a later process cannot load (their environment names a module that is
    # not there): it must compile in memory and say so, not crash.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    run = dict(env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    poisoned = subprocess.run([sys.executable, "-c", POISON], **run)
    assert poisoned.returncode == 0, poisoned.stderr
    out = tmp_path / "normals.npy"
    drawn = subprocess.run([sys.executable, "-c", DRAW, str(out)], **run)
    assert drawn.returncode == 0, drawn.stderr
    warned = [line for line in drawn.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1, drawn.stderr
    assert "sim.random._normals" in warned[0] and "could not be loaded" in warned[0]
    assert "Traceback" not in drawn.stderr
    expected = np.empty(10)
    sim.random._normals(np.arange(10, dtype=np.uint64), np.uint64(3), expected)
    np.testing.assert_array_equal(np.load(out), expected)


def _random_context(rng, runs, states, poles):
    """Kernel inputs for `runs` x `states` decisions with values in [-1, 1] (concave and
    convex parabolas alike), some fields broadcast over states or runs (stride 0), as the
    engine lays them."""

    def field(shape):
        x = rng.uniform(-1.0, 1.0, shape)
        x.flags.writeable = False
        return x

    def laid(shape, kind):
        if kind == 0:  # one per decision
            return field(shape)
        if kind == 1:  # per run, the same for every state
            return np.broadcast_to(field((shape[0], 1) + shape[2:]), shape)
        return np.broadcast_to(field((1,) + shape[1:]), shape)  # the same for every run

    two, three = (runs, states), (runs, states, poles)
    c = tuple(laid(two, k % 3) for k in range(len(kernels.STATE_FIELDS)))
    q = tuple(laid(three, k % 3) for k in range(len(kernels.POLE_FIELDS)))
    w = tuple(laid(two, (k + 1) % 3) for k in range(len(kernels.TERM_NAMES)))
    rule = [laid(two, k % 2) for k in range(5)]  # speed, noise scale, three shocks
    return c, q, w, rule


def test_the_partial_kernel_decides_a_block_of_runs_as_it_decides_each_run_alone():
    # a block runs the vectorized loop over tiles of runs (two full tiles and a part here);
    # one run alone, the loop's scalar remainder: each lane must do the scalar arithmetic
    runs = 2 * kernels.TILE + 22
    c, q, w, rule = _random_context(np.random.default_rng(7), runs, 3, 2)
    block = np.empty((8, runs, 3))
    kernels.partial_kernel(c, q, w, *rule, block)
    for r in range(runs):
        alone = np.empty((8, 1, 3))
        one = slice(r, r + 1)
        kernels.partial_kernel(
            tuple(x[one] for x in c),
            tuple(x[one] for x in q),
            tuple(x[one] for x in w),
            *(x[one] for x in rule),
            alone,
        )
        np.testing.assert_array_equal(alone[:, 0], block[:, r], err_msg=f"run {r}")
    # both kinds of parabola were decided (a vertex and a bound)
    curvature = block[6:8]
    assert (curvature < 0).any() and (curvature > 0).any()


def test_the_partial_kernel_draws_the_shocks_normal_at_would_give_it():
    # drawn in the kernel, a tile of runs of every state at a time (two full tiles and a
    # part here), from keys of any layout: the same numbers as the shocks of `normal_at`
    runs, states = 2 * kernels.TILE + 22, 3
    c, q, w, rule = _random_context(np.random.default_rng(11), runs, states, 2)
    keys = run_stream_keys(run_keys(5, np.arange(runs))[:, None], np.arange(3 * states), 1)
    keys = keys.reshape(runs, states, 3).transpose(2, 0, 1)  # strided: (3, runs, states)
    keys.setflags(write=False)
    step = 17
    given, drawn = np.empty((8, runs, states)), np.empty((8, runs, states))
    shocks = [normal_at(keys[d], step) for d in range(3)]
    kernels.partial_kernel(c, q, w, rule[0], rule[1], *shocks, given)
    kernels.partial_kernel_drawing(
        c, q, w, rule[0], rule[1], tuple(keys), step_counter(step), drawn
    )
    np.testing.assert_array_equal(drawn.view(np.uint64), given.view(np.uint64))


def test_vertex_picks_the_clipped_vertex_of_a_concave_parabola_and_else_the_better_bound():
    # (the vertex a select between both, no branch: the kernels' vectorized loops)
    slope = np.array([1.0, 1.0, -3.0, 0.5, -0.5, 0.0, 2.0, -0.5])
    curvature = np.array([-1.0, -0.1, -1.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    best = kernels.vertex_everywhere(slope, curvature, 0.0, -1.0, 1.0)
    # 0.5; beyond the upper bound; beyond the lower; linear: the bound the slope points to
    # (a tie to the upper); convex: the bound of the larger gain
    np.testing.assert_array_equal(best, [0.5, 1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0])


HEDGING = """
import json
import numpy as np
from agents.collect import _readings_kernel
from sim.influence import K

def read_only(x):
    x = np.array(x, dtype=np.float64)
    x.setflags(write=False)
    return x

states, poles, levers = 2, 2, len(K)
numbers, posture = np.empty((4 + poles, states)), np.empty(states, np.int8)
out = np.empty((1, states, poles))
_readings_kernel(
    read_only([[0.2, -0.4]]), read_only([[0.1, 0.3]]), read_only([[0.0, 0.0]]), -0.3, 0.3,
    read_only(np.zeros((1, states, poles))), read_only(np.zeros((1, states, poles, levers))),
    read_only(np.zeros((1, poles, levers))), K["coercion"], False, numbers, posture, out,
)
print(json.dumps(numbers[3].tolist()))  # the hedging index (`agents.collect.NUMBER_ROWS`)
"""


def test_an_edited_equation_is_compiled_again_where_another_module_inlines_it(tmp_path):
    # Numba checks a cached kernel against its own file only: `agents.collect`'s readings
    # kernel inlines `sim.metrics.hedging_of`, so an edit of that equation must clear the
    # cache (`sim.compiling.clear_stale_kernels`), or the old machine code gives the old
    # numbers without a word.
    for package in ("sim", "agents"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    run = dict(
        env={**env, "PYTHONPATH": str(tmp_path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )

    def hedging():
        done = subprocess.run([sys.executable, "-c", HEDGING], **run)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    before = hedging()  # compiled, and cached in the copy's __pycache__
    assert before == [1.0 - abs(0.2 + 0.1) / 2.0, 1.0 - abs(-0.4 + 0.3) / 2.0]
    (index,) = (tmp_path / "agents" / "__pycache__").glob("collect._readings_kernel*.nbi")
    written = index.stat().st_mtime_ns
    assert hedging() == before  # the sources as they were: the cache kept, not written again
    assert index.stat().st_mtime_ns == written
    metrics = tmp_path / "sim" / "metrics.py"
    equation = "return 1.0 - abs(security + economic) / 2.0"
    assert equation in metrics.read_text()
    metrics.write_text(
        metrics.read_text().replace(equation, "return 0.5 - abs(security + economic) / 2.0")
    )
    assert hedging() == [0.5 - abs(0.2 + 0.1) / 2.0, 0.5 - abs(-0.4 + 0.3) / 2.0]
