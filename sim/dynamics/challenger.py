"""The challenger (PRK): its tests, summits with it, its backers, and its threat."""

from __future__ import annotations

import numpy as np

from sim.arrays import total
from sim.dynamics.clock import chance, decay
from sim.random import uniform_at
from sim.world import CompiledWorld


# ----------------------------------------------------------------------------- the challenger
def provocation(w: CompiledWorld, threat: np.ndarray, kind: str, magnitude: float) -> np.ndarray:
    """A scheduled missile or nuclear test raises the threat."""
    return threat + getattr(w.sizes, kind) * magnitude


def challenger_tests(
    w: CompiledWorld, threat: np.ndarray, missile_keys: np.ndarray, nuclear_keys: np.ndarray, k: int
):
    """Stochastic tests of step k: (new threat, missile test?, nuclear test?), each (R,)."""
    missile = uniform_at(missile_keys, k) < chance(w, w.rates.missile_test)
    nuclear = uniform_at(nuclear_keys, k) < chance(w, w.rates.nuclear_test)
    return (
        threat + missile * w.sizes.missile_test + nuclear * w.sizes.nuclear_test,
        missile,
        nuclear,
    )


def summit_with_challenger(w: CompiledWorld, threat: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled summit with the challenger eases the threat."""
    return threat - w.sizes.summit * magnitude


def summits_with_challenger(w: CompiledWorld, threat: np.ndarray, met: np.ndarray) -> np.ndarray:
    """Stochastic summits with the challenger: `met` (R, M) says which states met it."""
    return threat - total(met, axis=1) * w.sizes.summit


def backing(w: CompiledWorld, backing_effect: np.ndarray, russia_dprk: np.ndarray) -> np.ndarray:
    """Threat the backers add at full room: their effect times the backing pressure."""
    return backing_effect * russia_dprk


def threat_response(
    w: CompiledWorld,
    threat: np.ndarray,
    dprk_threat: np.ndarray,
    support: np.ndarray,
    security: np.ndarray,
) -> np.ndarray:
    """The threat relaxes toward a target set by the challenger's own baseline, its backers'
    `support` (see `backing`) and, when responsive, its neighbours' new alignment `security`
    (R, M) with its adversary (the security-dilemma spiral)."""
    dyn = w.dynamics
    target = dprk_threat + support * (1.0 - dprk_threat)
    if dyn.responsive:
        adversary_sign = float(w.sign[np.argmax(w.protector)])
        lean = np.maximum(adversary_sign * security, 0.0)
        exposure = w.threat_exposure
        target = target + dyn.spiral * total(exposure * lean, axis=1) / np.maximum(
            total(exposure, axis=1), 1e-12
        )
    target = np.clip(target, 0.0, 1.0)
    return np.clip(target + decay(w, dyn.threat_half_life) * (threat - target), 0.0, 1.0)


def settle_threat(threat: np.ndarray) -> np.ndarray:
    return np.clip(threat, 0.0, 1.0)
