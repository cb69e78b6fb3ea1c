"""The utility a middle power sees in an option (security s, economic e, autonomy a).

One function per mechanism of MODEL.md, each unweighted; `utility` sums them with the weights
of `conf` (`weights.*`). Every function broadcasts: options carry a trailing axis of
candidates, context arrays broadcast against it, and any leading axes (runs, states) pass
through. The engine calls these for a batch of runs, a Mesa agent for its own state: the
equations exist once.

Shapes: options `s, e, a` are (..., K); state context is (..., 1); great-power context has a
pole axis, (..., P, 1), summed inside the term. A pole has a sign (+1 or -1): full security
alignment with it is s = sign, full economic orientation to it is e = sign. Nothing here
knows which pole is the US: swapping the poles mirrors every choice.

Every term is at most quadratic in each of s, e and a taken alone (bilinear across them), so
a state's best response along one dimension is the vertex of a parabola (see `decision`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Context(NamedTuple):
    """What a middle power knows when it decides (all arrays broadcast as described above)."""

    # state-level, (..., 1)
    threat: np.ndarray  # challenger's threat times this state's exposure
    rivalry: np.ndarray  # effective US-China rivalry
    taiwan: np.ndarray  # effective Taiwan risk times this state's exposure
    defence_cost: np.ndarray  # budget cost of autonomy
    diversification: np.ndarray  # concavity of economic gains
    ideal_security: np.ndarray  # the government's ideal point
    ideal_economic: np.ndarray
    neighbour_ties: np.ndarray  # sum of cooperation with neighbours
    neighbour_alignment: np.ndarray  # cooperation-weighted sum of neighbours' security
    last_security: np.ndarray  # the state's own position at the last step
    last_economic: np.ndarray
    last_autonomy: np.ndarray
    economic_stickiness: np.ndarray  # inertia of each dimension relative to security
    autonomy_stickiness: np.ndarray
    # per great power, (..., P, 1)
    sign: np.ndarray  # the pole of each great power (+1 or -1)
    protector: np.ndarray  # 1 for the great power the challenger threatens, else 0
    capability: np.ndarray  # share of the two great powers' military capability
    reliability: np.ndarray  # credibility of its commitment (pressures and shocks)
    market: np.ndarray  # realised value of its market (exports, inducement, restriction)
    coercion: np.ndarray  # readiness to punish plus restriction in force
    memory: np.ndarray  # remembered restrictions (drives de-risking)
    trade_pressure: np.ndarray  # tariffs and demands on economies oriented to its rival


def aligned(sign: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Share of alignment with the pole of `sign`: 1 at x = sign, 0 at x = -sign."""
    return (1.0 + sign * x) / 2.0


def _per_pole(x: np.ndarray) -> np.ndarray:
    return x[..., None, :]


# 1. Balance of threat (Walt 1987): protection is worth more the higher the threat and the
#    more reliable and capable the protector.
def protection(s, e, a, ctx: Context):
    worth = ctx.protector * ctx.reliability * ctx.capability * aligned(ctx.sign, _per_pole(s))
    return ctx.threat * worth.sum(axis=-2)


# 2a. Abandonment (Snyder 1984): leaning on a patron whose commitment is in doubt costs, less
#     so for a state that can defend itself.
def abandonment(s, e, a, ctx: Context):
    doubt = (1.0 - ctx.reliability) * aligned(ctx.sign, _per_pole(s))
    return -doubt.sum(axis=-2) * (1.0 - a)


# 2b. Entrapment (Snyder 1984): the deeper in either camp, the likelier to be dragged into a
#     US-China war; rivalry and Taiwan risk scale it. Convex in alignment.
def entrapment(s, e, a, ctx: Context):
    depth = aligned(ctx.sign, _per_pole(s)) ** 2
    return -ctx.rivalry * ctx.taiwan * depth.sum(axis=-2)


# 3. Economic gains from both markets, concave so that diversification pays (the classic
#    hedge: prosperity from both).
def economic(s, e, a, ctx: Context):
    share = aligned(ctx.sign, _per_pole(e))
    gains = (ctx.market * share).sum(axis=-2)
    return gains - 0.5 * ctx.diversification * (share**2).sum(axis=-2)


# 4. Coercion exposure (Hirschman 1945; Farrell & Newman 2019): punishment is expected in
#    proportion to dependence on the coercer times alignment with its rival (THAAD); the
#    memory of past restrictions makes dependence itself a risk (de-risking).
def coercion(s, e, a, ctx: Context):
    dependence = aligned(ctx.sign, _per_pole(e))
    provocation = aligned(-ctx.sign, _per_pole(s))
    expected = ctx.coercion * dependence * provocation + ctx.memory * dependence
    return -expected.sum(axis=-2)


# 5. Trade pressure: tariffs and demands on an economy oriented to the rival, scaled by
#    rivalry (the 2025 US tariffs and the investment pledge).
def trade_pressure(s, e, a, ctx: Context):
    toward_rival = aligned(-ctx.sign, _per_pole(e))
    return -(0.5 + 0.5 * ctx.rivalry) * (ctx.trade_pressure * toward_rival).sum(axis=-2)


# 6. Consistency under rivalry: the gap between security and economic alignment costs more
#    as rivalry rises (no more "security from Washington, economy from Beijing").
def consistency(s, e, a, ctx: Context):
    return -ctx.rivalry * (s - e) ** 2


# 7. Autonomy: self-reliant defence pays under threat and costs budget (its value under doubt
#    enters through abandonment, 2a).
def autonomy(s, e, a, ctx: Context):
    return ctx.threat * a - ctx.defence_cost * a**2


# 8. Domestic politics: the government's distance from its ideal point.
def domestic(s, e, a, ctx: Context):
    return -((s - ctx.ideal_security) ** 2) - (e - ctx.ideal_economic) ** 2


# 9. Neighbours: agreeing with cooperating neighbours' security alignment pays (KOR-JPN, the
#    trilateral); history disputes lower the ties.
def neighbours(s, e, a, ctx: Context):
    return 0.5 * (ctx.neighbour_ties + s * ctx.neighbour_alignment)


# 10. Inertia: changing course costs, and more so for trade and investment (supply chains)
#     and self-reliant defence (procurement) than for diplomatic alignment.
def inertia(s, e, a, ctx: Context):
    return -(
        (s - ctx.last_security) ** 2
        + ctx.economic_stickiness * (e - ctx.last_economic) ** 2
        + ctx.autonomy_stickiness * (a - ctx.last_autonomy) ** 2
    )


TERMS = {
    "protection": protection,
    "abandonment": abandonment,
    "entrapment": entrapment,
    "economic": economic,
    "coercion": coercion,
    "trade_pressure": trade_pressure,
    "consistency": consistency,
    "autonomy": autonomy,
    "domestic": domestic,
    "neighbours": neighbours,
    "inertia": inertia,
}


def term_values(s, e, a, ctx: Context, weights) -> dict[str, np.ndarray]:
    """Each weighted term at the options: what the "why" panel reads. `weights` holds one
    value per term, scalars or arrays shaped (runs, 1, 1) to broadcast over states and options."""
    return {name: getattr(weights, name) * term(s, e, a, ctx) for name, term in TERMS.items()}


def utility(s, e, a, ctx: Context, weights) -> np.ndarray:
    """Total utility of the options: the weighted sum of the terms, in a fixed order."""
    total = np.zeros(np.broadcast_shapes(np.shape(s), np.shape(e), np.shape(a)))
    for name, term in TERMS.items():
        total = total + getattr(weights, name) * term(s, e, a, ctx)
    return total
