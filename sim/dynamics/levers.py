"""The great powers' levers toward each middle power: their start, the scenario's dated
settings, their bounds, and what they make of the context a middle power sees (`pairs`).

Levers are (R, M, P, K) (runs, middle powers, great powers, LEVERS); the lever in force is
min(lever, bound), the bound recomputed from the pressures in force (`sim.world.lever_caps`),
so a scheduled pressure moves a binding lever in every mode. Levers count relative to their
2025 level where they shift reliability, so `us_reliability` keeps its meaning."""

from __future__ import annotations

import numpy as np

from sim.dynamics.clock import EVERY
from sim.influence import K, Pairs
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
    return np.minimum(levers, caps[:, None, poles])


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
    `caps` (`lever_caps`) and `held` (`in_force`) if the caller has them already."""
    caps = lever_caps(w, dispositions) if caps is None else caps
    held = in_force(levers, caps) if held is None else held
    reference = np.minimum(np.clip(w.lever_initial, 0.0, w.lever_max), caps)[:, None]
    dyn = w.dynamics
    signals = dyn.commitment_gain[:, None, None] * (
        held[..., K["commitment"]] - reference[..., K["commitment"]]
    ) - w.sizes.tariff_doubt[:, None, None] * (held[..., K["tariff"]] - reference[..., K["tariff"]])
    # a crisis in the Strait draws every great power's attention away (dual contingency)
    drained = (
        dispositions["reliability"]
        * (1.0 - dyn.attention_drain * np.clip(dispositions["taiwan_crisis"], 0.0, 1.0))[:, None]
    )
    raw = drained[:, None, :] + signals
    reliability = np.clip(raw, 0.0, 1.0)
    level = dispositions["military"][:, None, :] + held[..., K["military"]]
    rivalry_scale = (0.5 + 0.5 * dispositions["rivalry"])[:, None, None]
    military = w.military_exposure[:, rows, None] * rivalry_scale * np.clip(level, 0.0, 1.0)
    coercion = held[..., K["coercion"]]
    if dyn.great_powers == "responsive":
        effective, binds = restriction, np.zeros(restriction.shape, dtype=bool)
    else:
        effective, binds = np.maximum(restriction, coercion), coercion >= restriction
    return Pairs(
        reliability=reliability,
        reliability_interior=(raw > 0.0) & (raw < 1.0),
        military=military,
        military_interior=(level > 0.0) & (level < 1.0),
        restriction=effective,
        coercion_binds=binds,
        inducement=held[..., K["inducement"]],
        trade_pressure=held[..., K["tariff"]],
        consent=held[..., K["consent"]],
    )
