"""`GeopoliticsModel`: one run of hedgesim as Mesa agents, step for step the engine's run.

    model = GeopoliticsModel(params, rng=7, run=0)   # params: sim.Params (experiments.compose)
    model.run_for(8)                                 # two years of quarters
    model.agent("KOR").security, model.why("KOR").rows()

Run `run` of `sim.simulate(params, runs=R, seed=7)` and this model stepped to the horizon
agree to rounding (the equivalence tests hold them to 1e-12): both draw from the
counter-based generator keyed by (seed, run, step, state, stream) and call the same
functions of `sim.dynamics`, the engine for a batch, each agent for its own part. Mesa's own
generators (`model.rng`, `model.random`) only shuffle the order in which middle powers decide,
which changes nothing because decisions are synchronous.

The world now: the model holds every number of its run that changes as one
`sim.dynamics.State` of (1, ...) arrays (`model.now`), as the engine holds a batch's. The
agents' numeric attributes are their parts of it (`agents.parts`: a middle power's row, a
great power's column), read and written in place, so the engine's functions take the world
without gathering it from the agents and the agents read what they return without copying
it out to each. Arrays that the engine keeps derived values of by their identity are
replaced at a change, never changed in place, as in the engine's step: the governing camps
(`govern`), the pressures, the challenger's provocation. What must keep a moment's
numbers keeps them: the world at the end of each step (the record) is copied into the
run's history, a row of each field (`_History`: the numbers of `world_state()`), and the
world the step's choices are judged from (`before`) copies what the step changes in place
after it and keeps the arrays the step replaces (`_kept_as_before`). Only those go to the
engine's functions that keep what they derive with the State they are given, as a State no
one changes once built (`state_pairs`, `levers_held`, `decision_context`); the world now
goes only to `sim.dynamics.stochastic_events`, which changes it in place.

A step (`step`), in the engine's order:
1. the pressures in force (the scenario's schedule, then live settings from `set_pressure`);
2. events: the scenario's dated events and those queued by `fire_event`, each handed to the
   agent it concerns; elections of the world file's calendar; the great powers' coercion
   and tariffs (responsive); then the stochastic ones — the challenger's tests, crises in
   the Taiwan Strait, the middle powers' summits and history disputes — drawn for every
   agent at once in one call of the engine's `sim.dynamics.stochastic_events` on the world
   now, every agent's part with it;
3. every middle power decides from the same last state (`MiddlePower.decide`): the world
   after the events (`before`, with `before_pairs`, `before_context`) and the middle
   powers' decisions drawn in one call of `sim.dynamics.decide` for all of them
   (`decisions`), each taking its own row, as the engine does;
4. responses: great powers' red lines, the challenger's choice and the great powers' (one
   call of `sim.dynamics.great_powers_decide`, each its column); then the aftermath for
   every agent at once (the engine's compiled `sim.dynamics.aftermath`: the threat follows
   its target, memories, opinions, pledges and ties move, restrictions and shocks fade),
   its new arrays written into the world now as the agents adopt their choices.

Speed: a step calls the engine's functions as the engine's step for one run does, its
compiled passes included (the stochastic events, the aftermath); what the step records is
kept as the next row of the run's history, every field laid along the steps as the engine's
`record` reads it, and turned into the dataset's variables by one call of `record` over all
steps (`trajectories`).

For a dashboard (experiments/classroom/app.py) — see agents/API.md for the full list:
- readable state: `model.pressures`, `model.rivalry`, `model.taiwan_risk`, `model.date`,
  `model.last_events`, `model.agent(code)` and the agents' attributes (`security`,
  `economic`, `autonomy`, `government`, `posture_label`, `reliability`, `threat`, ...);
- `model.set_pressure(name, value)`: in force from the next step (as a scheduled change);
- `model.fire_event(kind, target=..., partner=..., magnitude=1.0, camp="")`: happens in the
  next step, exactly as the same event in a scenario file;
- `model.why(code)`: each utility term's contribution to the state's last move (a great
  power: the parts of its levers' slopes toward the focus; the challenger: of its provocation);
- role play (agents/seats.py): `model.take_seat(code)`, `model.choose(code, **choice)`,
  `model.waiting`, `model.debrief(code)`, `model.leave_seat(code)`;
- `model.datacollector` (Mesa's DataCollector) and `model.to_dataset()` (the engine's layout).
"""

from __future__ import annotations

import dataclasses
import operator

import mesa
import numpy as np
import xarray as xr

from agents.challenger import Backer, Challenger
from agents.collect import make_datacollector, middle_power_numbers
from agents.explain import (
    Explanation,
    LeverExplanation,
    ProvocationExplanation,
    explain,
    explain_challenger,
    explain_great_power,
)
from agents.great_power import GreatPower
from agents.middle_power import MiddlePower
from agents.seats import POSITIONS, Debrief, checked_choice, seat_kind
from sim import dynamics
from sim import engine as _engine  # its record and dataset layout (see `record`, `to_dataset`)
from sim.arrays import frozen, same_objects
from sim.decision import Choice, Response
from sim.dynamics.aftermath import aftermath
from sim.dynamics.pressures import dispositions_in_force
from sim.metrics import world_posture_labels
from sim.params import (
    EVENT_KINDS,
    LEVERS,
    PRESSURE_KEYS,
    ParamError,
    Params,
    ScheduledEvent,
    validate,
    with_values,
)
from sim.world import compile_world, one_run_world, run_over_steps, values_for_block


class GeopoliticsModel(mesa.Model):
    """Middle powers between two great powers, a challenger and its backers: one run."""

    def __init__(
        self,
        params: Params,
        *,
        rng: int | None = None,
        run: int = 0,
        element: int | None = None,
        steps: int | None = None,
        **pressures: float,
    ):
        """`rng`: seed of the run's random numbers (None: Mesa draws one, see `seed`);
        `run`: its number in a batch; `element`: position of its values in parameters given as
        arrays over runs (default `run`); `steps`: horizon (default the scenario's);
        `pressures`: overrides such as `rivalry=0.8` (what `mesa.batch_run` sweeps)."""
        _check_whole(
            "rng", rng, "a whole number in [0, 2**63), or None", upper=2**63, optional=True
        )
        _check_whole("run", run, "a whole number >= 0")
        _check_whole(
            "element", element, "a whole number >= 0, or None for the run's", optional=True
        )
        if rng is None:  # a fresh seed from the OS's entropy, kept so the run can be repeated
            rng = int(np.random.default_rng().integers(2**63))
        super().__init__(rng=rng)
        self.seed = int(rng)
        self.run = int(run)
        self.element = self.run if element is None else int(element)
        self.params = _run_params(params, pressures)
        if steps is not None:
            _check_whole("steps", steps, "a whole number >= 1, or None for the scenario's", lower=1)
        # checked as the engine checks them, compiled; what does not depend on the run made
        # once per parameter values (`one_run_world`: a reset or a batch's next run reuses it)
        self.world = one_run_world(self.params, self.seed, self.run, self.element, steps)
        self.keys = dynamics.random_keys(self.world)
        self.horizon = self.world.steps
        self.state_codes, self.pole_codes = self.world.middle, self.world.poles
        self.focus = self.params.world.focus
        self.posture_labels = world_posture_labels(self.world)
        # the world now: every number of the run that changes, the agents' included (each
        # agent's attributes are its part of these arrays, `agents.parts`)
        self.now = _initial_world(self.world)

        self.great_powers = GreatPower.create_agents(
            self, len(self.pole_codes), code=list(self.pole_codes)
        )
        self.middle_powers = MiddlePower.create_agents(
            self, len(self.state_codes), code=list(self.state_codes)
        )
        self.challenger = Challenger(self, self.world.challenger)
        backers = list(self.params.world.backers)
        self.backers = Backer.create_agents(self, len(backers), code=backers)
        self._by_code = {agent.code: agent for agent in self.agents}
        # by index in the world's arrays (an AgentSet is not for indexing)
        self._pole_agents, self._state_agents = (
            self.great_powers.to_list(),
            self.middle_powers.to_list(),
        )

        self._pressure_arrays = ()  # the pressures' arrays in force: `_read_pressures`
        self._levers_from = None  # what `levers` was computed from: `_levers_in_force`
        self._bounds = None  # (the pressures' arrays, their bounds): `pressure_dispositions`
        self._live_pressures: dict[str, float] = {}
        self._fired: list = []
        # the world each step's choices are made from, set in each `_observe`
        self.before = self.before_pairs = self.before_held = self.before_context = None
        self.decisions: tuple[Choice, Response] | None = None  # the middle powers', (1, M)
        self.great_power_choices = None  # levers (1, M, P, K) and restraint (1, P), `_respond`
        # role play: seat code -> (toward, choice) for the next step, or None until it chooses
        self._seats: dict[str, tuple[str, dict[str, float]] | None] = {}
        self._seat_moves: dict[str, tuple] = {}  # seat code -> (toward, own, chosen) this step
        self._debriefs: dict[str, Debrief] = {}
        self._read_pressures()
        self.levers = self._levers_in_force()
        # the world at the end of every step done, each field's rows along the steps
        self._history = _History(self.now, self.horizon)
        self._recorded = None  # (steps recorded, trajectories): `trajectories` once per step
        self._pairs_now = None  # (state read, its pairs): `pairs_now` once per step
        self._readings = None  # (restrictions now, readings): `_keep_now`
        self._keep_now()
        self.datacollector, self._rows = make_datacollector(self)
        self._collect()

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        k = self.steps  # Mesa counts the step before calling this
        if k > self.horizon:
            self.running = False
            return
        now = self.now
        if k in self.world.changes:  # the scenario's dated pressures (`scenario.pressures`)
            now.pressures = dynamics.scheduled_pressures(self.world, now.pressures, k)
        if k in self.world.lever_changes:  # the scenario's dated levers (`scenario.levers`)
            # a copy: the world now is changed in place, what the schedule holds never
            now.levers = dynamics.scheduled_levers(self.world, now.levers, k).copy()
        if self._live_pressures:  # set between steps (`set_pressure`)
            now.pressures.update(
                {name: np.full(1, value) for name, value in self._live_pressures.items()}
            )
            self._live_pressures = {}
        self._read_pressures()
        self.levers = self._levers_in_force()
        now.events = np.zeros(now.events.shape, now.events.dtype)  # the step's counts
        self._observe(self._events(k))
        self.middle_powers.shuffle_do("decide")  # synchronous: the order changes nothing
        self._respond()
        self.levers = self._levers_in_force()
        if self._seats:
            self._debrief_seats()
        self._keep_now()
        self._collect()
        self.running = k < self.horizon

    def _keep_now(self) -> None:
        """Keep the world now as the next step of the run's history (`_History`) and the
        middle powers' readings of it, which the DataCollector reads at every collection
        (`middle_power_readings`): made now, from the world now, whose numbers the history
        has just copied (the same numbers; later changes of the world now between steps,
        such as a dashboard's, change neither)."""
        self._history.keep(self.now)
        self._readings = self._numbers_of(self.now)

    def _collect(self) -> None:
        """The DataCollector's rows of the world now: the model's row and the agent table
        gathered at once (`agents.collect.Rows`), then Mesa's `collect`."""
        self._rows.gather()
        self.datacollector.collect(self)

    def _events(self, k: int) -> dynamics.State:
        """The events of step k, each handed to the agent it concerns, then the stochastic
        ones drawn together (`_stochastic_events`). Returns the world after them."""
        # Agents are visited in plain loops over `_state_agents` and `_pole_agents` (lists in
        # the world's order), not `AgentSet.do`: the same calls without its overhead, which
        # at a dozen calls a step is a tenth of the step.
        fired, self._fired = self._fired, []
        for event in self.world.events.get(k, []) + fired:
            self._dispatch(event, k)
        for mp in self._state_agents:
            mp.hold_scheduled_election(k)
        for gp in self._pole_agents:
            gp.press(k)
        return self._stochastic_events(k)

    def _stochastic_events(self, k: int) -> dynamics.State:
        """The step's stochastic events and their effects: the challenger's missile and
        nuclear tests, a crisis in the Taiwan Strait, every middle power's summit (with a
        great power, which eases its restriction and its coercion lever and lifts its
        credibility, or with the challenger, which eases the threat) and its history
        disputes with its neighbours; then the bounds. Each is drawn from its agent's own
        random streams, in one call of the engine's `sim.dynamics.stochastic_events` on the
        world now after the scheduled events, in place, each agent's part included (the
        equations of each entity's module, run by run; the responsive great powers'
        coercion episodes are drawn before, in `GreatPower.press`, as the engine draws
        them). Returns the world after them (`_kept_as_before`): what the step's choices
        are judged from (`_observe`), unchanged while the responses change the world now."""
        dynamics.stochastic_events(self.world, self.now, k, self.keys)
        return self._kept_as_before()

    def _kept_as_before(self) -> dynamics.State:
        """The world now as `before` keeps it: the numbers of `world_state()`, with copies
        only of what the step changes in place from here on — the great powers' levers and
        restraint (their choices, `GreatPower.advance`), the restrictions (red lines), the
        step's counts — and of the challenger's provocation (its array, replaced only at a
        change, stays the world now's: the engine keeps its test chances by its identity).
        Every other array is the world now's until the step replaces it with a new one: the
        positions by the choices, the aftermath's fields by its arrays (`_respond`), the
        governing camps at a change of government (read-only); so none is shared once the
        step is done, and `before` keeps its numbers whatever changes the world now later."""
        fields = list(_FIELDS_OF(self.now))
        for i in _CHANGED_IN_RESPONSE_AT:
            fields[i] = fields[i].copy()
        # `before`'s own copies, which nothing changes: read-only, as the engine's new arrays
        # are (`sim.arrays.frozen`), so the kernels that read them take them as they are
        frozen(*[fields[i] for i in _CHANGED_IN_RESPONSE_AT])
        fields[_PRESSURES] = dict(fields[_PRESSURES])
        return dynamics.State(*fields)

    def _dispatch(self, event, k: int) -> None:
        """A dated event, handed to the agent it concerns."""
        self.count(event.kind)
        kind, magnitude = event.kind, event.magnitude
        target = self._state_agents[event.target] if event.target >= 0 else None
        if kind in ("missile_test", "nuclear_test"):
            self.challenger.provoke(kind, magnitude)
        elif kind == "taiwan_crisis":
            self.taiwan_shock = float(
                dynamics.taiwan_crisis(self.world, np.array([self.taiwan_shock]), magnitude)[0]
            )
        elif kind == "coercion":
            self._pole_agents[event.partner_pole].coerce(target, magnitude)
        elif kind == "tariff_shock":
            self._pole_agents[event.partner_pole].impose_tariff(target, magnitude)
        elif kind == "summit":
            if event.partner_pole >= 0:
                partner = self._pole_agents[event.partner_pole]
            elif event.partner_challenger:
                partner = self.challenger
            else:
                partner = self._state_agents[event.partner_state]
            target.meet(partner, magnitude)
        elif kind == "election":
            target.hold_election(k, event.camp)
        elif kind == "pledge":
            target.pledge_to(self._pole_agents[event.partner_pole], magnitude)
        elif kind == "history_dispute":
            target.quarrel(self._state_agents[event.partner_state], magnitude)

    def _observe(self, after_events: dynamics.State) -> None:
        """The world after this step's events, as every agent that chooses sees it: copied
        once (`before`, by `_events`), with what the levers make of each pair
        (`before_pairs`), the bounds and levers in force (`before_held`) and what the middle
        powers see (`before_context`); then the middle powers' decisions, drawn together
        (`decisions`): one call of the engine's `sim.dynamics.observe` (its `state_pairs`,
        `decision_context` and `decide`) for every middle power, and each takes its own row
        (the same numbers as a call per row)."""
        w = self.world
        self.before = after_events  # what every choice and response is judged from
        # its dispositions in force are the world now's (`levers`) unless an event moved a
        # shock or a pressure since they were made: handed over, not made again
        if self._levers_read(after_events)[0]:
            dynamics.dispositions_known(after_events, self.levers)
        # the engine's observe phase (`before` is the Mesa model's own state, as the engine's)
        observed = dynamics.observe(w, self.before, self.steps, self.keys)
        self.before_pairs, self.before_context = observed[0], observed[1]
        self.decisions = observed[2:]  # (Choice, Response)
        # the levers in force, capped by the bounds the pressures set, as the pairs read them
        self.before_held = dynamics.levers_held(w, self.before)[1]

    def _respond(self) -> None:
        """Responses, synchronously from the world after the middle powers' decisions: red
        lines (responsive), Pyongyang's choice, the great powers' next levers (chosen
        together, each taking its own column); then the aftermath (`aftermath`), and every
        agent adopts its choice: the middle powers' positions (1, M) written whole into the
        world now, the great powers' levers and restraint each its column."""
        w, mps = self.world, self._state_agents
        before = self.before.security  # the middle powers' positions have not moved yet
        # the middle powers' choices, (1, M) each, arrays of the world now from here on
        if self._seats:  # a seat's choice may replace its agent's own
            after, economic, autonomy = (
                np.array([chosen], dtype=np.float64)
                for chosen in zip(*(mp.choice for mp in mps), strict=True)
            )
        else:  # every agent's own choice: its row of the decisions, copied whole
            s, e, a = self.decisions[0]
            after, economic, autonomy = s.copy(), e.copy(), a.copy()
        for gp in self._pole_agents:
            gp.enforce_red_lines(before, after)
        self.challenger.step(after)
        self.great_power_choices = dynamics.great_powers_decide(
            w,
            self.before,
            self.before_context,
            self.before_pairs,
            self.responses(),
            self.steps,
            self.keys,
            trusted=True,  # the model's own state and what `observe` made of it
        )
        for gp in self._pole_agents:
            gp.step()
        self.challenger.advance()  # its course (a seat's, if it chose one): its threat follows
        aftermath = self._aftermath(after)
        self.now.security, self.now.economic, self.now.autonomy = after, economic, autonomy
        for mp in mps:
            mp.choice = None
        for gp in self._pole_agents:
            gp.advance()
        # arrays of its own: the world now from here (a State is a plain dataclass: its
        # fields are its `__dict__`'s, written at once)
        vars(self.now).update(aftermath)

    def _aftermath(self, security_after: np.ndarray) -> dict[str, np.ndarray]:
        """What follows the responses, for every agent at once: the challenger's threat
        toward its target and its summit momentum fading; every middle power's memory of the
        restrictions in force this step (the great powers' events, after their red lines,
        and, where higher, their coercion levers in force, `before_held`), its public's
        opinion, its pledges and its ties; every great power's restrictions wearing off and
        its reliability shock fading; the Taiwan shock fading. One call of the engine's
        compiled aftermath (`sim.dynamics.aftermath`, the scalar equations of each entity's
        module run by run) from the world the choices were made in (`before`), the
        restrictions now (after the red lines) and the challenger's choice; new arrays, the
        fields of the world now they replace (each agent's part with them, `_respond`)."""
        w, now = self.world, self.now
        target = None  # a strategic challenger's target follows its choice
        if w.dynamics.challenger != "strategic":
            target = self.challenger.threat_target(security_after)
        return aftermath(  # the model's own state and what it made of it, as they are
            w, self.before, now.restriction, self.before_held, now.provocation, target, True
        )

    def _levers_in_force(self) -> dict[str, np.ndarray]:
        """The dispositions in force (`sim.dynamics.effective_levers`: the pressures' with the
        great powers' reliability shocks and the Taiwan shock), computed again only when
        what they read has changed (the pressure arrays, the shocks to the bit): a step reads
        them at its start and its end, and between steps nothing changes them."""
        now = self.now
        same, read = self._levers_read(now)
        if same:
            return self.levers
        self._levers_from = read
        # the levers keep the Taiwan shock: a copy (the world now changes in place), read
        # only as the engine's (the kernels that read it take it as it is); the reliability
        # shocks are only read, now
        taiwan = now.taiwan_shock.copy()
        frozen(taiwan)
        dispositions = self._pressure_bounds()[0]
        return dispositions_in_force(
            dispositions, now.pressures, now.reliability_shock, taiwan, trusted=True
        )

    def _levers_read(self, state: dynamics.State) -> tuple[bool, tuple[tuple, bytes]]:
        """What the dispositions in force read in `state`, the world now or `before` during a
        step (its pressure arrays, `_pressure_arrays`, by identity: none is changed in place;
        its shocks, to the bit), and whether `levers` was made from just that
        (`_levers_from`)."""
        read = (
            self._pressure_arrays,
            state.reliability_shock.tobytes() + state.taiwan_shock.tobytes(),
        )
        made = self._levers_from
        same = made is not None and made[0] is read[0] and made[1] == read[1]
        return same, read

    def _read_pressures(self) -> None:
        """The arrays of the pressures in force (`_pressure_arrays`), the same tuple while
        none is replaced: read at the start of each step, after the schedule and the
        settings made between steps, the only changes of the pressures a step makes (its
        events change none; `before` holds the same arrays). The model's caches of what the
        pressures set are checked by that tuple's identity, one test each
        (`_levers_read`, `_pressure_bounds`, the collection's row), instead of a pass over
        the pressures each (six a step)."""
        arrays = tuple(self.now.pressures.values())
        if not same_objects(arrays, self._pressure_arrays):
            self._pressure_arrays = arrays

    def _pressure_bounds(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """`pressure_dispositions` of the pressures in force during a step, its pair kept by
        their arrays' tuple (`_read_pressures`)."""
        held = self._bounds
        if held is None or held[0] is not self._pressure_arrays:
            bounds = dynamics.pressure_bounds(self.world, self.now.pressures)
            held = self._bounds = (self._pressure_arrays, bounds)
        return held[1]

    def pressure_dispositions(
        self, pressures: dict[str, np.ndarray]
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The great powers' dispositions set by `pressures` (`sim.world.pressure_levers`)
        and the bounds of their levers (`sim.world.lever_caps`, which read only those),
        read only: the engine's (`sim.dynamics.pressure_bounds`), computed again only when a
        pressure changes (a scheduled or live change replaces a pressure's array, nothing
        changes one in place: the engine's rule too). The last pair is kept here by the
        pressures' arrays: one check instead of the engine's two (its caches look at the
        pressures, then at the dispositions). (During a step the model asks
        `_pressure_bounds`, which checks that pair by one test of identity.)"""
        values = tuple(pressures.values())
        held = self._bounds
        if held is None or not same_objects(held[0], values):
            held = self._bounds = (values, dynamics.pressure_bounds(self.world, pressures))
        return held[1]

    def responses(self) -> Response:
        """The middle powers' last responses (targets and curvatures), (1, M) each."""
        return self.decisions[1]

    def count(self, kind: str, n: int = 1) -> None:
        """Count events of this step (what the dataset's `events` holds)."""
        if n:  # most draws of a step are no event
            self.event_counts[dynamics.EVENT_INDEX[kind]] += n

    # ------------------------------------------------------------------ readable state
    def agent(self, code: str):
        """The agent of a state code (KOR, USA, PRK, RUS, ...)."""
        if code not in self._by_code:
            raise ParamError(
                "code", code, f"no such state in this world; allowed: {sorted(self._by_code)}"
            )
        return self._by_code[code]

    def pressure(self, name: str) -> np.ndarray:
        """A pressure in force, (1,) as the sim functions take it."""
        return self._pressures[name]

    @property
    def pressures(self) -> dict[str, float]:
        in_force = self.now.pressures
        return {name: float(in_force[name][0]) for name in PRESSURE_KEYS}

    @property
    def rivalry(self) -> float:
        """US-China rivalry in force (the pressure, raised by Taiwan crises)."""
        return float(self.levers["rivalry"][0])

    @property
    def taiwan_risk(self) -> float:
        return float(self.levers["taiwan_risk"][0])

    @property
    def threat(self) -> float:
        return self.challenger.threat

    @property
    def date(self):
        return self.world.dates[min(self.steps, self.horizon)]

    @property
    def last_events(self) -> dict[str, int]:
        return {kind: int(n) for kind, n in zip(EVENT_KINDS, self.event_counts, strict=True)}

    def world_values(self, value) -> np.ndarray:
        """A parameter's value for this run, (1,) (arrays over runs: this run's element)."""
        return values_for_block(value, slice(self.element, self.element + 1), 1)

    def why(
        self, code: str | None = None, toward: str | None = None
    ) -> Explanation | LeverExplanation | ProvocationExplanation:
        """Why an agent made its last choice: a middle power's (default: the focus) move term
        by term; a great power's levers toward middle power `toward` (default: the focus),
        the parts of each lever's slope; the challenger's provocation, the parts of its
        incentive."""
        agent = self.agent(code or self.focus)
        if isinstance(agent, MiddlePower):
            return explain(agent)
        if isinstance(agent, GreatPower):
            return explain_great_power(agent, self._middle_code(toward))
        if isinstance(agent, Challenger):
            return explain_challenger(agent)
        allowed = [*self.state_codes, *self.pole_codes, self.challenger.code]
        raise ParamError("code", code, f"an agent that chooses: {allowed}")

    def _middle_code(self, code: str | None) -> str:
        code = self.focus if code is None else code
        if code not in self.state_codes:
            raise ParamError("toward", code, f"a middle power: {list(self.state_codes)}")
        return code

    # ------------------------------------------------------------------ role play
    @property
    def seats(self) -> list[str]:
        """The seats taken, in the order they were taken."""
        return list(self._seats)

    @property
    def waiting(self) -> list[str]:
        """The seats that have not chosen for the next step."""
        return [code for code, choice in self._seats.items() if choice is None]

    def take_seat(self, code: str) -> None:
        """A student takes agent `code`'s seat (a middle power, a great power or the
        challenger): from now on what it `choose`s replaces that agent's own choice."""
        seat_kind(self, code)
        self._seats.setdefault(code, None)

    def leave_seat(self, code: str) -> None:
        """The model's agent chooses for itself again."""
        self._seats.pop(code, None)
        self._debriefs.pop(code, None)

    def choose(self, code: str, toward: str | None = None, **choice: float) -> None:
        """The seat's choice for the next step. A middle power: its new `security`,
        `economic`, `autonomy`; a great power: its levers (LEVERS) toward middle power
        `toward` (default: the focus); the challenger: its `provocation` (-1 dialogue ... +1).
        A name left out is as the model's agent chooses it."""
        if code not in self._seats:
            raise ParamError("seat", code, f"a seat taken first (take_seat); taken: {self.seats}")
        if toward is not None and seat_kind(self, code) != "great_power":
            raise ParamError("toward", toward, "only for a great power's seat")
        self._seats[code] = (self._middle_code(toward), checked_choice(self, code, choice))

    def seat_choice(self, code: str) -> tuple[str, dict[str, float]] | None:
        """(toward, choice) of seat `code` for the step under way, None if it has none."""
        return self._seats.get(code)

    def seat_moved(self, code: str, toward: str, own, chosen) -> None:
        """An agent reports its own choice and the seat's that replaced it (for the debrief)."""
        self._seat_moves[code] = (toward, np.asarray(own, float), np.asarray(chosen, float))

    def debrief(self, code: str) -> Debrief | None:
        """Seat `code`'s last step: its choice, the model's agent's own, and why; None before
        the seat's first step."""
        return self._debriefs.get(code)

    def _debrief_seats(self) -> None:
        """After a step: each seat's debrief; the seats wait for their next choice."""
        for code, seat in self._seats.items():
            agent = self._by_code[code]
            toward, own, chosen = self._seat_moves.pop(code)
            if isinstance(agent, MiddlePower):
                names, why = POSITIONS, explain(agent, position=own)
            elif isinstance(agent, Challenger):  # its reasons, ending at its own choice
                names = ("provocation",)
                why = dataclasses.replace(explain_challenger(agent), after=float(own[0]))
            else:
                names = LEVERS
                why = explain_great_power(agent, toward, after=own)
            own_d = dict(zip(names, map(float, own), strict=True))
            chosen_d = dict(zip(names, map(float, chosen), strict=True))
            self._debriefs[code] = Debrief(
                code=code,
                step=int(self.steps),
                chosen=chosen_d,
                own=own_d,
                why=why,
                toward=toward if isinstance(agent, GreatPower) else "",
                by_seat=seat is not None,
                differences={n: chosen_d[n] - own_d[n] for n in names},
            )
            self._seats[code] = None

    # ------------------------------------------------------------------ live controls
    def set_pressure(self, name: str, value: float) -> None:
        """Set a pressure from the next step on, as a scheduled change would."""
        if name not in PRESSURE_KEYS:
            raise ParamError(
                f"pressures.{name}", value, f"no such pressure; allowed: {list(PRESSURE_KEYS)}"
            )
        validate(with_values(self.params, {f"pressures.{name}": value}))
        self._live_pressures[name] = float(value)

    def fire_event(
        self,
        kind: str,
        target: str | None = None,
        partner: str = "",
        magnitude: float = 1.0,
        camp: str = "",
    ) -> None:
        """Queue an event for the next step: the same as the event in a scenario file, dated
        within the next step (and checked by the same rules)."""
        k = self.steps
        if k >= self.horizon:
            raise ParamError(
                "event", kind, f"the horizon ({self.horizon} steps) is reached; no next step"
            )
        event = ScheduledEvent(
            date=self.world.dates[k].isoformat(),
            kind=kind,
            target=self.focus if target is None else target,
            partner=partner,
            magnitude=magnitude,
            camp=camp,
        )
        position = len(self.params.scenario.events)
        scheduled = with_values(
            self.params, {"scenario.events": [*self.params.scenario.events, event]}
        )
        try:
            validate(scheduled)
        except ParamError as error:
            key = error.key.replace(f"scenario.events[{position}]", "event")
            raise ParamError(key, error.value, error.allowed) from None
        compiled = compile_world(
            scheduled,
            self.seed,
            self.world.run_ids,
            slice(self.element, self.element + 1),
            self.horizon,
        )
        self._fired.append(compiled.events[k + 1][-1])

    # ------------------------------------------------------------------ data
    def world_levers(self) -> np.ndarray:
        """The great powers' levers (1, M, P, K) now, a copy."""
        return self.now.levers.copy()

    def world_state(self) -> dynamics.State:
        """The world now as the engine holds it (one run), a copy that keeps its numbers
        while the world now changes: every array copied but the governing camps, read-only
        and replaced at a change of government (`govern`), and the pressures', replaced
        at a change, never changed in place."""
        now = _FIELDS_OF(self.now)
        fields = [x.copy() if copied else x for x, copied in zip(now, _COPIED, strict=True)]
        fields[_PRESSURES] = dict(fields[_PRESSURES])
        return dynamics.State(*fields)

    def govern(self, index: int, camp: int) -> None:
        """Camp `camp` governs middle power `index` from now on. The governing camps are a
        read-only array (1, M), replaced by another at a change of government only, as the
        engine's state holds them: what reads a camp's table keeps it by the array's
        identity (`sim.dynamics.clock.governing_of`), once per government."""
        if self.now.camp[0, index] != camp:
            camps = self.now.camp.copy()
            camps[0, index] = camp
            frozen(camps)
            self.now.camp = camps

    @property
    def _pressures(self) -> dict[str, np.ndarray]:
        """The pressures in force, (1,) each: the world now's."""
        return self.now.pressures

    @property
    def taiwan_shock(self) -> float:
        """The shock of the crises in the Taiwan Strait, fading."""
        return float(self.now.taiwan_shock[0])

    @taiwan_shock.setter
    def taiwan_shock(self, shock: float) -> None:
        self.now.taiwan_shock[0] = shock

    @property
    def event_counts(self) -> np.ndarray:
        """(E,) the events of this step so far, of each kind (EVENT_KINDS): the world now's."""
        return self.now.events[0]

    @property
    def _last_state(self) -> dynamics.State:
        """The world at the end of the last step, as the history keeps it (views of its rows,
        made when asked)."""
        return self._history.last()

    def record(self) -> dict[str, np.ndarray]:
        """This step's row of the dataset, as the engine records it."""
        return _engine.record(self.world, self._last_state)

    def pairs_now(self):
        """What the great powers' levers make of each pair now, at the end of the last step
        (`sim.dynamics.state_pairs`; computed once per step, for every agent's readings)."""
        state = self._last_state
        if self._pairs_now is None or self._pairs_now[0] is not state:
            self._pairs_now = (state, dynamics.state_pairs(self.world, state))
        return self._pairs_now[1]

    def restrictions_now(self) -> np.ndarray:
        """(1, M, P) the trade restriction each great power imposes on each middle power now,
        at the end of the last step: by events or, where higher, by its coercion lever in force
        (`sim.dynamics.restriction_in_force`, what `pairs_now().restriction` holds, without
        the rest of the pairs; read only). Once per step, with the middle powers' readings
        (`middle_power_readings`): the DataCollector reads them every step."""
        return self._readings[0]

    def middle_power_readings(self) -> dict[str, list]:
        """Every middle power's numbers now, of the world at the end of the last step (the
        state it recorded, whose positions are the agents'), for the DataCollector's rows:
        "numbers", the rows of `agents.collect.NUMBER_ROWS` (security, economic, autonomy,
        hedging) then one per great power (its restriction now, `restrictions_now`), each a
        number per middle power in the world's order, laid end to end in one flat list;
        "posture", their posture codes. Computed for all of them at once
        (`agents.collect.middle_power_numbers`), once per recorded state (`_keep_now`)."""
        return self._readings[1]

    def _numbers_of(self, state: dynamics.State) -> tuple:
        """(restrictions_now, middle_power_readings) of `state`."""
        bounds = self._pressure_bounds()[1]  # `state` is the world now, whose pressures these are
        thresholds = self.params.metrics.posture_thresholds
        numbers, posture, restriction = middle_power_numbers(self.world, state, bounds, thresholds)
        frozen(restriction)
        # the block row by row as one flat list (`agents.collect.Rows` writes it cell by cell)
        return restriction, {"numbers": numbers.ravel().tolist(), "posture": posture.tolist()}

    def trajectories(self) -> dict[str, np.ndarray]:
        """Every recorded variable over the steps done: (1, steps + 1, ...). The engine's
        `record` of every step's world at once: the steps laid along the runs axis of the
        run's world repeated at each (`sim.world.run_over_steps`: the world compiled for them,
        without compiling it again, made once per parameter values and number of steps; the
        same numbers as one call per step, which would cost a call of every recorder per
        step)."""
        n = self._history.kept
        if self._recorded is None or self._recorded[0] != n:
            over_steps = run_over_steps(self.world, n)
            rows = _engine.record(over_steps, self._history.stacked())
            self._recorded = (n, {name: value[None] for name, value in rows.items()})
        return self._recorded[1]

    def to_dataset(self) -> xr.Dataset:
        """The steps done so far in the engine's dataset layout (a run dimension of one)."""
        world = dataclasses.replace(self.world, dates=self.world.dates[: self._history.kept])
        traj = _engine.with_observables(world, self.trajectories())
        return _engine.dataset(self.params, world, np.array([self.run]), self.seed, traj)


# the fields of the world now that change in place (the others are replaced at a change)
_CHANGING = tuple(
    name for name in dynamics.State.__dataclass_fields__ if name not in ("camp", "pressures")
)
# of those, what a step changes in place after its events (`_kept_as_before` copies them,
# with the provocation; the others it replaces whole before the step's end)
_CHANGED_IN_RESPONSE = ("levers", "restraint", "restriction", "events", "provocation")


def _initial_world(w) -> dynamics.State:
    """The world at the start of the run: the engine's initial state, every array its own
    (C-ordered, changed in place from now on), the governing camps read-only (`govern`)."""
    state = dynamics.initial_state(w)
    camps = np.array(state.camp, dtype=np.int8)
    frozen(camps)
    return dynamics.State(
        **{name: np.array(getattr(state, name)) for name in _CHANGING},
        camp=camps,
        pressures=dict(state.pressures),
    )


# A state's fields in one call, in the order `State(*fields)` takes them (by position: a
# third quicker than by name, twice a step), and the positions `world_state` and
# `_kept_as_before` copy or replace.
_FIELDS = tuple(dynamics.State.__dataclass_fields__)
_FIELDS_OF = operator.attrgetter(*_FIELDS)
_COPIED = tuple(name in _CHANGING for name in _FIELDS)
_PRESSURES = _FIELDS.index("pressures")
_CHANGED_IN_RESPONSE_AT = tuple(_FIELDS.index(name) for name in _CHANGED_IN_RESPONSE)


class _History:
    """The world at the end of every step done (the numbers of `world_state()`), each field's
    rows laid along the steps as they are kept: a (horizon + 1, ...) array per field, which
    each step writes its row of, and the pressures in force at each step (their arrays are
    replaced at a change, never changed in place). A step's state is a view of its rows;
    `trajectories` reads the rows of every step done at once (the steps along the runs axis,
    as `sim.world.run_over_steps` lays the run's world), without a copy of each step's world
    to stack."""

    def __init__(self, now: dynamics.State, horizon: int):
        arrays = [(i, x) for i, x in enumerate(_FIELDS_OF(now)) if i != _PRESSURES]
        self._rows = tuple(
            (i, np.empty((horizon + 1, *x.shape[1:]), dtype=x.dtype)) for i, x in arrays
        )
        self._pressures: list[dict[str, np.ndarray]] = []
        self.kept = 0  # the steps kept (the initial world's included)
        self._last = None  # (the step, its state): `last`

    def keep(self, now: dynamics.State) -> None:
        """The world now as the next row of every field."""
        k = self.kept
        fields = _FIELDS_OF(now)
        for i, rows in self._rows:
            rows[k] = fields[i][0]  # run 0's numbers (a view, or a number), copied
        self._pressures.append(dict(fields[_PRESSURES]))
        self.kept = k + 1

    def last(self) -> dynamics.State:
        """The last step kept, as a State of views of its rows (made once per step, when
        asked: `pairs_now`, `record`)."""
        k = self.kept - 1
        if self._last is None or self._last[0] != k:
            fields = [None] * len(_FIELDS)
            for i, rows in self._rows:
                fields[i] = rows[k : k + 1]
            fields[_PRESSURES] = self._pressures[k]
            self._last = (k, dynamics.State(*fields))
        return self._last[1]

    def stacked(self) -> dynamics.State:
        """Every step kept as one State (steps, ...), the steps along the runs axis."""
        n = self.kept
        fields = [None] * len(_FIELDS)
        for i, rows in self._rows:
            fields[i] = rows[:n]
        kept = self._pressures
        fields[_PRESSURES] = {name: np.concatenate([p[name] for p in kept]) for name in kept[0]}
        return dynamics.State(*fields)


def _check_whole(key, value, allowed, *, lower=0, upper=None, optional=False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lower:
        raise ParamError(key, value, allowed)
    if upper is not None and value >= upper:
        raise ParamError(key, value, allowed)


def _run_params(params: Params, pressures: dict[str, float]) -> Params:
    """The run's parameters, with pressure overrides (checked with the world they make,
    `one_run_world`, as the engine checks them: every array over runs holds the run's value)."""
    if not isinstance(params, Params):
        raise ParamError(
            "params", type(params).__name__, "a sim.Params (e.g. experiments.compose([...]))"
        )
    unknown = sorted(set(pressures) - set(PRESSURE_KEYS))
    if unknown:
        raise ParamError(
            unknown[0], pressures[unknown[0]], f"not a pressure; allowed: {list(PRESSURE_KEYS)}"
        )
    return with_values(params, {f"pressures.{name}": value for name, value in pressures.items()})
