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
column for a GreatPower agent).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.decision import Response, adjust, logit_pick, vertex
from sim.dynamics.clock import EVERY
from sim.params import LEVERS
from sim.random import normal_at, uniform_at

FLAT = 1e-9  # a curvature above -FLAT: the middle power does not answer along that dimension


class Forecast(NamedTuple):
    """What a great power expects of each middle power, per lever slot (the slots are pairs
    (great power, lever), see `active_slots`). Runs last, like `sim.options`: the arrays are
    small in every axis but the runs, so the runs go last and every operation runs along them."""

    alignment: np.ndarray  # alpha_hat at the levers in force, (M, A, R)
    stake: np.ndarray  # St_i, (M, 1, R)
    gain: np.ndarray  # d alpha_hat / d L, (M, A, R)


def runs_last(x: np.ndarray) -> np.ndarray:
    """(R, ...) -> (..., R), contiguous."""
    return np.ascontiguousarray(np.moveaxis(x, 0, -1))


def runs_first(x: np.ndarray) -> np.ndarray:
    """(..., R) -> (R, ...), contiguous."""
    return np.ascontiguousarray(np.moveaxis(x, -1, 0))


def reviewing(w, k: int) -> np.ndarray:
    """(R,) whether step k ends a review period of the great powers (`strategy.review_months`)."""
    months = int(w.params.scenario.step_months)
    period = w.strategy.review_months
    return (k * months) // period != ((k - 1) * months) // period


def active_slots(caps: np.ndarray, pole_ids: np.ndarray):
    """The (great power, lever) slots with a positive bound in some run of the block: (global
    pole index, position among the poles asked about, lever index), each (A,). `caps`
    (R, P', K) are the bounds of the great powers `pole_ids` (global indices, (P',)). A slot
    bounded at 0 in every run chooses 0 whatever its slope, so skipping it (and writing 0)
    changes no number: a run's levers do not depend on its block."""
    pole_of, lever = np.nonzero((caps > 0).any(axis=0))
    return pole_ids[pole_of], pole_of, lever


def alignment_forecast(w, response: Response, poles, pledge: np.ndarray) -> np.ndarray:
    """alpha_hat (M, P', R): the share of each middle power aligned with each great power
    `poles` (global indices, or a slice) where it is heading, its pledges (R, M, P) read as
    a signal of alignment ("a kind of 'pledge of allegiance'", 001)."""
    aims = runs_last(w.aims[:, poles])  # (P', 2, R)
    heading = aims[None, :, 0] * runs_last(response.target_security)[:, None]
    heading = heading + aims[None, :, 1] * runs_last(response.target_economic)[:, None]
    signal = w.dynamics.pledge_signal * runs_last((pledge * w.sign).sum(axis=-1))  # (M, R)
    return (1.0 + w.sign[poles][:, None] * (heading + signal[:, None])) / 2.0


def stake(w, rivalry) -> np.ndarray:
    """St_i (M, 1, R): what a middle power's full alignment is worth to a great power."""
    value = w.strategy.stake * runs_last(w.importance) * (0.5 + 0.5 * rivalry)
    return value[:, None]


def answer(curvature: np.ndarray) -> np.ndarray:
    """How far a middle power's target moves per unit of slope, 1 / (-2 B), (M, 1, R); 0
    where its utility is flat along the dimension (curvature (R, M))."""
    curvature = runs_last(curvature)[:, None]
    flat = curvature > -FLAT
    return np.where(flat, 0.0, 1.0 / np.where(flat, -1.0, -2.0 * curvature))


def forecast(w, response: Response, g_s, g_e, rivalry, poles, pledge, alignment=None) -> Forecast:
    """alpha_hat and its gain per lever for lever slots of the great powers `poles` (global
    pole index of each slot, (A,)): g_s, g_e (R, M, A) from `lever_pulls`, `response` the
    middle powers' targets and curvatures (R, M). `alignment`: alpha_hat (M, A, R) if the
    caller has it already (`alignment_forecast`), else computed here."""
    if alignment is None:
        alignment = alignment_forecast(w, response, poles, pledge)
    return slot_forecast(w, response, runs_last(g_s), runs_last(g_e), rivalry, poles, alignment)


def slot_forecast(w, response: Response, g_s, g_e, rivalry, poles, alignment) -> Forecast:
    """`forecast` with the pulls g_s, g_e laid out runs last, (M, A, R) (`sim.influence.pulls`)."""
    aims = runs_last(w.aims)[poles]  # (A, 2, R): rows of runs gathered, not runs of rows
    shift = aims[:, 0] * g_s * answer(response.curvature_security)
    shift = shift + aims[:, 1] * g_e * answer(response.curvature_economic)
    return Forecast(
        alignment,
        stake(w, rivalry),
        w.sign[poles][:, None] * shift / 2.0,
    )


def great_power_levers(
    w,
    fc: Forecast,
    levers: np.ndarray,
    caps: np.ndarray,
    k: int,
    keys: np.ndarray | None,
    slots,
    pledge: np.ndarray,
) -> np.ndarray:
    """New levers (R, M, P', K) of the great powers asked about, from the levers in force
    `levers` (R, M, P', K) with bounds `caps` (R, P', K); `slots` from `active_slots` (the
    forecast is per slot); `keys` their lever streams (R, M, P', K) (drawn only if there is
    noise, or under the logit rule). Slots bounded at 0 everywhere are 0. A tariff on a
    middle power that pledged investment to the great power costs it `deal` per unit of
    tariff and pledge (tariffs jeopardise the investment: the pledge buys relief)."""
    poles, pole_of, lever = slots
    # every array laid out runs last once, then the slots gathered from rows of runs
    cost = runs_last(w.lever_cost)[poles, lever]  # (A, R)
    now = runs_last(levers)[:, pole_of, lever]  # (M, A, R)
    slope = 2.0 * fc.stake * (1.0 - fc.alignment) * fc.gain - 2.0 * cost * now
    tariff = lever == LEVERS.index("tariff")
    if tariff.any():
        deal = runs_last(w.deal[:, None, poles[tariff]] * pledge[:, :, poles[tariff]])
        slope[:, tariff] = slope[:, tariff] - deal
    curvature = -fc.stake * fc.gain**2 - cost * (1.0 + w.strategy.inertia)
    hi = np.broadcast_to(runs_last(caps)[pole_of, lever], now.shape)
    draws = runs_last(keys)[:, pole_of, lever] if draws_needed(w, keys) else None
    chosen = np.zeros(levers.shape[1:] + levers.shape[:1])  # (M, P', K, R)
    chosen[:, pole_of, lever] = choose(w, slope, curvature, now, 0.0, hi, k, draws)
    return runs_first(chosen)


def draws_needed(w, keys) -> bool:
    """Whether `choose` reads its random draws: under the logit rule, or with noise."""
    return keys is not None and (w.decision.rule == "logit" or bool(np.any(w.strategy.noise > 0)))


def choose(w, slope, curvature, current, lo, hi, k, keys):
    """A great power's rule on runs-last arrays: the clipped vertex (plus noise if any), or a
    logit draw over `strategy.grid` levels of [lo, hi] with utilities from the same slope and
    curvature."""
    st = w.strategy
    if w.decision.rule == "logit":
        bounds = [np.broadcast_to(b, np.shape(current)) for b in (lo, hi)]
        levels = np.linspace(*bounds, st.grid)
        move = levels - current
        u = slope * move + curvature * move**2
        return logit_pick(u, levels, st.temperature, uniform_at(keys, k))
    target = vertex(slope, curvature, current, lo, hi)
    if not np.any(st.noise > 0):  # no draws at all (see `draws_needed`): the same either way
        return target
    return adjust(current, target, 1.0, st.noise, normal_at(keys, k), lo, hi)


def restraint_effect(w, russia_dprk) -> np.ndarray:
    """d y* / d restraint_p (R, P), minus: how far a unit of p's restraint lowers the
    challenger's next choice (its leverage, eroded by the backers' outside option)."""
    ch = w.challenger_params
    if w.dynamics.challenger != "strategic":
        return np.zeros_like(w.leverage)
    eroded = (1.0 - ch.outside_option * russia_dprk)[:, None]
    return (ch.restraint_response[:, None] * w.leverage * eroded) / (
        2.0 * (ch.cost + ch.inertia)[:, None]
    )


def great_power_restraint(
    w,
    fc: Forecast,
    threat_pull: np.ndarray,
    response: Response,
    pledge: np.ndarray,
    restraint: np.ndarray,
    effect: np.ndarray,
    taiwan: np.ndarray,
    k: int,
    keys: np.ndarray | None,
    poles=EVERY,
    alignment=None,
) -> np.ndarray:
    """New restraint (R, P') of the great powers `poles` on the challenger. `threat_pull`
    (R, M) from `sim.influence.threat_pull`, `effect` (R, P) from `restraint_effect`,
    `taiwan` the effective Taiwan risk (R,); `alignment` as in `forecast`, (M, P', R)."""
    sign, effect = w.sign[poles][:, None], runs_last(effect[:, poles])  # (P', 1), (P', R)
    protector = w.protector
    if alignment is None:
        alignment = alignment_forecast(w, response, poles, pledge)  # (M, P', R)
    # a unit of restraint lowers y* by `effect`, the threat target by threat_effect times that
    dthreat = -w.challenger_params.threat_effect * effect  # (P', R)
    g_s = runs_last(threat_pull)[:, None] * dthreat  # (M, P', R)
    aims = runs_last(w.aims[:, poles, 0])  # (P', R)
    gain = sign * aims * g_s * answer(response.curvature_security) / 2.0
    st = w.strategy
    rival_of_adversary = (protector.sum() - protector[poles])[:, None]
    cost_of_provocation = (
        st.own_threat * protector[poles][:, None]
        + st.stability
        - st.second_front * taiwan * rival_of_adversary
    )
    cost = runs_last(w.restraint_cost[:, poles])
    now = runs_last(restraint)
    slope = (2.0 * fc.stake * (1.0 - alignment) * gain).sum(axis=0)
    slope = slope + st.stake * cost_of_provocation * effect - 2.0 * cost * now
    curvature = -(fc.stake * gain**2).sum(axis=0) - cost * (1.0 + st.inertia)
    bound = runs_last(w.restraint_max[:, poles])
    draws = runs_last(keys) if draws_needed(w, keys) else None
    return runs_first(choose(w, slope, curvature, now, -bound, bound, k, draws))


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
    shows; their sum is z."""
    ch = w.challenger_params
    eroded = 1.0 - ch.outside_option * russia_dprk
    return {
        "hostility": ch.hostility,
        "alliance_tightening": ch.spiral * tightening,
        "backing": w.backing_effect * russia_dprk,
        "opportunity": ch.opportunity * taiwan * (1.0 - adversary_reliability),
        "restraint": -ch.restraint_response * eroded * (w.leverage * restraint).sum(axis=-1),
        "summits": -ch.summit_response * momentum,
        "engagement": -ch.engagement_response * engagement,
    }


def challenger_choice(w, incentive: np.ndarray, last: np.ndarray, k: int, keys) -> np.ndarray:
    """Pyongyang's provocation y in [-1, 1] (R,): U(y) = z y - cost y^2 - inertia (y - y_t)^2,
    the clipped vertex plus noise (its PROVOCATION stream)."""
    ch = w.challenger_params
    slope = incentive - 2.0 * ch.cost * last
    curvature = -(ch.cost + ch.inertia)
    target = vertex(slope, curvature, last, -1.0, 1.0)
    noise = ch.noise * np.sqrt(w.dt_years)
    return adjust(last, target, 1.0, noise, normal_at(keys, k), -1.0, 1.0)


# ----------------------------------------------------------------------------- the "why"
def lever_terms(
    w, fc: Forecast, levers: np.ndarray, caps: np.ndarray, slots, pledge: np.ndarray
) -> dict[str, np.ndarray]:
    """The parts of the slope of V_p at the levers in force that `great_power_levers` judges
    from, each (R, M, P', K) (0 in slots bounded at 0 everywhere), and its `curvature`:

    - `alignment`: 2 St (1 - alpha_hat) d alpha_hat / d L, what moving the middle power
      toward p is worth;
    - `cost`: -2 c L^t, the lever's running cost;
    - `deal`: -deal x pledge, a tariff's threat to the investment pledged to p (tariffs only).

    Inertia, eta (L - L^t)^2, has no slope at L^t: it only steepens the curvature (how far a
    review goes), as the middle power's answer does; `curvature` holds the sum. The parts add
    up to the slope, so `vertex(sum of parts, curvature, L^t, 0, bound)` is the choice."""
    poles, pole_of, lever = slots
    cost = runs_last(w.lever_cost[:, poles, lever])  # (A, R)
    now = runs_last(levers[:, :, pole_of, lever])  # (M, A, R)
    parts = {
        "alignment": 2.0 * fc.stake * (1.0 - fc.alignment) * fc.gain,
        "cost": -2.0 * cost * now,
        "deal": np.zeros(now.shape),
    }
    tariff = lever == LEVERS.index("tariff")
    if tariff.any():
        parts["deal"][:, tariff] = -runs_last(
            w.deal[:, None, poles[tariff]] * pledge[:, :, poles[tariff]]
        )
    parts["curvature"] = np.broadcast_to(
        -fc.stake * fc.gain**2 - cost * (1.0 + w.strategy.inertia), now.shape
    )
    terms = {}
    for name, value in parts.items():
        full = np.zeros(levers.shape)
        full[:, :, pole_of, lever] = runs_first(value)
        terms[name] = full
    return terms


def provocation_terms(
    w, incentive: dict[str, np.ndarray], last: np.ndarray
) -> dict[str, np.ndarray]:
    """The parts of the slope of Pyongyang's U(y) at its last choice y_t, each (R,): the parts
    of its incentive z (`provocation_incentive`) and `cost`, -2 cost y_t (inertia has no
    slope at y_t). `challenger_choice` moves toward the clipped vertex of their sum."""
    return {**incentive, "cost": -2.0 * w.challenger_params.cost * last}
