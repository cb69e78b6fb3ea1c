"""Time in the step: how much of a deviation a step leaves, how likely an event is in one step."""

from __future__ import annotations

import numpy as np

from sim import libm
from sim.arrays import caches_of, frozen
from sim.kernels import compiled, jit
from sim.params import EVENT_KINDS
from sim.world import CompiledWorld

EVENT_INDEX = {kind: i for i, kind in enumerate(EVENT_KINDS)}


EVERY = slice(None)  # all states, or all great powers


def decay(w: CompiledWorld, half_life: np.ndarray) -> np.ndarray:
    """Share of a deviation left after one step, for a half-life in years (read only).

    A world's half-lives and step length do not change, and a power costs as much as a dozen
    additions over a block of runs, called a dozen times a step: each factor is computed once
    per world and half-life array (held in the cache, so its id is not reused)."""
    return per_world(w, "_decay", half_life, lambda: libm.power(0.5, w.dt_years / half_life))


def per_world(w: CompiledWorld, cache_name: str, source: np.ndarray, compute) -> np.ndarray:
    """`compute()`, a read-only array derived from the world's array `source` alone, computed
    once per world and source (the cache holds the source, so its id is not reused)."""
    cache = caches_of(w, cache_name)
    key = (id(source), w.dt_years)
    hit = cache.get(key)
    if hit is None or hit[0] is not source:
        if len(cache) >= DECAY_CACHE:  # a caller passing fresh arrays: do not hoard them
            cache.clear()
        value = np.asarray(compute())
        frozen(value)
        hit = cache[key] = (source, value)
    return hit[1]


DECAY_CACHE = 64  # more half-life arrays (and their layouts) than a world has


def spread(w: CompiledWorld, factor: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A per-run constant `factor` (R,) of the world (a decay factor, a parameter) over an
    array of `shape` (R, ...): `factor[:, None, ...]` broadcast against it, laid out in full
    (contiguous, read only), once per world, factor and shape. NumPy multiplies two arrays
    of one layout at several times the speed of a broadcast over the model's short trailing
    axes (a few states, great powers): the same numbers, fewer cycles."""
    return _laid_out(w, factor, shape, "runs")


def per_state(w: CompiledWorld, by_pole: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A constant `by_pole` (R, P, ...) (the bounds or dispositions the pressures set, read
    only) over an array of `shape` (R, M, P, ...): the same for every middle power, laid out
    in full like `spread`. A caller's array that can be written is broadcast at each call."""
    if by_pole.flags.writeable:
        view = by_pole[:, None]
        return np.broadcast_to(view, np.broadcast_shapes(view.shape, shape))
    return _laid_out(w, by_pole, shape, "states")


def _laid_out(w: CompiledWorld, source: np.ndarray, shape: tuple[int, ...], axes: str):
    """`source` laid out over `shape`: along trailing axes (`axes` "runs", source (R,)) or
    along a state axis after the runs ("states"), cached by the identity of `source` (held
    in the cache, so its id is not reused)."""
    cache = caches_of(w, "_laid_out")
    key = (id(source), axes, shape)
    hit = cache.get(key)
    if hit is None or hit[0] is not source:
        if len(cache) >= DECAY_CACHE:  # a caller passing fresh arrays: do not hoard them
            cache.clear()
        if axes == "runs":
            view = source.reshape(source.shape + (1,) * (len(shape) - 1))
        else:
            view = source[:, None]
        full = np.ascontiguousarray(np.broadcast_to(view, np.broadcast_shapes(view.shape, shape)))
        frozen(full)
        hit = cache[key] = (source, full)
    return hit[1]


@jit
def toward(x, target, kept):
    """What a step leaves of `x` relaxing toward `target`: the share `kept` of the gap."""
    return target + kept * (x - target)


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def relaxed(x, target, kept):
    """`toward` elementwise (one pass over the arrays; `kept` as `spread` lays it out)."""
    return toward(x, target, kept)


@jit
def faded(x, kept):
    """What a step leaves of `x` fading toward zero: the share `kept` of it."""
    return x * kept


@compiled(["float64(float64, float64)"], vectorize=True)
def _faded(x, kept):
    return faded(x, kept)


def fade(w: CompiledWorld, x: np.ndarray, half_life: np.ndarray) -> np.ndarray:
    """`faded` elementwise: `x` (R, ...) after a step of fading with the per-run `half_life`
    (R,) (restrictions, shocks, momentum, pledges)."""
    return _faded(x, spread(w, decay(w, half_life), np.shape(x)))


def governing(table: np.ndarray, camp: np.ndarray) -> np.ndarray:
    """The entries (..., 1) of the governing camps `camp` (...) in a per-camp `table` (..., C).
    With two camps a selection, which costs a tenth of NumPy's gather at a block's size."""
    camp = camp[..., None]
    if table.shape[-1] == 2:
        return np.where(camp == 1, table[..., 1:], table[..., :1])
    return np.take_along_axis(table, camp.astype(np.intp), axis=-1)


def governing_of(w: CompiledWorld, table: np.ndarray, camp: np.ndarray) -> np.ndarray:
    """`governing` of one of the world's per-camp tables (`w.ideal_*`, (R, M, C)) for every
    middle power: once per table and camps where the camps are read only (the engine's,
    which change at elections only, see `sim.dynamics.step.apply_events`; read only)."""
    if camp.flags.writeable:
        return governing(table, camp)
    cache = caches_of(w, "_governing")
    hit = cache.get(id(table))
    if hit is None or hit[0] is not table or hit[1] is not camp:
        value = governing(table, camp)
        frozen(value)
        hit = cache[id(table)] = (table, camp, value)
    return hit[2]


@jit
def chance_in(rate, dt):
    """Probability of at least one event in a step of `dt` years for a Poisson rate per year.
    Compiled: its exponential is the C library's `exp`, the same number on machines with
    and without AVX-512, where NumPy's is not (`sim.libm`)."""
    return 1.0 - np.exp(-rate * dt)


@compiled(["float64(float64, float64)"], vectorize=True)
def _chance(rate, dt):
    return chance_in(rate, dt)


def chance(w: CompiledWorld, rate: np.ndarray) -> np.ndarray:
    """`chance_in` elementwise for the rates `rate` per year, in one compiled pass."""
    return _chance(rate, w.dt_years)


def steady_chance(w: CompiledWorld, rate: np.ndarray) -> np.ndarray:
    """`chance` of one of the world's own rates (`w.rates.*`), which do not change: computed
    once per world and rate (read only)."""
    return per_world(w, "_chance", rate, lambda: chance(w, rate))


def _per_run(x: np.ndarray, ndim: int) -> np.ndarray:
    """A per-run parameter (R,) shaped to broadcast against an array of `ndim` dimensions."""
    return x.reshape(x.shape + (1,) * (ndim - 1))
