"""A middle power (KOR, JPN, ...): it chooses its security, economic and autonomy positions.

Follow one quarter of Seoul's decision here:

1. Events reach it (`hold_election`, `meet`, `quarrel`, `pledge_to`; its stochastic summits and
   disputes, drawn for every agent at once on the model's world now: see below).
2. `decide`: it looks at the world as it stood at the end of the last step — the challenger's
   threat, each great power's levers in force (reliability, coercion, trade pressure,
   inducement) and the restrictions they impose on it, its memory of past restrictions, its
   neighbours' alignment and its ties to them, its government's ideal point, its own last
   position — assembled by `sim.dynamics.middle_power_context` into a `sim.utility.Context`
   (its `context`: its row of what every middle power sees, gathered once a step by the
   model). `sim.dynamics.decide` then applies the decision rule of the config (`partial`:
   move part of the way to the best response of `sim.utility.utility`, plus noise; `logit`:
   draw from the logit probabilities over a grid of options), for every middle power in one
   call (`model.decisions`), each taking its row. It only records its `choice`: every
   state decides from the same last state (synchronous updates).
3. It adopts the choice: the model writes every middle power's chosen positions into the
   world now at once, its row included (`before` is where it stood). It remembers the
   restrictions it suffered, its public's opinion moves, its pledges are drawn down and its
   ties relax toward their baseline: the step's aftermath, computed for every agent in one
   call of the engine's `sim.dynamics.aftermath` and written by the model into the world
   now, its row included.

Its numbers are its row of the model's world now (`model.now`, a `sim.dynamics.State` of
(1, ...) arrays; `agents.parts`): floats for positions (`security`, `economic`, `autonomy`),
an int for its `camp`, views of arrays over great powers (in code order, `model.pole_codes`:
`memory`, `pledge`, `opinion`) or over middle powers (`model.state_codes`: `ties`)
otherwise. The sim functions take arrays with a leading run axis; `[None]` adds it, `[0]`
drops it.
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.parts import Part
from sim import dynamics
from sim.arrays import frozen
from sim.decision import Choice, Response
from sim.metrics import hedging_index, posture
from sim.params import CAMPS
from sim.utility import Context

# the one run's event happens (the engine's `happens` of an election, a summit, a dispute:
# (1,)), read only
_HAPPENS = np.ones(1, bool)
frozen(_HAPPENS)
_ITS_ROW = object()  # a middle power's choice: its row of the decisions (`MiddlePower.choice`)


class MiddlePower(mesa.Agent):
    """A state that hedges or aligns between the two great powers."""

    role = "middle_power"

    # its row of the model's world now (`agents.parts`)
    security = Part("security", "in_row")
    economic = Part("economic", "in_row")
    autonomy = Part("autonomy", "in_row")
    memory = Part("memory", "in_row", number=False)  # remembered restriction by each
    pledge = Part("pledge", "in_row", number=False)  # investment pledged to each great power
    opinion = Part("opinion", "in_row", number=False)  # its public's favourability
    ties = Part("cooperation", "in_row", number=False)  # cooperation with each middle power

    def __init__(self, model, code: str):
        super().__init__(model)
        self.code = code
        self.index = model.world.middle.index(code)  # its row in the world's arrays
        self.rows = slice(self.index, self.index + 1)
        self.in_row = (0, self.index)  # where its part of the world now is (`agents.parts`)
        self.name = model.params.world.middle_powers[code].name
        # the middle powers' decisions its last `decide` took its row of (`choice`, `response`)
        self._decisions = None
        self._choice = None  # `_ITS_ROW`, a seat's choice, or None (none to adopt)

    # ------------------------------------------------------------------ readable state
    @property
    def choice(self) -> Choice | None:
        """The positions it chose and has not adopted yet, floats: its row of the middle
        powers' decisions (`model.decisions`) or a seat's choice (role play); None before its
        first decision and once adopted. Its row is read when asked: nothing in a step reads
        it without a seat (the model adopts every middle power's choice from the decisions'
        arrays whole), and reading every row of them at each step cost 6 us."""
        chosen = self._choice
        if chosen is _ITS_ROW:
            return Choice._make(self._row_of(self._decisions[0]))
        return chosen

    @choice.setter
    def choice(self, chosen: Choice | None) -> None:
        self._choice = chosen

    @property
    def response(self) -> Response | None:
        """Where its last decision was heading (what great powers forecast), floats: its row
        of the middle powers' responses (`model.decisions`); None before its first."""
        if self._decisions is None:
            return None
        return Response._make(self._row_of(self._decisions[1]))

    def _row_of(self, fields) -> tuple[float, ...]:
        return tuple(float(x[self.in_row]) for x in fields)

    @property
    def context(self) -> Context | None:
        """What it saw at its last decision (a `sim.utility.Context`, one state row): its row
        of what every middle power saw (`model.before_context`); None before its first."""
        shared = self.model.before_context
        if shared is None:
            return None
        return Context(*(x if x.shape[1] == 1 else x[:, self.rows] for x in shared))

    @property
    def before(self) -> Choice | None:
        """Its position before its last move: its row of the world its last decision was
        made in (`model.before`, where no event moves a position); None before its first."""
        seen = self.model.before
        if seen is None:
            return None
        at = self.in_row
        return Choice(float(seen.security[at]), float(seen.economic[at]), float(seen.autonomy[at]))

    @property
    def camp(self) -> int:
        """Its governing camp (index of CAMPS)."""
        return int(self.model.now.camp[0, self.index])

    @camp.setter
    def camp(self, camp: int) -> None:
        self.model.govern(self.index, camp)

    @property
    def government(self) -> str:
        return CAMPS[self.camp]

    @property
    def hedging(self) -> float:
        return float(hedging_index(self.security, self.economic))

    @property
    def posture(self) -> int:
        thresholds = tuple(self.model.params.metrics.posture_thresholds)
        return int(posture(self.security, self.economic, thresholds))

    @property
    def posture_label(self) -> str:
        return self.model.posture_labels[self.posture]

    @property
    def restrictions(self) -> dict[str, float]:
        """Trade restriction each great power imposes on it now (at the end of the last step):
        by events or, where higher, by its coercion lever in force."""
        held = self.model.restrictions_now()[0, self.index]
        return dict(zip(self.model.pole_codes, map(float, held), strict=True))

    @property
    def restriction(self) -> np.ndarray:
        """The restriction each great power's events impose on it (code order), a copy."""
        return self.model.now.restriction[0, self.index].copy()

    @property
    def odds(self) -> np.ndarray:
        """(1,) the probability the other camp wins an election held now (its opinion): the
        engine's odds of its row of the world now (`sim.dynamics.election_odds`)."""
        return dynamics.election_odds(self.model.world, self.model.now, self.index)

    @property
    def favourability(self) -> dict[str, float]:
        return dict(zip(self.model.pole_codes, map(float, self.opinion), strict=True))

    @property
    def memories(self) -> dict[str, float]:
        return dict(zip(self.model.pole_codes, map(float, self.memory), strict=True))

    @property
    def neighbours(self) -> dict[str, float]:
        """Cooperation with each neighbour it has ties with."""
        codes = self.model.state_codes
        return {
            codes[j]: float(tie) for j, tie in enumerate(self.ties) if j != self.index and tie > 0
        }

    # ------------------------------------------------------------------ events
    def hold_election(self, k: int, winner: int = -1) -> None:
        """An election: camp `winner` wins, or (-1) the other camp wins with the state's
        probability of switching (its own random stream)."""
        m = self.model
        # the engine's election of its row of the world now, its election stream's keys as
        # `apply_events` passes them (a view, no array made for a run's four elections)
        camp = dynamics.election(
            m.world, m.now, self.index, winner, m.keys.election[:, self.index], k
        )
        self.camp = int(camp[0])

    def hold_scheduled_election(self, k: int) -> None:
        """The world file's term calendar."""
        if self.model.world.elections[k, self.index]:
            self.model.count("election")
            self.hold_election(k)

    def meet(self, partner, magnitude: float) -> None:
        """A summit with a great power, the challenger or a neighbour."""
        w = self.model.world
        if partner.role == "great_power":
            partner.welcome_summit(self.index, _HAPPENS, magnitude)
        elif partner.role == "challenger":
            partner.meet(magnitude)
        else:
            for a, b in ((self, partner), (partner, self)):
                a.ties[b.index] = dynamics.summit_with_neighbour(
                    w, a.ties[b.index : b.index + 1], magnitude
                )[0]

    def pledge_to(self, great_power, magnitude: float) -> None:
        """A pledge of investment to a great power (the price of tariff relief, a signal)."""
        p = great_power.index
        self.pledge[p] = dynamics.pledged(self.pledge[p : p + 1], magnitude)[0]

    def quarrel(self, neighbour: MiddlePower, magnitude: float) -> None:
        """A history dispute with a neighbour weakens the tie both ways."""
        w = self.model.world
        for a, b in ((self, neighbour), (neighbour, self)):
            a.ties[b.index] = dynamics.history_dispute(
                w, a.ties[b.index : b.index + 1], _HAPPENS, magnitude
            )[0]

    # ------------------------------------------------------------------ decision
    def held_levers(self) -> np.ndarray:
        """The great powers' levers toward it (1, 1, P, K), before their bounds, a copy."""
        return self.model.now.levers[0, self.index][None, None].copy()

    def pairs(self):
        """What the great powers' levers make of its view of each (`sim.influence.Pairs`)."""
        m = self.model
        return dynamics.pairs(
            m.world, m.levers, self.held_levers(), self.restriction[None, None], self.rows
        )

    def decide(self) -> None:
        """Choose new positions from the last state, adopted with every middle power's
        (`GeopoliticsModel._respond`). Its decision is its row of the middle powers'
        decisions drawn together (`model.decisions`, from `sim.dynamics.decide` on
        `model.before_context`, its own random streams), read when asked (`choice`)."""
        self._decisions, self._choice = self.model.decisions, _ITS_ROW
        if self.code in self.model._seats:  # role play: a student's positions replace its own
            seat = self.model.seat_choice(self.code)
            own = self.choice
            named = seat[1] if seat else {}
            self.choice = Choice(
                *(named.get(d, x) for d, x in zip(Choice._fields, own, strict=True))
            )
            self.model.seat_moved(self.code, self.model.focus, own, self.choice)

    def __repr__(self) -> str:
        return (
            f"MiddlePower({self.code}: security {self.security:+.2f}, economic {self.economic:+.2f}, "
            f"autonomy {self.autonomy:.2f}, {self.government}, {self.posture_label})"
        )
