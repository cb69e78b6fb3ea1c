"""The world as arrays: parameters compiled for a block of runs.

Middle powers and great powers are held in a canonical order (sorted by code), so the order
of states in a world file changes no number. Every numeric parameter may be a scalar or an
array over runs; here each becomes an array with a leading run axis.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import pickle
from dataclasses import dataclass, field, fields, replace
from types import SimpleNamespace

import numpy as np

from sim.arrays import caches_of
from sim.calendar import parse_date, step_dates
from sim.codes import code_key
from sim.observables import ObservationInputs, compile_observation
from sim.params import (
    CAMPS,
    LEVERS,
    PRESSURE_KEYS,
    PRESSURE_LEVERS,
    RESTRAINT,
    WEIGHT_KEYS,
    Favourability,
    LeverSpec,
    Params,
    validate,
)

NO_RED_LINE = 2.0  # beyond any alignment: never crossed
# A great power's dispositions, set by its world-file fields or the pressures mapped onto them
# (PRESSURE_LEVERS): the credibility of its protection, its readiness to coerce and to press
# trade (the bounds of its coercion and tariff levers), its baseline military pressure.
DISPOSITIONS = ("reliability", "coercion", "trade_pressure", "military")
# The lever whose bound is the great power's disposition times its `max` (the others: `max`).
CAPPED_BY = {"coercion": "coercion", "tariff": "trade_pressure"}
LEVER_INDEX = {lever: k for k, lever in enumerate(LEVERS)}


@dataclass
class ScheduledEventArrays:
    """One dated event, resolved to indices."""

    step: int
    kind: str
    target: int  # index of a middle power, or -1
    partner_pole: int  # index of a great power, or -1
    partner_state: int  # index of a middle power, or -1
    partner_challenger: bool
    magnitude: float
    camp: int  # index in CAMPS, or -1 for a drawn outcome


class Bound(SimpleNamespace):
    """A compiled world's parameters of one kind (its rates, sizes, dynamics, ...): bound
    once, when the world is compiled, as the world's own fields are (`CompiledWorld`)."""

    def __setattr__(self, name, value):
        raise AttributeError(f"{name}: a compiled world's parameters are bound once; {_REBIND}")

    def __delattr__(self, name):
        self.__setattr__(name, None)  # refused alike


# what a compiled world's copy for other runs takes of its own (`one_run_world`,
# `run_over_steps`): the same number of runs, the same arrays
REBOUND = frozenset({"params", "seed", "run_ids"})
_REBIND = "compile the world again (sim.world.compile_world) with other parameters"


@dataclass
class CompiledWorld:
    """The parameters of a batch of runs as the engine's functions read them: arrays over
    the runs (R, ...) and the world's tables, compiled once per parameter set and block of
    runs (`compile_world`). Its fields are bound once: after it is made, setting one (its
    parameter groups' too, `Bound`) raises an AttributeError, but for `REBOUND` on a copy
    for other runs. A world's arrays are never changed in place either (the engine's rule),
    so what is made of its own fields is made once per world and kept with it
    (`sim.strategy_kernels.world_views`), without checking it again."""

    params: Params
    seed: int
    run_ids: np.ndarray  # (R,) global run numbers: the random key of each run
    middle: tuple[str, ...]  # middle-power codes, canonical order
    poles: tuple[str, ...]  # great-power codes, canonical order
    challenger: str
    dates: list[dt.date]
    dt_years: float
    sign: np.ndarray  # (P,) pole of each great power
    protector: np.ndarray  # (P,) 1 for the challenger's adversary
    capability: np.ndarray  # (R, P) share of the two great powers' capability
    lever_base: dict[str, np.ndarray]  # disposition -> (R, P), before pressures override
    lever_initial: np.ndarray  # (R, P, K) the levers in 2025 (before the bounds)
    lever_max: np.ndarray  # (R, P, K) bounds (times the disposition for coercion and tariff)
    lever_cost: np.ndarray  # (R, P, K)
    restraint_initial: np.ndarray  # (R, P)
    restraint_max: np.ndarray  # (R, P)
    restraint_cost: np.ndarray  # (R, P)
    aims: np.ndarray  # (R, P, 2) weights of security and economic alignment, summing to 1
    lever_changes: dict[int, list[tuple[int, int, int, float]]]  # step -> (pole, state, k, value)
    pressure_base: dict[str, np.ndarray]  # pressure -> (R,)
    changes: dict[int, list[tuple[str, float]]]  # step -> pressure changes in force from it
    events: dict[int, list[ScheduledEventArrays]]
    elections: np.ndarray  # (T+1, M) bool: a state holds its scheduled election at this step
    weights: Bound  # weight -> (R, 1, 1)
    init_security: np.ndarray  # (R, M)
    init_economic: np.ndarray
    init_autonomy: np.ndarray
    init_camp: np.ndarray  # (M,) int
    init_threat: np.ndarray  # (R,)
    threat_exposure: np.ndarray  # (R, M)
    taiwan_exposure: np.ndarray
    defence_cost: np.ndarray
    p_switch: np.ndarray
    exports: np.ndarray  # (R, M, P) shares of the two markets, summing to 1 per state
    red_lines: np.ndarray  # (R, M, P) alignment with the coercer's rival that triggers it
    ideal_security: np.ndarray  # (R, M, C) per camp
    ideal_economic: np.ndarray
    ideal_neighbours: np.ndarray  # (R, M, C) weight of neighbour ties per camp
    ideal_engagement: np.ndarray  # (R, M, C) dialogue offered to the challenger per camp
    init_memory: np.ndarray  # (R, M, P) remembered restriction at the start
    init_opinion: np.ndarray  # (R, M, P) favourability toward each great power at the start
    opinion_baseline: np.ndarray  # (R, M, P) favourability it returns to
    deal: np.ndarray  # (R, P) cost of a unit of tariff on a unit of pledge
    cooperation: np.ndarray  # (R, M, M) baseline neighbour ties
    backing_effect: np.ndarray  # (R,)
    importance: np.ndarray  # (R, M)
    military_exposure: np.ndarray  # (R, M)
    leverage: np.ndarray  # (R, P) of each great power's restraint on the challenger
    key_middle: np.ndarray  # (M,) random keys of the middle powers
    key_poles: np.ndarray  # (P,)
    key_challenger: int
    rates: Bound = field(default_factory=Bound)
    sizes: Bound = field(default_factory=Bound)
    dynamics: Bound = field(default_factory=Bound)
    decision: Bound = field(default_factory=Bound)
    strategy: Bound = field(default_factory=Bound)
    opinion: Bound = field(default_factory=Bound)
    challenger_params: Bound = field(default_factory=Bound)
    observation: ObservationInputs | None = None  # what the observables read (sim.observables)

    def __post_init__(self):
        self.__dict__["_bound"] = True  # the fields are set: from now on `__setattr__` refuses

    def __setattr__(self, name, value):
        if name not in REBOUND and "_bound" in self.__dict__:
            raise AttributeError(
                f"CompiledWorld.{name}: a world's fields are bound once; {_REBIND}"
            )
        object.__setattr__(self, name, value)

    @property
    def runs(self) -> int:
        return self.run_ids.shape[0]

    @property
    def steps(self) -> int:
        return len(self.dates) - 1

    @functools.cached_property
    def great_powers_hold_levers(self) -> bool:
        """Whether the great powers hold levers (`dynamics.great_powers` strategic: chosen;
        scheduled: the scenario's) rather than follow the old reaction rules (responsive:
        red lines and pressure on rival orientation). Every equation that differs between the
        two reads this one test: found once per world, as `adversary` (a step at one run
        asks nine times)."""
        return self.dynamics.great_powers != "responsive"

    @functools.cached_property
    def adversary(self) -> int:
        """The index of the challenger's adversary among the great powers (`protector`):
        found once per world, as a step asks for it."""
        return int(np.argmax(self.protector))


# The fields without a run axis: the same for every run of a world (everything else, arrays,
# named arrays and the observation's arrays, leads with the runs).
RUNLESS = frozenset(
    {
        "params",
        "seed",
        "run_ids",  # the runs themselves (their keys), given to `repeated_run`
        "middle",
        "poles",
        "challenger",
        "dates",
        "dt_years",
        "sign",
        "protector",
        "lever_changes",
        "changes",
        "events",
        "elections",
        "init_camp",
        "key_middle",
        "key_poles",
        "key_challenger",
    }
)
RUNLESS_OBSERVATION = frozenset({"sign", "dt_years"})


def repeated_run(world: CompiledWorld, run_ids: np.ndarray) -> CompiledWorld:
    """A world of one run as the world of runs `run_ids` that all hold its values: what
    `compile_world` makes for them (the same bits: a run's values do not depend on the
    others'), each per-run array repeated along the runs instead of the parameters compiled
    again (the Mesa model's `trajectories` lays its steps along the runs: about a third of
    `compile_world`'s cost). tests/test_world.py holds it to `compile_world`, field by field."""
    if world.runs != 1:
        raise ValueError(f"repeated_run takes a world of one run, not {world.runs}")
    n = len(run_ids)

    def repeated(value):
        if isinstance(value, np.ndarray):
            return value.repeat(n, axis=0)  # the method: without `np.repeat`'s dispatch
        if isinstance(value, dict):
            return {name: repeated(v) for name, v in value.items()}
        if isinstance(value, SimpleNamespace):  # arrays, and the modes (str, bool, int) as they are
            return type(value)(
                **{
                    k: repeated(v) if isinstance(v, np.ndarray) else v
                    for k, v in vars(value).items()
                }
            )
        if isinstance(value, ObservationInputs):
            return _repeated_fields(value, repeated, RUNLESS_OBSERVATION)
        return value

    return _repeated_fields(world, repeated, RUNLESS, run_ids=np.asarray(run_ids, dtype=np.int64))


OVER_STEPS_KEPT = 8  # lengths of record kept with a world (`run_over_steps`)


def run_over_steps(world: CompiledWorld, steps: int) -> CompiledWorld:
    """`repeated_run` of a world of one run over `steps` runs, each holding its run number:
    the world a Mesa run's record of `steps` steps is computed on (the steps along the
    runs). Kept with the world by the number of steps, with what the engine's functions keep
    with it (its `__dict__` entries), and shared by the runs of the same parameter values
    that share the world's arrays (`one_run_world`); each gets its own run numbers, seed
    and params."""
    held = caches_of(world, "_over_steps")
    last = held.get(steps)
    run_ids = np.full(steps, world.run_ids[0], dtype=np.int64)
    if last is None:
        if len(held) >= OVER_STEPS_KEPT:  # a dashboard records after every step: not all kept
            held.clear()
        over = held[steps] = repeated_run(world, run_ids)
        return over
    over = copy.copy(last)  # the same arrays, and the caches of them
    over.params, over.seed, over.run_ids = world.params, world.seed, run_ids
    held[steps] = over  # the newest, whose caches are the fullest
    return over


def _repeated_fields(value, repeated, runless, **given):
    """`value` (a dataclass) with every field but the `runless` ones `repeated`."""
    per_run = (f.name for f in fields(value) if f.name not in runless)
    return replace(value, **{name: repeated(getattr(value, name)) for name in per_run}, **given)


PLAIN = {float, int}  # the types of a plain number, a parameter's usual value


def values_for_block(value, runs: slice, n: int) -> np.ndarray:
    """A scalar or an array over all runs, as an array over this block's runs."""
    if type(value) in PLAIN:
        return np.full(n, float(value))
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return np.full(n, float(array))
    return array[runs].astype(float)


def _plain(values: list) -> bool:
    """Whether every value is a plain number (no array over runs among them)."""
    return set(map(type, values)) <= PLAIN


def _per_run_table(values: list, shape: tuple[int, ...], runs: slice, n: int) -> np.ndarray:
    """(n, *shape): parameter values listed in C order of `shape` (scalars or arrays over all
    runs), each as an array over this block's runs, in one allocation when every value is a
    plain number (all but a sweep of them: one row, repeated), else value by value."""
    if _plain(values):
        row = np.array(values, dtype=float).reshape((1, *shape))
        return row if n == 1 else np.repeat(row, n, axis=0)
    columns = [values_for_block(v, runs, n) for v in values]
    return np.stack(columns, axis=-1).reshape((n, *shape))


def _per_run_rows(values: dict, runs: slice, n: int) -> dict[str, np.ndarray]:
    """Each named parameter value as an array over this block's runs: the rows of one
    (len(values), n) allocation when every value is a plain number."""
    if _plain(list(values.values())):
        table = np.repeat(np.array(list(values.values()), dtype=float)[:, None], n, axis=1)
        return dict(zip(values, table, strict=True))
    return {name: values_for_block(v, runs, n) for name, v in values.items()}


def compile_world(
    params: Params, seed: int, run_ids: np.ndarray, block: slice, steps: int | None = None
) -> CompiledWorld:
    """Arrays for runs `run_ids` (their parameter values are taken at positions `block`)."""
    world, scenario = params.world, params.scenario
    n = len(run_ids)
    runs = lambda v: values_for_block(v, block, n)  # noqa: E731
    # values listed in C order of `shape` as one (n, *shape) array; named values as rows
    table = lambda values, *shape: _per_run_table(values, shape, block, n)  # noqa: E731
    rows = lambda values: _per_run_rows(values, block, n)  # noqa: E731
    middle = tuple(sorted(world.middle_powers))
    poles = tuple(sorted(world.great_powers))
    (challenger,) = tuple(world.challengers)
    steps = scenario.steps if steps is None else int(steps)
    dates = step_dates(scenario.start, steps, scenario.step_months)
    dt_years = scenario.step_months / 12.0

    gps = [world.great_powers[p] for p in poles]
    mps = [world.middle_powers[m] for m in middle]
    sign = np.array([float(gp.pole) for gp in gps])
    protector = np.array(
        [1.0 if p == world.challengers[challenger].adversary else 0.0 for p in poles]
    )
    P, M, C = len(poles), len(middle), len(CAMPS)
    capability = table([gp.capability for gp in gps], P)
    capability = capability / capability.sum(axis=-1, keepdims=True)

    lever_base = {name: table([getattr(gp, name) for gp in gps], P) for name in DISPOSITIONS}

    def lever_table(attr: str, levers=LEVERS) -> np.ndarray:  # (R, P, K)
        values = [getattr(gp.levers.get(k, LeverSpec()), attr) for gp in gps for k in levers]
        return table(values, P, len(levers))

    aims = table([a for gp in gps for a in (gp.aims.security, gp.aims.economic)], P, 2)
    aims = aims / np.maximum(aims.sum(axis=-1, keepdims=True), 1e-12)
    lever_changes: dict[int, list[tuple[int, int, int, float]]] = {}
    for change in scenario.levers:
        if parse_date("date", change.date) > dates[-1]:
            continue
        k = change_step(dates, parse_date("date", change.date))
        lever_changes.setdefault(k, []).append(
            (
                poles.index(change.great_power),
                middle.index(change.state),
                LEVERS.index(change.lever),
                float(change.value),
            )
        )
    challenger_spec = world.challengers[challenger]

    def favourability(attr: str) -> np.ndarray:  # (R, M, P); a great power not listed: 0.5
        values = [getattr(mp.opinion.get(p, Favourability()), attr) for mp in mps for p in poles]
        return table(values, M, P)

    pressure_base = rows({k: getattr(params.pressures, k) for k in PRESSURE_KEYS})

    # A run shorter than the scenario (steps=...) simply stops before its later entries.
    changes: dict[int, list[tuple[str, float]]] = {}
    for change in scenario.schedule:
        if parse_date("date", change.date) > dates[-1]:
            continue
        k = change_step(dates, parse_date("date", change.date))
        changes.setdefault(k, []).append((change.pressure, float(change.value)))

    events: dict[int, list[ScheduledEventArrays]] = {}
    for event in scenario.events:
        if parse_date("date", event.date) >= dates[-1]:
            continue
        k = event_step(dates, parse_date("date", event.date))
        events.setdefault(k, []).append(
            ScheduledEventArrays(
                step=k,
                kind=event.kind,
                target=middle.index(event.target) if event.target in middle else -1,
                partner_pole=poles.index(event.partner) if event.partner in poles else -1,
                partner_state=middle.index(event.partner) if event.partner in middle else -1,
                partner_challenger=event.partner == challenger,
                magnitude=float(event.magnitude),
                camp=CAMPS.index(event.camp) if event.camp else -1,
            )
        )

    elections = np.zeros((steps + 1, len(middle)), dtype=bool)
    for i, mp in enumerate(mps):
        if not mp.election.next:
            continue
        when = parse_date(f"world.middle_powers.{middle[i]}.election.next", mp.election.next)
        term_days = float(np.mean(mp.election.term_years)) * 365.25
        while when < dates[-1]:
            if when >= dates[0]:
                elections[event_step(dates, when), i] = True
            when = when + dt.timedelta(days=term_days)

    exports = table([mp.exports.get(p, 0.0) for mp in mps for p in poles], M, P)
    total = exports.sum(axis=-1, keepdims=True)
    exports = np.where(total > 0, exports / np.where(total > 0, total, 1.0), 0.5)
    red_lines = table([mp.red_lines.get(p, NO_RED_LINE) for mp in mps for p in poles], M, P)

    def per_camp(attr: str) -> np.ndarray:  # (R, M, C)
        return table([getattr(mp.ideals[c], attr) for mp in mps for c in CAMPS], M, C)

    ideal_security, ideal_economic = per_camp("security"), per_camp("economic")

    # Ties are symmetric: a pair's tie is the larger of what either side's entry says.
    cooperation = np.zeros((n, len(middle), len(middle)))
    for i, mp in enumerate(mps):
        for other, tie in mp.neighbours.items():
            j = middle.index(other)
            value = runs(tie)
            cooperation[:, i, j] = np.maximum(cooperation[:, i, j], value)
            cooperation[:, j, i] = np.maximum(cooperation[:, j, i], value)

    backers = [bk for bk in world.backers.values() if bk.backs == challenger]
    backing = sum((runs(bk.backing_effect) for bk in backers), start=np.zeros(n))

    per_mp = lambda attr: table([getattr(mp, attr) for mp in mps], M)  # noqa: E731
    return CompiledWorld(
        params=params,
        seed=int(seed),
        run_ids=np.asarray(run_ids, dtype=np.int64),
        middle=middle,
        poles=poles,
        challenger=challenger,
        dates=dates,
        dt_years=dt_years,
        sign=sign,
        protector=protector,
        capability=capability,
        lever_base=lever_base,
        lever_initial=lever_table("initial"),
        lever_max=lever_table("max"),
        lever_cost=lever_table("cost"),
        restraint_initial=lever_table("initial", (RESTRAINT,))[..., 0],
        restraint_max=lever_table("max", (RESTRAINT,))[..., 0],
        restraint_cost=lever_table("cost", (RESTRAINT,))[..., 0],
        aims=aims,
        lever_changes=lever_changes,
        pressure_base=pressure_base,
        changes=changes,
        events=events,
        elections=elections,
        weights=Bound(
            **{
                k: v[:, None, None]
                for k, v in rows({k: getattr(params.weights, k) for k in WEIGHT_KEYS}).items()
            }
        ),
        init_security=per_mp("security"),
        init_economic=per_mp("economic"),
        init_autonomy=per_mp("autonomy"),
        init_camp=np.array([CAMPS.index(mp.government) for mp in mps], dtype=np.int8),
        init_threat=runs(world.challengers[challenger].threat),
        threat_exposure=per_mp("threat_exposure"),
        taiwan_exposure=per_mp("taiwan_exposure"),
        defence_cost=per_mp("defence_cost"),
        p_switch=table([mp.election.p_switch for mp in mps], M),
        exports=exports,
        red_lines=red_lines,
        ideal_security=ideal_security,
        ideal_economic=ideal_economic,
        ideal_neighbours=per_camp("neighbours"),
        ideal_engagement=per_camp("engagement"),
        init_memory=table([mp.memory.get(p, 0.0) for mp in mps for p in poles], M, P),
        deal=table([gp.deal for gp in gps], P),
        init_opinion=favourability("start"),
        opinion_baseline=favourability("baseline"),
        cooperation=cooperation,
        backing_effect=backing,
        importance=per_mp("importance"),
        military_exposure=per_mp("military_exposure"),
        leverage=table([challenger_spec.leverage.get(p, 0.0) for p in poles], P),
        key_middle=np.array([code_key(m) for m in middle], dtype=np.int64),
        key_poles=np.array([code_key(p) for p in poles], dtype=np.int64),
        key_challenger=code_key(challenger),
        rates=Bound(**rows(vars(params.events.rates))),
        sizes=Bound(**rows(vars(params.events.sizes))),
        dynamics=Bound(
            **{
                **vars(params.dynamics),  # the modes as they are, in the fields' order
                **rows(
                    {
                        k: v
                        for k, v in vars(params.dynamics).items()
                        if not isinstance(v, (bool, str))
                    }
                ),
            }
        ),
        opinion=Bound(**rows(vars(params.opinion))),
        strategy=Bound(
            **rows({k: v for k, v in vars(params.strategy).items() if k != "grid"}),
            grid=int(params.strategy.grid),
        ),
        challenger_params=Bound(
            **rows(
                {
                    k: getattr(challenger_spec, k)
                    for k in (
                        "provocation",
                        "hostility",
                        "spiral",
                        "opportunity",
                        "restraint_response",
                        "summit_response",
                        "engagement_response",
                        "cost",
                        "inertia",
                        "threat_effect",
                        "noise",
                        "outside_option",
                    )
                }
            )
        ),
        decision=Bound(
            rule=params.decision.rule,
            grid=int(params.decision.grid),
            **rows(
                {
                    k: getattr(params.decision, k)
                    for k in (
                        "adjustment_half_life",
                        "noise",
                        "temperature",
                        "economic_stickiness",
                        "autonomy_stickiness",
                    )
                }
            ),
        ),
        observation=compile_observation(
            params, runs, dates, middle, poles, sign, per_mp("threat_exposure")
        ),
    )


# --------------------------------------------------------------------------- one run's world
# Parameter sets whose one-run world is kept, the least recently used dropped first: as many
# as a `mesa.batch_run` has combinations of its parameters, which it runs in turn for each
# repetition (about 0.2 MB each, with the world of its record, `run_over_steps`).
ONE_RUN_WORLDS = 32
_one_run_worlds: dict[tuple, CompiledWorld] = {}  # snapshot key -> the last world made of it


def one_run_world(
    params: Params, seed: int, run: int, element: int, steps: int | None = None
) -> CompiledWorld:
    """The world of run `run` alone (its parameter values at position `element`): what
    `compile_world(params, seed, [run], slice(element, element + 1), steps)` makes, after
    `validate(params, element=element)` (which raises a ParamError for bad values).

    What does not depend on the run is made once per parameter values: the Mesa runs of one
    parameter set (a dashboard's resets, `mesa.batch_run`'s repetitions) share the compiled
    arrays and what the engine's functions keep with a world (its `__dict__` entries, each
    derived from the world's own arrays and checked against them by identity); each run has
    its own `seed`, `run_ids` and `params`. The parameters are recognised by their content
    (`parameter_snapshot`: every value to the bit, so a Params changed in place since is a
    new set), not by the object. Parameters holding arrays over runs (a sweep's runs through
    the Mesa layer, each run its own element) are checked and compiled for every run. A
    world's arrays are never changed in place (the engine's rule), so sharing them changes
    no number."""
    snapshot = parameter_snapshot(params)
    if snapshot is None:
        return _checked_world(params, seed, run, element, steps)
    key = (snapshot, steps)
    last = _one_run_worlds.pop(key, None)
    if last is None:
        world = _checked_world(params, seed, run, element, steps)
    else:  # the same arrays and, from the last run's steps, the engine's caches of them
        world = copy.copy(last)
        world.params, world.seed = params, int(seed)
        world.run_ids = np.array([run], dtype=np.int64)
    _one_run_worlds[key] = world  # the newest last: its caches are the fullest
    while len(_one_run_worlds) > ONE_RUN_WORLDS:
        del _one_run_worlds[next(iter(_one_run_worlds))]
    return world


def _checked_world(params, seed, run, element, steps) -> CompiledWorld:
    validate(params, element=element)
    block = slice(element, element + 1)
    return compile_world(params, seed, np.array([run]), block, steps)


class _OverRuns(Exception):
    """A parameter's value is an array (over runs)."""


class _Snapshot(pickle.Pickler):
    """A pickler that stops at the first NumPy array (`_OverRuns`)."""

    def reducer_override(self, obj):  # called for every object but plain numbers and strings
        if isinstance(obj, np.ndarray):
            raise _OverRuns
        return NotImplemented  # pickled as usual


def parameter_snapshot(params: Params) -> bytes | None:
    """Every value of `params` as bytes (their pickle: each value's type and bits): equal
    bytes, equal parameters, in about a tenth of what compiling and checking them costs.
    None where a value is an array over runs (whose bytes would grow with the runs, and each
    run reads its own element) or one pickle cannot take (not a number: `validate` says)."""
    out = io.BytesIO()
    try:
        _Snapshot(out, protocol=pickle.HIGHEST_PROTOCOL).dump(params)
    except (_OverRuns, pickle.PicklingError, TypeError, AttributeError):
        return None
    return out.getvalue()


def pressure_levers(
    world: CompiledWorld, pressures: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Great-power dispositions (R, P) with the pressures that set them (us_reliability, ...)."""
    levers = {name: base.copy() for name, base in world.lever_base.items()}
    for pressure, (code, lever) in PRESSURE_LEVERS.items():
        levers[lever][:, world.poles.index(code)] = pressures[pressure]
    return levers


def lever_caps(world: CompiledWorld, dispositions: dict[str, np.ndarray]) -> np.ndarray:
    """Bounds (R, P, K) of the levers in force: `max`, times the great power's disposition
    for coercion and tariffs (China's coercion lever is bounded by `china_coercion`)."""
    caps = world.lever_max.copy()
    for lever, disposition in CAPPED_BY.items():
        caps[..., LEVER_INDEX[lever]] *= dispositions[disposition]
    return caps


def event_step(dates: list[dt.date], when: dt.date) -> int:
    """Step k holds the events dated in [date[k-1], date[k])."""
    for k in range(1, len(dates)):
        if when < dates[k]:
            return k
    raise ValueError(f"{when} is after the horizon {dates[-1]}")


def change_step(dates: list[dt.date], when: dt.date) -> int:
    """A pressure change dated `when` is in force from the first step on or after it."""
    for k, date in enumerate(dates):
        if date >= when:
            return k
    raise ValueError(f"{when} is after the horizon {dates[-1]}")


def pair_key(a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
    """Random key of an ordered pair of states (a state and a great power, two neighbours)."""
    return np.asarray(a, dtype=np.int64) * 32768 + np.asarray(b, dtype=np.int64)
