"""One step of the world, in phases: pressures, events, decisions, responses.

Each phase is a function of the compiled world, the state at the last step and the step
number, vectorised over runs and states. The engine calls them in order for a batch; the Mesa
agents call the same functions, each for its own part. Order within a step (synchronous):

1. `scheduled_pressures`: the scenario's pressure schedule in force at this step.
2. `apply_events`: scheduled and stochastic events (tests, coercion, tariffs, crises,
   summits, elections, history disputes) move the threat, restrictions, shocks and ties.
3. `decision_context` and `decide`: every middle power chooses from the same last state.
4. `respond`: great powers and the challenger answer the new positions (red lines, the
   threat spiral) and shocks decay toward their baselines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.decision import Choice, logit_choice, partial_adjustment
from sim.params import EVENT_KINDS
from sim.random import Stream, normal_at, stream_keys, uniform_at
from sim.utility import Context, aligned
from sim.world import CompiledWorld, pair_key, pressure_levers

EVENT_INDEX = {kind: i for i, kind in enumerate(EVENT_KINDS)}


@dataclass
class State:
    """Everything that changes over time, for a batch of runs."""

    security: np.ndarray  # (R, M)
    economic: np.ndarray  # (R, M)
    autonomy: np.ndarray  # (R, M)
    camp: np.ndarray  # (R, M) index of the governing camp (CAMPS)
    threat: np.ndarray  # (R,) the challenger's threat
    restriction: np.ndarray  # (R, M, P) trade restriction by great power P on state M
    memory: np.ndarray  # (R, M, P) remembered restriction (restriction-years, decaying)
    reliability_shock: np.ndarray  # (R, P) summits raise it, tariff shocks lower it
    taiwan_shock: np.ndarray  # (R,)
    cooperation: np.ndarray  # (R, M, M) neighbour ties
    pressures: dict[str, np.ndarray]  # pressure -> (R,) in force
    events: np.ndarray  # (R, E) events that happened in this step


def initial_state(w: CompiledWorld) -> State:
    n, m, p = w.runs, len(w.middle), len(w.poles)
    pressures = {k: v.copy() for k, v in w.pressure_base.items()}
    for name, value in w.changes.get(0, []):
        pressures[name] = np.full(n, value)
    return State(
        security=w.init_security.copy(),
        economic=w.init_economic.copy(),
        autonomy=w.init_autonomy.copy(),
        camp=np.broadcast_to(w.init_camp, (n, m)).copy(),
        threat=w.init_threat.copy(),
        restriction=np.zeros((n, m, p)),
        memory=np.zeros((n, m, p)),
        reliability_shock=np.zeros((n, p)),
        taiwan_shock=np.zeros(n),
        cooperation=w.cooperation.copy(),
        pressures=pressures,
        events=np.zeros((n, len(EVENT_KINDS)), dtype=np.int16),
    )


# ----------------------------------------------------------------------------- keys
@dataclass
class Keys:
    """Step-independent random keys of every stream (see `sim.random`)."""

    decide: tuple[np.ndarray, np.ndarray, np.ndarray]  # (R, M) each
    missile: np.ndarray  # (R,)
    nuclear: np.ndarray
    taiwan: np.ndarray
    coercion: np.ndarray  # (R, M, P)
    tariff: np.ndarray  # (R, M, P)
    summit: np.ndarray  # (R, M)
    summit_partner: np.ndarray  # (R, M)
    election: np.ndarray  # (R, M)
    history: np.ndarray  # (R, M, M)


def random_keys(w: CompiledWorld) -> Keys:
    runs = w.run_ids
    run_m, run_1 = runs[:, None], runs
    mid, pol = w.key_middle, w.key_poles
    by_pair = pair_key(mid[:, None], pol[None, :])[None]
    by_neighbours = pair_key(mid[:, None], mid[None, :])[None]
    key = lambda states, stream, r=run_m: stream_keys(w.seed, r, states, stream)  # noqa: E731
    return Keys(
        decide=(
            key(mid, Stream.DECIDE_SECURITY),
            key(mid, Stream.DECIDE_ECONOMIC),
            key(mid, Stream.DECIDE_AUTONOMY),
        ),
        missile=key(w.key_challenger, Stream.MISSILE_TEST, run_1),
        nuclear=key(w.key_challenger, Stream.NUCLEAR_TEST, run_1),
        taiwan=key(0, Stream.TAIWAN_CRISIS, run_1),
        coercion=key(by_pair, Stream.COERCION, runs[:, None, None]),
        tariff=key(by_pair, Stream.TARIFF_SHOCK, runs[:, None, None]),
        summit=key(mid, Stream.SUMMIT),
        summit_partner=key(mid, Stream.SUMMIT_PARTNER),
        election=key(mid, Stream.ELECTION),
        history=key(by_neighbours, Stream.HISTORY_DISPUTE, runs[:, None, None]),
    )


# ----------------------------------------------------------------------------- phase 1
def scheduled_pressures(w: CompiledWorld, state: State, k: int) -> dict[str, np.ndarray]:
    pressures = dict(state.pressures)
    for name, value in w.changes.get(k, []):
        pressures[name] = np.full(w.runs, value)
    return pressures


def decay(w: CompiledWorld, half_life: np.ndarray) -> np.ndarray:
    """Share of a deviation left after one step, for a half-life in years."""
    return 0.5 ** (w.dt_years / half_life)


def chance(w: CompiledWorld, rate: np.ndarray) -> np.ndarray:
    """Probability of at least one event in a step for a Poisson rate per year."""
    return 1.0 - np.exp(-rate * w.dt_years)


# ----------------------------------------------------------------------------- phase 2
def apply_events(w: CompiledWorld, state: State, k: int, keys: Keys, pressures: dict) -> State:
    """Scheduled events of step k, then stochastic ones drawn from the configured rates."""
    n, sizes, rates = w.runs, w.sizes, w.rates
    levers = pressure_levers(w, pressures)
    threat = state.threat.copy()
    restriction = state.restriction.copy()
    reliability_shock = state.reliability_shock.copy()
    taiwan_shock = state.taiwan_shock.copy()
    cooperation = state.cooperation.copy()
    camp = state.camp.copy()
    counts = np.zeros((n, len(EVENT_KINDS)), dtype=np.int16)
    everyone = np.ones(n, dtype=bool)

    def summit_with_pole(happens, i, p, magnitude):
        reliability_shock[:, p] += np.where(happens, sizes.summit * magnitude, 0.0)
        restriction[:, i, p] *= np.where(happens, 1.0 - np.clip(magnitude, 0.0, 1.0), 1.0)

    def hold_election(happens, i, forced_camp):
        if forced_camp >= 0:
            camp[:, i] = np.where(happens, forced_camp, camp[:, i])
        else:
            switch = happens & (uniform_at(keys.election[:, i], k) < w.p_switch[:, i])
            camp[:, i] = np.where(switch, 1 - camp[:, i], camp[:, i])

    def history_dispute(happens, i, j, magnitude):
        loss = np.where(happens, sizes.history_dispute * magnitude, 0.0)
        cooperation[:, i, j] = np.clip(cooperation[:, i, j] - loss, 0.0, 1.0)
        cooperation[:, j, i] = np.clip(cooperation[:, j, i] - loss, 0.0, 1.0)

    # Scheduled events: the same in every run.
    for ev in w.events.get(k, []):
        counts[:, EVENT_INDEX[ev.kind]] += 1
        m = ev.magnitude
        if ev.kind in ("missile_test", "nuclear_test"):
            threat = threat + getattr(sizes, ev.kind) * m
        elif ev.kind == "taiwan_crisis":
            taiwan_shock = taiwan_shock + sizes.taiwan_crisis * m
        elif ev.kind == "coercion":
            imposed = sizes.coercion * m * levers["coercion"][:, ev.partner_pole]
            restriction[:, ev.target, ev.partner_pole] = np.maximum(restriction[:, ev.target, ev.partner_pole], imposed)
        elif ev.kind == "tariff_shock":
            restriction[:, ev.target, ev.partner_pole] += sizes.tariff_shock * m
            reliability_shock[:, ev.partner_pole] -= sizes.tariff_doubt * m
        elif ev.kind == "summit":
            if ev.partner_pole >= 0:
                summit_with_pole(everyone, ev.target, ev.partner_pole, m)
            elif ev.partner_challenger:
                threat = threat - sizes.summit * m
            else:
                gain = sizes.summit * m
                cooperation[:, ev.target, ev.partner_state] += gain
                cooperation[:, ev.partner_state, ev.target] += gain
        elif ev.kind == "election":
            hold_election(everyone, ev.target, ev.camp)
        elif ev.kind == "history_dispute":
            history_dispute(everyone, ev.target, ev.partner_state, m)

    # Scheduled elections of the world file (a state's term calendar).
    for i in np.flatnonzero(w.elections[k]):
        counts[:, EVENT_INDEX["election"]] += 1
        hold_election(everyone, i, -1)

    # Stochastic events.
    missile = uniform_at(keys.missile, k) < chance(w, rates.missile_test)
    nuclear = uniform_at(keys.nuclear, k) < chance(w, rates.nuclear_test)
    crisis = uniform_at(keys.taiwan, k) < chance(w, rates.taiwan_crisis)
    threat = threat + missile * sizes.missile_test + nuclear * sizes.nuclear_test
    taiwan_shock = taiwan_shock + crisis * sizes.taiwan_crisis

    readiness = levers["coercion"][:, None, :]
    episode = uniform_at(keys.coercion, k) < chance(w, rates.coercion[:, None, None] * readiness)
    restriction = np.where(episode, np.maximum(restriction, sizes.coercion[:, None, None] * readiness), restriction)
    tariff = uniform_at(keys.tariff, k) < chance(w, rates.tariff_shock[:, None, None] * levers["trade_pressure"][:, None, :])
    restriction = restriction + tariff * sizes.tariff_shock[:, None, None]
    reliability_shock = reliability_shock - tariff.sum(axis=1) * sizes.tariff_doubt[:, None]

    summit = uniform_at(keys.summit, k) < chance(w, rates.summit)[:, None]
    partner = np.floor(uniform_at(keys.summit_partner, k) * (len(w.poles) + 1)).astype(int)
    for i in range(len(w.middle)):
        for p in range(len(w.poles)):
            summit_with_pole(summit[:, i] & (partner[:, i] == p), i, p, 1.0)
    with_challenger = summit & (partner == len(w.poles))
    threat = threat - with_challenger.sum(axis=1) * sizes.summit

    linked = np.triu(w.cooperation > 0, k=1)  # each pair of neighbours once
    dispute = linked & (uniform_at(keys.history, k) < chance(w, rates.history_dispute)[:, None, None])
    loss = dispute * sizes.history_dispute[:, None, None]
    cooperation = np.clip(cooperation - loss - np.swapaxes(loss, 1, 2), 0.0, 1.0)

    counts[:, EVENT_INDEX["missile_test"]] += missile
    counts[:, EVENT_INDEX["nuclear_test"]] += nuclear
    counts[:, EVENT_INDEX["taiwan_crisis"]] += crisis
    counts[:, EVENT_INDEX["coercion"]] += episode.sum(axis=(1, 2)).astype(np.int16)
    counts[:, EVENT_INDEX["tariff_shock"]] += tariff.sum(axis=(1, 2)).astype(np.int16)
    counts[:, EVENT_INDEX["summit"]] += summit.sum(axis=1).astype(np.int16)
    counts[:, EVENT_INDEX["history_dispute"]] += dispute.sum(axis=(1, 2)).astype(np.int16)

    return replace(
        state,
        threat=np.clip(threat, 0.0, 1.0),
        restriction=np.clip(restriction, 0.0, 1.0),
        reliability_shock=reliability_shock,
        taiwan_shock=taiwan_shock,
        cooperation=np.clip(cooperation, 0.0, 1.0),
        camp=camp,
        pressures=pressures,
        events=counts,
    )


# ----------------------------------------------------------------------------- phase 3
def effective_levers(w: CompiledWorld, state: State) -> dict[str, np.ndarray]:
    """Levers in force: pressures, plus shocks; rivalry and Taiwan risk with crises."""
    levers = pressure_levers(w, state.pressures)
    levers["reliability"] = np.clip(levers["reliability"] + state.reliability_shock, 0.0, 1.0)
    levers["taiwan_risk"] = np.clip(state.pressures["taiwan_risk"] + state.taiwan_shock, 0.0, 1.0)
    levers["rivalry"] = np.clip(state.pressures["rivalry"] + 0.5 * state.taiwan_shock, 0.0, 1.0)
    return levers


def decision_context(w: CompiledWorld, state: State) -> Context:
    """What every middle power sees: state-level arrays (R, M, 1), pole arrays (R, M, P, 1)."""
    lv = effective_levers(w, state)
    dyn = w.dynamics
    col = lambda x: x[..., None]  # noqa: E731  (R, M) -> (R, M, 1)
    pole = lambda x: x[..., None]  # noqa: E731  (R, M, P) -> (R, M, P, 1)
    per_state_pole = lambda x: np.broadcast_to(x[:, None, :], state.restriction.shape)  # noqa: E731

    sign = np.broadcast_to(w.sign, state.restriction.shape)
    rival_orientation = aligned(-sign, state.economic[..., None])  # (R, M, P)
    trade_pressure = per_state_pole(lv["trade_pressure"])
    if dyn.responsive:
        trade_pressure = trade_pressure + dyn.trade_response[:, None, None] * lv["rivalry"][:, None, None] * rival_orientation
    market = (
        w.exports
        * (1.0 + per_state_pole(lv["inducement"]))
        * (1.0 - dyn.restriction_loss[:, None, None] * state.restriction)
    )
    ideal = lambda table: np.take_along_axis(table, state.camp[..., None].astype(np.intp), axis=-1)  # noqa: E731
    ties = state.cooperation
    return Context(
        threat=col(state.threat[:, None] * w.threat_exposure),
        rivalry=lv["rivalry"][:, None, None],
        taiwan=col(lv["taiwan_risk"][:, None] * w.taiwan_exposure),
        defence_cost=col(w.defence_cost),
        diversification=dyn.diversification[:, None, None],
        ideal_security=ideal(w.ideal_security),
        ideal_economic=ideal(w.ideal_economic),
        neighbour_ties=col(ties.sum(axis=-1)),
        neighbour_alignment=col((ties * state.security[:, None, :]).sum(axis=-1)),
        last_security=col(state.security),
        last_economic=col(state.economic),
        last_autonomy=col(state.autonomy),
        economic_stickiness=w.decision.economic_stickiness[:, None, None],
        autonomy_stickiness=w.decision.autonomy_stickiness[:, None, None],
        sign=pole(sign),
        protector=pole(np.broadcast_to(w.protector, state.restriction.shape)),
        capability=pole(per_state_pole(w.capability)),
        reliability=pole(per_state_pole(lv["reliability"])),
        market=pole(market),
        coercion=pole(per_state_pole(lv["coercion"]) + state.restriction),
        memory=pole(dyn.derisk_learning[:, None, None] * state.memory),
        trade_pressure=pole(np.clip(trade_pressure, 0.0, 1.0)),
    )


def decide(w: CompiledWorld, ctx: Context, k: int, keys: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Choice:
    """New positions of the middle powers in `ctx` (keys: their decision streams, (R, M))."""
    d = w.decision
    if d.rule == "logit":
        uniforms = Choice(*(uniform_at(key, k) for key in keys))
        return logit_choice(ctx, w.weights, d.temperature[:, None, None], d.grid, uniforms)
    speed = (1.0 - decay(w, d.adjustment_half_life))[:, None]
    noise = (d.noise * np.sqrt(w.dt_years))[:, None]
    shocks = Choice(*(normal_at(key, k) for key in keys))
    return partial_adjustment(ctx, w.weights, speed, noise, shocks)


# ----------------------------------------------------------------------------- phase 4
def respond(w: CompiledWorld, before: State, choice: Choice) -> State:
    """Red lines, the threat spiral, and the decay of shocks toward their baselines."""
    dyn, n = w.dynamics, w.runs
    levers = pressure_levers(w, before.pressures)
    restriction = before.restriction
    counts = before.events.copy()

    if dyn.responsive:
        # A coercer strikes when a state's alignment with its rival crosses its red line.
        toward_rival_before = -w.sign * before.security[..., None]
        toward_rival_after = -w.sign * choice.security[..., None]
        crossed = (toward_rival_after > w.red_lines) & (toward_rival_before <= w.red_lines)
        imposed = w.sizes.coercion[:, None, None] * levers["coercion"][:, None, :]
        crossed &= imposed > 0
        restriction = np.where(crossed, np.maximum(restriction, imposed), restriction)
        counts[:, EVENT_INDEX["coercion"]] += crossed.sum(axis=(1, 2)).astype(np.int16)

    # The challenger's threat relaxes toward a target set by its own baseline, its backer's
    # support and (when responsive) its neighbours' alignment with its adversary.
    p = before.pressures
    target = p["dprk_threat"] + w.backing_effect * p["russia_dprk"] * (1.0 - p["dprk_threat"])
    if dyn.responsive:
        adversary_sign = float(w.sign[np.argmax(w.protector)])
        lean = np.maximum(adversary_sign * choice.security, 0.0)
        exposure = w.threat_exposure
        target = target + dyn.spiral * (exposure * lean).sum(axis=1) / np.maximum(exposure.sum(axis=1), 1e-12)
    target = np.clip(target, 0.0, 1.0)
    threat = target + decay(w, dyn.threat_half_life) * (before.threat - target)

    # Restrictions wear off; what they cost is remembered for much longer.
    memory = before.memory * decay(w, dyn.memory_half_life)[:, None, None] + restriction * w.dt_years
    restriction = restriction * decay(w, dyn.restriction_half_life)[:, None, None]
    shock_left = decay(w, dyn.shock_half_life)
    tie_left = decay(w, dyn.cooperation_half_life)[:, None, None]
    cooperation = w.cooperation + tie_left * (before.cooperation - w.cooperation)

    assert n == threat.shape[0]
    return replace(
        before,
        security=choice.security,
        economic=choice.economic,
        autonomy=choice.autonomy,
        threat=np.clip(threat, 0.0, 1.0),
        restriction=restriction,
        memory=memory,
        reliability_shock=before.reliability_shock * shock_left[:, None],
        taiwan_shock=before.taiwan_shock * shock_left,
        cooperation=cooperation,
        events=counts,
    )


def step(w: CompiledWorld, state: State, k: int, keys: Keys) -> State:
    """The world from step k-1 to step k."""
    pressures = scheduled_pressures(w, state, k)
    shocked = apply_events(w, state, k, keys, pressures)
    ctx = decision_context(w, shocked)
    choice = decide(w, ctx, k, keys.decide)
    return respond(w, shocked, choice)
