"""Opinion as state (issue 11, design §6): favourability moves with coercion and tariffs and
sets the odds of an election switching camps."""

from __future__ import annotations

import numpy as np
from test_properties import RUNS, SEED, assert_falls
from test_strategy import between, kor

import sim
from experiments import compose
from sim.opinion import switch_probability
from sim.params import LeverChange, with_values
from sim.world import compile_world


def test_thaads_coercion_hardens_views_of_china():
    params = compose(["scenario=thaad_2016"])
    spared = with_values(
        params, {"scenario.events": [e for e in params.scenario.events if e.kind != "coercion"]}
    )
    coerced, calm = (sim.simulate(p, runs=RUNS, seed=SEED) for p in (params, spared))

    def china(ds):
        return between(kor(ds, "opinion").sel(great_power="CHN"), "2018-01-01", "2018-01-01")

    assert np.median(china(calm) - china(coerced)) >= 0.1
    assert_falls("Seoul's favourability toward China", china(calm), china(coerced))


def test_tariffs_sour_views_of_the_us(default_params):
    scheduled = with_values(default_params, {"dynamics.great_powers": "scheduled"})

    def tariff(value):
        change = LeverChange(
            date="2026-07-01", great_power="USA", state="KOR", lever="tariff", value=value
        )
        levers = [*scheduled.scenario.levers, change]
        return sim.simulate(
            with_values(scheduled, {"scenario.levers": levers}), runs=RUNS, seed=SEED
        )

    light, heavy = tariff(0.1), tariff(0.6)

    def usa(ds):
        return between(kor(ds, "opinion").sel(great_power="USA"), "2027-01-01", "2028-01-01")

    assert_falls("Seoul's favourability toward the US", usa(light), usa(heavy))


def test_switch_odds_are_the_base_odds_at_baseline_opinion(default_params):
    w = compile_world(default_params, 0, np.arange(3), slice(0, 3))
    camps = np.array([[0, 0], [1, 1], [0, 1]])
    odds = switch_probability(w, w.opinion_baseline, camps)
    np.testing.assert_array_equal(odds, w.p_switch)


def test_a_colder_view_of_china_raises_the_odds_against_a_progressive_incumbent(default_params):
    w = compile_world(default_params, 0, np.arange(1), slice(0, 1))
    i, china = w.middle.index("KOR"), w.poles.index("CHN")
    progressive = np.zeros((1, len(w.middle)), dtype=np.int8)
    colder = w.opinion_baseline.copy()
    colder[0, i, china] -= 0.3
    before = switch_probability(w, w.opinion_baseline, progressive)[0, i]
    after = switch_probability(w, colder, progressive)[0, i]
    assert after > before + 0.1, (before, after)


def test_opinion_falls_fast_and_recovers_slowly(default_params):
    """The two half-lives: Seoul's view of China, pulled down by THAAD's memory, falls within
    a year (half-life 0.25 years) toward its target."""
    ds = sim.simulate(default_params, runs=20, seed=SEED, steps=8)
    china = kor(ds, "opinion").sel(great_power="CHN")
    assert float(china.isel(step=4).mean()) < float(china.isel(step=0).mean()) - 0.1
    odds = kor(ds, "switch_odds")
    assert np.all((odds >= 0) & (odds <= 1))


def drawn_opinions(rng, runs: int):
    """(world, opinions, governing camps) drawn at random about the baseline, for the default
    world and one of three middle powers."""
    for overrides in ([], ["world=indo_pacific_2025"]):
        w = compile_world(compose(overrides), 0, np.arange(runs), slice(0, runs))
        shape = w.opinion_baseline.shape
        opinion = w.opinion_baseline + rng.normal(0.0, 0.3, shape)
        yield w, opinion, rng.integers(0, 2, shape[:2]).astype(np.int8)


def test_switch_odds_are_the_equation_composed_over_arrays():
    """The compiled pass (`sim.opinion.switch_kernel`) gives, to the bit, what the equation
    gives composed from NumPy calls: the public's liking above the usual times each camp's
    closeness, summed over the great powers left to right (`sim.arrays.total`), the
    incumbent's and the other camp's favour, then the odds (`switch_odds_of`). For every
    middle power and for one alone (a row, as an election asks), in a world of three middle
    powers too, from opinions and camps drawn at random."""
    import numba

    from sim.arrays import total
    from sim.dynamics.clock import governing
    from sim.opinion import camp_closeness, switch_odds_of

    # the odds elementwise, with the same compiled exponential (the C library's, `sim.libm`)
    odds_of = numba.vectorize(["float64(float64, float64, float64, float64)"])(
        lambda p, election, incumbent, other: switch_odds_of(p, election, incumbent, other)
    )
    for w, opinion, camp in drawn_opinions(np.random.default_rng(11), runs=5):
        favour = total((opinion - w.opinion_baseline)[..., None] * camp_closeness(w), axis=2)
        incumbent, other = governing(favour, camp)[..., 0], governing(favour, 1 - camp)[..., 0]
        expected = odds_of(w.p_switch, w.opinion.election[:, None], incumbent, other)
        np.testing.assert_array_equal(switch_probability(w, opinion, camp), expected)
        row = slice(1, 2)
        alone = switch_probability(w, opinion[:, row], camp[:, row], row)
        np.testing.assert_array_equal(alone, expected[:, row])


def test_an_election_is_its_odds_against_its_draw():
    """`sim.opinion.elected` (the odds and the draw in one compiled pass) gives, to the bit,
    the two apart: the other camp where the election stream's uniform draw at the step
    (`uniform_at`) falls under the switch odds (`switch_probability`), the incumbent
    elsewhere. For every middle power and for a row, in two worlds, over steps and camps
    drawn at random; and some runs switch, some hold (the test can tell the two apart)."""
    from sim.opinion import elected
    from sim.random import stream_keys, uniform_at

    for w, opinion, camp in drawn_opinions(np.random.default_rng(12), runs=400):
        keys = stream_keys(3, np.arange(400)[:, None], np.arange(camp.shape[1])[None, :], 9)
        for k in (1, 17):
            odds, u = switch_probability(w, opinion, camp), uniform_at(keys, k)
            expected = np.where(u < odds, 1 - camp, camp)
            got = elected(w, opinion, camp, keys, k)
            np.testing.assert_array_equal(got, expected)
            assert 0 < np.mean(got != camp) < 1
            row = slice(1, 2)
            alone = elected(w, opinion[:, row], camp[:, row], keys[:, row], k, row)
            np.testing.assert_array_equal(alone, expected[:, row])
