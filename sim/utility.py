"""The utility a middle power sees in an option (security s, economic e, autonomy a).

One function per mechanism of MODEL.md, each unweighted and taking the candidate options
(an `Option`) and the decision context; `utility` sums them with the weights of `conf`
(`weights.*`). Every function broadcasts: options carry a trailing axis of
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

from functools import cached_property
from typing import NamedTuple

import numpy as np

from sim.arrays import total


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
    appeasement: np.ndarray  # value of aligning with a great power that threatens (bandwagoning)
    consent_complement: np.ndarray  # how much a patron's consent makes autonomy a complement
    # per great power, (..., P, 1)
    sign: np.ndarray  # the pole of each great power (+1 or -1)
    protector: np.ndarray  # 1 for the great power the challenger threatens, else 0
    capability: np.ndarray  # share of the two great powers' military capability
    reliability: np.ndarray  # credibility of its commitment (pressures and shocks)
    market: np.ndarray  # realised value of its market (exports, inducement, restriction)
    coercion: np.ndarray  # readiness to punish plus restriction in force
    memory: np.ndarray  # remembered restrictions (drives de-risking)
    trade_pressure: np.ndarray  # tariffs and demands on economies oriented to its rival
    military: np.ndarray  # its military pressure on this state (baseline, lever, rivalry)
    consent: np.ndarray  # its consent to this state's self-reliance (submarines, enrichment)


def aligned(sign: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Share of alignment with the pole of `sign`: 1 at x = sign, 0 at x = -sign."""
    return (1.0 + sign * x) / 2.0


def over_poles(x: np.ndarray) -> np.ndarray:
    """Sum over the pole axis (-2)."""
    return total(x, axis=-2)


class Option:
    """Candidate positions (s, e, a), each (..., K), with their shares toward each pole
    computed once and shared by the terms that need them."""

    def __init__(self, s: np.ndarray, e: np.ndarray, a: np.ndarray, ctx: Context):
        self.s, self.e, self.a, self._sign = s, e, a, ctx.sign

    @cached_property
    def security_share(self) -> np.ndarray:
        """(..., P, K): security alignment with each great power."""
        return aligned(self._sign, self.s[..., None, :])

    @cached_property
    def economic_share(self) -> np.ndarray:
        """(..., P, K): economic orientation to each great power (dependence on it)."""
        return aligned(self._sign, self.e[..., None, :])

    def rows(self, index) -> Option:
        """The options at `index` of a leading axis of options (axis 0), their shares taken
        from this one's rather than computed again."""
        part = object.__new__(Option)
        part.__dict__.update(
            s=self.s[index],
            e=self.e[index],
            a=self.a[index],
            _sign=self._sign,
            security_share=self.security_share[index],
            economic_share=self.economic_share[index],
        )
        return part


# 1. Balance of threat (Walt 1987): protection is worth more the higher the threat and the
#    more reliable and capable the protector.
def protection(x: Option, ctx: Context):
    worth = ctx.protector * ctx.reliability * ctx.capability
    return ctx.threat * over_poles(worth * x.security_share)


# 2a. Abandonment (Snyder 1984): leaning on a patron whose commitment is in doubt costs, less
#     so for a state that can defend itself; self-reliance the patron consents to pays with
#     the alliance (autonomy a complement: submarines "with the tacit approval of the US", 001),
#     without consent it substitutes for it.
def abandonment(x: Option, ctx: Context):
    doubt = over_poles((1.0 - ctx.reliability) * x.security_share) * (1.0 - x.a)
    consented = ctx.consent_complement * x.a * over_poles(ctx.consent * x.security_share)
    return consented - doubt


# 2b. Entrapment (Snyder 1984): the deeper in either camp, the likelier to be dragged into a
#     US-China war; rivalry and Taiwan risk scale it. Convex in alignment.
def entrapment(x: Option, ctx: Context):
    return -ctx.rivalry * ctx.taiwan * over_poles(x.security_share**2)


# 3. Economic gains from both markets, concave so that diversification pays (the classic
#    hedge: prosperity from both).
def economic(x: Option, ctx: Context):
    share = x.economic_share
    return over_poles(ctx.market * share) - 0.5 * ctx.diversification * over_poles(share**2)


# 4. Coercion exposure (Hirschman 1945; Farrell & Newman 2019): punishment is expected in
#    proportion to dependence on the coercer times alignment with its rival (THAAD); the
#    memory of past restrictions makes dependence itself a risk (de-risking).
def coercion(x: Option, ctx: Context):
    provocation = 1.0 - x.security_share  # alignment with each great power's rival
    return -over_poles(x.economic_share * (ctx.coercion * provocation + ctx.memory))


# 5. Trade pressure: tariffs and demands on an economy oriented to the rival, scaled by
#    rivalry (the 2025 US tariffs and the investment pledge).
def trade_pressure(x: Option, ctx: Context):
    toward_rival = 1.0 - x.economic_share
    return -(0.5 + 0.5 * ctx.rivalry) * over_poles(ctx.trade_pressure * toward_rival)


# 6. Consistency under rivalry: the gap between security and economic alignment costs more
#    as rivalry rises (no more "security from Washington, economy from Beijing").
def consistency(x: Option, ctx: Context):
    return -ctx.rivalry * (x.s - x.e) ** 2


# 7. Autonomy: self-reliant defence pays under threat, the challenger's and the great powers'
#    (internal balancing), and costs budget (its value under doubt enters through abandonment).
def autonomy(x: Option, ctx: Context):
    return (ctx.threat + over_poles(ctx.military)) * x.a - ctx.defence_cost * x.a**2


# 8. Domestic politics: the government's distance from its ideal point.
def domestic(x: Option, ctx: Context):
    return -((x.s - ctx.ideal_security) ** 2) - (x.e - ctx.ideal_economic) ** 2


# 9. Neighbours: agreeing with cooperating neighbours' security alignment pays (KOR-JPN, the
#    trilateral); history disputes lower the ties.
def neighbours(x: Option, ctx: Context):
    return 0.5 * (ctx.neighbour_ties + x.s * ctx.neighbour_alignment)


# 10. Inertia: changing course costs, and more so for trade and investment (supply chains)
#     and self-reliant defence (procurement) than for diplomatic alignment.
def inertia(x: Option, ctx: Context):
    return -(
        (x.s - ctx.last_security) ** 2
        + ctx.economic_stickiness * (x.e - ctx.last_economic) ** 2
        + ctx.autonomy_stickiness * (x.a - ctx.last_autonomy) ** 2
    )


# 11. Balance of threat against great powers (Walt 1987): a state under a great power's
#     military pressure gains from aligning with that power's rival, in proportion to the
#     rival's reliability and capability (balancing), or with the threatening power itself, in
#     proportion to the appeasement yield (bandwagoning, rarer). Summed per pole: pole p's
#     share is worth its protection against the others' threat plus appeasement of its own.
def great_power_threat(x: Option, ctx: Context):
    everyone = over_poles(ctx.military)[..., None, :]
    worth = ctx.reliability * ctx.capability * (everyone - ctx.military)
    worth = worth + ctx.appeasement[..., None, :] * ctx.military
    return over_poles(worth * x.security_share)


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
    "great_power_threat": great_power_threat,
}


# What each term reads of an option: (s)ecurity, (e)conomic, (a)utonomy. A term is the same
# at two options that differ only in what it does not read, which lets the decision rule
# evaluate it at fewer options (see `decision.star_utilities`); tests/test_utility.py checks
# every entry against the term itself.
READS = {
    "protection": "s",
    "abandonment": "sa",
    "entrapment": "s",
    "economic": "e",
    "coercion": "se",
    "trade_pressure": "e",
    "consistency": "se",
    "autonomy": "a",
    "domestic": "se",
    "neighbours": "s",
    "inertia": "sea",
    "great_power_threat": "s",
}


def term_values(s, e, a, ctx: Context, weights) -> dict[str, np.ndarray]:
    """Each weighted term at the options: what the "why" panel reads. `weights` holds one
    value per term, scalars or arrays shaped (runs, 1, 1) to broadcast over states and options."""
    option = Option(*np.broadcast_arrays(s, e, a), ctx)
    return {name: getattr(weights, name) * term(option, ctx) for name, term in TERMS.items()}


def utility(s, e, a, ctx: Context, weights) -> np.ndarray:
    """Total utility of the options: the weighted sum of the terms, in a fixed order."""
    option = Option(*np.broadcast_arrays(s, e, a), ctx)
    summed = np.zeros(option.s.shape)
    for name, term in TERMS.items():
        summed += getattr(weights, name) * term(option, ctx)
    return summed
