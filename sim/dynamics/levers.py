"""The great powers' levers toward each middle power: their start, the scenario's dated
settings, their bounds, and what they make of the context a middle power sees (`pairs`).

Levers are (R, M, P, K) (runs, middle powers, great powers, LEVERS); the lever in force is
min(lever, bound), the bound recomputed from the pressures in force (`sim.world.lever_caps`),
so a scheduled pressure moves a binding lever in every mode. Levers count relative to their
2025 level where they shift reliability, so `us_reliability` keeps its meaning."""

from __future__ import annotations

import functools

import numpy as np

from sim.arrays import caches_of, frozen, shape_of
from sim.dynamics.clock import EVERY, per_world
from sim.influence import K, Pairs
from sim.kernels import clip, compiled, jit
from sim.strategy_kernels import read_only
from sim.world import CompiledWorld, lever_caps


def initial_levers(w: CompiledWorld) -> np.ndarray:
    """(R, M, P, K): every great power's 2025 levers toward every middle power."""
    start = np.clip(w.lever_initial, 0.0, w.lever_max)
    return np.broadcast_to(start[:, None], (w.runs, len(w.middle)) + start.shape[1:]).copy()


def initial_restraint(w: CompiledWorld) -> np.ndarray:
    return np.clip(w.restraint_initial, -w.restraint_max, w.restraint_max)


def scheduled_levers(w: CompiledWorld, levers: np.ndarray, k: int) -> np.ndarray:
    """The levers with the scenario's settings dated at step k (`scenario.levers`)."""
    changes = w.lever_changes.get(k, [])
    if not changes:
        return levers
    levers = levers.copy()
    for pole, state, lever, value in changes:
        levers[:, state, pole, lever] = value
    return levers


def in_force(levers: np.ndarray, caps: np.ndarray, poles=EVERY) -> np.ndarray:
    """Levers (R, M, P', K) capped by the bounds in force `caps` (R, P, K)."""
    return capped(levers, caps[:, None, poles])


@jit
def lever_in_force(lever, bound):
    """A lever capped by its bound: the smaller of the two (`np.minimum`: NaN if either is)."""
    return lever if (lever <= bound or lever != lever) else bound


@compiled(["float64(float64, float64)"], vectorize=True)
def capped(levers, bounds):
    """Levers (R, M, P', K) capped by `bounds` that broadcast against them (`in_force`):
    `lever_in_force` elementwise."""
    return lever_in_force(levers, bounds)


def pairs(
    w: CompiledWorld,
    dispositions: dict[str, np.ndarray],
    levers: np.ndarray,
    restriction: np.ndarray,
    rows=EVERY,
    caps: np.ndarray | None = None,
    held: np.ndarray | None = None,
) -> Pairs:
    """What the levers in force make of each pair (middle powers `rows`, every great power):
    `dispositions` from `sim.dynamics.effective_levers` (reliability with its shocks, the
    rivalry in force), `levers` (R, M', P, K) uncapped, `restriction` (R, M', P) from events;
    `caps` (`lever_caps`) and `held` (`in_force`) if the caller has them already. The
    equations are `pair_effects`, compiled (`pairs_kernel`)."""
    return pairs_and_held(w, dispositions, levers, restriction, rows, caps, held)[0]


def pairs_and_held(
    w: CompiledWorld,
    dispositions: dict[str, np.ndarray],
    levers: np.ndarray,
    restriction: np.ndarray,
    rows=EVERY,
    caps: np.ndarray | None = None,
    held: np.ndarray | None = None,
) -> tuple[Pairs, np.ndarray]:
    """`pairs` and the levers in force (R, M', P, K) they read (`held` if given, otherwise
    capped by `caps` in the same pass, `lever_in_force`)."""
    caps = lever_caps(w, dispositions) if caps is None else caps
    capping = held is None
    if capping:  # the kernel caps `levers` into `held`
        held = np.empty(shape_of(levers))
    else:  # the kernel reads the levers in force given (and writes no `held`)
        levers, held = np.asarray(held, dtype=np.float64), held
    runs, poles = restriction.shape[0], restriction.shape[2]
    by_run, by_pole, shape = (runs,), (runs, poles), shape_of(levers)
    read = (  # the dispositions the kernel reads, as it reads them
        read_only(dispositions["reliability"], by_pole),
        read_only(dispositions["taiwan_crisis"], by_run),
        read_only(dispositions["military"], by_pole),
        read_only(dispositions["rivalry"], by_run),
    )
    restriction = np.asarray(restriction, dtype=np.float64)
    return pairs_written(
        w, caps, read_only(levers, shape), held if capping else None, read, restriction, rows
    ), held


def pairs_written(
    w: CompiledWorld,
    caps: np.ndarray,
    levers: np.ndarray,
    held: np.ndarray | None,
    dispositions: tuple,
    restriction: np.ndarray,
    rows=EVERY,
) -> Pairs:
    """`pairs` from arguments already as `pairs_kernel` reads them (float64 arrays of their
    shapes: the levers (R, M', P, K); the reliability and military dispositions (R, P), the
    Taiwan crisis and the rivalry (R,), in that order; the restrictions (R, M', P)): the
    levers in force capped by `caps` into `held` in the same pass, or, `held` None, `levers`
    read as in force. `pairs_and_held` checks and lays out its arguments, then calls this;
    `sim.dynamics.step.observe` calls it with a state's own arrays, which are."""
    capping = held is not None
    runs, states, poles = restriction.shape
    gain, doubt, drain, exposure = _pair_parameters(w, rows, runs, states)
    bounds, refs = _bounds_read(w, caps, (runs,) + caps.shape[1:])
    out = np.empty((6, runs, states, poles))
    flags = np.empty((3, runs, states, poles), dtype=np.bool_)
    kernel = pairs_kernel(states, poles, levers.shape[3], capping, not w.great_powers_hold_levers)
    kernel(
        levers,
        held if capping else _NOT_HELD,
        bounds,
        refs,
        gain,
        doubt,
        drain,
        *dispositions,
        exposure,
        restriction,
        out,
        flags,
    )
    frozen(out, flags, *((held,) if capping else ()))
    # positional, in the order of `Pairs._fields`: reliability, reliability_interior,
    # military, military_interior, restriction, coercion_binds, inducement, trade_pressure,
    # consent (nine keywords cost more)
    return Pairs(out[0], flags[0], out[1], flags[1], out[2], flags[2], out[3], out[4], out[5])


_NOT_HELD = np.empty((0, 0, 0, 0))  # the `held` the pairs' kernel neither reads nor writes


def _bounds_read(w: CompiledWorld, caps: np.ndarray, by_lever: tuple[int, ...]) -> tuple:
    """The bounds `caps` and their 2025 references (`references`) as `pairs_kernel` reads
    them (read-only views over the runs `by_lever` (R, P, K)), kept with the world while the
    bounds are the same read-only array (the engine's: until a pressure changes), not looked
    up again at every step."""
    hit = w.__dict__.get("_pairs_bounds")
    if hit is None or hit[0] is not caps or hit[1] != by_lever:
        runs, poles = by_lever[:2]
        refs = read_only(references(w, caps), (runs, poles, 2))
        hit = (caps, by_lever, read_only(caps, by_lever), refs)
        if not caps.flags.writeable:  # a caller's own array may change: not kept
            w.__dict__["_pairs_bounds"] = hit
    return hit[2], hit[3]


COMMITMENT, TARIFF, MILITARY, COERCION = K["commitment"], K["tariff"], K["military"], K["coercion"]
INDUCEMENT, CONSENT = K["inducement"], K["consent"]


@jit
def levers_read(lever, out, r, m, p):
    """The levers in force the context reads on their own (inducement, tariff, consent) into
    out[3:6], contiguous: the context's and the decisions' kernels read them there, not one
    number in every six of the levers' rows (a pass over all of them each)."""
    out[3, r, m, p] = lever[r, m, p, INDUCEMENT]
    out[4, r, m, p] = lever[r, m, p, TARIFF]
    out[5, r, m, p] = lever[r, m, p, CONSENT]


@jit
def reliability_seen(
    gain, doubt, drain, reliability, crisis, commitment, commitment_ref, tariff, tariff_ref
):
    """Reliability as a middle power sees a great power, before its clip to [0, 1]: the
    disposition, drained by a crisis in the Strait (a Taiwan war draws every great power's
    attention away: the dual contingency), plus its commitment signals above their 2025
    level, less its tariffs above theirs (tariffs on an ally cost credibility)."""
    signals = gain * (commitment - commitment_ref) - doubt * (tariff - tariff_ref)
    drained = reliability * (1.0 - drain * clip(crisis, 0.0, 1.0))
    return drained + signals


@jit
def military_pressure(exposure, rivalry, level):
    """theta_pi: a great power's military pressure on a middle power, its exposure times
    (1/2 + rivalry/2) times the disposition plus the military lever, clipped to [0, 1]."""
    return exposure * (0.5 + 0.5 * rivalry) * clip(level, 0.0, 1.0)


def _pair_parameters(w: CompiledWorld, rows, runs: int, states: int) -> tuple:
    """The world's parameters `pairs_kernel` reads, as it reads them (read-only views): the
    commitment gain, the tariff doubt, the attention drain (R,), the military exposure of
    the middle powers `rows` (R, M'); for every middle power once per world and shape."""
    cache = caches_of(w, "_pair_parameters")
    cached = cache.get((runs, states)) if rows is EVERY else None
    if cached is None:
        per_run = lambda x: read_only(x, (runs,))  # noqa: E731
        cached = (
            per_run(w.dynamics.commitment_gain),
            per_run(w.sizes.tariff_doubt),
            per_run(w.dynamics.attention_drain),
            read_only(w.military_exposure[:, rows], (runs, states)),
        )
        if rows is EVERY:
            cache[(runs, states)] = cached
    return cached


def references(w: CompiledWorld, caps: np.ndarray) -> np.ndarray:
    """(R, P, 2): the 2025 commitment and tariff levers in force under the bounds `caps`
    (R, P, K), the levels the reliability seen counts from (`reference_lever`); once per
    world and bounds (the engine's bounds change with the pressures only; read only)."""

    def compute():
        initial, maximum = np.broadcast_arrays(w.lever_initial, w.lever_max, caps)[:2]
        out = np.empty(caps.shape[:2] + (2,))
        references_kernel(initial, maximum, caps, out)
        return out

    return per_world(w, "_lever_references", caps, compute)


@jit
def reference_lever(initial, maximum, cap):
    """A lever's 2025 level in force: its start within [0, its maximum], under its bound."""
    return min(clip(initial, 0.0, maximum), cap)


@compiled(None)
def references_kernel(initial, maximum, caps, out):
    """`reference_lever` of the commitment (out[..., 0]) and tariff (out[..., 1]) levers."""
    for r in range(out.shape[0]):
        for p in range(out.shape[1]):
            out[r, p, 0] = reference_lever(
                initial[r, p, COMMITMENT], maximum[r, p, COMMITMENT], caps[r, p, COMMITMENT]
            )
            out[r, p, 1] = reference_lever(
                initial[r, p, TARIFF], maximum[r, p, TARIFF], caps[r, p, TARIFF]
            )


@jit
def pair_effects(
    lever,
    refs,
    gain,
    doubt,
    drain,
    reliability,
    crisis,
    military,
    rivalry,
    exposure,
    restriction,
    out,
    flags,
    states,
    poles,
    responsive,
):
    """What the levers in force `lever` make of every pair: reliability, military pressure
    and restriction in force into `out`, where their clips do not bind into `flags`. Inlined
    into `pairs_kernel`'s kernels, whose constants `states`, `poles` and `responsive`
    then are (a module function, not a closure: Numba's disk cache cannot key a kernel that
    captures a function made at run time, and compiled it again in every process)."""
    # one loop over runs an effect (as fast as one loop doing them all, or faster)
    runs = out.shape[1]
    for r in range(runs):
        for m in range(states):
            for p in range(poles):
                raw = reliability_seen(
                    gain[r],
                    doubt[r],
                    drain[r],
                    reliability[r, p],
                    crisis[r],
                    lever[r, m, p, COMMITMENT],
                    refs[r, p, 0],
                    lever[r, m, p, TARIFF],
                    refs[r, p, 1],
                )
                out[0, r, m, p] = clip(raw, 0.0, 1.0)
                flags[0, r, m, p] = (raw > 0.0) and (raw < 1.0)
    for r in range(runs):
        for m in range(states):
            for p in range(poles):
                level = military[r, p] + lever[r, m, p, MILITARY]
                out[1, r, m, p] = military_pressure(exposure[r, m], rivalry[r], level)
                flags[1, r, m, p] = (level > 0.0) and (level < 1.0)
    for r in range(runs):
        for m in range(states):
            for p in range(poles):
                coercion, events = lever[r, m, p, COERCION], restriction[r, m, p]
                if responsive:  # the old reaction rule: restrictions come from events only
                    out[2, r, m, p], flags[2, r, m, p] = events, False
                else:
                    out[2, r, m, p] = max(events, coercion)
                    flags[2, r, m, p] = coercion >= events


@functools.cache
def pairs_kernel(states: int, poles: int, levers_count: int, capping: bool, responsive: bool):
    """The kernel of `pairs` for `states` middle powers, `poles` great powers, `levers_count`
    levers, capping or not and responsive or not, all constants of the compiled closure, so
    a run's loops are unrolled and the branches on `capping` and `responsive` gone (about 1.3
    times as fast: 0.82 -> 0.62 ms a step of 25,000 runs of two states and two great powers;
    0.52 ms with a loop over runs an effect; Numba's disk cache keys a closure by its
    constants). `kernel(levers, held, caps, refs, gain, doubt, drain, reliability, crisis,
    military, rivalry, exposure, restriction, out, flags)`: for every (run, middle power,
    great power) out[0] reliability, out[1] military pressure, out[2] restriction in force,
    out[3:6] the inducement, tariff and consent levers in force (`levers_read`); flags[0],
    flags[1] where their clips do not bind, flags[2] where the coercion lever sets the
    restriction. The levers in force: `levers` capped by `caps` into `held` if
    `capping`, otherwise `levers` themselves."""

    def kernel(
        levers,
        held,
        caps,
        refs,
        gain,
        doubt,
        drain,
        reliability,
        crisis,
        military,
        rivalry,
        exposure,
        restriction,
        out,
        flags,
    ):
        if capping:  # the levers in force, kept in `held`, then what they make of each pair
            for r in range(out.shape[1]):
                for m in range(states):
                    for p in range(poles):
                        for k in range(levers_count):
                            held[r, m, p, k] = lever_in_force(levers[r, m, p, k], caps[r, p, k])
                        levers_read(held, out, r, m, p)
            in_force = held
        else:
            in_force = levers
            for r in range(out.shape[1]):
                for m in range(states):
                    for p in range(poles):
                        levers_read(levers, out, r, m, p)
        pair_effects(
            in_force,
            refs,
            gain,
            doubt,
            drain,
            reliability,
            crisis,
            military,
            rivalry,
            exposure,
            restriction,
            out,
            flags,
            states,
            poles,
            responsive,
        )

    return compiled(None, lazy=False, error_model="numpy")(kernel)
