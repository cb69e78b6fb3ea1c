"""Phase 1, the world: the scenario's pressures in force, the levers they set, Taiwan crises."""

from __future__ import annotations

import numpy as np
from numba import types

from sim.arrays import frozen, same_objects, shape_of
from sim.dynamics.clock import fade, steady_chance
from sim.kernels import IN1, IN2, OUT2, clip, compiled, jit
from sim.random import step_counter, uniform_of
from sim.strategy_kernels import read_only, views
from sim.world import CompiledWorld, pressure_levers


# ----------------------------------------------------------------------------- phase 1: the world
def initial_pressures(w: CompiledWorld) -> dict[str, np.ndarray]:
    """Pressures at step 0: the configured levels with the scenario's changes dated at its
    start. Read-only arrays kept with the world: a pressure's array is never changed in
    place (a change replaces it), so the runs of one world (a Mesa batch's, a dashboard's
    resets, which share the world's caches: `sim.world.one_run_world`) start from the same
    arrays, and what the engine keeps by their identity (the dispositions they set, the
    bounds, the kernels' views of those) is made once instead of again at each run's first
    step."""
    sources = (tuple(w.pressure_base.values()), w.changes)
    held = w.__dict__.get("_initial_pressures")
    if held is None or not (same_objects(held[0][0], sources[0]) and held[0][1] is w.changes):
        pressures = {k: v.copy() for k, v in w.pressure_base.items()}
        for name, value in w.changes.get(0, []):
            pressures[name] = np.full(w.runs, value)
        frozen(*pressures.values())
        held = w.__dict__["_initial_pressures"] = (sources, pressures)
    return dict(held[1])


def scheduled_pressures(
    w: CompiledWorld, pressures: dict[str, np.ndarray], k: int
) -> dict[str, np.ndarray]:
    """The pressures in force at step k: those of step k-1 with the scenario's changes of k."""
    pressures = dict(pressures)
    for name, value in w.changes.get(k, []):
        pressures[name] = np.full(w.runs, value)
    return pressures


def effective_levers(
    w: CompiledWorld,
    pressures: dict[str, np.ndarray],
    reliability_shock: np.ndarray,
    taiwan_shock: np.ndarray,
) -> dict[str, np.ndarray]:
    """Levers in force: the great powers' (R, P) from pressures plus reliability shocks; the
    world's rivalry and Taiwan risk (R,) raised by crises, and the crisis itself (R,)."""
    return dispositions_in_force(
        pressure_levers(w, pressures), pressures, reliability_shock, taiwan_shock
    )


def dispositions_in_force(
    levers: dict[str, np.ndarray],
    pressures: dict[str, np.ndarray],
    reliability_shock: np.ndarray,
    taiwan_shock: np.ndarray,
    trusted: bool = False,
) -> dict[str, np.ndarray]:
    """`effective_levers` from the dispositions the pressures set (`pressure_levers`, which
    the engine computes once while the pressures hold); `levers` is not changed. The three
    dispositions a shock moves, each `shocked_level` of its level and its shock (the
    reliability (R, P) by the great powers' reliability shocks, the Taiwan risk (R,) by the
    Taiwan shock, the rivalry (R,) by half of it), in one compiled pass: three NumPy calls
    cost some 1% of a Mesa run, which makes them every step. `trusted`: the arrays are a
    state's own and the dispositions its pressures set (float64, (R, P) and (R,) for every
    run, as the Mesa model's world now holds them: `GeopoliticsModel._levers_in_force`),
    passed as they are, without the tests of their shapes and dtypes (another 1%)."""
    levers = dict(levers)
    base, taiwan, rivalry = levers["reliability"], pressures["taiwan_risk"], pressures["rivalry"]
    by_pole = base.shape if trusted else _common_shape(base, reliability_shock)
    by_run = taiwan.shape if trusted else _common_shape(taiwan, rivalry, taiwan_shock)
    pole_fields, run_fields = (base, reliability_shock), (taiwan, rivalry, taiwan_shock)
    if not trusted:
        pole_fields, run_fields = views(pole_fields, by_pole), views(run_fields, by_run)
    out = (np.empty(by_pole), np.empty(by_run), np.empty(by_run))
    _in_force_kernel(*pole_fields, *run_fields, *out)
    # new arrays no one changes: the kernels that read them take them as they are (`read_only`)
    frozen(*out)
    levers["reliability"], levers["taiwan_risk"], levers["rivalry"] = out
    levers["taiwan_crisis"] = taiwan_shock
    return levers


def _common_shape(*xs) -> tuple[int, ...]:
    """The shape arrays `xs` broadcast to (NumPy's rule; the first's where all agree, as
    at every step: one test)."""
    shape = shape_of(xs[0])
    for x in xs[1:]:
        if type(x) is not np.ndarray or x.shape != shape:
            return np.broadcast_shapes(*map(np.shape, xs))
    return shape


@jit
def shocked_level(level, shock):
    """A disposition in force: the level the pressures set plus its shock, in [0, 1]."""
    return clip(level + shock, 0.0, 1.0)


@compiled([types.void(IN2, IN2, IN1, IN1, IN1, OUT2, types.float64[::1], types.float64[::1])])
def _in_force_kernel(
    reliability,
    reliability_shock,
    taiwan,
    rivalry,
    taiwan_shock,
    reliability_out,
    taiwan_out,
    rivalry_out,
):
    """`dispositions_in_force`'s three: the reliability in force of each great power j and
    run r, the Taiwan risk and the rivalry (raised by half the Taiwan shock) of each run.
    Loops over the runs innermost, one disposition at a time: at 25,000 runs about two
    thirds of the time of one loop over the runs with all three in its body."""
    for j in range(reliability_out.shape[1]):
        for r in range(reliability_out.shape[0]):
            reliability_out[r, j] = shocked_level(reliability[r, j], reliability_shock[r, j])
    for r in range(taiwan_out.shape[0]):
        taiwan_out[r] = shocked_level(taiwan[r], taiwan_shock[r])
    for r in range(rivalry_out.shape[0]):
        rivalry_out[r] = shocked_level(rivalry[r], 0.5 * taiwan_shock[r])


def taiwan_crisis(w: CompiledWorld, taiwan_shock: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled crisis in the Taiwan Strait raises Taiwan risk (and rivalry, halved)."""
    return taiwan_shock + w.sizes.taiwan_crisis * magnitude


def taiwan_crises(w: CompiledWorld, taiwan_shock: np.ndarray, keys: np.ndarray, k: int):
    """Stochastic crises of step k: (new shock, whether one happened), each (R,), by
    `crisis_of` run by run (the engine draws them with the summits,
    `sim.dynamics.step.stochastic_events_kernel`)."""
    runs = len(taiwan_shock)
    out, crisis = np.empty(runs), np.empty(runs, dtype=np.bool_)
    taiwan_crises_kernel(
        step_counter(k),
        keys,
        read_only(steady_chance(w, w.rates.taiwan_crisis), (runs,)),
        read_only(w.sizes.taiwan_crisis, (runs,)),
        np.asarray(taiwan_shock, dtype=np.float64),
        out,
        crisis,
    )
    return out, crisis


@jit
def crisis_of(shock, key, counter, chance, size):
    """One run's stochastic crisis: (Taiwan shock after it, crisis?) from its draw."""
    return crisis_of_draw(shock, uniform_of(key, counter), chance, size)


@jit
def crisis_of_draw(shock, draw, chance, size):
    """`crisis_of` from the run's uniform draw (`uniform_of`)."""
    crisis = draw < chance
    return shock + (1.0 if crisis else 0.0) * size, crisis


@compiled(None)
def taiwan_crises_kernel(counter, keys, chance, size, shock, out, crisis):
    """`crisis_of` for every run."""
    for r in range(out.shape[0]):
        out[r], crisis[r] = crisis_of(shock[r], keys[r], counter, chance[r], size[r])


def shocks_fade(w: CompiledWorld, shock: np.ndarray) -> np.ndarray:
    """Reliability and Taiwan shocks decay toward zero."""
    return fade(w, shock, w.dynamics.shock_half_life)
