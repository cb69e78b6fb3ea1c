"""The properties MODEL.md says the model must show, checked over many runs.

Design: each comparison runs the same 200 runs (same seed, same run ids) at two levels of one
pressure -- common random numbers, the standard variance reduction for simulation
experiments: both arms see the same missile tests, summits and election draws, so the paired
difference isolates the pressure's effect. A "rise" must be beyond K standard errors of the
mean paired difference *and* hold in a clear majority of runs (a one-sided sign test), so a
few outlying runs cannot carry it. A "no rise" allows at most TOLERANCE on the [-1, 1] scale
at the upper end of a K-standard-error band.

Everything is about the focus state (KOR in the default world) under the default config.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import xarray as xr
from scipy import stats

import sim
from experiments import compose
from experiments.config import available
from sim.calendar import step_dates
from sim.params import Params, ScheduledEvent, with_values

RUNS = 200
SEED = 1729
K = 4.0  # standard errors a difference must clear
SIGN_TEST_P = 1e-3  # one-sided sign test: the share of runs moving the predicted way
TOLERANCE = 0.01  # how much of a "rise" on the [-1, 1] scale still counts as none
LONG_RUN = 8  # steps at the end of the horizon that make up "the long run" (2 years)


# ----------------------------------------------------------------------------- helpers
def at_levels(
    params: Params, key: str, low: float, high: float, **extra
) -> tuple[xr.Dataset, xr.Dataset]:
    """The same runs (seed, run ids) at two levels of `key`."""
    runs = [
        sim.simulate(with_values(params, {key: level, **extra}), runs=RUNS, seed=SEED)
        for level in (low, high)
    ]
    return runs[0], runs[1]


def focus(ds: xr.Dataset, variable: str) -> xr.DataArray:
    return ds[variable].sel(state=ds.attrs["focus"])


def over_horizon(x: xr.DataArray) -> np.ndarray:
    """Per-run mean over every simulated step (step 0 is the shared initial state)."""
    return x.isel(step=slice(1, None)).mean("step").values


def long_run(x: xr.DataArray) -> np.ndarray:
    return x.isel(step=slice(-LONG_RUN, None)).mean("step").values


def paired(before: np.ndarray, after: np.ndarray) -> tuple[float, float, np.ndarray]:
    change = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    return float(change.mean()), float(change.std(ddof=1) / np.sqrt(change.size)), change


def assert_rises(what: str, before: np.ndarray, after: np.ndarray) -> None:
    mean, se, change = paired(before, after)
    ups, downs = int((change > 0).sum()), int((change < 0).sum())
    sign_p = (
        stats.binomtest(ups, ups + downs, 0.5, alternative="greater").pvalue if ups + downs else 1.0
    )
    detail = (
        f"{what}: mean change {mean:+.4f} (se {se:.4f}, {mean / se if se else float('inf'):+.1f} se), "
        f"{ups} runs up, {downs} down; from {np.mean(before):+.3f} to {np.mean(after):+.3f}"
    )
    assert mean > K * se and mean > 0, f"no significant rise: {detail}"
    assert sign_p < SIGN_TEST_P, f"rise carried by a minority of runs: {detail}"


def assert_falls(what: str, before: np.ndarray, after: np.ndarray) -> None:
    assert_rises(f"minus {what}", -np.asarray(before), -np.asarray(after))


def assert_no_rise(what: str, before: np.ndarray, after: np.ndarray) -> None:
    mean, se, _ = paired(before, after)
    assert mean + K * se <= TOLERANCE, (
        f"{what} rises: mean change {mean:+.4f} (se {se:.4f}); allowed at most {TOLERANCE} "
        f"at {K} se; from {np.mean(before):+.3f} to {np.mean(after):+.3f}"
    )


@pytest.fixture(scope="module", params=["partial", "logit"])
def rule_params(request, default_params: Params) -> Params:
    """The defaults under each decision rule: the properties should not hinge on the rule."""
    return with_values(default_params, {"decision.rule": request.param})


# ----------------------------------------------------------------------------- threat
def test_more_north_korean_threat_moves_security_toward_the_us(rule_params):
    calm, tense = at_levels(rule_params, "pressures.dprk_threat", 0.3, 0.9)
    assert_rises("threat level", over_horizon(calm.threat), over_horizon(tense.threat))
    assert_rises(
        "Seoul's security alignment",
        over_horizon(focus(calm, "security")),
        over_horizon(focus(tense, "security")),
    )


# ----------------------------------------------------------------------------- reliability
def test_less_us_reliability_raises_autonomy_and_not_security(rule_params):
    reliable, doubtful = at_levels(rule_params, "pressures.us_reliability", 0.8, 0.3)
    assert_rises(
        "Seoul's autonomy",
        over_horizon(focus(reliable, "autonomy")),
        over_horizon(focus(doubtful, "autonomy")),
    )
    assert_no_rise(
        "Seoul's security alignment",
        over_horizon(focus(reliable, "security")),
        over_horizon(focus(doubtful, "security")),
    )
    assert_no_rise(
        "Seoul's long-run security alignment",
        long_run(focus(reliable, "security")),
        long_run(focus(doubtful, "security")),
    )


# ----------------------------------------------------------------------------- coercion
def test_more_chinese_coercion_derisks_the_economy_in_the_long_run(rule_params):
    mild, harsh = at_levels(rule_params, "pressures.china_coercion", 0.1, 0.9)
    assert_rises(
        "Seoul's long-run economic alignment",
        long_run(focus(mild, "economic")),
        long_run(focus(harsh, "economic")),
    )


def with_coercion_episode(params: Params) -> tuple[Params, int]:
    """`params` plus a Chinese coercion episode against the focus state in the third step
    (a THAAD-like boycott); returns the params and the step it falls in."""
    sc = params.scenario
    dates = step_dates(sc.start, sc.steps, sc.step_months)
    when = dates[2] + dt.timedelta(days=15)
    episode = ScheduledEvent(
        date=when.isoformat(),
        kind="coercion",
        target=params.world.focus,
        partner="CHN",
        magnitude=1.0,
        note="test",
    )
    return with_values(params, {"scenario.events": [*sc.events, episode]}), 3


def bite_window(calm: xr.Dataset, bitten: xr.Dataset) -> slice:
    """Steps while the episode's restriction is in force: from the first step where the
    bitten runs' Chinese restriction on the focus state exceeds the calm runs' by more than
    0.1 on average, as long as it stays so. Only the first such stretch: a later one is a new
    episode (a red line crossed after de-risking), not this bite."""
    extra = (
        (focus(bitten, "restriction") - focus(calm, "restriction"))
        .sel(great_power="CHN")
        .mean("run")
        .values
    )
    biting = extra > 0.1
    assert biting.any(), (
        f"the coercion episode never bit: largest extra restriction {extra.max():.3f}"
    )
    start = int(np.argmax(biting))
    stop = start + int(np.argmin(biting[start:])) if not biting[start:].all() else biting.size
    return slice(start, stop)


@pytest.mark.parametrize("readiness", [0.3, 0.5, 0.9])
def test_coercion_deters_while_it_bites_and_derisks_after(rule_params, readiness):
    calm_params = with_values(rule_params, {"pressures.china_coercion": readiness})
    bitten_params, step = with_coercion_episode(calm_params)
    calm = sim.simulate(calm_params, runs=RUNS, seed=SEED)
    bitten = sim.simulate(bitten_params, runs=RUNS, seed=SEED)
    window = bite_window(calm, bitten)
    assert window.start == step, (
        f"the bite began at step {window.start}, not at the episode's step {step}"
    )

    security = [
        focus(ds, "security").isel(step=window).mean("step").values for ds in (calm, bitten)
    ]
    assert_no_rise("Seoul's security alignment while the restriction bites", *security)
    economic = [
        focus(ds, "economic").isel(step=window).mean("step").values for ds in (calm, bitten)
    ]
    assert_rises("Seoul's economic alignment while the restriction bites", *economic)
    assert_rises(
        "Seoul's long-run economic alignment after an episode",
        long_run(focus(calm, "economic")),
        long_run(focus(bitten, "economic")),
    )


def test_coercion_readiness_does_not_raise_security_during_a_bite(rule_params):
    """Deterrence: at the same episode, a readier coercer bites harder; security must not
    rise because of it while it bites."""
    mild, step = with_coercion_episode(with_values(rule_params, {"pressures.china_coercion": 0.2}))
    harsh, _ = with_coercion_episode(with_values(rule_params, {"pressures.china_coercion": 0.9}))
    mild_ds, harsh_ds = (sim.simulate(p, runs=RUNS, seed=SEED) for p in (mild, harsh))
    window = bite_window(mild_ds, harsh_ds)
    security = [
        focus(ds, "security").isel(step=window).mean("step").values for ds in (mild_ds, harsh_ds)
    ]
    assert_no_rise("Seoul's security alignment under the harsher bite", *security)


# ----------------------------------------------------------------------------- rivalry
def test_more_rivalry_narrows_the_security_economy_gap(rule_params):
    detente, rivalry = at_levels(rule_params, "pressures.rivalry", 0.2, 0.9)

    def gap(ds):
        return over_horizon(abs(focus(ds, "security") - focus(ds, "economic")))

    assert_falls("Seoul's |security - economic| gap", gap(detente), gap(rivalry))


# ----------------------------------------------------------------------------- Russia
def test_more_russian_backing_raises_threat_and_us_alignment(rule_params):
    aloof, backing = at_levels(rule_params, "pressures.russia_dprk", 0.1, 0.9)
    assert_rises("North Korean threat", over_horizon(aloof.threat), over_horizon(backing.threat))
    assert_rises(
        "Seoul's security alignment",
        over_horizon(focus(aloof, "security")),
        over_horizon(focus(backing, "security")),
    )


def test_russian_backing_works_through_the_threat(default_params):
    """The chain is backing -> threat -> alignment: a Russia without effect on the threat
    leaves Seoul where it was. Russia acts through Pyongyang's choice, by its backing
    (backing_effect) and by the outside option that erodes China's restraint: both off."""
    inert = with_values(
        default_params,
        {"world.backers.RUS.backing_effect": 0.0, "world.challengers.PRK.outside_option": 0.0},
    )
    aloof, backing = at_levels(inert, "pressures.russia_dprk", 0.1, 0.9)
    np.testing.assert_array_equal(aloof.threat.values, backing.threat.values)
    np.testing.assert_array_equal(aloof.security.values, backing.security.values)


# ----------------------------------------------------------------------------- mirror symmetry
POSITIONAL = ("security", "economic")
UNSIGNED = (
    "autonomy",
    "hedging",
    "threat",
    "restriction",
    "reliability",
    "government",
    "events",
    "lever",
    "restraint",
    "provocation",
    "military_threat",
    "effective_reliability",
)


def test_mirror_symmetry_is_exact_without_noise(quiet_params, mirror):
    original = sim.simulate(quiet_params, runs=60, seed=SEED)
    swapped = sim.simulate(mirror(quiet_params), runs=60, seed=SEED)
    for name in POSITIONAL:
        np.testing.assert_allclose(
            swapped[name].values, -original[name].values, rtol=0, atol=1e-12, err_msg=name
        )
    for name in UNSIGNED:
        np.testing.assert_allclose(
            swapped[name].values, original[name].values, rtol=0, atol=1e-12, err_msg=name
        )
    np.testing.assert_array_equal(swapped.posture.values, 4 - original.posture.values)
    # the experiment is not trivial: alignments move, and they are not symmetric themselves
    assert float(abs(original.security.isel(step=-1) - original.security.isel(step=0)).max()) > 0.05
    assert float(abs(original.security).mean()) > 0.1


def test_mirror_breaks_if_the_positions_are_not_negated(quiet_params):
    """The exact check above has teeth: swapping only the poles is a different world."""
    poles_only = with_values(
        quiet_params, {"world.great_powers.USA.pole": -1, "world.great_powers.CHN.pole": 1}
    )
    original = sim.simulate(quiet_params, runs=20, seed=SEED)
    swapped = sim.simulate(poles_only, runs=20, seed=SEED)
    assert float(abs(swapped.security.values + original.security.values).max()) > 0.1


@pytest.mark.parametrize("rule", ["partial", "logit"])
def test_mirror_symmetry_holds_in_distribution_with_noise(default_params, mirror, rule):
    """With noise the mirrored world draws the same shocks with the same sign, so runs are
    not mirror images one by one; their distributions must be. Independent seeds keep the
    two samples independent for the tests."""
    params = with_values(default_params, {"decision.rule": rule})
    original = sim.simulate(params, runs=2 * RUNS, seed=SEED).sel(state=params.world.focus)
    swapped = sim.simulate(mirror(params), runs=2 * RUNS, seed=SEED + 1).sel(
        state=params.world.focus
    )
    for name in POSITIONAL:
        x, y = over_horizon(original[name]), -over_horizon(swapped[name])
        se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
        assert abs(x.mean() - y.mean()) < K * se, (
            f"{name}: mean {x.mean():+.4f} vs mirrored {y.mean():+.4f} (se {se:.4f})"
        )
        # the horizon's distribution; logit positions sit on a grid, so compare rounded values
        end_x = np.round(original[name].isel(step=-1).values, 9)
        end_y = np.round(-swapped[name].isel(step=-1).values, 9)
        p = stats.ks_2samp(end_x, end_y).pvalue
        assert p > 1e-3, f"{name} at the horizon: mirrored distributions differ (KS p = {p:.2g})"


# ----------------------------------------------------------------------------- other scenarios
COMPARATIVE_STATICS = (
    test_more_north_korean_threat_moves_security_toward_the_us,
    test_less_us_reliability_raises_autonomy_and_not_security,
    test_more_chinese_coercion_derisks_the_economy_in_the_long_run,
    test_more_rivalry_narrows_the_security_economy_gap,
    test_more_russian_backing_raises_threat_and_us_alignment,
)


HISTORY_XFAIL = pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 11, strategic great powers (measured, 200 runs, history_2000_2025): "
        "china_coercion 0.1 -> 0.9 LOWERS Seoul's long-run economic alignment, -0.0139 "
        "(se 0.0003), 0 runs up, 200 down (+0.474 -> +0.460): the disposition bounds China's "
        "coercion lever, and from 2000's China-leaning economy Beijing answers with "
        "inducement rather than coercion. Reported, not tuned."
    ),
)
HISTORY_AUS_XFAIL = pytest.mark.xfail(
    strict=True,
    reason=(
        "as history_2000_2025 (measured, 200 runs, history_aus_2005_2025: Seoul at its "
        "indo_pacific_2025 position from 2005): china_coercion 0.1 -> 0.9 LOWERS Seoul's "
        "long-run economic alignment, -0.0028 (se 0.0004), 56 runs up, 144 down "
        "(+0.450 -> +0.447); the other four properties hold. Reported, not tuned."
    ),
)
XFAILS = {"history_2000_2025": HISTORY_XFAIL, "history_aus_2005_2025": HISTORY_AUS_XFAIL}


@pytest.mark.slow
@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=XFAILS[s]) if s in XFAILS else s
        for s in available("scenario")
        if s != "lee_2025"
    ],
)
def test_the_properties_hold_in_every_scenario(scenario):
    """The comparative statics are the model's, not the default scenario's: they hold from
    every scenario's starting point and schedule (partial rule)."""
    params = compose([f"scenario={scenario}"])
    for check in COMPARATIVE_STATICS:
        check(params)
