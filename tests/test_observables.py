"""The observables (issue 12, sim/observables.py): structure and policy apart.

Comparative statics over many runs with common random numbers (the same seed and run
numbers, so the same events): a bigger Chinese market lowers Seoul's export orientation; a
policy oriented more to the US raises it; China's restriction raises it (lowers China's
share); autonomy raises defence spending. Ranges, the anchor at the start, the market path
and the split of the data by period."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pandas as pd
import pytest

import sim
from experiments import compose
from experiments.analysis.markets import MARKETS_FIT, MARKETS_TEST, market_table, with_markets
from experiments.analysis.patterns import FITTED, patterns
from experiments.resources import DATA_DIR
from sim.observables import defence_spending, export_pull, market_path
from sim.params import MarketYear, with_values
from sim.world import compile_world

RUNS = 200
SEED = 5


def last_year_mean(ds, name: str, state: str = "KOR") -> np.ndarray:
    """(run,) the mean over the last four steps (the last year)."""
    return ds[name].sel(state=state).values[:, -4:].mean(axis=1)


def paired_rise(low: np.ndarray, high: np.ndarray) -> None:
    """high - low: mean above four standard errors and positive in most runs."""
    diff = high - low
    se = diff.std(ddof=1) / np.sqrt(diff.size) if diff.std() > 0 else 0.0
    assert diff.mean() > 4 * se and diff.mean() > 0, (diff.mean(), se)
    assert np.mean(diff > 0) > 0.5


@pytest.fixture(scope="module")
def default():
    return compose([])


def with_markets_of(params, china_growth: float):
    """Seoul's world with a market series: both great powers at their 2024 import demand,
    China's growing at `china_growth` a year after it."""
    markets = [MarketYear(year=2024, imports={"USA": 3360.0, "CHN": 2585.0})]
    params = dataclasses.replace(
        params, scenario=dataclasses.replace(params.scenario, markets=markets)
    )
    return with_values(params, {"observation.market_growth.CHN": china_growth})


def test_a_bigger_chinese_market_lowers_export_orientation(default):
    small = sim.simulate(with_markets_of(default, 0.0), runs=RUNS, seed=SEED)
    big = sim.simulate(with_markets_of(default, 0.08), runs=RUNS, seed=SEED)
    # Market size is exogenous to the decisions: the same runs choose the same policy ...
    np.testing.assert_array_equal(small["economic"].values, big["economic"].values)
    # ... and China's larger market takes a larger share of exports and of FDI in every run.
    for name in ("export_orientation", "fdi_orientation"):
        assert (last_year_mean(big, name) < last_year_mean(small, name)).all(), name


def test_a_policy_oriented_to_the_us_raises_export_orientation(default):
    values = lambda e: {  # noqa: E731
        f"world.middle_powers.KOR.ideals.{camp}.economic": e
        for camp in ("progressive", "conservative")
    }
    china = sim.simulate(with_values(default, values(-0.3)), runs=RUNS, seed=SEED)
    us = sim.simulate(with_values(default, values(0.5)), runs=RUNS, seed=SEED)
    paired_rise(last_year_mean(china, "economic"), last_year_mean(us, "economic"))
    paired_rise(
        last_year_mean(china, "export_orientation"), last_year_mean(us, "export_orientation")
    )


def test_chinas_restriction_lowers_chinas_share(default):
    quiet = with_values(default, {"dynamics.great_powers": "scheduled"})
    coerced = with_values(
        quiet,
        {
            "scenario.events": [
                *quiet.scenario.events,
                sim.params.ScheduledEvent(
                    date="2026-01-15", kind="coercion", target="KOR", partner="CHN", magnitude=1.0
                ),
            ]
        },
    )
    before = sim.simulate(quiet, runs=RUNS, seed=SEED)
    after = sim.simulate(coerced, runs=RUNS, seed=SEED)
    # a year after the episode (2027-01-01), while its memory lasts
    k = int(np.flatnonzero(pd.DatetimeIndex(before["time"].values) == "2027-01-01")[0])
    ours = lambda ds: ds["export_orientation"].sel(state="KOR").values[:, k]  # noqa: E731
    paired_rise(ours(before), ours(after))


def test_the_export_target_moves_with_each_force(default):
    """The pull itself, one force at a time: policy and China's restriction raise it, US
    tariffs lower it."""
    w = sim.world.compile_world(default, 0, np.arange(1), slice(0, 1))
    ob = w.observation
    shape = (1, len(w.dates), len(w.middle))
    zero_e, zero_p = np.zeros(shape), np.zeros(shape + (len(w.poles),))
    base = export_pull(ob, zero_e, zero_p, zero_p)
    assert (export_pull(ob, zero_e + 0.3, zero_p, zero_p) > base).all()
    china = w.poles.index("CHN")
    usa = w.poles.index("USA")
    restricted, tariffed = zero_p.copy(), zero_p.copy()
    restricted[..., china] = 0.5
    tariffed[..., usa] = 0.6
    assert (export_pull(ob, zero_e, restricted, zero_p) > base).all()
    assert (export_pull(ob, zero_e, zero_p, tariffed) < base).all()


def test_autonomy_raises_defence_spending(default):
    doubt = sim.simulate(
        with_values(default, {"pressures.us_reliability": 0.3}), runs=RUNS, seed=SEED
    )
    trust = sim.simulate(
        with_values(default, {"pressures.us_reliability": 0.8}), runs=RUNS, seed=SEED
    )
    paired_rise(last_year_mean(trust, "autonomy"), last_year_mean(doubt, "autonomy"))
    paired_rise(
        last_year_mean(trust, "defence_spending"), last_year_mean(doubt, "defence_spending")
    )


def test_observables_stay_in_range_and_start_at_the_observed_values(default):
    stressed = with_values(
        default,
        {
            "events.rates.coercion": 2.0,
            "events.rates.tariff_shock": 2.0,
            "observation.trade_elasticity": 20.0,
        },
    )
    ds = sim.simulate(with_markets_of(stressed, 0.3), runs=50, seed=2)
    for name in ("export_orientation", "fdi_orientation"):
        values = ds[name].values
        assert np.isfinite(values).all() and (np.abs(values) <= 1).all(), name
    assert (ds["defence_spending"].values >= 0).all()
    favour = ds["favourability"].values
    assert ((favour >= 0) & (favour <= 100)).all()
    np.testing.assert_allclose(favour, 100 * ds["opinion"].values)
    kor = default.world.middle_powers["KOR"].observed
    start = ds.isel(step=0).sel(state="KOR")
    assert np.allclose(start["export_orientation"], kor.export_orientation)
    assert np.allclose(start["fdi_orientation"], kor.fdi_orientation)
    assert np.allclose(start["defence_spending"], kor.defence_spending)


def test_the_market_path_holds_before_the_data_and_grows_after():
    years = np.array([1999, 2000, 2001, 2003, 2005, 2007])
    data_years = np.array([2000, 2001, 2004, 2005])
    imports = np.array([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]])
    growth = np.array([[0.1, 0.0]])
    path = market_path(years, data_years, imports, growth)[0]
    np.testing.assert_allclose(path[0], [1.0, 2.0])  # before the data: the first year's
    np.testing.assert_allclose(path[3], [3.0, 4.0])  # 2003, a gap: the latest earlier year's
    np.testing.assert_allclose(path[5], [7.0 * 1.1**2, 8.0])  # two years past the data


def test_the_fit_years_of_market_size_never_open_the_test_file(tmp_path):
    shutil.copy(DATA_DIR / MARKETS_FIT, tmp_path / MARKETS_FIT)  # the test file is absent
    table = market_table(2014, tmp_path)
    assert list(table["year"]) == list(range(2000, 2015))
    with pytest.raises(FileNotFoundError):
        market_table(2015, tmp_path)
    shutil.copy(DATA_DIR / MARKETS_TEST, tmp_path / MARKETS_TEST)
    assert market_table(2025, tmp_path)["year"].max() == 2025


def test_data_files_are_split_by_period():
    fit = sorted(DATA_DIR.glob("*_2000_2014.csv"))
    test = sorted(DATA_DIR.glob("*_2015_20*.csv"))
    assert len(fit) >= 6 and len(test) >= 7
    for path in fit + test:
        table = pd.read_csv(path, comment="#")
        assert path.read_text().startswith("#"), path.name
        assert any(c in table.columns for c in ("confidence", "us_confidence")), path.name
        if path in fit:
            assert table["year"].max() <= 2014, path.name
        else:
            assert table["year"].min() >= 2015, path.name


def test_history_pattern_targets_are_reported_not_fitted():
    assert FITTED is False
    params = with_markets(compose(["scenario=history_2000_2025"]), 2025)
    ds = sim.simulate(params, runs=20, seed=3)
    found = patterns(ds)
    assert len(found) == 3
    for pattern in found:
        assert pattern.holds.shape == (20,) and pattern.holds.dtype == bool
        assert 0.0 <= pattern.share <= 1.0
    # Camp David's summit raises the tie in every run (a scheduled summit of magnitude 1).
    assert (found[2].measured["tie_lift"] > 0).all()


def test_observables_can_be_left_out_without_changing_the_rest(default):
    """A sweep summarises only recorded variables (`sim.sweep.spec.outcomes()`), so it asks
    for no observables; what it records is the same either way."""
    variables = ("security", "economic", "autonomy", "threat")
    full = sim.simulate(default, runs=6, seed=3, variables=variables)
    bare = sim.simulate(default, runs=6, seed=3, variables=variables, observables=False)
    assert "defence_spending" in full and "defence_spending" not in bare
    for name in variables:
        np.testing.assert_array_equal(full[name].values, bare[name].values)


@pytest.mark.parametrize("steps_first", [True, False], ids=["engine layout", "C layout"])
def test_defence_spending_is_its_equation_floored_at_zero(default, steps_first):
    """D_0 + d_a (a_t - a_0) + d_theta eps (theta_t - theta_0), floored at 0 (a NaN kept), in
    the trajectory's own layout: the engine's (steps first in memory, its record swapped) and
    a C-ordered one; the compiled pass gives NumPy's numbers to the bit."""
    w = compile_world(default, SEED, np.arange(6), slice(0, 6))
    ob = w.observation
    rng = np.random.default_rng(3)
    runs, steps, states = 6, 9, ob.start_defence.shape[1]
    autonomy = rng.uniform(
        -3.0, 3.0, (steps, runs, states) if steps_first else (runs, steps, states)
    )
    threat = rng.uniform(0.0, 1.0, (steps, runs) if steps_first else (runs, steps))
    if steps_first:
        autonomy, threat = np.swapaxes(autonomy, 0, 1), np.swapaxes(threat, 0, 1)
    autonomy[1, 4, 0] = np.nan
    p = ob.p
    faced = ob.threat_exposure[:, None, :] * threat[:, :, None]
    expected = ob.start_defence[:, None, :] + (
        p["defence_per_autonomy"][:, None, None] * (autonomy - autonomy[:, :1])
        + p["defence_per_threat"][:, None, None] * (faced - faced[:, :1])
    )
    expected = np.maximum(expected, 0.0)
    got = defence_spending(ob, autonomy, threat)
    assert (expected == 0.0).any() and (expected > 0.0).any()  # both sides of the floor
    np.testing.assert_array_equal(got, expected)  # NaN where NumPy has NaN, the rest exact
    assert got.strides == np.empty_like(autonomy).strides
