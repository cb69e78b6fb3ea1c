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

from sim.utility import TERMS, term_values

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


def explain(agent) -> Explanation:
    """The explanation of a `MiddlePower`'s last move (all zeros before its first)."""
    after = dict(zip(DIMENSIONS, (agent.security, agent.economic, agent.autonomy), strict=True))
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
