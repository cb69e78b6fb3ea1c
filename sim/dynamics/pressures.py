"""Phase 1, the world: the scenario's pressures in force, the levers they set, Taiwan crises."""

from __future__ import annotations

import numpy as np

from sim.dynamics.clock import fade, steady_chance
from sim.random import uniform_at
from sim.world import CompiledWorld, pressure_levers


# ----------------------------------------------------------------------------- phase 1: the world
def initial_pressures(w: CompiledWorld) -> dict[str, np.ndarray]:
    """Pressures at step 0: the configured levels with the scenario's changes dated at its start."""
    pressures = {k: v.copy() for k, v in w.pressure_base.items()}
    for name, value in w.changes.get(0, []):
        pressures[name] = np.full(w.runs, value)
    return pressures


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
) -> dict[str, np.ndarray]:
    """`effective_levers` from the dispositions the pressures set (`pressure_levers`, which
    the engine computes once while the pressures hold); `levers` is not changed."""
    levers = dict(levers)
    levers["reliability"] = np.clip(levers["reliability"] + reliability_shock, 0.0, 1.0)
    levers["taiwan_risk"] = np.clip(pressures["taiwan_risk"] + taiwan_shock, 0.0, 1.0)
    levers["rivalry"] = np.clip(pressures["rivalry"] + 0.5 * taiwan_shock, 0.0, 1.0)
    levers["taiwan_crisis"] = taiwan_shock
    return levers


def taiwan_crisis(w: CompiledWorld, taiwan_shock: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled crisis in the Taiwan Strait raises Taiwan risk (and rivalry, halved)."""
    return taiwan_shock + w.sizes.taiwan_crisis * magnitude


def taiwan_crises(w: CompiledWorld, taiwan_shock: np.ndarray, keys: np.ndarray, k: int):
    """Stochastic crises of step k: (new shock, whether one happened), each (R,)."""
    crisis = uniform_at(keys, k) < steady_chance(w, w.rates.taiwan_crisis)
    return taiwan_shock + crisis * w.sizes.taiwan_crisis, crisis


def shocks_fade(w: CompiledWorld, shock: np.ndarray) -> np.ndarray:
    """Reliability and Taiwan shocks decay toward zero."""
    return fade(w, shock, w.dynamics.shock_half_life)
