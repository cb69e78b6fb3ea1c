"""The model the dashboard drives: `GeopoliticsModel` made from a scenario name and a seed.

Mesa's SolaraViz re-creates the model from its "Model Parameters" when the class presses
Reset, so the constructor takes what the sidebar shows: a scenario name (the files of
`conf/scenario`) and a seed typed as text. Everything else is the Mesa layer's own API; this
class only remembers what the class did by hand (pressures set, events fired), so that the
page can show what is queued for the next step and mark hand-fired events on the time line.

A seed that is not a whole number does not stop the lesson: the model keeps the last good
seed and `input_error` holds the one line that says why, which the page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agents import GeopoliticsModel
from experiments.classroom.scenarios import DEFAULT_SCENARIO, load_scenario, scenario_names
from experiments.classroom.words import EVENTS
from sim.params import ParamError

DEFAULT_SEED = 20250604  # as conf/experiment/default.yaml: Lee Jae-myung's inauguration
SEED_LIMIT = 2**63


@dataclass(frozen=True)
class HandEvent:
    """An event a student fired from the page, and the date it took effect."""

    kind: str
    label: str
    date: dt.date  # the date of the step it took effect in


def parse_seed(text: object) -> int:
    """A seed from the sidebar's text field; ParamError (one line) when it is not one."""
    try:
        seed = int(str(text).strip().replace("_", "").replace(",", ""))
    except ValueError:
        raise ParamError(
            "seed", text, f"a whole number in [0, 2**63), e.g. {DEFAULT_SEED}"
        ) from None
    if not 0 <= seed < SEED_LIMIT:
        raise ParamError("seed", text, f"a whole number in [0, 2**63), e.g. {DEFAULT_SEED}")
    return seed


class ClassroomModel(GeopoliticsModel):
    """One run of scenario `scenario_name` with seed `seed`, steerable by hand."""

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, seed: object = DEFAULT_SEED):
        self.input_error = ""
        try:
            seed_value = parse_seed(seed)
        except ParamError as error:
            self.input_error = f"{error} (kept {DEFAULT_SEED})"
            seed_value = DEFAULT_SEED
        super().__init__(load_scenario(scenario_name), rng=seed_value)
        self.scenario_name = scenario_name
        self.pending_pressures: dict[str, float] = {}
        self.pending_events: list[HandEvent] = []  # dated when the next step is taken
        self.hand_events: list[HandEvent] = []

    def set_pressure(self, name: str, value: float) -> None:
        super().set_pressure(name, value)
        self.pending_pressures[name] = float(value)

    def fire_event(
        self,
        kind: str,
        target: str | None = None,
        partner: str = "",
        magnitude: float = 1.0,
        camp: str = "",
    ) -> None:
        super().fire_event(
            kind, target=target or self.focus, partner=partner, magnitude=magnitude, camp=camp
        )
        label = EVENTS[kind][0] if kind in EVENTS else kind.replace("_", " ")
        if kind == "summit" and partner:
            label = f"Summit with {partner}"
        self.pending_events.append(HandEvent(kind=kind, label=label, date=self.date))

    def step(self) -> None:
        if not self.running:
            return
        super().step()
        self.hand_events.extend(HandEvent(e.kind, e.label, self.date) for e in self.pending_events)
        self.pending_events = []
        self.pending_pressures = {}


SCENARIOS = scenario_names()

# What Mesa's "Model Parameters" card shows; a change takes effect on Reset.
MODEL_PARAMS = {
    "scenario_name": {
        "type": "Select",
        "value": DEFAULT_SCENARIO,
        "values": SCENARIOS,
        "label": "Scenario",
    },
    "seed": {"type": "InputText", "value": str(DEFAULT_SEED), "label": "Seed (whole number)"},
}
