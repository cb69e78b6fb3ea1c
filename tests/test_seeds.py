"""The seeds read right (issue 11, design §3): the pledge as a deal, the camps from
evidence, the trilateral with the US in it, the dual contingency as a link, Seoul's memory of
THAAD. Paired comparisons over many runs with common random numbers (test_properties)."""

from __future__ import annotations

import numpy as np
from test_properties import RUNS, SEED, assert_falls, assert_rises
from test_strategy import between, kor

import sim
from experiments import compose
from sim import dynamics
from sim.params import ScheduledEvent, with_values
from sim.world import compile_world


def without_pledge(params):
    events = [e for e in params.scenario.events if e.kind != "pledge"]
    return with_values(params, {"scenario.events": events})


def test_the_pledge_buys_tariff_relief(default_params):
    """With the 2025-07-30 pledge Washington's tariff on Seoul is lower after the 2026-01-26
    snap-back than without it (the deal: tariffs jeopardise the investment)."""
    pledged = sim.simulate(default_params, runs=RUNS, seed=SEED)
    unpledged = sim.simulate(without_pledge(default_params), runs=RUNS, seed=SEED)

    def tariff(ds):
        return kor(ds, "lever").sel(great_power="USA", lever_name="tariff")

    assert_falls(
        "the US tariff on Seoul",
        between(tariff(unpledged), "2026-07-01", "2028-01-01"),
        between(tariff(pledged), "2026-07-01", "2028-01-01"),
    )


def test_the_pledge_is_read_as_alignment_and_draws_chinas_offers(default_params):
    pledged = sim.simulate(default_params, runs=RUNS, seed=SEED)
    unpledged = sim.simulate(without_pledge(default_params), runs=RUNS, seed=SEED)

    def inducement(ds):
        return kor(ds, "lever").sel(great_power="CHN", lever_name="inducement")

    assert_rises(
        "China's inducement toward Seoul",
        between(inducement(unpledged), "2025-10-01", "2027-01-01"),
        between(inducement(pledged), "2025-10-01", "2027-01-01"),
    )


def test_a_taiwan_crisis_draws_us_attention_away_and_gives_pyongyang_an_opening(default_params):
    crisis = ScheduledEvent(date="2027-01-15", kind="taiwan_crisis", magnitude=1.0)
    calm = sim.simulate(default_params, runs=RUNS, seed=SEED)
    tense = sim.simulate(
        with_values(default_params, {"scenario.events": [*default_params.scenario.events, crisis]}),
        runs=RUNS,
        seed=SEED,
    )

    def reliability(ds):
        return kor(ds, "effective_reliability").sel(great_power="USA")

    assert_falls(
        "US reliability as Seoul sees it",
        between(reliability(calm), "2027-01-01", "2027-07-01"),
        between(reliability(tense), "2027-01-01", "2027-07-01"),
    )
    assert_rises(
        "Pyongyang's provocation",
        between(calm.provocation, "2027-01-01", "2027-07-01"),
        between(tense.provocation, "2027-01-01", "2027-07-01"),
    )


def test_a_progressive_government_offers_dialogue_and_lowers_provocation(default_params):
    """Seoul's camps differ on the North: the same runs with a conservative government from
    2026 see more provocation (no dialogue offered)."""
    change = ScheduledEvent(date="2026-01-01", kind="election", target="KOR", camp="conservative")
    progressive = sim.simulate(default_params, runs=RUNS, seed=SEED)
    conservative = sim.simulate(
        with_values(default_params, {"scenario.events": [*default_params.scenario.events, change]}),
        runs=RUNS,
        seed=SEED,
    )
    assert_rises(
        "Pyongyang's provocation",
        between(progressive.provocation, "2026-04-01", "2028-01-01"),
        between(conservative.provocation, "2026-04-01", "2028-01-01"),
    )


def test_both_camps_solidify_the_alliance(default_params):
    ideals = default_params.world.middle_powers["KOR"].ideals
    assert ideals["progressive"].security >= 0.7 and ideals["conservative"].security >= 0.7
    assert ideals["progressive"].economic < ideals["conservative"].economic
    assert ideals["progressive"].engagement > ideals["conservative"].engagement


def test_the_trilateral_has_the_us_in_it():
    params = compose(["scenario=trilateral_institutionalised"])
    summits = [e for e in params.scenario.events if e.kind == "summit"]
    pairs = {(e.target, e.partner) for e in summits}
    assert {("KOR", "JPN"), ("KOR", "USA"), ("JPN", "USA")} <= pairs


def test_the_dual_contingency_is_a_link_not_a_script():
    params = compose(["scenario=taiwan_contingency"])
    assert all(change.pressure != "dprk_threat" for change in params.scenario.schedule)


def test_seoul_remembers_thaad_at_the_start(default_params):
    w = compile_world(default_params, 0, np.arange(2), slice(0, 2))
    memory = dynamics.initial_state(w).memory
    assert np.all(memory[:, w.middle.index("KOR"), w.poles.index("CHN")] == 0.25)
    assert np.all(memory[:, w.middle.index("KOR"), w.poles.index("USA")] == 0.0)
