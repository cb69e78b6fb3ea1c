"""The great powers' levers on middle powers: coercion, tariffs, summits, red lines.

Restrictions are (R, M, P'): imposed on every middle power by the great powers P' asked
about (all of them in the engine, one column for a GreatPower agent); levers are (R, P')."""

from __future__ import annotations

import numpy as np

from sim.arrays import total
from sim.dynamics.clock import EVERY, chance, fade
from sim.kernels import clip, compiled, jit
from sim.random import uniform_at
from sim.world import CompiledWorld


# ----------------------------------------------------------------------------- great powers
# Restrictions are (R, M, P'): imposed on every middle power by the great powers P' asked
# about (all of them in the engine, one column for a GreatPower agent); levers are (R, P').
def coerce(
    w: CompiledWorld, restriction: np.ndarray, coercion_lever: np.ndarray, magnitude: float
) -> np.ndarray:
    """A scheduled coercion episode: a restriction of the coercer's readiness times its size."""
    imposed = w.sizes.coercion * magnitude * coercion_lever
    return np.maximum(restriction, imposed)


def tariff(
    w: CompiledWorld, restriction: np.ndarray, reliability_shock: np.ndarray, magnitude: float
):
    """A scheduled tariff shock: (restriction on the target, the tariff-setter's reliability
    shock); tariffs on an ally cost the setter credibility."""
    return (
        restriction + w.sizes.tariff_shock * magnitude,
        reliability_shock - w.sizes.tariff_doubt * magnitude,
    )


def tariff_on_lever(tariff_lever: np.ndarray, cap: np.ndarray, size, magnitude: float):
    """A scheduled tariff shock when the great powers hold levers (strategic, scheduled): the
    tariff lever rises by its size times the bound, up to the bound (rounds add up)."""
    return np.clip(tariff_lever + size * magnitude * cap, 0.0, cap)


@jit
def eased(x, happens, magnitude):
    """What a summit leaves of a restriction or a coercion lever: all of it goes at
    magnitude 1 (nothing changes without a summit)."""
    return x * ((1.0 - clip(magnitude, 0.0, 1.0)) if happens else 1.0)


@jit
def reliability_after_summit(shock, happens, size, magnitude):
    """A summit with a great power raises its reliability shock by its size."""
    return shock + (size * magnitude if happens else 0.0)


@compiled(["float64(float64, boolean, float64)"], vectorize=True)
def _eased(x, happens, magnitude):
    return eased(x, happens, magnitude)


@compiled(["float64(float64, boolean, float64, float64)"], vectorize=True)
def _reliability_after_summit(shock, happens, size, magnitude):
    return reliability_after_summit(shock, happens, size, magnitude)


def coercion_eased(coercion_lever: np.ndarray, happens, magnitude: float) -> np.ndarray:
    """A summit with the coercer eases its coercion lever (all of it at magnitude 1)."""
    return _eased(coercion_lever, happens, magnitude)


def coercion_episodes(
    w: CompiledWorld, restriction: np.ndarray, coercion_lever: np.ndarray, keys: np.ndarray, k: int
):
    """Stochastic coercion of step k, at a rate scaled by readiness: (restriction, episodes)."""
    readiness = coercion_lever[:, None, :]
    episode = uniform_at(keys, k) < chance(w, w.rates.coercion[:, None, None] * readiness)
    restriction = np.where(
        episode, np.maximum(restriction, w.sizes.coercion[:, None, None] * readiness), restriction
    )
    return restriction, episode


def tariff_shocks(
    w: CompiledWorld,
    restriction: np.ndarray,
    reliability_shock: np.ndarray,
    trade_lever: np.ndarray,
    keys: np.ndarray,
    k: int,
):
    """Stochastic tariff shocks of step k, at a rate scaled by trade pressure:
    (restriction, reliability shock (R, P'), shocks (R, M, P'))."""
    shock = uniform_at(keys, k) < chance(
        w, w.rates.tariff_shock[:, None, None] * trade_lever[:, None, :]
    )
    restriction = restriction + shock * w.sizes.tariff_shock[:, None, None]
    reliability_shock = reliability_shock - total(shock, axis=1) * w.sizes.tariff_doubt[:, None]
    return restriction, reliability_shock, shock


def summit_with_pole(w: CompiledWorld, reliability_shock, restriction, happens, magnitude):
    """A summit with a great power: its reliability rises, its restriction on the state eases
    (all of it at magnitude 1). Returns (reliability shock, restriction)."""
    return (
        _reliability_after_summit(reliability_shock, happens, w.sizes.summit, magnitude),
        _eased(restriction, happens, magnitude),
    )


def red_lines(
    w: CompiledWorld,
    restriction: np.ndarray,
    coercion_lever: np.ndarray,
    security_before: np.ndarray,
    security_after: np.ndarray,
    poles=EVERY,
):
    """A coercer strikes when a state's alignment with its rival crosses its red line this
    step: (restriction (R, M, P'), crossings (R, M, P')). Securities are (R, M)."""
    sign, red_line = w.sign[poles], w.red_lines[:, :, poles]
    toward_rival_before = -sign * security_before[..., None]
    toward_rival_after = -sign * security_after[..., None]
    crossed = (toward_rival_after > red_line) & (toward_rival_before <= red_line)
    imposed = w.sizes.coercion[:, None, None] * coercion_lever[:, None, :]
    crossed &= imposed > 0
    return np.where(crossed, np.maximum(restriction, imposed), restriction), crossed


def restriction_in_force(w: CompiledWorld, restriction: np.ndarray, coercion_lever: np.ndarray):
    """The restriction a middle power suffers (R, M', P'): the events' (responsive), or the
    coercion lever in force where it is higher (when the great powers hold levers)."""
    if not w.great_powers_hold_levers:
        return restriction
    return _suffered(restriction, coercion_lever)


@jit
def suffered(restriction, coercion_lever):
    """The restriction suffered when the great powers hold levers: the events', or the
    coercion lever in force where it is higher."""
    return max(restriction, coercion_lever)


@compiled(["float64(float64, float64)"], vectorize=True)
def _suffered(restriction, coercion_lever):
    return suffered(restriction, coercion_lever)


def restrictions_fade(w: CompiledWorld, restriction: np.ndarray) -> np.ndarray:
    return fade(w, restriction, w.dynamics.restriction_half_life)


def settle_restriction(restriction: np.ndarray) -> np.ndarray:
    return np.clip(restriction, 0.0, 1.0)
