"""The page's state in its address: reload it, or send it to a classmate, and the same world
comes back at the same step.

    ?scenario=thaad_2016&seed=7&step=5&p=0:china_coercion:0&e=2:summit:CHN&join=K7Q2MX

`p` is a pressure set by hand (the step the world stood at, the pressure, the level), `e` an
event fired by hand (the step, the kind, a summit's partner), `s` a seat's choice in role play
(the step, the seat, its levels, e.g. `s=3:USA:commitment=0.9,tariff=0`, and a great power's
target if not the focus, `:JPN`), `seat` the seat this tab plays; `join` is a class's join
code, kept so that a reload stays admitted. The run is a function of these (the random numbers are
keyed by seed, step and state), so `ClassroomModel.replayed` rebuilds it exactly.

What cannot be read (a hand-edited address) is left out, and `problems` says what, in one
line each, for the page to show; the rest of the address still counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from agents.seats import CHOICE_BOUNDS
from experiments.classroom.scenarios import DEFAULT_SCENARIO
from experiments.classroom.session import DEFAULT_SEED, SCENARIOS, SEAT_KINDS, SEATS, Action
from experiments.classroom.words import EVENTS
from sim.params import PRESSURE_KEYS

EVENT_KINDS_BY_HAND = tuple(EVENTS)  # the page's event buttons


@dataclass
class Address:
    scenario: str = DEFAULT_SCENARIO
    seed: str = str(DEFAULT_SEED)
    step: int = 0
    actions: list[Action] = field(default_factory=list)
    join: str = ""
    problems: list[str] = field(default_factory=list)
    seat: str = ""  # the seat this tab plays (role play), if any


def encode(address: Address) -> str:
    """The query string (without '?') of `address`."""
    pairs = [("scenario", address.scenario), ("seed", address.seed), ("step", str(address.step))]
    for a in address.actions:
        if a.kind == "pressure":
            pairs.append(("p", f"{a.step}:{a.name}:{a.value:g}"))
        elif a.kind == "seat":
            levels = ",".join(f"{name}={value:g}" for name, value in a.choice)
            toward = f":{a.partner}" if a.partner else ""
            pairs.append(("s", f"{a.step}:{a.name}:{levels}{toward}"))
        else:
            pairs.append(("e", f"{a.step}:{a.name}" + (f":{a.partner}" if a.partner else "")))
    if address.seat:
        pairs.append(("seat", address.seat))
    if address.join:
        pairs.append(("join", address.join))
    return urlencode(pairs, safe=":,=")  # readable: s=3:USA:commitment=0.9,tariff=0


def decode(search: str | None) -> Address:
    """An `Address` from a query string; unreadable parts left out and named in `problems`."""
    query = parse_qs(search or "", keep_blank_values=True)
    address = Address()
    first = {key: values[-1] for key, values in query.items()}
    if "scenario" in first:
        if first["scenario"] in SCENARIOS:
            address.scenario = first["scenario"]
        else:
            address.problems.append(
                f"scenario = {first['scenario']!r} in the address: one of {SCENARIOS}"
            )
    if "seed" in first:
        address.seed = first["seed"]  # the model says, in one line, if it is not a seed
    if "step" in first:
        try:
            address.step = max(0, int(first["step"]))
        except ValueError:
            address.problems.append(f"step = {first['step']!r} in the address: a whole number")
    address.join = first.get("join", "")
    for text in query.get("p", []):
        try:
            step, name, value = text.split(":")
            if name not in PRESSURE_KEYS or not 0 <= float(value) <= 1:
                raise ValueError
            address.actions.append(Action(int(step), "pressure", name, float(value)))
        except ValueError:
            address.problems.append(
                f"p = {text!r} in the address: step:pressure:level, a pressure of "
                f"{list(PRESSURE_KEYS)} and a level in [0, 1]"
            )
    for text in query.get("e", []):
        parts = text.split(":")
        try:
            if len(parts) not in (2, 3) or parts[1] not in EVENT_KINDS_BY_HAND:
                raise ValueError
            partner = parts[2] if len(parts) == 3 else ""
            address.actions.append(Action(int(parts[0]), "event", parts[1], partner=partner))
        except ValueError:
            address.problems.append(
                f"e = {text!r} in the address: step:event[:partner], an event of "
                f"{list(EVENT_KINDS_BY_HAND)}"
            )
    for text in query.get("s", []):
        try:
            address.actions.append(seat_choice(text))
        except ValueError:
            address.problems.append(
                f"s = {text!r} in the address: step:seat:name=level,...[:toward], a seat of "
                f"{list(SEATS)} and its levels in their bounds"
            )
    if "seat" in first:
        if first["seat"] in SEATS:
            address.seat = first["seat"]
        else:
            address.problems.append(f"seat = {first['seat']!r} in the address: one of {SEATS}")
    address.actions.sort(key=lambda a: a.step)  # stable: the order within a step is kept
    return address


def seat_choice(text: str) -> Action:
    """A seat's choice from `step:seat:name=level,...[:toward]`; ValueError if unreadable.
    The names and bounds are the Mesa layer's (agents.seats), so a choice read here is one
    the model takes."""
    parts = text.split(":")
    if len(parts) not in (3, 4) or parts[1] not in SEATS:
        raise ValueError(text)
    bounds = CHOICE_BOUNDS[SEAT_KINDS[parts[1]]]
    choice = []
    for item in parts[2].split(","):
        name, _, level = item.partition("=")
        value = float(level)
        if name not in bounds or not bounds[name][0] <= value <= bounds[name][1]:
            raise ValueError(text)
        choice.append((name, value))
    toward = parts[3] if len(parts) == 4 else ""
    return Action(int(parts[0]), "seat", parts[1], partner=toward, choice=tuple(choice))
