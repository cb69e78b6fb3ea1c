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
import xarray as xr

from agents import GeopoliticsModel
from experiments.classroom.scenarios import DEFAULT_SCENARIO, load_scenario, scenario_names
from experiments.classroom.words import EVENTS, country_name
from sim import simulate
from sim.params import ParamError, Params, PressureChange, ScheduledEvent, with_values

DEFAULT_SEED = 20250604  # as conf/experiment/default.yaml: Lee Jae-myung's inauguration
SEED_LIMIT = 2**63
# One quarter every this many seconds while the world plays: slow enough to read the "why"
# card aloud between steps, fast enough to watch a decade go by.
PLAY_SECONDS = 0.6


@dataclass(frozen=True)
class Action:
    """What the class did by hand while the world stood at `step`: it acts at step + 1.

    `kind` is "pressure" (`name` a pressure, `value` its new level), "event" (`name` the
    event kind, `partner` a summit's partner) or "seat" (role play: `name` the seat's code,
    `choice` what it chose as (name, level) pairs, `partner` the middle power a great power's
    levers aim at, if not the focus). The run is a function of the scenario, the seed and
    these actions, so a list of them is enough to rebuild it (step back, the page address,
    the ensemble of the same settings, which leaves the seats' choices to the model's agents:
    the engine has no seats)."""

    step: int
    kind: str
    name: str
    value: float = 0.0
    partner: str = ""
    choice: tuple[tuple[str, float], ...] = ()


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
        self.actions: list[Action] = []  # everything done by hand, in order

    @classmethod
    def replayed(
        cls,
        scenario_name: str,
        seed: object,
        actions: list[Action],
        to_step: int,
        seats: tuple[str, ...] | list[str] = (),
    ) -> ClassroomModel:
        """The same world rebuilt: `actions` taken at their steps, stepped to `to_step`; the
        actions taken at `to_step` itself wait for the next step, as they did. `seats`: the
        seats taken, taken from the start (a seat that does not choose changes nothing, so
        the history is the same, and the seats still wait for their players afterwards)."""
        model = cls(scenario_name, seed)
        for code in seats:
            model.take_seat(code)
        to_step = max(0, min(int(to_step), model.horizon))
        for k in range(to_step + 1):
            for action in actions:
                if action.step == k:
                    model.act(action)
            if k < to_step:
                model.step()
        return model

    def act(self, action: Action) -> None:
        if action.kind == "pressure":
            self.set_pressure(action.name, action.value)
        elif action.kind == "seat":
            if action.name not in self.seats:
                self.take_seat(action.name)
            self.choose(action.name, toward=action.partner or None, **dict(action.choice))
        else:
            self.fire_event(action.name, partner=action.partner)

    def choose(self, code: str, toward: str | None = None, **choice: float) -> None:
        """A seat's choice for the next step (the Mesa layer's), remembered with what was
        done by hand: stepping back or reloading the page replays it at its quarter."""
        super().choose(code, toward=toward, **choice)
        _, checked = self.seat_choice(code)
        self.actions.append(
            Action(
                self.steps,
                "seat",
                code,
                partner=toward or "",
                choice=tuple((name, float(value)) for name, value in checked.items()),
            )
        )

    def set_pressure(self, name: str, value: float) -> None:
        super().set_pressure(name, value)
        self.pending_pressures[name] = float(value)
        self.actions.append(Action(self.steps, "pressure", name, float(value)))

    def set_by_hand(self) -> dict[str, float]:
        """The last level the class gave each pressure (a slider), where it gave one."""
        return {a.name: a.value for a in self.actions if a.kind == "pressure"}

    def hand_params(self) -> Params:
        """The scenario with what the class did by hand written into its schedule and events,
        dated as the model dated them: what the vectorised engine runs for "the same settings"."""
        scenario = self.params.scenario
        dates = self.world.dates
        changes = [
            PressureChange(
                date=dates[a.step + 1].isoformat(), pressure=a.name, value=a.value, note="by hand"
            )
            for a in self.actions
            if a.kind == "pressure" and a.step + 1 < len(dates)
        ]
        events = [
            ScheduledEvent(
                date=dates[a.step].isoformat(), kind=a.name, target=self.focus, partner=a.partner
            )
            for a in self.actions
            if a.kind == "event"
        ]
        return with_values(
            load_scenario(self.scenario_name),
            {
                "scenario.schedule": [*scenario.schedule, *changes],
                "scenario.events": [*scenario.events, *events],
            },
        )

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
            label = f"Summit with {country_name(self.params, partner)}"
        self.actions.append(Action(self.steps, "event", kind, partner=partner))
        self.pending_events.append(HandEvent(kind=kind, label=label, date=self.date))

    def step(self) -> None:
        if not self.running:
            return
        super().step()
        self.hand_events.extend(HandEvent(e.kind, e.label, self.date) for e in self.pending_events)
        self.pending_events = []
        self.pending_pressures = {}


SCENARIOS = scenario_names()
# The seats a class can take (role play), and what each chooses (agents.seats.CHOICE_BOUNDS):
# Seoul its positions, Washington and Beijing their levers toward Seoul, Pyongyang its course.
SEAT_KINDS = {
    "KOR": "middle_power",
    "USA": "great_power",
    "CHN": "great_power",
    "PRK": "challenger",
}
SEATS = tuple(SEAT_KINDS)


class Classroom:
    """One world shared by the browser tabs of a class session (`?session=...`): each tab has
    its own `Session` (its controls, its seat), all around this classroom's model. A change
    in one tab moves `generation`; the other tabs wait for it (`wait`) and draw again."""

    def __init__(self, scenario_name: str, seed: object, actions=(), step: int = 0):
        self.model = ClassroomModel.replayed(scenario_name, seed, list(actions), step)
        self.lock = threading.RLock()
        self.generation = 0
        self._moved = threading.Condition()

    def changed(self, model: ClassroomModel) -> None:
        with self._moved:
            self.model = model
            self.generation += 1
            self._moved.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The generation after `seen`, or `seen` if nothing changed within `timeout` s."""
        with self._moved:
            self._moved.wait_for(lambda: self.generation != seen, timeout)
            return self.generation


_CLASSROOMS: dict[str, Classroom] = {}
_CLASSROOMS_LOCK = threading.Lock()


def classroom(name: str, scenario_name: str, seed: object, actions=(), step: int = 0) -> Classroom:
    """The class session `name`, made from the first tab's address if it is new."""
    with _CLASSROOMS_LOCK:
        if name not in _CLASSROOMS:
            _CLASSROOMS[name] = Classroom(scenario_name, seed, actions, step)
        return _CLASSROOMS[name]


ENSEMBLE_RUNS = 200  # the "many worlds" view: enough for a 5-95% band, under a second


class Session:
    """One browser tab's world: the model, what the controls have chosen, whether it plays,
    a pinned run to compare with, the ensemble of the current settings and the answers."""

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        seed: object = DEFAULT_SEED,
        actions: list[Action] = (),
        step: int = 0,
        shared: Classroom | None = None,
        seat: str = "",
    ):
        self.scenario = solara.Reactive(scenario_name)  # the controls' choice; used on reset
        self.seed_text = solara.Reactive(str(seed))
        self.shared = shared  # the class session this tab is part of, if any
        self.model = solara.Reactive(
            shared.model
            if shared is not None
            else ClassroomModel.replayed(scenario_name, seed, list(actions), step)
        )
        self.seat = solara.Reactive("")  # the seat this tab plays (role play), if any
        if seat:  # from the page address: a reload keeps the tab's seat
            self.model.value.take_seat(seat)
            self.seat.value = seat
        self.version = solara.Reactive(0)  # moves whenever the model changes in place
        self.playing = solara.Reactive(False)
        self.pinned = solara.Reactive(None)  # (label, Dataset) of a run kept for comparison
        self.ensemble = solara.Reactive(None)  # Dataset of ENSEMBLE_RUNS runs, current settings
        self.answers = solara.Reactive({})  # question id -> what the student wrote
        self.selected = solara.Reactive("")  # a second state shown beside the focus
        # The play loop steps the model from its own thread while a student may click; one
        # change at a time, and no picture drawn from a half-taken step. Never held while a
        # reactive value is set: that draws the page, which takes the lock for its pictures.
        # The tabs of a class session share the classroom's lock.
        self.lock = threading.RLock() if shared is None else shared.lock
        self._dataset = (None, None)  # (what it was made from, the run so far): `dataset`

    def watched_model(self) -> ClassroomModel:
        """The model, for the page to draw: reading `version` here makes Solara draw the
        component again whenever the model changes in place (a step, a slider, an event).
        The page watches it once and hands `version` down to its cards (`drawn_model`)."""
        self.version.value  # noqa: B018 (read to subscribe)
        return self.model.value

    def drawn_model(self) -> ClassroomModel:
        """The model, for a card the page draws again with each new `version`: read without
        watching, so that a step is one render pass for the whole page, not one per card."""
        return self.model.peek()

    def dataset(self) -> xr.Dataset:
        """The run so far (`model.to_dataset()`), made once for each version of the world:
        the two pictures and the readout of a step read the same one."""
        with self.lock:  # never from a step half taken by the play loop
            model = self.model.peek()
            made_from = (model, model.steps, self.version.peek())
            if self._dataset[0] != made_from:
                self._dataset = (made_from, model.to_dataset())
            return self._dataset[1]

    def reset(self) -> None:
        """A new world from the chosen scenario and seed, at step 0."""
        self.playing.value = False
        self.model.value = ClassroomModel(self.scenario.value, self.seed_text.value)
        self.ensemble.value = None  # it belonged to the settings just left
        self._changed()

    def address(self, join: str = "") -> str:
        """The query string that rebuilds this world (experiments.classroom.address)."""
        from experiments.classroom.address import Address, encode

        model = self.drawn_model()
        return encode(
            Address(
                model.scenario_name,
                str(model.seed),
                model.steps,
                model.actions,
                join,
                seat=self.seat.value,
            )
        )

    def go_to(self, step: int) -> None:
        """The world at `step`: forward by stepping, back by rebuilding it from the seed and
        what was done by hand (the same random numbers, so the same history)."""
        self.playing.value = False
        with self.lock:
            model = self.model.value
            if step >= model.steps:
                while model.steps < min(step, model.horizon) and model.running:
                    model.step()
                rebuilt = None
            else:
                kept = [a for a in model.actions if a.step <= step]
                rebuilt = ClassroomModel.replayed(
                    model.scenario_name, model.seed, kept, step, seats=model.seats
                )
                rebuilt.input_error = model.input_error
        if rebuilt is not None:
            self.model.value = rebuilt
        self._changed()

    def step_back(self) -> None:
        self.go_to(max(0, self.model.value.steps - 1))

    def pin(self) -> None:
        """Keep the run shown as a faint trace behind the next one."""
        model = self.model.value
        with self.lock:
            ds = model.to_dataset()
        label = f"{model.scenario_name}, seed {model.seed}, {len(model.actions)} by hand"
        self.pinned.value = (label, ds)

    def unpin(self) -> None:
        self.pinned.value = None

    def run_ensemble(self, runs: int = ENSEMBLE_RUNS) -> None:
        """`runs` worlds of the current settings (scenario, seed, everything done by hand) in
        one call of the vectorised engine; run 0 is the world on the page."""
        model = self.model.value
        with self.lock:
            params = model.hand_params()
        self.ensemble.value = simulate(params, runs=runs, seed=model.seed)

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

    # ------------------------------------------------------------------ role play
    def take_seat(self, code: str) -> None:
        """This tab plays `code` (one of SEATS); the seat it held before goes back to the model."""
        with self.lock:
            model = self.model.value
            if self.seat.value and self.seat.value != code:
                model.leave_seat(self.seat.value)
            model.take_seat(code)
        self.seat.value = code
        self._changed()

    def leave_seat(self) -> None:
        with self.lock:
            if self.seat.value:
                self.model.value.leave_seat(self.seat.value)
        self.seat.value = ""
        self._changed()

    def choose(self, **choice: float) -> None:
        """This tab's seat chooses for the next quarter; when every seat taken has chosen, the
        world steps (the teacher's STEP steps it anyway: a seat that has not chosen leaves the
        choice to the model's agent). ParamError (one line) for a choice the model refuses."""
        code = self.seat.value
        with self.lock:
            model = self.model.value
            if code not in model.seats:  # a RESET or a step back gave a world without the seat
                model.take_seat(code)
            model.choose(code, **choice)
            everyone = not model.waiting
        if everyone:
            self.step()
        else:
            self._changed()

    def follow(self, stop: threading.Event, timeout: float = 0.5) -> None:
        """In a class session: draw again whenever another tab changes the shared world, until
        `stop` (the tab closed)."""
        shared = self.shared
        seen = shared.generation
        while not stop.is_set():
            now = shared.wait(seen, timeout)
            if now == seen:
                continue
            seen = now
            if shared.model is not self.model.value:
                self.model.value = shared.model
            self.version.value += 1

    def _changed(self) -> None:
        self.version.value += 1
        if self.shared is not None:
            self.shared.changed(self.model.value)
