"""The choices of the great powers (their levers toward each middle power and their restraint
of the challenger) and of the challenger (provocation or dialogue), by the rules the middle
powers decide with (`sim.decision.vertex`, `adjust`, `logit_pick`).

Great power p's objective (docs/model.md, "Great powers"):

    V_p = sum_i St_i phi(alpha_hat_pi) - S D_p y_hat - sum_ik c_pk [L^2 + eta (L - L^t)^2]
          - c_res [res^2 + eta (res - res^t)^2]

with phi(alpha) = -(1 - alpha)^2 the loss in the share of middle power i aligned with p,
St_i = S omega_i (1/2 + rivalry/2) its stake, and alpha_hat the share p forecasts: where i is
heading (its `Response` target) shifted by the lever's pull on i's utility slope
(`sim.influence.lever_pulls`) over the utility's curvature. V_p is exactly quadratic in each
lever, so its slope and curvature at the lever in force give the choice in closed form.
Coordinate-wise and synchronous, like the middle powers: every lever is judged from L^t.
Arrays are runs first; `poles` selects the great powers asked about (all in the engine, one
column for a GreatPower agent). The equations are compiled once, in `sim.strategy_kernels`:
the engine's review (`great_powers_review`) and Pyongyang's choice (`challenger_choice`) run
there a block of runs at a time; the "why" panel's parts (`forecast`, `lever_terms`,
`provocation_incentive`) call the same scalar equations.
"""

from __future__ import annotations

import functools
import operator
from typing import NamedTuple

import numpy as np

from sim import strategy_kernels as kernels
from sim.arrays import caches_of, frozen
from sim.decision import Response, logit_pick
from sim.params import LEVERS
from sim.random import normal_at, step_counter, uniform_at
from sim.strategy_kernels import forecast_kernel, tables


class Forecast(NamedTuple):
    """What a great power expects of each middle power, per lever slot (the slots are pairs
    (great power, lever), see `active_slots`), each (R, M, A)."""

    alignment: np.ndarray  # alpha_hat at the levers in force
    stake: np.ndarray  # St_i
    gain: np.ndarray  # d alpha_hat / d L


def reviewing(w, k: int) -> np.ndarray:
    """(R,) whether step k ends a review period of the great powers (`strategy.review_months`)."""
    return reviews(w, k)[0]


def reviews(w, k: int) -> tuple[np.ndarray, bool | None]:
    """`reviewing` and, where every run has the same review period, whether every run reviews
    at step k (None where the periods differ): what the step asks of the runs, without a pass
    over them. Made once per world and step (`_reviews_at`; read only), then looked up: the
    step asks at every step."""
    table = caches_of(w, "_reviews")
    hit = table.get(k)
    if hit is None:
        hit = table[k] = _reviews_at(w, k)
    return hit


def _reviews_at(w, k: int) -> tuple[np.ndarray, bool | None]:
    """`reviews` of step k, computed."""
    months = int(w.params.scenario.step_months)
    period, shape = kernels.world_views(w, "review_period", lambda: _one_period(w))
    if shape is not None:  # one period for every run
        every = bool((k * months) // period != ((k - 1) * months) // period)
        return _every_run(shape, every), every
    review = (k * months) // period != ((k - 1) * months) // period
    frozen(review)  # kept and handed to every caller: no one changes it
    return review, None


@functools.lru_cache(maxsize=64)
def _every_run(shape: tuple[int, ...], reviews: bool) -> np.ndarray:
    """`np.full(shape, reviews)`, read only and kept: the same two arrays at every step of a
    world whose runs share one review period (a step asks at one run as at a chunk's)."""
    every = np.full(shape, reviews)
    frozen(every)
    return every


def _one_period(w):
    """(the review period, the runs' shape) if every run reviews every as many months, else
    (the periods, None): read once per world (`reviewing`)."""
    period = np.asarray(w.strategy.review_months)
    if period.size and (period == period.flat[0]).all():
        return period.flat[0], period.shape
    return period, None


def active_slots(caps: np.ndarray, pole_ids: np.ndarray):
    """The (great power, lever) slots with a positive bound in some run of the block: (global
    pole index, position among the poles asked about, lever index), each (A,). `caps`
    (R, P', K) are the bounds of the great powers `pole_ids` (global indices, (P',)). A slot
    bounded at 0 in every run chooses 0 whatever its slope, so skipping it (and writing 0)
    changes no number: a run's levers do not depend on its block."""
    pole_of, lever = np.nonzero((caps > 0).any(axis=0))
    return pole_ids[pole_of], pole_of, lever


def _active(w, caps: np.ndarray, poles: np.ndarray) -> np.ndarray:
    """(P', K): whether each lever of the great powers `poles` has a positive bound in some
    run of the block (`caps` (R, P, K)), read only; once per bounds and poles where the
    bounds are read only (the engine's, the same until a pressure changes: a pass over the
    block's bounds each review otherwise), the poles recognised by identity (a review's are
    kept, `_review_setup`)."""

    def compute():
        active = (caps[:, poles] > 0).any(axis=0)
        return kernels.read_only(active, active.shape, bool)

    if caps.flags.writeable:
        return compute()
    return kernels.world_views(w, ("active", len(poles)), compute, (caps, poles))


def forecast(w, response: Response, g_s, g_e, rivalry, poles, pledge) -> Forecast:
    """alpha_hat, St_i and the gain of alpha_hat per lever for lever slots of the great powers
    `poles` (global pole index of each slot, (A,)): g_s, g_e (R, M, A) from `lever_pulls`,
    `response` the middle powers' targets and curvatures (R, M), `rivalry` in force (R,),
    the pledges (R, M, P) (`sim.strategy_kernels.forecast_kernel`)."""
    u, s, q, _, g = tables(w, None, None, response, {"rivalry": rivalry}, pledge=pledge)
    g_s, g_e = (np.broadcast_to(np.asarray(x, dtype=np.float64), x.shape) for x in (g_s, g_e))
    out = np.empty((3,) + g_s.shape)
    forecast_kernel(
        u, s, q, g, np.broadcast_to(np.asarray(poles, np.int64), (len(poles),)), g_s, g_e, out
    )
    return Forecast(*out)


def great_powers_review(
    w,
    ctx,
    pairs,
    response: Response,
    dispositions,
    before,
    held,
    caps,
    k: int,
    keys,
    poles,
    trusted: bool = False,
):
    """New levers (R, M, P', K) and restraint (R, P') of the great powers `poles` (global
    indices, (P',)) on a review step, from what the middle powers saw (`ctx`, `pairs`), where
    they were heading (`response`), the `dispositions` and the State `before` in force, the
    levers in force `held` (R, M, P, K) with bounds `caps` (R, P, K), and their random
    streams `keys` (`sim.dynamics.Keys`; drawn only under noise or the logit rule). Slots
    bounded at 0 everywhere are 0 (`active_slots`). A tariff on a middle power that pledged
    investment to the great power costs it `deal` per unit of tariff and pledge (tariffs
    jeopardise the investment: the pledge buys relief). `sim.strategy_kernels.review_kernel`
    computes each lever's and the restraint's slope and curvature and the partial rule's
    choice; the logit rule draws over `strategy.grid` levels from the same slope and
    curvature. `trusted`: the arrays are a state's own and what the engine's observe phase
    made of it (`kernels.review_tables`)."""
    runs, middle = held.shape[:2]
    setup = _review_setup(w, caps.shape, middle, poles)
    tabs = kernels.review_tables(
        w,
        ctx,
        pairs,
        response,
        dispositions,
        before.pressures,
        before.pledge,
        before.restraint,
        setup.fixed,
        trusted,
    )
    poles = setup.poles
    shape = (runs, middle, len(poles), len(LEVERS))
    logit = w.decision.rule == "logit"
    noisy = not logit and setup.noisy
    if noisy:
        lever_shock = kernels.read_only(normal_at(keys.levers[:, :, poles], k), shape)
        restraint_shock = kernels.read_only(normal_at(keys.restraint[:, poles], k), shape[::2])
    else:  # no draws
        lever_shock, restraint_shock = setup.no_shocks
    levers, restraint = np.empty(shape), np.empty(shape[::2])
    if logit:  # it draws from the slopes and curvatures
        slope, curvature = np.empty(shape), np.empty(shape)
        restraint_slope, restraint_curvature = np.empty(shape[::2]), np.empty(shape[::2])
    else:  # none written
        slope = curvature = _NO_SLOPES
        restraint_slope = restraint_curvature = _NO_RESTRAINT_SLOPES
    active = _active(w, caps, poles)
    if not trusted:  # (the engine's bounds and levers in force are read only already)
        caps, held = kernels.read_only(caps, caps.shape), kernels.read_only(held, held.shape)
    setup.kernel(
        *tabs,
        (setup.lever_cost, caps),
        held,
        poles,
        active,
        w.dynamics.challenger == "strategic",
        noisy,
        logit,
        lever_shock,
        restraint_shock,
        levers,
        slope,
        curvature,
        restraint,
        restraint_slope,
        restraint_curvature,
    )
    if not logit:
        frozen(levers, restraint)
        return levers, restraint
    lever_keys, restraint_keys = keys.levers[:, :, poles], keys.restraint[:, poles]
    pole_of, lever = np.nonzero(active)
    now = held[:, :, poles][:, :, pole_of, lever]
    hi = np.broadcast_to(caps[:, poles][:, None, pole_of, lever], now.shape)
    chosen = np.zeros(shape)
    chosen[:, :, pole_of, lever] = logit_choice(
        w,
        slope[:, :, pole_of, lever],
        curvature[:, :, pole_of, lever],
        now,
        0.0,
        hi,
        k,
        lever_keys[:, :, pole_of, lever],
    )
    now, bound = before.restraint[:, poles], w.restraint_max[:, poles]
    chosen_restraint = logit_choice(
        w, restraint_slope, restraint_curvature, now, -bound, bound, k, restraint_keys
    )
    return chosen, chosen_restraint


# The slopes and curvatures the review writes only under the logit rule: empty otherwise,
# the same two arrays at every review (nothing is written to an empty array).
_NO_SLOPES, _NO_RESTRAINT_SLOPES = np.empty((0,) * 4), np.empty((0, 0))


@functools.lru_cache(maxsize=64)
def _no_shocks(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The shocks of a review without noise, zero (read-only views of one zero) for levers
    of `shape` (R, M, P', K) and the restraint (R, P'): the same two views at every review,
    not two new ones (at one run, a tenth of the review's own Python work)."""
    zero = np.zeros(())
    return kernels.read_only(zero, shape), kernels.read_only(zero, shape[::2])


class _ReviewSetup(NamedTuple):
    """What a review of a world's runs passes its kernel that no step changes (`_review_setup`)."""

    kernel: object  # `review_kernel`'s compiled kernel for the world's numbers of powers
    fixed: object  # the world's part of the kernel's tables (`strategy_kernels.fixed_views`)
    poles: np.ndarray  # the great powers under review, (P',) read only
    lever_cost: np.ndarray  # the levers' running costs (R, P, K), `once_per_run`
    noisy: bool  # whether some run's review has noise
    no_shocks: tuple[np.ndarray, np.ndarray]  # the shocks of a review without noise


def _review_setup(w, caps_shape: tuple[int, ...], middle: int, poles) -> _ReviewSetup:
    """The review's inputs that no step changes, kept with the world (`world_views`) for
    its great powers `poles` (an array of the great powers' indices, recognised by identity:
    `sim.dynamics.great_powers_decide` passes the same one every review, and never changed
    in place, as the world's arrays) and shape: at one run, five checks of the world's
    arrays (some forty, gathered one by one) and a look-up of the compiled kernel became one
    check, of arrays gathered in one call (with `tables`' views a group at a time, a review
    step 49-70 -> 41-42 us), and now one of `poles` alone (the world's are bound once)."""
    st = w.strategy

    def make():
        ids = kernels.read_only(np.asarray(poles, dtype=np.int64), (len(poles),), np.int64)
        shape = (caps_shape[0], middle, len(ids), len(LEVERS))
        return _ReviewSetup(
            kernel=kernels.compiled_review(caps_shape[1], middle),
            fixed=kernels.fixed_views(w, caps_shape[0], middle, caps_shape[1]),
            poles=ids,
            lever_cost=kernels.once_per_run(w.lever_cost, caps_shape),
            noisy=bool(np.any(st.noise > 0)),
            no_shocks=_no_shocks(shape),
        )

    return kernels.world_views(w, ("review", caps_shape, middle), make, (poles,))


def logit_choice(w, slope, curvature, current, lo, hi, k, keys):
    """The logit rule of a great power: a draw over `strategy.grid` levels of [lo, hi] with
    utilities from the slope and curvature of its objective at `current` (the runs on the
    first axis of every array)."""
    st = w.strategy
    lead = (slice(None),) + (None,) * (np.ndim(current) - 1)
    bounds = [np.broadcast_to(b, np.shape(current)) for b in (lo, hi)]
    levels = np.linspace(*bounds, st.grid)
    move = levels - current
    u = slope * move + curvature * move**2
    return logit_pick(u, levels, st.temperature[lead], uniform_at(keys, k))


# ----------------------------------------------------------------------------- the challenger
def provocation_incentive(
    w,
    tightening: np.ndarray,
    russia_dprk: np.ndarray,
    taiwan: np.ndarray,
    adversary_reliability: np.ndarray,
    restraint: np.ndarray,
    momentum: np.ndarray,
    engagement: np.ndarray,
) -> dict[str, np.ndarray]:
    """The parts of the challenger's incentive z to provoke, each (R,): what the "why" panel
    shows; their sum is z (`sim.strategy_kernels.incentive_parts`)."""
    runs = np.broadcast_shapes(*(np.shape(x) for x in (tightening, adversary_reliability)))[0]
    table = kernels.challenger_table(w, russia_dprk, taiwan, momentum, None, runs)
    out = np.empty((len(kernels.INCENTIVE_PARTS), runs))
    kernels.incentive_kernel(
        table,
        *(kernels.read_only(x, (runs,)) for x in (tightening, adversary_reliability)),
        kernels.read_only(w.leverage, w.leverage.shape),
        kernels.read_only(restraint, w.leverage.shape),
        kernels.read_only(engagement, (runs,)),
        out,
    )
    return dict(zip(kernels.INCENTIVE_PARTS, out, strict=True))


def challenger_choice(
    w,
    security,
    commitment,
    reliability,
    engagement,
    dispositions,
    before,
    k: int,
    keys,
    trusted: bool = False,
) -> np.ndarray:
    """Pyongyang's provocation y in [-1, 1] (R,): U(y) = z y - cost y^2 - inertia (y - y_t)^2,
    the clipped vertex plus noise (its PROVOCATION stream `keys`), its incentive z from the
    middle powers' new `security`, its adversary's `commitment` lever in force toward them
    and `reliability`, their governments' `engagement` (each (R, M)), and the `dispositions`
    and the State `before` in force (`sim.strategy_kernels.challenger_kernel`, which draws
    the noise's shocks). `trusted`: the arrays are a state's own and what the engine made
    of it (`sim.dynamics.challenger_decides` from the engine's step or the Mesa model's): each
    of the kernel's shape and dtype, as every test of `views` would find it (some 1.5% of a
    Mesa run), passed as they are."""
    runs = security.shape[0]
    setup = _challenger_setup(w, security.shape)
    step = (
        before.pressures["russia_dprk"],
        dispositions["taiwan_risk"],
        before.momentum,
        before.provocation,
    )
    around, restraint = (security, commitment, reliability, engagement), before.restraint
    if not trusted:
        around, step = kernels.views(around, security.shape), kernels.views(step, (runs,))
        # the restraint in force and the keys as they are where of the kernel's shape,
        # writable or not (its signature takes read-only arrays: `views`), not a read-only
        # view of each
        (restraint,) = kernels.views((restraint,), setup.leverage.shape)
        (keys,) = kernels.views((keys,), (runs,), np.uint64)
    out = np.empty(runs)
    setup.kernel(
        setup.own,
        step,
        around + (setup.exposure,),
        setup.leverage,
        restraint,
        setup.adversary_sign,
        setup.sqrt_dt,
        keys,
        step_counter(k),
        out,
    )
    frozen(out)
    return out


class _ChallengerSetup(NamedTuple):
    """What the challenger's choice passes its kernel that no step changes
    (`_challenger_setup`)."""

    kernel: object  # `challenger_kernel`'s compiled kernel for the world's numbers of powers
    own: np.ndarray  # its own parameters, the first of `CHALLENGER_FIELDS`, rows of (11, R)
    exposure: np.ndarray  # the middle powers' exposure to the threat, (R, M)
    leverage: np.ndarray  # the great powers' leverage on it, (R, P)
    adversary_sign: float  # the pole of its adversary
    sqrt_dt: float  # the noise's scale in a step


# the world's arrays the challenger's setup is made of, gathered in one call: its own
# parameters, then what `_challenger_setup` reads of the world
_CHALLENGER_SOURCES_OF = operator.attrgetter(
    *kernels.CHALLENGER_OWN, "threat_exposure", "leverage", "sign", "protector", "dt_years"
)


def _challenger_setup(w, states_shape: tuple[int, int]) -> _ChallengerSetup:
    """The challenger's inputs that no step changes, kept with the world (`world_views`) for
    the shape of its runs' middle powers (R, M), made once: its own parameters and the
    world's, gathered in one call, and the compiled kernel looked up once (at one run, with
    `views`, a choice 18-19 -> 16.6 us)."""

    def make():
        sources = _CHALLENGER_SOURCES_OF(w)
        return _ChallengerSetup(
            kernel=kernels.compiled_challenger(states_shape[1], w.leverage.shape[1]),
            own=kernels.own_block(sources[:-5], states_shape[0]),
            exposure=kernels.once_per_run(w.threat_exposure, states_shape),
            leverage=kernels.once_per_run(w.leverage, w.leverage.shape),
            adversary_sign=float(w.sign[w.adversary]),
            sqrt_dt=float(np.sqrt(w.dt_years)),
        )

    return kernels.world_views(w, ("challenger_choice", states_shape), make)


# ----------------------------------------------------------------------------- the "why"
def lever_terms(
    w, fc: Forecast, levers: np.ndarray, caps: np.ndarray, slots, pledge: np.ndarray
) -> dict[str, np.ndarray]:
    """The parts of the slope of V_p at the levers in force that `great_powers_review` judges
    from, each (R, M, P', K) (0 in slots bounded at 0 everywhere), and its `curvature`:

    - `alignment`: 2 St (1 - alpha_hat) d alpha_hat / d L, what moving the middle power
      toward p is worth;
    - `cost`: -2 c L^t, the lever's running cost;
    - `deal`: -deal x pledge, a tariff's threat to the investment pledged to p (tariffs only).

    Inertia, eta (L - L^t)^2, has no slope at L^t: it only steepens the curvature (how far a
    review goes), as the middle power's answer does; `curvature` holds the sum. The parts add
    up to the slope, so `vertex(sum of parts, curvature, L^t, 0, bound)` is the choice."""
    poles, pole_of, lever = slots
    cost = w.lever_cost[:, None, poles, lever]  # (R, 1, A)
    now = levers[:, :, pole_of, lever]  # (R, M, A)
    parts = {
        "alignment": kernels.alignment_part_everywhere(fc.stake, fc.alignment, fc.gain),
        "cost": kernels.cost_part_everywhere(cost, now),
        "deal": np.zeros(now.shape),
    }
    tariff = lever == LEVERS.index("tariff")
    if tariff.any():
        parts["deal"][:, :, tariff] = kernels.deal_part_everywhere(
            w.deal[:, None, poles[tariff]], pledge[:, :, poles[tariff]]
        )
    parts["curvature"] = np.broadcast_to(
        kernels.lever_curvature_everywhere(
            fc.stake, fc.gain, cost, w.strategy.inertia[:, None, None]
        ),
        now.shape,
    )
    terms = {}
    for name, value in parts.items():
        full = np.zeros(levers.shape)
        full[:, :, pole_of, lever] = value
        terms[name] = full
    return terms


def provocation_terms(
    w, incentive: dict[str, np.ndarray], last: np.ndarray
) -> dict[str, np.ndarray]:
    """The parts of the slope of Pyongyang's U(y) at its last choice y_t, each (R,): the parts
    of its incentive z (`provocation_incentive`) and `cost`, -2 cost y_t (inertia has no
    slope at y_t). `challenger_choice` moves toward the clipped vertex of their sum."""
    return {**incentive, "cost": -2.0 * w.challenger_params.cost * last}
