"""What one browser tab steers: a `ClassroomModel` and the `Session` around it.

`ClassroomModel` is the Mesa layer's `GeopoliticsModel` made from what the sidebar shows: a
scenario name (the files of `conf/scenario`) and a seed typed as text. Everything else is the
Mesa layer's own API; the class only remembers what the class did by hand (pressures set,
events fired), so that the page can show what is queued for the next step and mark
hand-fired events on the time line.

A seed that is not a whole number does not stop the lesson: the model keeps the default
seed and `input_error` holds the one line that says why, which the page shows.

`Session` is the state of one tab: the model, the scenario and seed chosen in the sidebar,
and whether the world plays. Its fields are Solara reactive variables, so a card that reads
one is drawn again when it changes; every change to the model goes through the session,
which moves `version` so that every card shows it at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import solara

from agents import GeopoliticsModel
from experiments.classroom.scenarios import DEFAULT_SCENARIO, load_scenario, scenario_names
from experiments.classroom.words import EVENTS
from sim.params import ParamError

DEFAULT_SEED = 20250604  # as conf/experiment/default.yaml: Lee Jae-myung's inauguration
SEED_LIMIT = 2**63
# One quarter every this many seconds while the world plays: slow enough to read the "why"
# card aloud between steps, fast enough to watch a decade go by.
PLAY_SECONDS = 0.6


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


class Session:
    """One browser tab's world: the model, what the sidebar has chosen, whether it plays."""

    def __init__(self, scenario_name: str = DEFAULT_SCENARIO, seed: object = DEFAULT_SEED):
        self.scenario = solara.Reactive(scenario_name)  # the sidebar's choice; used on reset
        self.seed_text = solara.Reactive(str(seed))
        self.model = solara.Reactive(ClassroomModel(scenario_name, seed))
        self.version = solara.Reactive(0)  # moves whenever the model changes in place
        self.playing = solara.Reactive(False)
        # The play loop steps the model from its own thread while a student may click; one
        # change at a time, and no picture drawn from a half-taken step. Never held while a
        # reactive value is set: that draws the page, which takes the lock for its pictures.
        self.lock = threading.RLock()

    def watched_model(self) -> ClassroomModel:
        """The model, for a component to draw: reading `version` here makes Solara draw the
        component again whenever the model changes in place (a step, a slider, an event)."""
        self.version.value  # noqa: B018 (read to subscribe)
        return self.model.value

    def reset(self) -> None:
        """A new world from the sidebar's scenario and seed, at step 0."""
        self.playing.value = False
        self.model.value = ClassroomModel(self.scenario.value, self.seed_text.value)
        self._changed()

    def toggle_play(self) -> None:
        self.playing.value = not self.playing.value and bool(self.model.value.running)

    def play(self, stop: threading.Event, seconds: float = PLAY_SECONDS) -> None:
        """Step every `seconds` until `stop` is set (pause, or the tab closed), the horizon is
        reached, or a RESET replaces the world (the new one waits at step 0 for the class)."""
        world = self.model.value
        while self.playing.value and not stop.wait(seconds):
            if not self.step(world):
                return

    def step(self, world: ClassroomModel | None = None) -> bool:
        """One quarter on for `world` (the model shown, by default); False once the horizon is
        reached (and the play stops), or when `world` is no longer the one shown."""
        with self.lock:
            model = self.model.value if world is None else world
            model.step()
            running = bool(model.running)
        if model is not self.model.value:
            return False
        if not running:
            self.playing.value = False
        self._changed()
        return running

    def set_pressure(self, name: str, value: float) -> None:
        with self.lock:
            self.model.value.set_pressure(name, value)
        self._changed()

    def fire_event(self, kind: str, partner: str = "") -> None:
        """Queue an event for the next step; a ParamError (one line) if the model refuses it."""
        with self.lock:
            self.model.value.fire_event(kind, partner=partner)
        self._changed()

    def _changed(self) -> None:
        self.version.value += 1
