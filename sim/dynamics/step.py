"""The engine's step: every entity's functions composed for a whole batch."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np

# the module, not its names: a process whose first import is `sim.opinion` reaches this
# file before that module's names exist (`sim.dynamics.aftermath`)
from sim import opinion as public_opinion
from sim.arrays import frozen, rows_of, same_objects, shape_of, total
from sim.compiling import tile_run
from sim.decision import Choice, Response
from sim.dynamics.aftermath import aftermath
from sim.dynamics.challenger import (
    backing,
    chance_of_test,
    engagement_by_state,
    momentum_after,
    momentum_after_summits,
    provocation,
    responsive_threat_target,
    summit_with_challenger,
    test_chances,
    testing_rates,
    tests_of_draws,
    threat_after_summits,
)
from sim.dynamics.clock import EVENT_INDEX, steady_chance
from sim.dynamics.great_powers import (
    coerce,
    coercion_eased,
    coercion_episodes,
    eased,
    red_lines,
    reliability_after_summit,
    summit_with_pole,
    tariff,
    tariff_on_lever,
    tariff_shocks,
)
from sim.dynamics.levers import in_force, pairs, pairs_and_held, pairs_written, scheduled_levers
from sim.dynamics.middle_powers import (
    decide,
    history_dispute,
    linked_neighbours,
    middle_power_context,
    pledged,
    summit_partner,
    summit_with_neighbour,
    tie_after_disputes,
)
from sim.dynamics.pressures import (
    crisis_of_draw,
    dispositions_in_force,
    scheduled_pressures,
    taiwan_crisis,
)
from sim.dynamics.state import Keys, State, evolved
from sim.influence import K, Pairs
from sim.kernels import clip, compiled, jit
from sim.params import EVENT_KINDS
from sim.random import step_counter, uniform_of
from sim.strategy import (
    challenger_choice,
    great_powers_review,
    reviews,
)
from sim.utility import Context
from sim.world import CAPPED_BY, CompiledWorld, ScheduledEventArrays, lever_caps, pressure_levers

LEVER_EVENTS = {"tariff_shock", "summit"}  # scheduled events that change the levers held


# ----------------------------------------------------------------------------- the engine's step
def scheduled_event(
    w: CompiledWorld, s: State, ev: ScheduledEventArrays, k: int, keys: Keys, levers
) -> None:
    """Apply one event of the scenario to the batch's arrays `s` (in place)."""
    s.events[:, EVENT_INDEX[ev.kind]] += 1
    m, i, p = ev.magnitude, ev.target, ev.partner_pole
    everyone = _constants(w).everyone
    holding = w.great_powers_hold_levers
    if ev.kind in ("missile_test", "nuclear_test"):
        s.threat = provocation(w, s.threat, ev.kind, m)
    elif ev.kind == "taiwan_crisis":
        s.taiwan_shock = taiwan_crisis(w, s.taiwan_shock, m)
    elif ev.kind == "coercion":
        s.restriction[:, i, p] = coerce(w, s.restriction[:, i, p], levers["coercion"][:, p], m)
    elif ev.kind == "tariff_shock" and holding:
        cap = lever_caps(w, levers)[:, p, K["tariff"]]
        s.levers[:, i, p, K["tariff"]] = tariff_on_lever(
            s.levers[:, i, p, K["tariff"]], cap, w.sizes.tariff_shock, m
        )
    elif ev.kind == "tariff_shock":
        s.restriction[:, i, p], s.reliability_shock[:, p] = tariff(
            w, s.restriction[:, i, p], s.reliability_shock[:, p], m
        )
    elif ev.kind == "summit":
        if p >= 0:
            s.reliability_shock[:, p], s.restriction[:, i, p] = summit_with_pole(
                w, s.reliability_shock[:, p], s.restriction[:, i, p], everyone, m
            )
            if holding:
                s.levers[:, i, p, K["coercion"]] = coercion_eased(
                    s.levers[:, i, p, K["coercion"]], everyone, m
                )
        elif ev.partner_challenger:
            s.threat = summit_with_challenger(w, s.threat, m)
            s.momentum = momentum_after_summits(w, s.momentum, m)
        else:
            j = ev.partner_state
            s.cooperation[:, i, j] = summit_with_neighbour(w, s.cooperation[:, i, j], m)
            s.cooperation[:, j, i] = summit_with_neighbour(w, s.cooperation[:, j, i], m)
    elif ev.kind == "pledge":
        s.pledge[:, i, p] = pledged(s.pledge[:, i, p], m)
    elif ev.kind == "election":
        s.camp[:, i] = election(w, s, i, ev.camp, keys.election[:, i], k)
    elif ev.kind == "history_dispute":
        j = ev.partner_state
        s.cooperation[:, i, j] = history_dispute(w, s.cooperation[:, i, j], everyone, m)
        s.cooperation[:, j, i] = history_dispute(w, s.cooperation[:, j, i], everyone, m)


def election(w: CompiledWorld, s: State, i: int, forced_camp: int, keys, k: int) -> np.ndarray:
    """The governing camps (R,) of middle power i after an election at step k in state `s`:
    camp `forced_camp` wins, or (-1) the other camp wins with the odds of its row
    (`election_odds`), drawn from its election stream `keys` (R,) (`sim.opinion.elected`:
    the odds and the draw in one compiled pass)."""
    if forced_camp >= 0:
        return np.full(shape_of(keys), forced_camp)
    row = slice(i, i + 1)
    return public_opinion.elected(w, s.opinion[:, row], s.camp[:, row], keys[:, None], k, row)[:, 0]


def election_odds(w: CompiledWorld, s: State, i: int) -> np.ndarray:
    """`switch_probability` (R,) of middle power i alone: the odds of its election, computed
    on its row only (on every middle power's, 1.2 ms of a block of 4,096 runs, each election)."""
    row = slice(i, i + 1)
    return public_opinion.switch_probability(w, s.opinion[:, row], s.camp[:, row], row)[:, 0]


def apply_events(w: CompiledWorld, state: State, k: int, keys: Keys, pressures: dict) -> State:
    """Scheduled events of step k, then stochastic ones drawn from the configured rates."""
    levers = _pressure_levers(w, pressures)
    scheduled, elections, kinds = _calendar(w, k)
    holding = w.great_powers_hold_levers
    levers_now = scheduled_levers(w, state.levers, k)
    # A copy of each array this step changes in place (the threat and the Taiwan shock are
    # replaced, not changed; the camps and pledges change on their events only). The levers
    # held are copied here only for scheduled events that change them; otherwise run by run
    # in the stochastic events' own pass (`stochastic_events`), which eases them.
    lever_events = holding and levers_now is state.levers and bool(kinds & LEVER_EVENTS)
    s = evolved(
        state,
        restriction=state.restriction.copy(),
        reliability_shock=state.reliability_shock.copy(),
        cooperation=state.cooperation.copy(),
        camp=state.camp.copy() if elections or "election" in kinds else state.camp,
        pressures=pressures,
        events=np.zeros((w.runs, len(EVENT_KINDS)), dtype=np.int16),
        levers=levers_now.copy() if lever_events else levers_now,
        momentum=state.momentum.copy(),
        pledge=state.pledge.copy() if "pledge" in kinds else state.pledge,
    )

    for ev in scheduled:
        scheduled_event(w, s, ev, k, keys, levers)

    for i in elections:  # the world file's term calendar
        s.events[:, EVENT_INDEX["election"]] += 1
        s.camp[:, i] = election(w, s, i, -1, keys.election[:, i], k)

    # a copy of the threat and the Taiwan shock: the challenger's tests, the crises and the
    # summits change them in place (`stochastic_events`), after the scheduled events
    s.threat, s.taiwan_shock = s.threat.copy(), s.taiwan_shock.copy()
    if not holding:  # the old random episodes and shocks (the levers replace them)
        s.restriction, episode = coercion_episodes(
            w, s.restriction, levers["coercion"], keys.coercion, k
        )
        s.restriction, s.reliability_shock, shock = tariff_shocks(
            w, s.restriction, s.reliability_shock, levers["trade_pressure"], keys.tariff, k
        )
        s.events[:, EVENT_INDEX["coercion"]] += total(episode, axis=(1, 2)).astype(np.int16)
        s.events[:, EVENT_INDEX["tariff_shock"]] += total(shock, axis=(1, 2)).astype(np.int16)
    levers_before = s.levers
    if holding and levers_before is state.levers:
        s.levers = np.empty_like(levers_before)  # filled by `stochastic_events`
    stochastic_events(w, s, k, keys, levers_before)
    frozen(s.camp)  # changed at elections only, on a copy (see above)
    frozen(s.momentum)  # a copy, changed no more: the challenger reads it (`read_only`)
    return s


def _calendar(w: CompiledWorld, k: int) -> tuple[Sequence, tuple[int, ...], frozenset]:
    """Step k of the world's calendar: its scheduled events, the middle powers holding their
    term's election (`w.elections`) and the kinds of its events; read for every step at
    once, once per world (at one run, one NumPy call a world instead of two a step)."""
    cached = w.__dict__.get("_calendar")
    if cached is None or cached[0] is not w.events or cached[1] is not w.elections:
        by_step = {}
        for step, i in zip(*(x.tolist() for x in np.nonzero(w.elections)), strict=True):
            by_step.setdefault(step, []).append(i)
        calendar = {
            step: (
                w.events.get(step, []),
                tuple(by_step.get(step, ())),
                frozenset(ev.kind for ev in w.events.get(step, [])),
            )
            for step in set(by_step) | set(w.events)
        }
        cached = w.__dict__["_calendar"] = (w.events, w.elections, calendar)
    return cached[2].get(k, _QUIET_STEP)


_QUIET_STEP = ((), (), frozenset())  # a step without scheduled events or elections


def stochastic_events(
    w: CompiledWorld, s: State, k: int, keys: Keys, levers_before: np.ndarray | None = None
) -> None:
    """The challenger's stochastic tests, the crises in the Taiwan Strait, the summits and
    history disputes of step k and their effects, then the bounds (`settle_*`), on the
    batch's arrays `s` in place: `stochastic_events_kernel`, tile by tile, with the equations
    the Mesa agents apply one by one (`tests_of`, `crisis_of`, `summit_with_pole`,
    `coercion_eased`, `summits_with_challenger`, `momentum_after_summits`,
    `ties_after_disputes`; the tests' chances `chance_of_test` of the challenger's last
    choice, run by run, as `test_chances` has them) and the draws of `summit_draws` and
    `history_disputes`; the
    great powers' levers `s.levers` copied first from `levers_before` if that is another
    array (one pass over them instead of two). (The
    tests and crises change the threat and the shock only: drawn before the responsive
    great powers' episodes, as the agents draw them, or after, the same numbers.)"""
    c = _constants(w)
    runs, states, poles = s.restriction.shape
    # a strategic challenger chooses every step: the kernel takes its chances of the tests
    # from the rates and its last choice, run by run; a responsive one keeps the same choice
    # from step to step, and the chances made of it (`test_chances`, once)
    choosing = w.dynamics.challenger == "strategic"
    tests = testing_rates(w) if choosing else _test_chances(w, s.provocation)
    kernel = stochastic_events_kernel(states, poles, w.great_powers_hold_levers, choosing)
    summit_keys, partner_keys, history_keys = _flat_keys(keys)
    kernel(
        step_counter(k),
        keys.missile,
        keys.nuclear,
        tests,
        s.provocation,
        float(w.dt_years),
        keys.taiwan,
        summit_keys,
        partner_keys,
        history_keys,
        c.per_run,
        c.linked,
        s.levers if levers_before is None else levers_before,
        levers_before is not None and levers_before is not s.levers,
        s.threat,
        s.taiwan_shock,
        s.momentum,
        s.reliability_shock,
        s.restriction,
        s.levers,
        s.cooperation,
        s.events,
    )


def _test_chances(w: CompiledWorld, provocation: np.ndarray) -> np.ndarray:
    """(2, R) the chances of a missile and of a nuclear test (`test_chances`) of a responsive
    challenger's choice, computed again only when that changes (it keeps the same array from
    step to step)."""
    cached = w.__dict__.get("_test_chances")
    if cached is None or cached[0] is not provocation:
        chances = test_chances(w, provocation)
        frozen(chances)
        cached = w.__dict__["_test_chances"] = (provocation, chances)
    return cached[1]


def _constants(w: CompiledWorld) -> SimpleNamespace:
    """What the engine's step reads of the world that no step changes, computed once per
    world (a block of runs) and shaped as the step reads it: a mask of every run, the linked
    neighbours, and every run's sizes and chances of the stochastic events (`PER_RUN`) as
    the rows of one C-contiguous block (8, R), read only: one array handed to their kernel
    for eight (Numba unboxes each array it is passed, some 0.06 us)."""
    cached = w.__dict__.get("_step_constants")
    if cached is None:
        values = dict(
            missile_size=w.sizes.missile_test,
            nuclear_size=w.sizes.nuclear_test,
            taiwan_chance=steady_chance(w, w.rates.taiwan_crisis),
            taiwan_size=w.sizes.taiwan_crisis,
            summit_chance=steady_chance(w, w.rates.summit),
            history_chance=steady_chance(w, w.rates.history_dispute),
            summit_size=w.sizes.summit,
            dispute_size=w.sizes.history_dispute,
        )
        per_run = rows_of([values[name] for name in PER_RUN], (w.runs,))
        cached = SimpleNamespace(
            everyone=np.ones(w.runs, dtype=bool),
            linked=np.broadcast_to(linked_neighbours(w), w.cooperation.shape),
            per_run=per_run,
        )
        frozen(cached.everyone, per_run)
        w.__dict__["_step_constants"] = cached
    return cached


# The rows of `_constants`' per-run block: the sizes and chances of the stochastic events.
PER_RUN = (
    "missile_size",
    "nuclear_size",
    "taiwan_chance",
    "taiwan_size",
    "summit_chance",
    "history_chance",
    "summit_size",
    "dispute_size",
)
(
    MISSILE_SIZE,
    NUCLEAR_SIZE,
    TAIWAN_CHANCE,
    TAIWAN_SIZE,
    SUMMIT_CHANCE,
    HISTORY_CHANCE,
    SUMMIT_SIZE,
    DISPUTE_SIZE,
) = range(len(PER_RUN))


def _pressure_levers(w: CompiledWorld, pressures: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`pressure_levers` of the pressures in force, computed again only when they change (a
    scenario's dated changes replace a pressure's array; no step changes one in place): the
    same read-only arrays for every step between."""
    values = tuple(pressures.values())
    cached = w.__dict__.get("_pressure_levers")
    if cached is None or not same_objects(cached[0], values):
        levers = pressure_levers(w, pressures)
        for x in levers.values():
            frozen(x)
        cached = w.__dict__["_pressure_levers"] = (values, levers)
    return cached[1]


def _lever_caps(w: CompiledWorld, dispositions: dict[str, np.ndarray]) -> np.ndarray:
    """`lever_caps`, computed again only when the dispositions they read change (with the
    pressures, `_pressure_levers`; read only)."""
    sources = tuple([dispositions[name] for name in CAPPED_BY.values()])
    cached = w.__dict__.get("_lever_caps")
    if cached is None or not same_objects(cached[0], sources):
        caps = lever_caps(w, dispositions)
        frozen(caps)
        cached = w.__dict__["_lever_caps"] = (sources, caps)
    return cached[1]


@functools.cache
def stochastic_events_kernel(states: int, poles: int, holding: bool, choosing: bool):
    """The stochastic events' kernel for `states` and `poles`, whether the great powers
    hold levers and whether the challenger chooses (strategic): constants of the compiled
    closure, so the loops over a run's states and
    great powers are unrolled and the branches on the mode compiled away (Numba's disk cache
    keys a closure by its constants, one entry each)."""

    levers_count = len(K)  # the levers of a pair, a constant: the copy's loops unrolled
    # the coercion lever's index and the events' columns: constants of the closure, not
    # arguments (each argument is unboxed at every call)
    coercion = K["coercion"]
    missile_event, nuclear_event = EVENT_INDEX["missile_test"], EVENT_INDEX["nuclear_test"]
    crisis_event, summit_event = EVENT_INDEX["taiwan_crisis"], EVENT_INDEX["summit"]
    dispute_event = EVENT_INDEX["history_dispute"]

    def kernel(
        counter,
        missile_keys,
        nuclear_keys,
        tests,
        provocation,
        dt,
        taiwan_keys,
        summit_keys,
        partner_keys,
        history_keys,
        per_run,
        linked,
        levers_before,
        copying,
        threat,
        taiwan_shock,
        momentum,
        reliability_shock,
        restriction,
        levers,
        ties,
        events,
    ):
        """`stochastic_events` for every run: the challenger's tests and a crisis in the Strait,
        each middle power's summit draw and partner (a great power, or the challenger after
        them), the summits' effects in the order of the middle powers, then the disputes of
        linked neighbours (each pair drawn once, by the first in code order), the counts, and
        the bounds; the levers copied from `levers_before` first if `copying`."""
        runs = missile_keys.shape[0]
        # A tile's uniform draws first, one stream at a time, over the keys in memory order (the
        # summits' and disputes' keys flattened, (run, state) and (run, state, state)): loops of
        # hashes alone, which LLVM runs in the vector registers (integer multiplies). Then the
        # tile's runs in three passes, the tests, the summits, the disputes, each straight-line
        # (counts and partners selected, not branched on; loops over states and great powers
        # unrolled) and with fewer arrays at hand than one pass with all; a run's numbers
        # change in the same order. (A block of 8,616 runs: 73 ns a run drawn as it went, in
        # one loop; 46 ns so.)
        draws = np.empty((3, _DRAWS_TILE))  # missile, nuclear, crisis
        chances = np.empty((2, _DRAWS_TILE))  # of a missile and a nuclear test (choosing)
        summit_draws = np.empty(_DRAWS_TILE * states)
        partner_draws = np.empty(_DRAWS_TILE * states)
        dispute_draws = np.empty(_DRAWS_TILE * states * states)
        for start in range(0, runs, _DRAWS_TILE):
            n = min(_DRAWS_TILE, runs - start)
            _draws(missile_keys[start : start + n], counter, draws[0])
            _draws(nuclear_keys[start : start + n], counter, draws[1])
            _draws(taiwan_keys[start : start + n], counter, draws[2])
            m = states * start
            _draws(summit_keys[m : m + states * n], counter, summit_draws)
            _draws(partner_keys[m : m + states * n], counter, partner_draws)
            m = states * m
            _draws(history_keys[m : m + states * states * n], counter, dispute_draws)
            if choosing:  # `tests`: the rates (2, R); the chances of the last choice, a pass
                for t in range(n):
                    r = tile_run(start, t)
                    chances[0, t] = chance_of_test(tests[0, r], provocation[r], dt)
                    chances[1, t] = chance_of_test(tests[1, r], provocation[r], dt)
            for t in range(n):
                r = tile_run(start, t)
                if choosing:
                    missile_chance, nuclear_chance = chances[0, t], chances[1, t]
                else:  # `tests`: the chances (2, R)
                    missile_chance, nuclear_chance = tests[0, r], tests[1, r]
                threat[r], missile, nuclear = tests_of_draws(
                    threat[r],
                    draws[0, t],
                    draws[1, t],
                    missile_chance,
                    nuclear_chance,
                    per_run[MISSILE_SIZE, r],
                    per_run[NUCLEAR_SIZE, r],
                )
                taiwan_shock[r], crisis = crisis_of_draw(
                    taiwan_shock[r],
                    draws[2, t],
                    per_run[TAIWAN_CHANCE, r],
                    per_run[TAIWAN_SIZE, r],
                )
                events[r, missile_event] += missile
                events[r, nuclear_event] += nuclear
                events[r, crisis_event] += crisis
            if holding and copying:
                for t in range(n):
                    r = tile_run(start, t)
                    for i in range(states):
                        for p in range(poles):
                            for lever in range(levers_count):
                                levers[r, i, p, lever] = levers_before[r, i, p, lever]
            for t in range(n):
                r = tile_run(start, t)
                met = 0
                for i in range(states):
                    happens = summit_draws[t * states + i] < per_run[SUMMIT_CHANCE, r]
                    partner = summit_partner(partner_draws[t * states + i], poles)
                    events[r, summit_event] += happens
                    met += happens & (partner == poles)
                    for p in range(poles):
                        with_p = happens & (partner == p)
                        reliability_shock[r, p] = reliability_after_summit(
                            reliability_shock[r, p], with_p, per_run[SUMMIT_SIZE, r], 1.0
                        )
                        # eased once, then within its bounds
                        restriction[r, i, p] = clip(
                            eased(restriction[r, i, p], with_p, 1.0), 0.0, 1.0
                        )
                        if holding:
                            levers[r, i, p, coercion] = eased(
                                levers[r, i, p, coercion], with_p, 1.0
                            )
                size = per_run[SUMMIT_SIZE, r]
                threat[r] = clip(threat_after_summits(threat[r], np.float64(met), size), 0.0, 1.0)
                momentum[r] = momentum_after(momentum[r], np.float64(met), size)
            for t in range(n):
                r = tile_run(start, t)
                for i in range(states):
                    for j in range(states):
                        chance = per_run[HISTORY_CHANCE, r]
                        drawn = _disputed(linked, dispute_draws, chance, r, t, i, j, states)
                        events[r, dispute_event] += drawn
                        by_other = _disputed(linked, dispute_draws, chance, r, t, j, i, states)
                        # within [0, 1]: tie_after_disputes clips
                        ties[r, i, j] = tie_after_disputes(
                            ties[r, i, j], drawn, by_other, per_run[DISPUTE_SIZE, r]
                        )

    return compiled(None, lazy=False, error_model="numpy")(kernel)


@jit
def _disputed(linked, dispute_draws, chance, r, t, i, j, states):
    """Whether state i of run r (tile's run t) draws a history dispute with its linked
    neighbour j this step (`chance`: run r's of a dispute)."""
    return linked[r, i, j] & (dispute_draws[(t * states + i) * states + j] < chance)


_DRAWS_TILE = 256


def _flat(keys: np.ndarray) -> np.ndarray:
    """`keys` as one row in memory order (no copy if C-contiguous, as the engine's are)."""
    return np.ascontiguousarray(keys).reshape(-1)


def _flat_keys(keys: Keys) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The summits', their partners' and the history disputes' keys as the stochastic
    events' kernel reads them (`_flat`): once per set of keys (the same at every step)."""
    sources = (keys.summit, keys.summit_partner, keys.history)
    cached = keys.__dict__.get("_flat")
    if cached is None or not same_objects(cached[0], sources):
        cached = keys.__dict__["_flat"] = (sources, *(_flat(x) for x in sources))
    return cached[1:]


@jit
def _draws(keys, counter, out):
    """out[t]: the uniform draw of keys[t] at `counter` (`uniform_of`), for a tile of runs."""
    for t in range(keys.shape[0]):
        out[t] = uniform_of(keys[t], counter)


def state_pairs(w: CompiledWorld, state: State, trusted: bool = False) -> Pairs:
    """What the great powers' levers make of every pair (state, great power) in `state`
    (`trusted`: its arrays read as they are, `observe`)."""
    cached = state.__dict__.get("_held")
    if cached is not None:
        caps, held = cached
        return pairs(
            w, _dispositions(w, state), state.levers, state.restriction, caps=caps, held=held
        )
    # the levers in force capped in the pairs' own pass, and kept for `_held`
    dispositions = _dispositions(w, state)
    caps = _lever_caps(w, dispositions)
    if trusted:  # the state's own arrays, as the pairs' kernel reads them
        held = np.empty(state.levers.shape)
        read = tuple([dispositions[name] for name in _PAIRS_READ])
        pair = pairs_written(w, caps, state.levers, held, read, state.restriction)
    else:
        pair, held = pairs_and_held(w, dispositions, state.levers, state.restriction, caps=caps)
    state.__dict__["_held"] = (caps, held)
    return pair


# the dispositions the pairs' kernel reads, in its order (`pairs_written`)
_PAIRS_READ = ("reliability", "taiwan_crisis", "military", "rivalry")


def _dispositions(w: CompiledWorld, state: State) -> dict[str, np.ndarray]:
    """The dispositions in force in `state`, computed once per state: a step reads them four
    times, and a state is not changed once built (`apply_events` changes its own copy
    before anyone reads it)."""
    cached = state.__dict__.get("_dispositions")
    if cached is None:
        cached = dispositions_in_force(
            _pressure_levers(w, state.pressures),
            state.pressures,
            state.reliability_shock,
            state.taiwan_shock,
        )
        state.__dict__["_dispositions"] = cached
    return cached


def dispositions_known(state: State, dispositions: dict[str, np.ndarray]) -> None:
    """Hand `state` its dispositions in force, made by the caller from the same pressure
    arrays and from shocks of the same bits (`dispositions_in_force`), so that `_dispositions`
    reads them instead of making them again: the Mesa model makes those of the world now at
    the end of each step, and the world its next step's choices are judged from (`before`) is
    most often the same in what they read (no event moved a shock). Dispositions not made so
    would change the numbers; the Mesa layer's equality with the engine tests the hand-over."""
    state.__dict__["_dispositions"] = dispositions


def _held(w: CompiledWorld, state: State) -> tuple[np.ndarray, np.ndarray]:
    """The bounds in force (R, P, K) and the levers in force (R, M, P, K) of `state`, once per
    state like `_dispositions`: `pairs`, `respond` and the great powers' choice read them.
    The bounds read only the dispositions the pressures set (`sim.world.CAPPED_BY`), which
    the shocks leave alone."""
    cached = state.__dict__.get("_held")
    if cached is None:
        caps = _lever_caps(w, _dispositions(w, state))
        cached = (caps, in_force(state.levers, caps))
        state.__dict__["_held"] = cached
    return cached


def levers_held(w: CompiledWorld, state: State) -> tuple[np.ndarray, np.ndarray]:
    """The bounds in force (R, P, K) and the levers in force (R, M, P, K) of `state`, read
    only, once per state (`state_pairs` computes them with the pairs): what the Mesa model's
    agents respond with, as the engine's `respond` does."""
    return _held(w, state)


def pressure_bounds(
    w: CompiledWorld, pressures: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The great powers' dispositions the `pressures` set (`pressure_levers`) and the bounds
    of their levers (`lever_caps`, which read only those), read only, computed again only
    when a pressure's array is replaced (the engine's caches, which the Mesa model shares)."""
    dispositions = _pressure_levers(w, pressures)
    return dispositions, _lever_caps(w, dispositions)


def decision_context(w: CompiledWorld, state: State, pair: Pairs | None = None) -> Context:
    """What every middle power sees: state-level arrays (R, M, 1), pole arrays (R, M, P, 1)."""
    return _context_of(w, state, state_pairs(w, state) if pair is None else pair)


def _context_of(w: CompiledWorld, state: State, pair: Pairs, trusted: bool = False) -> Context:
    """`middle_power_context` of the state's fields (`trusted`: read as they are, `observe`)."""
    return middle_power_context(
        w,
        _dispositions(w, state),
        threat=state.threat,
        security=state.security,
        economic=state.economic,
        autonomy=state.autonomy,
        camp=state.camp,
        pairs=pair,
        memory=state.memory,
        pledge=state.pledge,
        ties=state.cooperation,
        neighbour_security=state.security,
        trusted=trusted,
    )


def observe(
    w: CompiledWorld, state: State, k: int, keys: Keys
) -> tuple[Pairs, Context, Choice, Response]:
    """What every middle power sees in `state` and decides at step k: `state_pairs`,
    `decision_context` and `decide` of it, the same numbers, with the state's arrays read as
    they are (`state_pairs` and `middle_power_context` with `trusted`), not checked and laid
    out again as any arrays would be: a state the engine or the Mesa model made (float64,
    C-contiguous, of the world's shapes). At one run some 4% of a Mesa run. The engine's
    step and the Mesa model's observe with it; other callers, whose states may hold other
    arrays, call the three."""
    pair = state_pairs(w, state, trusted=True)
    ctx = _context_of(w, state, pair, trusted=True)
    choice, response = decide(w, ctx, k, keys.decide)
    return pair, ctx, choice, response


def challenger_decides(
    w: CompiledWorld,
    before: State,
    security,
    pair: Pairs,
    held,
    k: int,
    keys,
    trusted: bool = False,
) -> np.ndarray:
    """Pyongyang's choice y (R,) from the middle powers' new `security` (R, M), the levers in
    force `held` (R, M, P, K) and the restraint in force. `trusted`: `before` is a state the
    engine or the Mesa model made, and the rest what they made of it (`observe`, `_held`):
    read as they are (`sim.strategy.challenger_choice`)."""
    if w.dynamics.challenger != "strategic":
        return before.provocation
    adversary = w.adversary
    return challenger_choice(
        w,
        security,
        held[:, :, adversary, K["commitment"]],
        pair.reliability[..., adversary],
        engagement_by_state(w, before.camp),
        _dispositions(w, before),
        before,
        k,
        keys.provocation,
        trusted,
    )


def great_powers_decide(
    w: CompiledWorld,
    before: State,
    ctx: Context,
    pair: Pairs,
    response: Response,
    k: int,
    keys: Keys,
    poles=slice(None),
    trusted: bool = False,
):
    """The great powers `poles` choose next step's levers (R, M, P', K) and restraint (R, P')
    on review steps; between reviews, and in other modes, they hold. `trusted`: `before` is
    a state the engine or the Mesa model made, and `ctx`, `pair`, `response` what `observe`
    made of it: read as they are (`sim.strategy_kernels.review_tables`)."""
    levers, restraint = before.levers[:, :, poles], before.restraint[:, poles]
    if w.dynamics.great_powers != "strategic":
        return levers, restraint
    review, every = reviews(w, k)
    if every is False or (every is None and not review.any()):
        return levers, restraint
    caps, held = _held(w, before)
    new_levers, new_restraint = great_powers_review(
        w,
        ctx,
        pair,
        response,
        _dispositions(w, before),
        before,
        held,
        caps,
        k,
        keys,
        _pole_ids(w, poles),
        trusted,
    )
    if every or review.all():  # the usual case: every run reviews at once (the same numbers)
        return new_levers, new_restraint
    return (
        np.where(review[:, None, None, None], new_levers, levers),
        np.where(review[:, None], new_restraint, restraint),
    )


def _pole_ids(w: CompiledWorld, poles) -> np.ndarray:
    """The indices of the great powers `poles` (what indexes them), (P',): for all of them
    (`slice(None)`) the same read-only array at every review, kept with the world (the
    review keeps what no step changes by the identity of its great powers,
    `sim.strategy._review_setup`)."""
    if type(poles) is not slice or poles != slice(None):
        return np.arange(len(w.poles))[poles]
    ids = w.__dict__.get("_pole_ids")
    if ids is None or len(ids) != len(w.poles):
        ids = w.__dict__["_pole_ids"] = np.arange(len(w.poles))
        frozen(ids)
    return ids


def respond(
    w: CompiledWorld,
    before: State,
    choice: Choice,
    response: Response,
    ctx: Context,
    pair: Pairs,
    k: int,
    keys: Keys,
    trusted: bool = False,
) -> State:
    """Responses to the middle powers' decisions, synchronously from the state after them:
    red lines (responsive), Pyongyang's choice, the great powers' next levers (on review
    steps); then the threat follows its target, memory accumulates the restriction in force,
    restrictions, shocks and summit momentum fade, ties recover. `trusted`: `before` is a
    state the engine made and the rest what `observe` made of it (`step`): the choices read
    them as they are."""
    restriction = before.restriction
    counts = before.events  # this step's counts, shared with `before` (not changed there)
    if not w.great_powers_hold_levers:  # responsive: red lines
        counts = counts.copy()
        coercion = _pressure_levers(w, before.pressures)["coercion"]
        restriction, crossed = red_lines(w, restriction, coercion, before.security, choice.security)
        counts[:, EVENT_INDEX["coercion"]] += total(crossed, axis=(1, 2)).astype(np.int16)
    held = _held(w, before)[1]
    y = challenger_decides(w, before, choice.security, pair, held, k, keys, trusted)
    levers, restraint = great_powers_decide(
        w, before, ctx, pair, response, k, keys, trusted=trusted
    )
    threat_target = None
    if w.dynamics.challenger != "strategic":
        p = before.pressures
        support = backing(w, w.backing_effect, p["russia_dprk"])
        threat_target = responsive_threat_target(w, p["dprk_threat"], support, choice.security)
    return evolved(
        before,
        security=choice.security,
        economic=choice.economic,
        autonomy=choice.autonomy,
        **aftermath(w, before, restriction, held, y, threat_target, trusted),
        events=counts,
        levers=levers,
        restraint=restraint,
        provocation=y,
    )


def step(w: CompiledWorld, state: State, k: int, keys: Keys) -> State:
    """The world from step k-1 to step k."""
    pressures = scheduled_pressures(w, state.pressures, k)
    shocked = apply_events(w, state, k, keys, pressures)
    pair, ctx, choice, response = observe(w, shocked, k, keys)
    return respond(w, shocked, choice, response, ctx, pair, k, keys, trusted=True)
