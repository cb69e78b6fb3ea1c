"""Seats for role play: a student (or a team) takes a middle power's or a great power's seat
and chooses for it, while the model's other agents answer.

    model.take_seat("USA")
    model.choose("USA", commitment=0.8, tariff=0.2)  # its levers toward the focus (Seoul)
    model.take_seat("KOR")
    model.choose("KOR", security=0.4)                # Seoul's new positions
    model.step()                                     # seated choices replace the agents' own
    model.debrief("USA")                             # what the model's agent would have chosen

A seated agent still makes its own choice in its `step` (or `decide`), from the same state,
by the same functions; the seat's choice then replaces the part it names (a great power's
levers toward one middle power; a middle power's positions), and the agent's own choice is
kept for the debrief. What a seat leaves unnamed stays as the agent would have had it: a
lever not named keeps the level in force, a position not named stays where it is. A seat that
has not chosen when the world steps leaves the choice to the model's agent. Without a seat
nothing here runs, so the model is the engine's run, number for number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.decision import LOWER, UPPER
from sim.params import LEVERS, ParamError

POSITIONS = ("security", "economic", "autonomy")
POSITION_BOUNDS = dict(zip(POSITIONS, zip(LOWER, UPPER, strict=True), strict=True))
LEVER_BOUNDS = (0.0, 1.0)  # a lever's level; the bound in force caps it further


@dataclass(frozen=True)
class Debrief:
    """A seat's last quarter: what it chose, what the model's own agent would have chosen from
    the same state, and the agent's reasons (an `Explanation` or a `LeverExplanation`)."""

    code: str
    step: int
    chosen: dict[str, float]
    own: dict[str, float]
    why: object
    toward: str = ""  # a great power's seat: the middle power its levers aim at
    by_seat: bool = True  # False: the seat had not chosen; the model's agent did
    differences: dict[str, float] = field(default_factory=dict)  # chosen - own


def seat_kind(model, code: str) -> str:
    """'middle_power' or 'great_power'; ParamError for any other code."""
    from agents.great_power import GreatPower
    from agents.middle_power import MiddlePower

    agent = model._by_code.get(code)
    if isinstance(agent, MiddlePower):
        return "middle_power"
    if isinstance(agent, GreatPower):
        return "great_power"
    seats = [*model.state_codes, *model.pole_codes]
    raise ParamError("seat", code, f"a middle or great power of this world: {seats}")


def checked_choice(model, code: str, choice: dict[str, float]) -> dict[str, float]:
    """The choice of seat `code`, each name and level checked (ParamError, one line)."""
    bounds = (
        POSITION_BOUNDS
        if seat_kind(model, code) == "middle_power"
        else dict.fromkeys(LEVERS, LEVER_BOUNDS)
    )
    checked = {}
    for name, value in choice.items():
        if name not in bounds:
            raise ParamError(f"choose.{name}", value, f"one of {list(bounds)} for {code}")
        lo, hi = bounds[name]
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if isinstance(value, bool) or not lo <= number <= hi:
            raise ParamError(f"choose.{name}", value, f"a number in [{lo:g}, {hi:g}]")
        checked[name] = number
    return checked
