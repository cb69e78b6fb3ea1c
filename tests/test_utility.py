"""The utility terms one by one, and the two decision rules against brute force.

Each term is probed in a small hand-made context: two great powers (CHN at -1, USA at +1,
the USA the protector against the challenger) and options along one dimension. A term's
effect is checked for sign and shape, the way the mechanism in MODEL.md says it should act.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats
from scipy.special import softmax

from sim import utility as U
from sim.decision import LOWER, UPPER, best_response, logit_choice, partial_adjustment
from sim.options import utilities_along
from sim.params import WEIGHT_KEYS

GRID = np.linspace(-1.0, 1.0, 2001)
UNIT_GRID = np.linspace(0.0, 1.0, 1001)


def context(**changes) -> U.Context:
    """A plain context: moderate threat and rivalry, equal markets, no coercion. Pole-level
    values are given as (CHN, USA) pairs."""
    state = dict(
        threat=0.6,
        rivalry=0.5,
        taiwan=0.3,
        defence_cost=1.0,
        diversification=1.0,
        ideal_security=0.0,
        ideal_economic=0.0,
        neighbour_ties=0.0,
        neighbour_alignment=0.0,
        last_security=0.0,
        last_economic=0.0,
        last_autonomy=0.2,
        economic_stickiness=1.0,
        autonomy_stickiness=1.0,
        appeasement=0.25,
        consent_complement=0.0,
    )
    pole = dict(
        sign=(-1.0, 1.0),
        protector=(0.0, 1.0),
        capability=(0.25, 0.75),
        reliability=(0.2, 0.6),
        market=(0.5, 0.5),
        coercion=(0.0, 0.0),
        memory=(0.0, 0.0),
        trade_pressure=(0.0, 0.0),
        military=(0.0, 0.0),
        consent=(0.0, 0.0),
    )
    for key, value in changes.items():
        (state if key in state else pole)[key] = value
    fields = {k: np.array([v], dtype=float) for k, v in state.items()}
    fields.update({k: np.array(v, dtype=float).reshape(2, 1) for k, v in pole.items()})
    return U.Context(**fields)


def value(term, s, e, a, ctx):
    """An unweighted term at the options (s, e, a)."""
    return term(U.Option(*np.broadcast_arrays(s, e, a), ctx), ctx)


def along(term, ctx, dimension="s", values=GRID, s=0.0, e=0.0, a=0.2):
    """The term's values as one dimension sweeps `values`, the others fixed."""
    options = {
        "s": np.full_like(values, s),
        "e": np.full_like(values, e),
        "a": np.full_like(values, a),
    }
    options[dimension] = values
    return value(term, options["s"], options["e"], options["a"], ctx)


def at(term, ctx, s=0.0, e=0.0, a=0.2) -> float:
    return float(value(term, np.array([s]), np.array([e]), np.array([a]), ctx)[0])


def weights(**values) -> SimpleNamespace:
    return SimpleNamespace(**{k: values.get(k, 0.0) for k in WEIGHT_KEYS})


def increasing(x) -> bool:
    return bool(np.all(np.diff(x) > 0))


# ----------------------------------------------------------------------------- 1 protection
def test_protection_rises_with_alignment_toward_the_protector():
    assert increasing(along(U.protection, context()))


def test_protection_falls_with_alignment_when_the_protector_is_the_other_pole():
    ctx = context(protector=(1.0, 0.0))
    assert increasing(-along(U.protection, ctx))


@pytest.mark.parametrize("lever", ["threat", "reliability"])
def test_protection_of_us_alignment_rises_with_threat_and_reliability(lever):
    levels = np.linspace(0.0, 1.0, 6)
    make = (
        (lambda x: context(threat=x))
        if lever == "threat"
        else (lambda x: context(reliability=(0.2, x)))
    )
    gain = [at(U.protection, make(x), s=1.0) - at(U.protection, make(x), s=-1.0) for x in levels]
    assert gain[0] == pytest.approx(0.0, abs=1e-15)
    assert increasing(gain)


def test_protection_ignores_economy_and_autonomy():
    ctx = context()
    assert np.ptp(along(U.protection, ctx, "e", s=0.5)) == 0
    assert np.ptp(along(U.protection, ctx, "a", UNIT_GRID, s=0.5)) == 0


# ----------------------------------------------------------------------------- 2a abandonment
def test_abandonment_costs_more_the_less_reliable_the_patron_leaned_on():
    costs = [-at(U.abandonment, context(reliability=(0.2, r)), s=1.0) for r in (0.9, 0.6, 0.3, 0.0)]
    assert increasing(costs) and costs[0] > 0


def test_abandonment_is_softened_by_autonomy():
    ctx = context(reliability=(0.2, 0.3))
    cost = -along(U.abandonment, ctx, "a", UNIT_GRID, s=1.0)
    assert increasing(-cost) and cost[-1] == pytest.approx(0.0, abs=1e-15)


def test_low_reliability_makes_us_alignment_less_attractive():
    """Leaning on the doubtful patron costs; so the gain from moving toward it shrinks."""

    def slope(r):
        return at(U.abandonment, context(reliability=(0.2, r)), s=1.0) - at(
            U.abandonment, context(reliability=(0.2, r)), s=0.0
        )

    assert slope(0.2) < slope(0.8)


# ----------------------------------------------------------------------------- 2b entrapment
def test_entrapment_is_concave_symmetric_with_zero_slope_at_the_middle():
    u = along(U.entrapment, context())
    step = GRID[1] - GRID[0]
    assert np.all(u <= 0)
    assert np.all(np.diff(u, 2) < 0), "concave utility: deeper in either camp costs more and more"
    np.testing.assert_allclose(u, u[::-1], atol=1e-15)  # either camp entraps alike
    middle = len(GRID) // 2
    assert abs(u[middle + 1] - u[middle - 1]) / (2 * step) < 1e-9
    assert GRID[np.argmax(u)] == pytest.approx(0.0, abs=step)


@pytest.mark.parametrize("rivalry,taiwan", [(0.0, 0.5), (0.5, 0.0)])
def test_entrapment_vanishes_without_rivalry_or_taiwan_risk(rivalry, taiwan):
    assert np.all(along(U.entrapment, context(rivalry=rivalry, taiwan=taiwan)) == 0)


def test_entrapment_grows_with_rivalry_and_taiwan_risk():
    def depth_cost(r, t):
        return at(U.entrapment, context(rivalry=r, taiwan=t), s=0.0) - at(
            U.entrapment, context(rivalry=r, taiwan=t), s=1.0
        )

    assert 0 < depth_cost(0.3, 0.3) < depth_cost(0.9, 0.3) < depth_cost(0.9, 0.9)


# ----------------------------------------------------------------------------- 3 economic
def test_economic_gains_are_concave_so_diversification_pays():
    u = along(U.economic, context(), "e")
    assert np.all(np.diff(u, 2) < 0)
    assert GRID[np.argmax(u)] == pytest.approx(0.0, abs=1e-3)  # equal markets: stay in the middle


def test_economic_optimum_follows_the_bigger_market():
    """With markets m and concavity d, the optimum is e* = (m_USA - m_CHN) / d, inside [-1, 1]."""
    for m_chn, m_usa, d in [(0.5, 0.7, 1.0), (0.6, 0.4, 1.0), (0.55, 0.45, 0.5)]:
        u = along(U.economic, context(market=(m_chn, m_usa), diversification=d), "e")
        assert GRID[np.argmax(u)] == pytest.approx((m_usa - m_chn) / d, abs=1e-3)


def test_without_concavity_the_bigger_market_takes_all():
    u = along(U.economic, context(market=(0.45, 0.55), diversification=0.0), "e")
    assert increasing(u) and np.argmax(u) == len(GRID) - 1


# ----------------------------------------------------------------------------- 4 coercion
def test_coercion_costs_nothing_without_readiness_or_memory():
    assert np.all(along(U.coercion, context(), "e", s=1.0) == 0)


def test_coercion_punishes_steps_toward_the_rival_more_the_more_dependent():
    """THAAD: the cost of moving security toward the US grows with dependence on China."""
    ctx = context(coercion=(0.8, 0.0))

    def cost_of_step(e):
        return at(U.coercion, ctx, s=0.0, e=e) - at(U.coercion, ctx, s=1.0, e=e)

    assert increasing(-along(U.coercion, ctx, "s", e=-0.5))
    assert 0 < cost_of_step(0.5) < cost_of_step(0.0) < cost_of_step(-1.0)


def test_coercion_makes_dependence_on_the_coercer_a_cost():
    ctx = context(coercion=(0.8, 0.0))
    assert increasing(along(U.coercion, ctx, "e", s=0.5))


def test_remembered_restrictions_make_dependence_costly_even_for_a_friend():
    """De-risking: memory prices dependence itself, whatever the security alignment."""
    ctx = context(memory=(0.5, 0.0))
    assert increasing(along(U.coercion, ctx, "e", s=-1.0))
    assert at(U.coercion, ctx, s=-1.0, e=-1.0) == pytest.approx(-0.5)


# ----------------------------------------------------------------------------- 5 trade pressure
def test_trade_pressure_costs_orientation_to_the_pressers_rival_scaled_by_rivalry():
    calm = context(trade_pressure=(0.0, 0.6), rivalry=0.0)
    tense = context(trade_pressure=(0.0, 0.6), rivalry=1.0)
    assert increasing(along(U.trade_pressure, calm, "e"))
    assert at(U.trade_pressure, calm, e=1.0) == 0.0
    assert at(U.trade_pressure, tense, e=-1.0) == pytest.approx(
        2 * at(U.trade_pressure, calm, e=-1.0)
    )
    assert at(U.trade_pressure, tense, e=-1.0) == pytest.approx(-0.6)


# ----------------------------------------------------------------------------- 6 consistency
def test_consistency_costs_the_gap_more_under_rivalry():
    low, high = context(rivalry=0.2), context(rivalry=0.9)
    assert at(U.consistency, low, s=0.7, e=0.7) == 0.0
    gap = [
        (-at(U.consistency, low, s=0.6, e=g), -at(U.consistency, high, s=0.6, e=g))
        for g in (0.4, 0.0, -0.6)
    ]
    assert all(h > lo > 0 for lo, h in gap)
    assert increasing([h for _, h in gap])
    u = along(U.consistency, high, "e", s=0.6)
    assert GRID[np.argmax(u)] == pytest.approx(0.6, abs=1e-3)


# ----------------------------------------------------------------------------- 7 autonomy
def test_autonomy_pays_under_threat_and_costs_budget():
    for threat, cost in [(0.6, 1.0), (0.9, 1.0), (0.6, 2.0)]:
        u = along(U.autonomy, context(threat=threat, defence_cost=cost), "a", UNIT_GRID)
        assert UNIT_GRID[np.argmax(u)] == pytest.approx(threat / (2 * cost), abs=1e-3)
    assert np.all(np.diff(along(U.autonomy, context(threat=0.0), "a", UNIT_GRID)) < 0)


# ----------------------------------------------------------------------------- 8 domestic
def test_domestic_politics_pulls_toward_the_governments_ideal_point():
    ctx = context(ideal_security=0.4, ideal_economic=-0.2)
    assert GRID[np.argmax(along(U.domestic, ctx, "s"))] == pytest.approx(0.4, abs=1e-3)
    assert GRID[np.argmax(along(U.domestic, ctx, "e"))] == pytest.approx(-0.2, abs=1e-3)
    assert at(U.domestic, ctx, s=0.4, e=-0.2) == 0.0


# ----------------------------------------------------------------------------- 9 neighbours
def test_neighbours_reward_agreeing_with_cooperating_neighbours():
    assert increasing(along(U.neighbours, context(neighbour_ties=0.5, neighbour_alignment=0.4)))
    assert increasing(-along(U.neighbours, context(neighbour_ties=0.5, neighbour_alignment=-0.4)))
    assert np.ptp(along(U.neighbours, context(neighbour_ties=0.5, neighbour_alignment=0.0))) == 0
    # ties themselves are worth something: a history dispute (lower ties) costs
    assert at(U.neighbours, context(neighbour_ties=0.6)) > at(
        U.neighbours, context(neighbour_ties=0.3)
    )


# ----------------------------------------------------------------------------- 10 inertia
def test_inertia_is_zero_in_place_and_costs_every_move():
    ctx = context(last_security=0.3, last_economic=-0.1, last_autonomy=0.4)
    assert at(U.inertia, ctx, s=0.3, e=-0.1, a=0.4) == 0.0
    for dim, last in [("s", 0.3), ("e", -0.1)]:
        u = along(U.inertia, ctx, dim, s=0.3, e=-0.1, a=0.4)
        assert GRID[np.argmax(u)] == pytest.approx(last, abs=1e-3) and np.all(u <= 0)


def test_stickiness_makes_trade_and_procurement_slower_to_move_than_diplomacy():
    sticky = context(economic_stickiness=6.0, autonomy_stickiness=3.0)
    move = 0.2
    cost_s = -at(U.inertia, sticky, s=move, e=0.0, a=0.2)
    cost_e = -at(U.inertia, sticky, s=0.0, e=move, a=0.2)
    cost_a = -at(U.inertia, sticky, s=0.0, e=0.0, a=0.2 + move)
    assert cost_e == pytest.approx(6.0 * cost_s) and cost_a == pytest.approx(3.0 * cost_s)


# ----------------------------------------------------------------------------- the sum
def test_utility_is_the_weighted_sum_of_the_terms():
    rng = np.random.default_rng(0)
    ctx = context(
        coercion=(0.5, 0.0),
        memory=(0.2, 0.0),
        trade_pressure=(0.1, 0.4),
        neighbour_ties=0.5,
        neighbour_alignment=0.3,
    )
    s, e, a = rng.uniform(-1, 1, 50), rng.uniform(-1, 1, 50), rng.uniform(0, 1, 50)
    w = weights(
        **{
            k: float(x)
            for k, x in zip(WEIGHT_KEYS, rng.uniform(0.1, 2.0, len(WEIGHT_KEYS)), strict=True)
        }
    )
    parts = U.term_values(s, e, a, ctx, w)
    assert set(parts) == set(WEIGHT_KEYS)
    np.testing.assert_allclose(U.utility(s, e, a, ctx, w), sum(parts.values()), rtol=1e-12)
    for name in WEIGHT_KEYS:
        alone = weights(**{name: 2.0})
        np.testing.assert_allclose(
            U.utility(s, e, a, ctx, alone), 2.0 * value(U.TERMS[name], s, e, a, ctx), rtol=1e-12
        )


def test_no_term_knows_which_pole_is_the_us():
    """Swapping the poles' signs and negating the options leaves every term unchanged."""
    rng = np.random.default_rng(1)
    s, e, a = rng.uniform(-1, 1, 50), rng.uniform(-1, 1, 50), rng.uniform(0, 1, 50)
    kwargs = dict(
        coercion=(0.5, 0.1),
        memory=(0.2, 0.0),
        trade_pressure=(0.1, 0.4),
        market=(0.4, 0.6),
        neighbour_ties=0.5,
        neighbour_alignment=0.3,
        ideal_security=0.3,
        ideal_economic=-0.2,
        last_security=0.2,
        last_economic=0.1,
    )
    ctx = context(**kwargs)
    flipped = context(
        **{
            **kwargs,
            "sign": (1.0, -1.0),
            "neighbour_alignment": -0.3,
            "ideal_security": -0.3,
            "ideal_economic": 0.2,
            "last_security": -0.2,
            "last_economic": -0.1,
        }
    )
    for name, term in U.TERMS.items():
        np.testing.assert_allclose(
            value(term, -s, -e, a, flipped), value(term, s, e, a, ctx), atol=1e-14, err_msg=name
        )


# ----------------------------------------------------------------------------- decision rules
def random_contexts(n: int, seed: int) -> tuple[U.Context, SimpleNamespace]:
    """n random contexts side by side (leading axis), and random weights per context."""
    rng = np.random.default_rng(seed)

    def state():
        return rng.uniform(0, 1, (n, 1))

    def signed():
        return rng.uniform(-1, 1, (n, 1))

    def per_pole():
        return rng.uniform(0, 1, (n, 2, 1))

    ctx = U.Context(
        threat=state(), rivalry=state(), taiwan=state(), defence_cost=rng.uniform(0.2, 2, (n, 1)),
        diversification=rng.uniform(0, 2, (n, 1)), ideal_security=signed(), ideal_economic=signed(),
        neighbour_ties=state(), neighbour_alignment=signed(), last_security=signed(), last_economic=signed(),
        last_autonomy=state(), economic_stickiness=rng.uniform(0, 8, (n, 1)), autonomy_stickiness=rng.uniform(0, 4, (n, 1)),
        appeasement=state(), consent_complement=rng.uniform(0, 2, (n, 1)),
        sign=np.broadcast_to(np.array([[-1.0], [1.0]]), (n, 2, 1)),
        protector=np.broadcast_to(np.array([[0.0], [1.0]]), (n, 2, 1)), capability=per_pole(),
        reliability=per_pole(), market=per_pole(), coercion=per_pole(), memory=per_pole(), trade_pressure=per_pole(),
        military=per_pole(), consent=per_pole(),
    )  # fmt: skip
    # Some weights zero (e.g. no inertia, no domestic pull): flat or convex utilities then occur.
    w = rng.uniform(0, 2, (len(WEIGHT_KEYS), n, 1)) * (
        rng.uniform(size=(len(WEIGHT_KEYS), n, 1)) > 0.2
    )
    return ctx, SimpleNamespace(**dict(zip(WEIGHT_KEYS, w, strict=True)))


def utility_along(ctx, w, dim: int, values: np.ndarray) -> np.ndarray:
    n = ctx.threat.shape[0]
    grid = np.broadcast_to(values, (n, values.size))
    last = [ctx.last_security, ctx.last_economic, ctx.last_autonomy]
    options = [grid if d == dim else np.broadcast_to(last[d], grid.shape) for d in range(3)]
    return U.utility(*options, ctx, w)


def test_partial_rules_best_response_is_the_argmax_over_a_fine_grid():
    ctx, w = random_contexts(400, seed=2)
    best = best_response(ctx, w)
    for dim, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True)):
        grid = np.linspace(lo, hi, 4001)
        u = utility_along(ctx, w, dim, grid)
        brute_best = u.max(axis=-1)
        at_best = utility_along(ctx, w, dim, best[dim][:, None])[:, 0]
        # never worse than the grid's best, and where the optimum is unique, at the same place
        assert np.all(at_best >= brute_best - 1e-12), f"dimension {dim}"
        unique = (np.sort(u, axis=-1)[:, -1] - np.sort(u, axis=-1)[:, -3]) > 1e-9
        np.testing.assert_allclose(
            best[dim][unique], grid[np.argmax(u, axis=-1)][unique], atol=(hi - lo) / 4000
        )


def test_best_response_takes_the_better_end_when_utility_is_not_concave():
    ctx = context(market=(0.4, 0.6), diversification=0.0)  # linear in e: a corner
    best = best_response(ctx, weights(economic=1.0))
    assert float(best.economic) == 1.0
    # a negative weight (not a valid parameter, but a valid input to the rule) makes the
    # utility convex; the farther end from the last position is then the better one
    convex = context(last_security=0.2)
    best = best_response(convex, weights(inertia=-1.0))
    assert float(best.security) == -1.0


def rows_along(ctx: U.Context, levels, relative: bool) -> list[np.ndarray]:
    """The rows of `utilities_along` spelled out as options (..., K): the current position,
    then each dimension moved to its levels with the other two held."""
    current = (ctx.last_security, ctx.last_economic, ctx.last_autonomy)
    options = [[x] for x in current]
    for d, values in enumerate(levels):
        for k, x in enumerate(current):
            moved = (
                (x + values) if relative else np.broadcast_to(values, x.shape[:-1] + values.shape)
            )
            options[k].append(moved if k == d else np.broadcast_to(x, x.shape[:-1] + values.shape))
    return [np.concatenate(parts, axis=-1) for parts in options]


def test_each_term_reads_only_the_dimensions_it_declares():
    # the decision kernels (`sim.kernels.utility_along_*`) take a term at the current
    # position for every option that differs only in what it does not read: a wrong READS
    # entry would silently change the best response
    ctx, _ = random_contexts(300, seed=4)
    rng = np.random.default_rng(5)
    s, e, a = (rng.uniform(lo, hi, (300, 5)) for lo, hi in zip(LOWER, UPPER, strict=True))
    for name, term in U.TERMS.items():
        base = value(term, s, e, a, ctx)
        for d in range(3):
            options = [s, e, a]
            options[d] = rng.uniform(LOWER[d], UPPER[d], (300, 5))
            changed = not np.array_equal(value(term, *options, ctx), base)
            assert changed == ("sea"[d] in U.READS[name]), f"{name} and {'sea'[d]}"


@pytest.mark.parametrize("leading", [(), (40,), (40, 3)])
@pytest.mark.parametrize(
    "levels, relative",
    [
        ((np.array([-1.0, 1.0]),) * 3, True),  # the best response's seven evaluations
        ((np.linspace(-1, 1, 5), np.linspace(-1, 1, 4), np.linspace(0, 1, 3)), False),  # logit
    ],
)
def test_utilities_along_are_the_utility_at_the_same_options_to_the_last_bit(
    leading, levels, relative
):
    n = int(np.prod(leading)) if leading else 1
    flat, w = random_contexts(n, seed=6)
    ctx = U.Context(*(np.asarray(x).reshape(leading + np.shape(x)[1:]) for x in flat))
    w = SimpleNamespace(**{k: v.reshape(leading + (1,)) for k, v in vars(w).items()})
    expected = U.utility(*rows_along(ctx, levels, relative), ctx, w)  # the plain layout
    got = utilities_along(ctx, w, levels, relative)  # (rows, ..., runs)
    got = np.moveaxis(np.moveaxis(got, 0, -1), -2, 0)  # (runs, ..., rows)
    np.testing.assert_array_equal(got if leading else got[0], expected)


def test_partial_adjustment_closes_its_share_of_the_gap_and_stays_in_bounds():
    ctx, w = random_contexts(200, seed=3)
    best = best_response(ctx, w)
    zero = tuple(np.zeros(200) for _ in range(3))
    last = (ctx.last_security[:, 0], ctx.last_economic[:, 0], ctx.last_autonomy[:, 0])
    full = partial_adjustment(ctx, w, 1.0, 0.0, zero)
    still = partial_adjustment(ctx, w, 0.0, 0.0, zero)
    half = partial_adjustment(ctx, w, 0.5, 0.0, zero)
    for d in range(3):
        np.testing.assert_allclose(full[d], best[d], atol=1e-12)
        np.testing.assert_array_equal(still[d], last[d])
        np.testing.assert_allclose(half[d], (last[d] + best[d]) / 2, atol=1e-12)
    shaken = partial_adjustment(ctx, w, 0.5, 10.0, tuple(np.full(200, x) for x in (3.0, -3.0, 3.0)))
    assert (
        np.all(shaken.security == 1.0)
        and np.all(shaken.economic == -1.0)
        and np.all(shaken.autonomy == 1.0)
    )


def test_logit_choice_frequencies_match_softmax_probabilities():
    grid, draws = 11, 20000
    one, w = random_contexts(1, seed=4)
    utilities = [
        utility_along(one, w, d, np.linspace(lo, hi, grid))[0]
        for d, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True))
    ]
    # a temperature at which every option is drawn often enough for a chi-square test
    temperature = max(np.ptp(u) for u in utilities) / 3.0
    ctx = U.Context(*(np.broadcast_to(x, (draws,) + x.shape[1:]) for x in one))
    uniforms = np.random.default_rng(5).uniform(size=(3, draws))
    chosen = logit_choice(ctx, w, temperature, grid, tuple(uniforms))
    for dim, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True)):
        levels = np.linspace(lo, hi, grid)
        index = np.rint((chosen[dim] - lo) / (hi - lo) * (grid - 1)).astype(int)
        np.testing.assert_allclose(levels[index], chosen[dim], atol=1e-12)  # only grid levels
        observed = np.bincount(index, minlength=grid)
        expected = softmax(utilities[dim] / temperature) * draws
        assert expected.min() >= 5
        p = stats.chisquare(observed, expected).pvalue
        assert p > 1e-3, (
            f"dimension {dim}: frequencies {observed} vs expected {expected.round(1)} (p = {p:.2g})"
        )


def test_logit_temperature_runs_from_argmax_to_uniform():
    one, w = random_contexts(1, seed=6)
    draws = 4000
    ctx = U.Context(*(np.broadcast_to(x, (draws,) + x.shape[1:]) for x in one))
    uniforms = tuple(np.random.default_rng(7).uniform(size=(3, draws)))
    cold = logit_choice(ctx, w, 1e-6, 21, uniforms)
    levels = np.linspace(-1, 1, 21)
    assert np.all(cold.security == levels[np.argmax(utility_along(one, w, 0, levels)[0])])
    hot = logit_choice(ctx, w, 1e6, 21, uniforms)
    counts = np.bincount(np.rint((hot.security + 1) * 10).astype(int), minlength=21)
    assert stats.chisquare(counts).pvalue > 1e-3
