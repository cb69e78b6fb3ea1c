"""The challenger (North Korea) and its backers (Russia).

The challenger chooses each step (`step`, committed in `advance`) its `provocation` y, from -1
(dialogue) to +1 (provocation), answering alliance tightening, summits (`momentum`), China's
restraint, Russia's backing and the chance a Taiwan crisis offers (`dynamics.challenger:
strategic`). Its `threat` jumps with missile and nuclear tests (stochastic at rates scaled by
1 + y, or scheduled: `provoke`), eases with summits (`meet`, and stochastic ones, drawn for
every agent at once by the model) and, every step, relaxes toward a target: its baseline
plus the effect of y (strategic), or (responsive, `threat_target`) the baseline raised by
its backers' support and its neighbours' alignment with its adversary (the security-dilemma
spiral); that and the fading of its summit momentum are its part of the step's aftermath,
computed by the model for every agent at once. A backer's support is its `backing_effect`
times the `russia_dprk` pressure in force.

Its `threat`, `provocation` and `momentum` are floats, its part of the model's world now
(`model.now`, a `sim.dynamics.State` of (1, ...) arrays; `agents.parts`).
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.parts import Part
from agents.seats import seated_provocation
from sim import dynamics
from sim.arrays import same_objects
from sim.dynamics.challenger import responsive_threat_target


class Challenger(mesa.Agent):
    """A hostile state whose threat makes protection from its adversary valuable."""

    role = "challenger"

    # its part of the model's world now (`agents.parts`)
    threat = Part("threat", "in_run")
    momentum = Part("momentum", "in_run")  # summit momentum with it (fading)

    def __init__(self, model, code: str):
        super().__init__(model)
        spec = model.params.world.challengers[code]
        self.code, self.name, self.adversary = code, spec.name, spec.adversary
        self.in_run = 0  # where its parts of the world now are: the run's (`agents.parts`)
        self._chosen = None
        self._backing = None  # (the backers' effects, their sum): `backing_effect`

    @property
    def provocation(self) -> float:
        """Its last choice, -1 dialogue .. +1 provocation: its part of the world now."""
        return float(self.model.now.provocation[0])

    @provocation.setter
    def provocation(self, y: float) -> None:
        self._adopt(np.array([y], dtype=np.float64))

    def _adopt(self, chosen: np.ndarray) -> None:
        """Make `chosen` (1,) the world now's provocation: replaced, not changed in place,
        and only when it changes, the engine's rule for its state's `provocation`
        (`sim.dynamics.stochastic_events` keeps its test chances by the array's identity)."""
        if chosen.tobytes() != self.model.now.provocation.tobytes():
            self.model.now.provocation = chosen

    def provoke(self, kind: str, magnitude: float) -> None:
        """A scheduled missile or nuclear test."""
        self.threat = float(
            dynamics.provocation(self.model.world, np.array([self.threat]), kind, magnitude)[0]
        )

    def meet(self, magnitude: float) -> None:
        """A scheduled summit with a middle power eases the threat and adds momentum."""
        w = self.model.world
        self.threat = float(
            dynamics.summit_with_challenger(w, np.array([self.threat]), magnitude)[0]
        )
        self.momentum = float(
            dynamics.momentum_after_summits(w, np.array([self.momentum]), magnitude)[0]
        )

    def step(self, security_after: np.ndarray) -> None:
        """Choose this step's provocation from the world after the middle powers' decisions
        (`model.before`, their new security `security_after` (1, M)) and the levers
        (`model.before_held`) and restraint in force."""
        m = self.model
        y = dynamics.challenger_decides(  # the model's own state and what it made of it
            m.world,
            m.before,
            security_after,
            m.before_pairs,
            m.before_held,
            m.steps,
            m.keys,
            trusted=True,
        )
        self._chosen = y  # (1,) the engine's own read-only array, adopted as it is

    def advance(self) -> None:
        chosen, self._chosen = self._chosen, None
        if self.code in self.model._seats:  # role play (agents/seats.py): a seat's course
            chosen = np.array([seated_provocation(self.model, self.code, float(chosen[0]))])
        self._adopt(chosen)

    def backing_effect(self) -> np.ndarray:
        """(1,) its backers' effects summed, added again only when a backer holds another
        array (a backer's effect is this run's parameter, replaced, never changed in place)."""
        effects = tuple(b.backing_effect for b in self.model.backers)
        if self._backing is None or not same_objects(self._backing[0], effects):
            self._backing = (effects, sum(effects, start=np.zeros(1)))
        return self._backing[1]

    def threat_target(self, security_after: np.ndarray) -> np.ndarray:
        """(1,) a responsive challenger's threat target: the baseline raised by its backers'
        support (their effect times the backing pressure) and its neighbours' new alignment
        `security_after` (1, M) with its adversary (the security-dilemma spiral)."""
        m = self.model
        support = dynamics.backing(m.world, self.backing_effect(), m.pressure("russia_dprk"))
        return responsive_threat_target(m.world, m.pressure("dprk_threat"), support, security_after)

    def __repr__(self) -> str:
        return f"Challenger({self.code}: threat {self.threat:.2f})"


class Backer(mesa.Agent):
    """A state backing the challenger (troops for technology)."""

    role = "backer"

    def __init__(self, model, code: str):
        super().__init__(model)
        spec = model.params.world.backers[code]
        self.code, self.name, self.backs = code, spec.name, spec.backs
        self.backing_effect = model.world_values(spec.backing_effect)  # (1,): this run's value

    @property
    def backing(self) -> float:
        """Its backing in force: the `russia_dprk` pressure."""
        return float(self.model.pressure("russia_dprk")[0])

    @property
    def support(self) -> float:
        """Threat it adds at full room (its effect times its backing)."""
        return float(
            dynamics.backing(
                self.model.world, self.backing_effect, self.model.pressure("russia_dprk")
            )[0]
        )

    def __repr__(self) -> str:
        return f"Backer({self.code} backs {self.backs}: backing {self.backing:.2f})"
