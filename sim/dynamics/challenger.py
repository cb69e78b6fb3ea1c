"""The challenger (PRK): its tests, summits with it, its backers, and its threat."""

from __future__ import annotations

import numpy as np

from sim.arrays import frozen, total
from sim.dynamics.clock import chance_in, decay, fade, governing_of, toward
from sim.kernels import clip, compiled, jit
from sim.random import step_counter, uniform_of
from sim.strategy_kernels import exposure_mean_kernel, lean_everywhere, read_only, world_views
from sim.world import CompiledWorld


# ----------------------------------------------------------------------------- the challenger
def provocation(w: CompiledWorld, threat: np.ndarray, kind: str, magnitude: float) -> np.ndarray:
    """A scheduled missile or nuclear test raises the threat."""
    return threat + getattr(w.sizes, kind) * magnitude


def challenger_tests(
    w: CompiledWorld,
    threat: np.ndarray,
    missile_keys: np.ndarray,
    nuclear_keys: np.ndarray,
    k: int,
    provocation: np.ndarray,
):
    """Stochastic tests of step k: (new threat, missile test?, nuclear test?), each (R,), by
    `tests_of` run by run (the engine draws them with the summits, `stochastic_events_kernel`)."""
    missile_chance, nuclear_chance = test_chances(w, provocation)
    runs = len(threat)
    out = np.empty(runs)
    missile, nuclear = np.empty(runs, dtype=np.bool_), np.empty(runs, dtype=np.bool_)
    challenger_tests_kernel(
        step_counter(k),
        missile_keys,
        nuclear_keys,
        missile_chance,
        nuclear_chance,
        read_only(w.sizes.missile_test, (runs,)),
        read_only(w.sizes.nuclear_test, (runs,)),
        np.asarray(threat, dtype=np.float64),
        out,
        missile,
        nuclear,
    )
    return out, missile, nuclear


def test_chances(w: CompiledWorld, provocation: np.ndarray) -> np.ndarray:
    """(2, R) the chances of a missile test (row 0) and of a nuclear test (row 1) in a step.
    The rates scale with the challenger's last choice, times (1 + y): none in dialogue
    (y = -1, "no missile tests in 2018"), twice as many at full provocation. Both rows from
    one (2, R) array of the rates (`testing_rates`), in one compiled pass (`chance_of_test`),
    one block the engine's stochastic events take as it is."""
    return _test_chance(testing_rates(w), provocation, w.dt_years)


@jit
def chance_of_test(rate, provocation, dt):
    """A test's chance in a step (`test_chances`): its `rate` scaled by (1 + y), y the
    challenger's last choice (`provocation`)."""
    return chance_in(rate * (1.0 + provocation), dt)


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def _test_chance(rate, provocation, dt):
    return chance_of_test(rate, provocation, dt)


def testing_rates(w: CompiledWorld) -> np.ndarray:
    """(2, R) the rates of missile and nuclear tests, laid as one read-only array once per
    world (`world_views`: the world's rates are bound once, `sim.world.CompiledWorld`)."""

    def make():
        stacked = np.stack((w.rates.missile_test, w.rates.nuclear_test))
        frozen(stacked)
        return stacked

    return world_views(w, ("test_rates", w.runs), make)


@jit
def tests_of(
    threat, missile_key, nuclear_key, counter, missile_chance, nuclear_chance, missile, nuclear
):
    """One run's stochastic tests: (threat after them, missile test?, nuclear test?) from its
    draws in the missile and nuclear streams (`missile`, `nuclear`: the tests' sizes)."""
    return tests_of_draws(
        threat,
        uniform_of(missile_key, counter),
        uniform_of(nuclear_key, counter),
        missile_chance,
        nuclear_chance,
        missile,
        nuclear,
    )


@jit
def tests_of_draws(
    threat, missile_draw, nuclear_draw, missile_chance, nuclear_chance, missile, nuclear
):
    """`tests_of` from the run's uniform draws (`uniform_of`) in the two streams."""
    missile_test = missile_draw < missile_chance
    nuclear_test = nuclear_draw < nuclear_chance
    after = (
        threat + (1.0 if missile_test else 0.0) * missile + (1.0 if nuclear_test else 0.0) * nuclear
    )
    return after, missile_test, nuclear_test


@compiled(None)
def challenger_tests_kernel(
    counter,
    missile_keys,
    nuclear_keys,
    missile_chance,
    nuclear_chance,
    missile_size,
    nuclear_size,
    threat,
    out,
    missile,
    nuclear,
):
    """`tests_of` for every run."""
    for r in range(out.shape[0]):
        out[r], missile[r], nuclear[r] = tests_of(
            threat[r],
            missile_keys[r],
            nuclear_keys[r],
            counter,
            missile_chance[r],
            nuclear_chance[r],
            missile_size[r],
            nuclear_size[r],
        )


def summit_with_challenger(w: CompiledWorld, threat: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled summit with the challenger eases the threat (and adds as much to the
    summit momentum, see `momentum_after_summits`)."""
    return threat - w.sizes.summit * magnitude


@jit
def threat_after_summits(threat, met, size):
    """Summits with the challenger (`met` of them this step) ease its threat."""
    return threat - met * size


@jit
def momentum_after(momentum, held, size):
    """Summit momentum after summits with the challenger of total magnitude `held`."""
    return momentum + size * held


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def _threat_after_summits(threat, met, size):
    return threat_after_summits(threat, met, size)


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def _momentum_after(momentum, held, size):
    return momentum_after(momentum, held, size)


def summits_with_challenger(w: CompiledWorld, threat: np.ndarray, met: np.ndarray) -> np.ndarray:
    """Stochastic summits with the challenger: `met` (R, M) says which states met it."""
    return _threat_after_summits(threat, total(met, axis=1), w.sizes.summit)


def momentum_after_summits(w: CompiledWorld, momentum: np.ndarray, held) -> np.ndarray:
    """Summit momentum (R,) after summits with the challenger of total magnitude `held`."""
    return _momentum_after(momentum, held, w.sizes.summit)


def momentum_fades(w: CompiledWorld, momentum: np.ndarray) -> np.ndarray:
    return fade(w, momentum, w.dynamics.shock_half_life)


def alliance_tightening(w: CompiledWorld, security: np.ndarray, commitment: np.ndarray):
    """A (R,): the exposure-weighted mean over middle powers of half their security alignment
    with the challenger's adversary (toward it only) plus half its commitment signals to them
    (`commitment` (R, M): the adversary's commitment lever in force)."""
    adversary_sign = float(w.sign[w.adversary])
    return exposure_weighted(w, lean_everywhere(adversary_sign, security, commitment))


def engagement_by_state(w: CompiledWorld, camp: np.ndarray) -> np.ndarray:
    """The dialogue (R, M) each middle power's government offers the challenger (its camp's
    `engagement`; `camp` (R, M))."""
    return governing_of(w, w.ideal_engagement, camp)[..., 0]


def engagement_offered(w: CompiledWorld, camp: np.ndarray) -> np.ndarray:
    """E (R,): the exposure-weighted dialogue the middle powers' governments offer the
    challenger (`engagement_by_state`)."""
    return exposure_weighted(w, engagement_by_state(w, camp))


def adversary_reliability(w: CompiledWorld, reliability: np.ndarray) -> np.ndarray:
    """r_bar (R,): the exposure-weighted effective reliability of the challenger's adversary
    toward the middle powers (`reliability` (R, M, P))."""
    return exposure_weighted(w, reliability[..., w.adversary])


def exposure_weighted(w: CompiledWorld, values: np.ndarray) -> np.ndarray:
    """The mean (R,) of `values` (R, M) over the middle powers weighted by their exposure to
    the threat (`sim.strategy_kernels.exposure_mean`)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty(values.shape[0])
    exposure_mean_kernel(
        np.broadcast_to(w.threat_exposure, values.shape), np.broadcast_to(values, values.shape), out
    )
    return out


def backing(w: CompiledWorld, backing_effect: np.ndarray, russia_dprk: np.ndarray) -> np.ndarray:
    """Threat the backers add at full room: their effect times the backing pressure."""
    return backing_effect * russia_dprk


def threat_response(
    w: CompiledWorld,
    threat: np.ndarray,
    dprk_threat: np.ndarray,
    support: np.ndarray,
    security: np.ndarray,
    provocation: np.ndarray,
) -> np.ndarray:
    """The threat relaxes toward a target. A strategic challenger's: its baseline plus its
    choice, d + threat_effect y (backing and the spiral act through y). A responsive one's:
    the baseline, its backers' `support` (see `backing`) and its neighbours' new alignment
    `security` (R, M) with its adversary (the security-dilemma spiral)."""
    dyn = w.dynamics
    if dyn.challenger == "strategic":
        target = _strategic_target(dprk_threat, w.challenger_params.threat_effect, provocation)
    else:
        target = responsive_threat_target(w, dprk_threat, support, security)
    return _threat_after(threat, target, decay(w, dyn.threat_half_life))


@jit
def strategic_threat_target(dprk_threat, threat_effect, provocation):
    """A strategic challenger's threat target: its baseline plus its choice, within [0, 1]."""
    return clip(dprk_threat + threat_effect * provocation, 0.0, 1.0)


@jit
def threat_after(threat, target, kept):
    """The threat after a step toward its target (the share `kept` of the gap left)."""
    return clip(toward(threat, target, kept), 0.0, 1.0)


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def _strategic_target(dprk_threat, threat_effect, provocation):
    return strategic_threat_target(dprk_threat, threat_effect, provocation)


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def _threat_after(threat, target, kept):
    return threat_after(threat, target, kept)


def responsive_threat_target(
    w: CompiledWorld, dprk_threat: np.ndarray, support: np.ndarray, security: np.ndarray
) -> np.ndarray:
    """A responsive challenger's threat target (R,): the baseline, its backers' `support`
    and the security-dilemma spiral of its neighbours' alignment `security` (R, M) with its
    adversary, within [0, 1]."""
    target = dprk_threat + support * (1.0 - dprk_threat)
    # the old rule's security-dilemma spiral
    adversary_sign = float(w.sign[w.adversary])
    lean = np.maximum(adversary_sign * security, 0.0)
    exposure = w.threat_exposure
    target = target + w.dynamics.spiral * total(exposure * lean, axis=1) / np.maximum(
        total(exposure, axis=1), 1e-12
    )
    return np.clip(target, 0.0, 1.0)


def settle_threat(threat: np.ndarray) -> np.ndarray:
    return np.clip(threat, 0.0, 1.0)
