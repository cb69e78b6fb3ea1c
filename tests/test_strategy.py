"""Great powers that choose and a North Korea that chooses (issue 11), over many runs.

Each comparison runs the same runs (seed, run ids) in two arms, common random numbers, and
asks for a paired difference beyond K standard errors that also holds in a clear majority of
runs (the helpers of test_properties). Strategic great powers and challenger (the defaults)
unless a test says otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_properties import RUNS, SEED, assert_falls, assert_rises

import sim
from experiments import compose
from sim.params import LEVERS, LeverChange, ScheduledEvent, with_values


def kor(ds, variable):
    return ds[variable].sel(state="KOR")


def between(x, start: str, stop: str) -> np.ndarray:
    """Per-run mean over the steps dated in [start, stop]."""
    return (
        x.sel(step=(x.time >= np.datetime64(start)) & (x.time <= np.datetime64(stop)))
        .mean("step")
        .values
    )


def with_events(params, *events):
    return with_values(params, {"scenario.events": [*params.scenario.events, *events]})


def simulate(params, runs=RUNS):
    return sim.simulate(params, runs=runs, seed=SEED)


def test_seouls_pivot_toward_the_us_draws_chinas_coercion_or_inducement(default_params):
    """A conservative government from 2026 (ideal security 0.85, economic 0.3, against the
    progressives' 0.4, 0.0): Beijing's coercion plus inducement toward Seoul is higher."""
    pivot = with_events(
        default_params,
        ScheduledEvent(date="2026-01-01", kind="election", target="KOR", camp="conservative"),
    )
    calm, pivoted = simulate(default_params), simulate(pivot)

    def china(ds):
        levers = kor(ds, "lever").sel(great_power="CHN", lever_name=["coercion", "inducement"])
        return between(levers.sum("lever_name"), "2026-07-01", "2028-01-01")

    assert_rises("China's coercion + inducement toward Seoul", china(calm), china(pivoted))


def test_more_chinese_military_pressure_moves_seouls_security_toward_the_us(default_params):
    """Balancing (Walt 1987) at the sourced US reliability: r kappa > bandwagon."""
    low = simulate(with_values(default_params, {"pressures.china_military": 0.1}))
    high = simulate(with_values(default_params, {"pressures.china_military": 0.7}))
    assert_rises(
        "Seoul's security alignment (last two years)",
        kor(low, "security").isel(step=slice(-8, None)).mean("step").values,
        kor(high, "security").isel(step=slice(-8, None)).mean("step").values,
    )


def test_alliance_tightening_raises_pyongyangs_provocation(default_params):
    """Scheduled great powers; the US commitment lever toward Seoul 1.0 instead of 0.5 from
    2026: Pyongyang provokes more."""
    scheduled = with_values(default_params, {"dynamics.great_powers": "scheduled"})

    def commitment(value):
        change = LeverChange(
            date="2026-01-01", great_power="USA", state="KOR", lever="commitment", value=value
        )
        return simulate(with_values(scheduled, {"scenario.levers": [change]}))

    usual, tight = commitment(0.5), commitment(1.0)
    assert_rises(
        "Pyongyang's provocation",
        between(usual.provocation, "2026-01-01", "2028-01-01"),
        between(tight.provocation, "2026-01-01", "2028-01-01"),
    )


def test_summits_with_pyongyang_lower_its_provocation(default_params):
    summit = ScheduledEvent(date="2026-01-01", kind="summit", target="KOR", partner="PRK")
    without, with_summit = simulate(default_params), simulate(with_events(default_params, summit))
    assert_falls(
        "Pyongyang's provocation over the next year",
        between(without.provocation, "2026-01-01", "2026-12-31"),
        between(with_summit.provocation, "2026-01-01", "2026-12-31"),
    )


def test_scheduled_great_powers_hold_their_levers_but_for_the_schedule():
    """`scheduled`: every lever in force is its 2025 level within its bound at every step,
    except the dated setting from its date on; restraint never moves."""
    params = compose(["scenario=baseline", "dynamics.great_powers=scheduled"])
    change = LeverChange(
        date="2027-01-01", great_power="CHN", state="JPN", lever="inducement", value=0.4
    )
    params = with_values(params, {"scenario.levers": [change], "events.rates.summit": 0.0})
    ds = sim.simulate(params, runs=20, seed=SEED)
    lever = ds["lever"]
    start = lever.isel(step=0)
    dated = ds.time >= np.datetime64("2027-01-01")
    moved = lever.sel(state="JPN", great_power="CHN", lever_name="inducement")
    np.testing.assert_array_equal(moved.sel(step=dated).values, 0.4)
    np.testing.assert_array_equal(
        moved.sel(step=~dated).values,
        start.sel(state="JPN", great_power="CHN", lever_name="inducement").values[:, None]
        * np.ones((1, int((~dated).sum()))),
    )
    others = lever.where(
        ~(
            (lever.state == "JPN")
            & (lever.great_power == "CHN")
            & (lever.lever_name == "inducement")
        )
    )
    np.testing.assert_array_equal(
        others.values, np.broadcast_to(others.isel(step=0).values[:, None], others.shape)
    )
    assert bool((ds.restraint == ds.restraint.isel(step=0)).all())


def test_strategic_great_powers_do_move_their_levers(default_params):
    ds = sim.simulate(default_params, runs=20, seed=SEED)
    moved = np.abs(ds.lever.isel(step=-1) - ds.lever.isel(step=0)).max(("run", "state"))
    assert float(moved.sel(great_power="CHN", lever_name="inducement")) > 0.01
    assert float(moved.sel(great_power="USA", lever_name="commitment")) > 0.01
    # zero bounds stay zero: China offers Seoul no guarantee, the US does not boycott
    assert float(ds.lever.sel(great_power="CHN", lever_name="commitment").max()) == 0.0
    assert float(ds.lever.sel(great_power="USA", lever_name="coercion").max()) == 0.0
    assert set(ds.lever_name.values) == set(LEVERS)


def test_the_old_switch_is_refused_in_one_line_naming_the_new_one(default_params):
    with pytest.raises(sim.ParamError, match="dynamics.great_powers"):
        with_values(default_params, {"dynamics.responsive": False})


@pytest.mark.parametrize(
    "values, key",
    [
        ({"lever": "charm"}, "scenario.levers[0].lever"),
        ({"great_power": "RUS"}, "scenario.levers[0].great_power"),
        ({"state": "USA"}, "scenario.levers[0].state"),
        ({"value": 1.5}, "scenario.levers[0].value"),
    ],
)
def test_a_broken_dated_lever_is_named_in_one_line(default_params, values, key):
    change = dict(date="2026-01-01", great_power="USA", state="KOR", lever="tariff", value=0.3)
    change.update(values)
    params = with_values(default_params, {"scenario.levers": [LeverChange(**change)]})
    with pytest.raises(sim.ParamError, match=key.replace("[", r"\[").replace("]", r"\]")):
        sim.simulate(params, runs=1, steps=2)


def test_the_why_panels_parts_give_the_great_powers_choice():
    """The parts of each lever's slope the "why" panel shows (`sim.strategy.lever_terms`,
    from the compiled equations through their elementwise wrappers) add up to the slope the
    engine's review kernel chose from: the clipped vertex of their sum is the lever chosen,
    to the bit (partial rule, no noise)."""
    import agents
    from sim.decision import vertex

    params = compose(["scenario=baseline"])
    model = agents.GeopoliticsModel(params, rng=SEED, run=0)
    checked = 0
    for _ in range(8):
        model.step()
        for gp in model.great_powers:
            for state in model.state_codes:
                why = model.why(gp.code, toward=state)
                if not why.reviewed:
                    continue
                for lever in LEVERS:
                    chosen = vertex(
                        why.slope(lever),
                        why.curvature[lever],
                        why.before[lever],
                        0.0,
                        why.bound[lever],
                    )
                    if why.bound[lever] > 0:
                        assert float(chosen) == why.after[lever], (gp.code, state, lever)
                        checked += 1
    assert checked > 0


def test_the_why_panels_parts_give_pyongyangs_choice():
    """Without noise, Pyongyang's choice is the partial rule's move toward the clipped vertex
    of the parts the "why" panel shows (`sim.strategy.provocation_terms`, from the compiled
    incentive). Not to the bit: the panel recomposes the incentive's inputs from the agents
    (the last bit differs, as it did before the incentive was compiled)."""
    import agents
    from sim.decision import adjust, vertex

    params = with_values(compose(["scenario=baseline"]), {"world.challengers.PRK.noise": 0.0})
    model = agents.GeopoliticsModel(params, rng=SEED, run=0)
    ch = model.world.challenger_params
    curvature = -(float(ch.cost[0]) + float(ch.inertia[0]))
    for _ in range(6):
        model.step()
        why = model.why(model.challenger.code)
        assert set(why.terms) >= {"hostility", "restraint", "engagement", "cost"}
        target = vertex(why.slope, curvature, why.before, -1.0, 1.0)
        moved = float(adjust(why.before, target, 1.0, 0.0, 0.0, -1.0, 1.0))
        assert moved == pytest.approx(why.after, rel=1e-12, abs=1e-15)


def test_a_parameter_the_same_in_every_run_is_read_from_one_place_with_the_same_bits():
    """The review's inputs: a world's parameter that every run holds to the bit is viewed with
    stride 0 over the runs (read once, not once per run), the same numbers; one that differs
    in a run, even by the sign of a zero, is read per run."""
    from sim.strategy_kernels import once_per_run

    def bits(x):
        return np.asarray(x).view(np.uint64)

    same = np.full((5, 2), 0.25)
    nan = np.full(4, np.nan)
    for x in (same, nan):
        view = once_per_run(x, x.shape)
        assert view.strides[0] == 0 and not view.flags.writeable
        assert np.array_equal(bits(view), bits(x))
    differs = same.copy()
    differs[3, 1] = 0.3
    signed = np.zeros(4)
    signed[2] = -0.0
    for x in (differs, signed):
        view = once_per_run(x, x.shape)
        assert view.strides[0] != 0
        assert np.array_equal(bits(view), bits(x))
    # a parameter of one run, or one already shared by every run, as it comes
    assert once_per_run(np.float64(0.5), (3,)).tolist() == [0.5] * 3


@pytest.mark.parametrize("reviewing", [(0, 1), (1,)])
def test_the_vectorized_review_of_a_block_is_each_runs_alone(reviewing):
    """`review_kernel` reviews a tile of runs at a time, one middle power at a time (fields
    the same for every run or middle power copied once): a block of full tiles and a part,
    with such fields, noise and the slopes written, gives each run's numbers to the bit as
    reviewing that run alone, and as the same fields held apart for every run and middle
    power; slots bounded at 0 everywhere are 0."""
    from sim import strategy_kernels as sk

    rng = np.random.default_rng(7)
    runs, middle, poles, levers = 2 * sk.TILE + 5, 3, 2, len(LEVERS)

    def field(shape, shared=()):  # shared: the axes the field is the same along (stride 0)
        x = rng.normal(size=tuple(1 if a in shared else n for a, n in enumerate(shape)))
        return sk.read_only(x, shape)

    u = tuple(field((runs,), (0,) if f % 3 == 0 else ()) for f in range(len(sk.RUN_FIELDS)))
    shared = [(), (0,), (1,), (0, 1)]
    s = tuple(field((runs, middle), shared[f % 4]) for f in range(len(sk.STATE_FIELDS)))
    q = tuple(field((runs, middle, poles), shared[f % 4]) for f in range(len(sk.PAIR_FIELDS)))
    b = tuple(
        sk.read_only(rng.random((runs, middle, poles)) < 0.7, (runs, middle, poles), bool)
        for _ in sk.FLAGS
    )
    g = tuple(field((runs, poles), shared[f % 2]) for f in range(len(sk.POLE_FIELDS)))
    caps = np.abs(rng.normal(size=(runs, poles, levers)))
    lv = (field((runs, poles, levers), (0,)), sk.read_only(caps, caps.shape))
    held = field((runs, middle, poles, levers))
    pole_ids = sk.read_only(np.array(reviewing), (len(reviewing),), np.int64)
    active = np.ones((len(reviewing), levers), bool)
    active[0, 2] = False
    active = sk.read_only(active, active.shape, bool)
    shape = (runs, middle, len(reviewing), levers)
    shocks = field(shape), field((runs, len(reviewing)))

    def apart(x):  # the same numbers, every run and middle power its own
        return sk.read_only(np.array(x), x.shape, x.dtype)

    def review(r, fields=(u, s, q, b, g, lv, held)):
        """The review of runs r (a slice), its outputs."""
        n = len(range(runs)[r])
        out = [np.empty((n,) + shape[1:]) for _ in range(3)]
        out += [np.empty((n, len(reviewing))) for _ in range(3)]
        inputs = [tuple(x[r] for x in i) if isinstance(i, tuple) else i[r] for i in fields]
        sk.review_kernel(
            *inputs,
            pole_ids,
            active,
            True,
            True,
            True,
            shocks[0][r],
            shocks[1][r],
            out[0],
            out[1],
            out[2],
            out[3],
            out[4],
            out[5],
        )
        return out

    block = review(slice(None))
    fields_apart = [
        tuple(map(apart, i)) if isinstance(i, tuple) else apart(i)
        for i in (u, s, q, b, g, lv, held)
    ]
    for whole, held_apart in zip(block, review(slice(None), fields_apart), strict=True):
        assert np.array_equal(whole.view(np.int64), held_apart.view(np.int64))
    for r in range(runs):
        alone = review(slice(r, r + 1))
        for whole, one in zip(block, alone, strict=True):
            assert np.array_equal(whole[r : r + 1].view(np.int64), one.view(np.int64)), r
    assert not block[0][:, :, 0, 2].any() and np.isfinite(block[0]).all()
