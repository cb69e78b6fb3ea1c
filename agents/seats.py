"""Seats for role play: a student (or a team) takes a middle power's, a great power's or the
challenger's (Pyongyang's) seat and chooses for it, while the model's other agents answer.

    model.take_seat("USA")
    model.choose("USA", commitment=0.8, tariff=0.2)  # its levers toward the focus (Seoul)
    model.take_seat("KOR")
    model.choose("KOR", security=0.4)                # Seoul's new positions
    model.step()                                     # seated choices replace the agents' own
    model.debrief("USA")                             # what the model's agent would have chosen
    model.take_seat("PRK")                           # with dynamics.challenger=strategic
    model.choose("PRK", provocation=-0.5)            # -1 dialogue ... +1 provocation

A seated agent still makes its own choice in its `step` (or `decide`), from the same state,
by the same functions; the seat's choice then replaces the part it names (a great power's
levers toward one middle power; a middle power's positions; the challenger's provocation),
and the agent's own choice is
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
PROVOCATION_BOUNDS = (-1.0, 1.0)  # the challenger's choice: -1 dialogue ... +1 provocation
# What each kind of seat chooses, and the bounds of each level
CHOICE_BOUNDS = {
    "middle_power": POSITION_BOUNDS,
    "great_power": dict.fromkeys(LEVERS, LEVER_BOUNDS),
    "challenger": {"provocation": PROVOCATION_BOUNDS},
}


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
    """'middle_power', 'great_power' or 'challenger'; ParamError for any other code, and for
    the challenger when it does not choose (`dynamics.challenger` other than strategic)."""
    from agents.challenger import Challenger
    from agents.great_power import GreatPower
    from agents.middle_power import MiddlePower

    agent = model._by_code.get(code)
    if isinstance(agent, MiddlePower):
        return "middle_power"
    if isinstance(agent, GreatPower):
        return "great_power"
    if isinstance(agent, Challenger):
        if model.world.dynamics.challenger != "strategic":
            raise ParamError(
                "seat",
                code,
                "a seat that chooses: the challenger chooses only with dynamics.challenger="
                f"strategic (here {model.world.dynamics.challenger})",
            )
        return "challenger"
    seats = [*model.state_codes, *model.pole_codes, model.challenger.code]
    raise ParamError("seat", code, f"a middle or great power or the challenger: {seats}")


def checked_choice(model, code: str, choice: dict[str, float]) -> dict[str, float]:
    """The choice of seat `code`, each name and level checked (ParamError, one line)."""
    bounds = CHOICE_BOUNDS[seat_kind(model, code)]
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


def seated_provocation(model, code: str, own: float) -> float:
    """The challenger's provocation for the step under way: the seat's, if it is taken and has
    chosen, else `own` (the model's agent's); reported for the debrief when seated."""
    if code not in model._seats:
        return own
    seat = model.seat_choice(code)
    chosen = float(seat[1].get("provocation", own)) if seat else own
    model.seat_moved(code, "", [own], [chosen])
    return chosen
