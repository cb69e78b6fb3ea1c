"""Public opinion as state: favourability toward each great power, and the odds it sets for
an election switching camps (issue 11, design §6; docs/model.md §7.8).

Favourability f (R, M', P) relaxes toward a target that remembered coercion and tariffs in
force pull down, f* = clip(baseline - chi_R memory - chi_tau tariff), fast when it falls and
slowly when it recovers (two half-lives: the negativity bias of opinion, Soroka 2006). An
election's switch odds rise for the camp closer to a great power liked more than usual."""

from __future__ import annotations

import numpy as np
from numba import types

from sim.arrays import frozen
from sim.dynamics.clock import EVERY, decay, spread, toward
from sim.kernels import IN1, IN2, IN3, IN4, OUT2, clip, compiled, jit
from sim.random import step_counter, uniform_of
from sim.strategy_kernels import read_only
from sim.utility import aligned


def opinion_target(w, memory: np.ndarray, tariff: np.ndarray, rows=EVERY) -> np.ndarray:
    """f* (R, M', P): the baseline less remembered restriction-years and tariffs in force."""
    o = w.opinion
    return _target(
        w.opinion_baseline[:, rows],
        spread(w, o.coercion, memory.shape),
        memory,
        spread(w, o.tariff, tariff.shape),
        tariff,
    )


@jit
def target_of(baseline, coercion, memory, tariff_weight, tariff):
    """f*: the baseline less remembered restriction-years and tariffs, within [0, 1]."""
    return clip(baseline - (coercion * memory + tariff_weight * tariff), 0.0, 1.0)


@compiled(["float64(float64, float64, float64, float64, float64)"], vectorize=True)
def _target(baseline, coercion, memory, tariff_weight, tariff):
    return target_of(baseline, coercion, memory, tariff_weight, tariff)


def opinion_update(w, opinion: np.ndarray, target: np.ndarray) -> np.ndarray:
    """One step toward the target, with the half-life of a fall or of a recovery."""
    shape = np.broadcast_shapes(np.shape(opinion), np.shape(target))
    return _updated(
        opinion,
        target,
        spread(w, decay(w, w.opinion.half_life_down), shape),
        spread(w, decay(w, w.opinion.half_life_up), shape),
    )


@jit
def updated(opinion, target, kept_falling, kept_rising):
    """Favourability after a step toward its target: it keeps the share `kept_falling` of
    the gap when it falls, `kept_rising` when it recovers (the negativity bias)."""
    return toward(opinion, target, kept_falling if target < opinion else kept_rising)


@compiled(["float64(float64, float64, float64, float64)"], vectorize=True)
def _updated(opinion, target, kept_falling, kept_rising):
    return updated(opinion, target, kept_falling, kept_rising)


def switch_probability(w, opinion: np.ndarray, camp: np.ndarray, rows=EVERY) -> np.ndarray:
    """P (R, M') that the other camp wins an election held now: the base odds `p_switch`
    shifted by `opinion.election` times how much more the public likes, than usual, the
    great powers the other camp is closer to than the incumbent (pole-generic: a camp's
    closeness to p is the share alpha_p of its mean ideal point). One compiled pass
    (`switch_kernel`): an election is rare in a run, so its ten NumPy calls ran cold each
    time (79 us an election in a Mesa run, 2% of it, against 20 in a loop of them)."""
    inputs, lead = _switch_inputs(w, opinion, camp, rows)
    out = np.empty(lead)
    switch_kernel(*inputs, out)
    return out


def elected(w, opinion: np.ndarray, camp: np.ndarray, keys, k: int, rows=EVERY) -> np.ndarray:
    """The governing camps (R, M') after an election held at step k: the other camp wins
    where the uniform draw of the election stream `keys` (R, M') at k (`uniform_at`) falls
    under its `switch_probability`, the incumbent holds otherwise. The odds and the draw in
    one compiled pass (`election_kernel`), the same numbers as the two apart: a run holds a
    few elections, each cold, where the draw took five more NumPy calls after the odds."""
    inputs, lead = _switch_inputs(w, opinion, camp, rows)
    out = np.empty(lead, dtype=np.int64)
    election_kernel(*inputs, read_only(keys, lead, np.uint64), step_counter(k), out)
    return out


def _switch_inputs(w, opinion, camp, rows) -> tuple[tuple, tuple[int, int]]:
    """What `switch_odds_at` reads, read-only arrays of the kernels' shapes, and the shape
    (R, M') of the middle powers `rows`."""
    closeness = camp_closeness(w)[:, rows]  # (R, M', P, C)
    baseline = w.opinion_baseline[:, rows]
    shape = np.shape(opinion)  # most often the baseline's (a row of a state's opinion)
    if shape != baseline.shape:
        shape = np.broadcast_shapes(shape, baseline.shape)
    lead = shape[:2]
    inputs = (
        read_only(opinion, shape),
        read_only(baseline, shape),
        read_only(closeness, shape + closeness.shape[-1:]),
        read_only(camp, lead, np.int64),
        read_only(w.p_switch[:, rows], lead),
        read_only(w.opinion.election, lead[:1]),
    )
    return inputs, lead


CAMP_CODES = types.Array(types.int64, 2, "A", readonly=True)
SWITCH_INPUTS = (IN3, IN3, IN4, CAMP_CODES, IN2, IN1)


@compiled([types.void(*SWITCH_INPUTS, OUT2)])
def switch_kernel(opinion, baseline, closeness, camp, p_switch, election, out):
    """`switch_probability` of each middle power (r, i) (`switch_odds_at`)."""
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            out[r, i] = switch_odds_at(opinion, baseline, closeness, camp, p_switch, election, r, i)


@compiled(
    [
        types.void(
            *SWITCH_INPUTS,
            types.Array(types.uint64, 2, "A", readonly=True),
            types.uint64,
            types.int64[:, ::1],
        )
    ]
)
def election_kernel(opinion, baseline, closeness, camp, p_switch, election, keys, counter, out):
    """`elected` of each middle power (r, i): its switch odds (`switch_odds_at`) against the
    uniform draw of its key at `counter` (`sim.random.uniform_of`, what `uniform_at` draws)."""
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            odds = switch_odds_at(opinion, baseline, closeness, camp, p_switch, election, r, i)
            switched = uniform_of(keys[r, i], counter) < odds
            out[r, i] = 1 - camp[r, i] if switched else camp[r, i]


@jit
def switch_odds_at(opinion, baseline, closeness, camp, p_switch, election, r, i):
    """The switch odds of middle power i in run r: each camp's favour, the public's liking
    of each great power above the usual times the camp's closeness to it, summed over the
    great powers left to right from the first (as `sim.arrays.total`), then the odds
    (`switch_odds_of`) of the other camp's favour over the incumbent's."""
    incumbent, other = camp[r, i], 1 - camp[r, i]
    favour_in = (opinion[r, i, 0] - baseline[r, i, 0]) * closeness[r, i, 0, incumbent]
    favour_out = (opinion[r, i, 0] - baseline[r, i, 0]) * closeness[r, i, 0, other]
    for p in range(1, opinion.shape[2]):
        liked = opinion[r, i, p] - baseline[r, i, p]
        favour_in = favour_in + liked * closeness[r, i, p, incumbent]
        favour_out = favour_out + liked * closeness[r, i, p, other]
    return switch_odds_of(p_switch[r, i], election[r], favour_in, favour_out)


@jit
def switch_odds_of(p, election, incumbent, other):
    """The odds form: the base odds `p` shifted by exp(`election` (other - incumbent)), the
    other camp's favour over the incumbent's; exactly `p` when the two camps fare the same.
    Compiled: its exponential is the C library's `exp` (`sim.libm`)."""
    shift = np.exp(election * (other - incumbent))
    return p * shift / (1.0 - p + p * shift)


def camp_closeness(w) -> np.ndarray:
    """(R, M, P, C), read only: how close each camp of each middle power is to each great
    power, the share alpha_p of the camp's mean ideal point. It depends on the world only, so
    it is computed once per world (each election computed it again: with its mean, 0.27 ms of
    an election's 0.7 in a block of 4,167 runs)."""
    held = w.__dict__.get("_camp_closeness")
    inputs = (w.ideal_security, w.ideal_economic, w.sign)
    if held is None or any(a is not b for a, b in zip(held[0], inputs, strict=True)):
        lean = (w.ideal_security + w.ideal_economic) / 2.0  # (R, M, C)
        shape = lean.shape[:2] + w.sign.shape + lean.shape[2:]
        # the operands laid out in full: the compiled ufunc's loop over broadcast ones (of
        # stride 0) took 1.15 ms of a 25,000-run chunk, 0.12 over these copies
        sign = np.broadcast_to(w.sign[:, None], shape).copy()
        closeness = aligned(sign, np.broadcast_to(lean[:, :, None, :], shape).copy())
        frozen(closeness)
        held = w.__dict__["_camp_closeness"] = (inputs, closeness)
    return held[1]
