"""Why a middle power moved: each utility term's contribution to its last move.

The contribution of a term is its weighted value (`sim.utility.term_values`) at the new
position minus at the old one, in the context the state decided in. Positive: the term
favours the move; negative: it held the state back (inertia always does). The decision rules
are boundedly rational (a partial step toward the best response plus noise, or a noisy logit
draw), so the total need not be positive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from sim import dynamics, strategy
from sim.influence import K, lever_pulls
from sim.params import LEVERS
from sim.utility import TERMS, term_values
from sim.world import lever_caps, pressure_levers

DIMENSIONS = ("security", "economic", "autonomy")


@dataclass(frozen=True)
class Explanation:
    code: str
    step: int
    before: dict[str, float]
    after: dict[str, float]
    terms: dict[str, float]  # term -> weighted utility at `after` minus at `before`
    total: float
    posture_label: str

    def rows(self) -> list[tuple[str, float]]:
        """(term, contribution), the largest in size first."""
        return sorted(self.terms.items(), key=lambda item: -abs(item[1]))

    def to_dict(self) -> dict:
        return asdict(self)


def explain(agent, position=None) -> Explanation:
    """The explanation of a `MiddlePower`'s last move (all zeros before its first); with
    `position` (security, economic, autonomy), of a move there instead, from the same place in
    the same context (what a seat's debrief compares with)."""
    if position is None:
        position = (agent.security, agent.economic, agent.autonomy)
    after = dict(zip(DIMENSIONS, map(float, position), strict=True))
    if agent.context is None:
        terms = dict.fromkeys(TERMS, 0.0)
        before = dict(after)
    else:
        before = dict(zip(DIMENSIONS, agent.before, strict=True))
        # the two positions as two options of one decision: (1 run, 1 state, 2 options)
        s, e, a = (np.array([[[after[d], before[d]]]]) for d in DIMENSIONS)
        values = term_values(s, e, a, agent.context, agent.model.world.weights)
        terms = {name: float(v[0, 0, 0] - v[0, 0, 1]) for name, v in values.items()}
    return Explanation(
        code=agent.code,
        step=int(agent.model.steps),
        before=before,
        after=after,
        terms=terms,
        total=float(sum(terms.values())),
        posture_label=agent.posture_label,
    )


# ----------------------------------------------------------------------------- great powers
LEVER_PARTS = ("alignment", "cost", "deal")  # the parts of a lever's slope (sim.strategy)


@dataclass(frozen=True)
class LeverExplanation:
    """Why a great power set its levers toward a middle power as it did at its last step.

    `terms[lever]` are the parts of the slope of its objective at the lever in force
    (`sim.strategy.lever_terms`): positive pushes the lever up, negative down; `curvature`
    how steeply the objective bends (the size of the move is slope / (-2 curvature), clipped
    to [0, bound]). `reviewed` is False between reviews, when the levers are held."""

    code: str
    toward: str
    step: int
    reviewed: bool
    before: dict[str, float]  # levers in force when it chose
    after: dict[str, float]  # the levers it chose
    terms: dict[str, dict[str, float]]
    curvature: dict[str, float]
    bound: dict[str, float]  # the highest level each lever could take (its bound in force)

    def slope(self, lever: str) -> float:
        return float(sum(self.terms[lever].values()))

    def rows(self) -> list[tuple[str, float]]:
        """(lever, move), the largest move first."""
        moves = {lever: self.after[lever] - self.before[lever] for lever in self.after}
        return sorted(moves.items(), key=lambda item: -abs(item[1]))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ProvocationExplanation:
    """Why Pyongyang chose its last provocation (+1) or dialogue (-1): the parts of the slope of
    its utility at its previous choice (`sim.strategy.provocation_terms`)."""

    code: str
    step: int
    before: float
    after: float
    terms: dict[str, float]

    @property
    def slope(self) -> float:
        return float(sum(self.terms.values()))

    def rows(self) -> list[tuple[str, float]]:
        return sorted(self.terms.items(), key=lambda item: -abs(item[1]))

    def to_dict(self) -> dict:
        return asdict(self)


def great_power_terms(model, pole: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The parts of great power `pole`'s lever slopes at its last step (each (M, K)), the
    levers in force it judged from (M, K) and their bounds (K,), composed as `sim.dynamics.great_powers_decide`
    composes its choice: from the world after the middle powers' last decisions."""
    w, before = model.world, model.before
    dispositions = dynamics.effective_levers(
        w, before.pressures, before.reliability_shock, before.taiwan_shock
    )
    poles = slice(pole, pole + 1)
    caps = lever_caps(w, dispositions)[:, poles]
    held = dynamics.in_force(before.levers[:, :, poles], caps)
    slots = strategy.active_slots(caps, np.arange(len(w.poles))[poles])
    ids, _, lever = slots
    g_s, g_e = lever_pulls(w, model.before_context, model.before_pairs)
    fc = strategy.forecast(
        w,
        model.responses(),
        g_s[:, :, ids, lever],
        g_e[:, :, ids, lever],
        dispositions["rivalry"],
        ids,
        before.pledge,
    )
    terms = strategy.lever_terms(w, fc, held, caps, slots, before.pledge)
    return {name: value[0, :, 0] for name, value in terms.items()}, held[0, :, 0], caps[0, 0]


def explain_great_power(agent, toward: str, after: np.ndarray | None = None) -> LeverExplanation:
    """The explanation of a `GreatPower`'s last choice of levers toward middle power `toward`
    (`after`: the levers it chose, default those it holds; all zeros before its first step)."""
    model = agent.model
    i = model.state_codes.index(toward)
    chosen = agent.levers[i] if after is None else after
    after_levers = dict(zip(LEVERS, map(float, chosen), strict=True))
    if model.before is None:
        zero = dict.fromkeys(LEVERS, 0.0)
        return LeverExplanation(
            agent.code,
            toward,
            0,
            False,
            dict(after_levers),
            after_levers,
            {lever: dict.fromkeys(LEVER_PARTS, 0.0) for lever in LEVERS},
            zero,
            zero,
        )
    terms, held, caps = great_power_terms(model, agent.index)
    w = model.world
    reviewed = w.dynamics.great_powers == "strategic" and bool(
        strategy.reviewing(w, int(model.steps))[0]
    )
    return LeverExplanation(
        code=agent.code,
        toward=toward,
        step=int(model.steps),
        reviewed=reviewed,
        before=dict(zip(LEVERS, map(float, held[i]), strict=True)),
        after=after_levers,
        terms={
            lever: {part: float(terms[part][i, k]) for part in LEVER_PARTS}
            for k, lever in enumerate(LEVERS)
        },
        curvature={lever: float(terms["curvature"][i, k]) for k, lever in enumerate(LEVERS)},
        bound=dict(zip(LEVERS, map(float, caps), strict=True)),
    )


def explain_challenger(agent) -> ProvocationExplanation:
    """The explanation of the `Challenger`'s last choice (no parts before its first step, or
    when it does not choose: `dynamics.challenger` other than strategic)."""
    model = agent.model
    w, before = model.world, model.before
    if before is None or w.dynamics.challenger != "strategic":
        return ProvocationExplanation(
            agent.code, int(model.steps), agent.provocation, agent.provocation, {}
        )
    # as `sim.dynamics.challenger_decides`, from the middle powers' new security
    security = np.array([[mp.security for mp in model.middle_powers]])
    held = dynamics.in_force(before.levers, lever_caps(w, pressure_levers(w, before.pressures)))
    dispositions = dynamics.effective_levers(
        w, before.pressures, before.reliability_shock, before.taiwan_shock
    )
    adversary = w.adversary
    incentive = strategy.provocation_incentive(
        w,
        dynamics.alliance_tightening(w, security, held[:, :, adversary, K["commitment"]]),
        before.pressures["russia_dprk"],
        dispositions["taiwan_risk"],
        dynamics.adversary_reliability(w, model.before_pairs.reliability),
        before.restraint,
        before.momentum,
        dynamics.engagement_offered(w, before.camp),
    )
    terms = strategy.provocation_terms(w, incentive, before.provocation)
    return ProvocationExplanation(
        code=agent.code,
        step=int(model.steps),
        before=float(before.provocation[0]),
        after=float(agent.provocation),
        terms={name: float(np.broadcast_to(v, (1,))[0]) for name, v in terms.items()},
    )
