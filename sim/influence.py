"""How a great power's levers move a middle power's answer: the cross-partials of the middle
power's utility slope with respect to each lever, in closed form.

A lever enters a middle power's context linearly (reliability, market, coercion, trade
pressure, military threat, consent; see `sim.dynamics.middle_power_context`), and every
utility term is at most quadratic in each of the state's own choices, so a lever shifts the
slope of the utility along security (A_s) and economic alignment (A_e) and leaves their
curvature alone. `lever_pulls` returns G_xk = dA_x / dL_k for every pair (state, great power)
and lever k; tests/test_influence.py checks every entry against finite differences of
`sim.utility.utility` through the context, so the equations here are those of `sim.utility`
differentiated, not a second model. All arrays runs first: (R, M, P) per pair.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.arrays import total
from sim.options import like_state_field, per_decision, runs_first
from sim.params import LEVERS
from sim.utility import Context

K = {lever: k for k, lever in enumerate(LEVERS)}


class Pairs(NamedTuple):
    """What a great power's levers do to each middle power, per pair (R, M, P): the numbers of
    the context before they are broadcast over options, and where the clips bind."""

    reliability: np.ndarray  # effective reliability in [0, 1]
    reliability_interior: np.ndarray  # bool: the clip of reliability does not bind
    military: np.ndarray  # military threat theta_pi
    military_interior: np.ndarray  # bool: the clip of the military level does not bind
    restriction: np.ndarray  # restriction in force (events, or the coercion lever if higher)
    coercion_binds: np.ndarray  # bool: the coercion lever sets the restriction in force
    inducement: np.ndarray  # inducement lever in force
    trade_pressure: np.ndarray  # tariffs and demands in force
    consent: np.ndarray  # consent lever in force


def _pole(x):  # (R, M, P, 1) -> (R, M, P)
    return x[..., 0]


class PoleView(NamedTuple):
    """The context fields the cross-partials read, laid out runs last as `sim.options` does:
    state fields (M, 1, R), great-power fields and pairs (M, P, R), per-run weights (1, 1, R)
    or (R,). NumPy then runs every operation along rows of runs, not over axes of 2 to 6."""

    threat: np.ndarray
    rivalry: np.ndarray
    last_security: np.ndarray
    last_economic: np.ndarray
    last_autonomy: np.ndarray
    appeasement: np.ndarray
    consent_complement: np.ndarray
    sign: np.ndarray
    protector: np.ndarray
    capability: np.ndarray
    military: np.ndarray


def pole_view(ctx: Context) -> PoleView:
    """The fields of `ctx` (runs first) that `pulls` reads, runs last."""
    state = lambda x: like_state_field(x, 2)[:, None]  # noqa: E731  (R, M, 1) -> (M, 1, R)
    pole = lambda x: like_state_field(x, 3)  # noqa: E731  (R, M, P, 1) -> (M, P, R)
    return PoleView(
        **{name: state(getattr(ctx, name)) for name in PoleView._fields[:7]},
        **{name: pole(getattr(ctx, name)) for name in PoleView._fields[7:]},
    )


def pairs_runs_last(pairs: Pairs) -> Pairs:
    """`pairs` (R, M, P) laid out (M, P, R)."""
    return Pairs(*(per_decision(x, 3) for x in pairs))


def security_value_of_reliability(ctx: Context, weights) -> np.ndarray:
    """dA_s / dr_p divided by sign_p / 2 (Q): what a unit of p's reliability is worth to the
    slope of security alignment, through protection, abandonment and the balance of threat
    against the other great powers. (R, M, P)."""
    view = pole_view(ctx)
    return runs_first(_reliability_value(view, _runs_last_weights(weights)), 3)


def _runs_last_weights(weights) -> dict[str, np.ndarray]:
    """The utility weights `pulls` reads, (R, M or 1, 1) laid out (M or 1, 1, R)."""
    laid_out = {name: like_state_field(getattr(weights, name), 2) for name in WEIGHTS}
    return {name: x if x.ndim == 0 else x[:, None] for name, x in laid_out.items()}


WEIGHTS = ("protection", "abandonment", "great_power_threat", "coercion", "economic")
WEIGHTS += ("trade_pressure",)


def _reliability_value(ctx: PoleView, wt) -> np.ndarray:
    """`security_value_of_reliability` on runs-last arrays (M, P, R)."""
    military = ctx.military
    everyone = total(military, axis=-2)[:, None]
    return (
        wt["protection"] * ctx.threat * ctx.protector * ctx.capability
        + wt["abandonment"] * (1.0 - ctx.last_autonomy)
        + wt["great_power_threat"] * ctx.capability * (everyone - military)
    )


def lever_pulls(w, ctx: Context, pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """(G_s, G_e), each (R, M, P, K): the change of the slope of a middle power's utility along
    security and economic alignment per unit of each great power's lever toward it."""
    g_s, g_e = pulls(w, pole_view(ctx), pairs_runs_last(pairs))  # (M, K, P, R)
    return np.moveaxis(g_s, (1, 3), (3, 0)), np.moveaxis(g_e, (1, 3), (3, 0))


def pulls(w, ctx: PoleView, pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """`lever_pulls` runs last: `ctx` from `pole_view`, `pairs` from `pairs_runs_last`;
    (G_s, G_e) each (M, K, P, R)."""
    wt, dyn = _runs_last_weights(w.weights), w.dynamics
    half_sign = ctx.sign / 2.0  # d(share of p)/dx
    rivalry_scale = 0.5 + 0.5 * ctx.rivalry  # (1, 1, R)
    q = _reliability_value(ctx, wt)
    r_inside = pairs.reliability_interior
    exports = per_decision(w.exports, 3)
    loss = dyn.restriction_loss
    security_share = (1.0 + ctx.sign * ctx.last_security) / 2.0
    economic_share = (1.0 + ctx.sign * ctx.last_economic) / 2.0
    binds = pairs.coercion_binds

    m, p, r = q.shape
    g_s = np.zeros((m, len(LEVERS), p, r))
    g_e = np.zeros_like(g_s)
    reliability_pull = half_sign * q * r_inside
    g_s[:, K["commitment"]] = dyn.commitment_gain * reliability_pull
    g_s[:, K["tariff"]] = -w.sizes.tariff_doubt * reliability_pull
    g_e[:, K["tariff"]] = wt["trade_pressure"] * rivalry_scale * half_sign
    g_e[:, K["inducement"]] = (
        wt["economic"] * exports * (1.0 - loss * pairs.restriction) * half_sign
    )
    g_s[:, K["coercion"]] = wt["coercion"] * economic_share * half_sign * binds
    g_e[:, K["coercion"]] = (
        -half_sign
        * (
            wt["coercion"] * (1.0 - security_share)
            + wt["economic"] * loss * exports * (1.0 + pairs.inducement)
        )
        * binds
    )
    g_s[:, K["consent"]] = (
        wt["abandonment"] * ctx.consent_complement * ctx.last_autonomy * half_sign
    )
    # military: theta_p = exposure (1/2 + rivalry/2) clip(base + lever); its pull on security
    # is toward the others' protection (balancing) and toward p itself (appeasement)
    sign = ctx.sign
    protection_by = sign * pairs.reliability * ctx.capability  # (M, P, R)
    others = total(protection_by, axis=-2)[:, None] - protection_by
    g_s[:, K["military"]] = (
        wt["great_power_threat"]
        * per_decision(w.military_exposure, 2)[:, None]
        * rivalry_scale
        * 0.5
        * (others + ctx.appeasement * sign)
        * pairs.military_interior
    )
    return g_s, g_e


def threat_pull(w, pairs: Pairs, sign: np.ndarray, protector: np.ndarray) -> np.ndarray:
    """dA_s / d(the challenger's threat), (R, M): protection's slope per unit of the threat
    (before the state's exposure); `sign`, `protector` (P,)."""
    worth = protector * pairs.reliability * w.capability[:, None, :] * sign / 2.0
    return w.weights.protection[..., 0] * w.threat_exposure * worth.sum(axis=-1)
