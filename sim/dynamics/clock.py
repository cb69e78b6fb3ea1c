"""Time in the step: how much of a deviation a step leaves, how likely an event is in one step."""

from __future__ import annotations

import numpy as np

from sim.params import EVENT_KINDS
from sim.world import CompiledWorld

EVENT_INDEX = {kind: i for i, kind in enumerate(EVENT_KINDS)}


EVERY = slice(None)  # all states, or all great powers


def decay(w: CompiledWorld, half_life: np.ndarray) -> np.ndarray:
    """Share of a deviation left after one step, for a half-life in years."""
    return 0.5 ** (w.dt_years / half_life)


def chance(w: CompiledWorld, rate: np.ndarray) -> np.ndarray:
    """Probability of at least one event in a step for a Poisson rate per year."""
    return 1.0 - np.exp(-rate * w.dt_years)


def _per_run(x: np.ndarray, ndim: int) -> np.ndarray:
    """A per-run parameter (R,) shaped to broadcast against an array of `ndim` dimensions."""
    return x.reshape(x.shape + (1,) * (ndim - 1))
