"""One step of the world, entity by entity: pressures, events, decisions, responses.

Every equation of the dynamics is a function here, written for arrays with a leading run axis
and, where it concerns states or great powers, an axis of the ones it is asked about. The
engine calls each for a whole batch (all states, all great powers); a Mesa agent calls the
same function for its own part (one run, its own row or column). Order within a step
(synchronous):

1. The world: `scheduled_pressures`, the scenario's pressures in force at this step.
2. Events, in a fixed order (which matters where two events touch the same number):
   scheduled events in the scenario's order (`provocation`, `taiwan_crisis`, `coerce`,
   `tariff`, `summit_with_pole`, `summit_with_challenger`, `summit_with_neighbour`,
   `election`, `history_dispute`); the world file's elections; the challenger's tests
   (`challenger_tests`); crises in the Taiwan Strait (`taiwan_crises`); the great powers'
   coercion episodes and tariff shocks (`coercion_episodes`, `tariff_shocks`); the middle
   powers' summits (`summit_draws`, then their effects); history disputes between
   neighbours (`history_disputes`, `ties_after_disputes`); then bounds (`settle_*`).
3. Decisions: every middle power sees `middle_power_context` (levers in force from
   `effective_levers`) built from the same last state, and `decide`s.
4. Responses: great powers enforce their red lines (`red_lines`), the challenger's threat
   follows its target (`threat_response`), middle powers adopt their choices and remember
   restrictions (`remember`), ties recover (`ties_recover`), restrictions and shocks fade
   (`restrictions_fade`, `shocks_fade`).

`apply_events`, `decision_context`, `respond` and `step` compose these for the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.arrays import total
from sim.decision import Choice, logit_choice, partial_adjustment
from sim.params import EVENT_KINDS
from sim.random import Stream, normal_at, stream_keys, uniform_at
from sim.utility import Context, aligned
from sim.world import CompiledWorld, ScheduledEventArrays, pair_key, pressure_levers

EVENT_INDEX = {kind: i for i, kind in enumerate(EVENT_KINDS)}
EVERY = slice(None)  # all states, or all great powers


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
        pressures=initial_pressures(w),
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


def decay(w: CompiledWorld, half_life: np.ndarray) -> np.ndarray:
    """Share of a deviation left after one step, for a half-life in years."""
    return 0.5 ** (w.dt_years / half_life)


def chance(w: CompiledWorld, rate: np.ndarray) -> np.ndarray:
    """Probability of at least one event in a step for a Poisson rate per year."""
    return 1.0 - np.exp(-rate * w.dt_years)


def _per_run(x: np.ndarray, ndim: int) -> np.ndarray:
    """A per-run parameter (R,) shaped to broadcast against an array of `ndim` dimensions."""
    return x.reshape(x.shape + (1,) * (ndim - 1))


# ----------------------------------------------------------------------------- phase 1: the world
def initial_pressures(w: CompiledWorld) -> dict[str, np.ndarray]:
    """Pressures at step 0: the configured levels with the scenario's changes dated at its start."""
    pressures = {k: v.copy() for k, v in w.pressure_base.items()}
    for name, value in w.changes.get(0, []):
        pressures[name] = np.full(w.runs, value)
    return pressures


def scheduled_pressures(
    w: CompiledWorld, pressures: dict[str, np.ndarray], k: int
) -> dict[str, np.ndarray]:
    """The pressures in force at step k: those of step k-1 with the scenario's changes of k."""
    pressures = dict(pressures)
    for name, value in w.changes.get(k, []):
        pressures[name] = np.full(w.runs, value)
    return pressures


def effective_levers(
    w: CompiledWorld,
    pressures: dict[str, np.ndarray],
    reliability_shock: np.ndarray,
    taiwan_shock: np.ndarray,
) -> dict[str, np.ndarray]:
    """Levers in force: the great powers' (R, P) from pressures plus reliability shocks; the
    world's rivalry and Taiwan risk (R,) raised by crises."""
    levers = pressure_levers(w, pressures)
    levers["reliability"] = np.clip(levers["reliability"] + reliability_shock, 0.0, 1.0)
    levers["taiwan_risk"] = np.clip(pressures["taiwan_risk"] + taiwan_shock, 0.0, 1.0)
    levers["rivalry"] = np.clip(pressures["rivalry"] + 0.5 * taiwan_shock, 0.0, 1.0)
    return levers


def taiwan_crisis(w: CompiledWorld, taiwan_shock: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled crisis in the Taiwan Strait raises Taiwan risk (and rivalry, halved)."""
    return taiwan_shock + w.sizes.taiwan_crisis * magnitude


def taiwan_crises(w: CompiledWorld, taiwan_shock: np.ndarray, keys: np.ndarray, k: int):
    """Stochastic crises of step k: (new shock, whether one happened), each (R,)."""
    crisis = uniform_at(keys, k) < chance(w, w.rates.taiwan_crisis)
    return taiwan_shock + crisis * w.sizes.taiwan_crisis, crisis


def shocks_fade(w: CompiledWorld, shock: np.ndarray) -> np.ndarray:
    """Reliability and Taiwan shocks decay toward zero."""
    return shock * _per_run(decay(w, w.dynamics.shock_half_life), shock.ndim)


# ----------------------------------------------------------------------------- the challenger
def provocation(w: CompiledWorld, threat: np.ndarray, kind: str, magnitude: float) -> np.ndarray:
    """A scheduled missile or nuclear test raises the threat."""
    return threat + getattr(w.sizes, kind) * magnitude


def challenger_tests(
    w: CompiledWorld, threat: np.ndarray, missile_keys: np.ndarray, nuclear_keys: np.ndarray, k: int
):
    """Stochastic tests of step k: (new threat, missile test?, nuclear test?), each (R,)."""
    missile = uniform_at(missile_keys, k) < chance(w, w.rates.missile_test)
    nuclear = uniform_at(nuclear_keys, k) < chance(w, w.rates.nuclear_test)
    return (
        threat + missile * w.sizes.missile_test + nuclear * w.sizes.nuclear_test,
        missile,
        nuclear,
    )


def summit_with_challenger(w: CompiledWorld, threat: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled summit with the challenger eases the threat."""
    return threat - w.sizes.summit * magnitude


def summits_with_challenger(w: CompiledWorld, threat: np.ndarray, met: np.ndarray) -> np.ndarray:
    """Stochastic summits with the challenger: `met` (R, M) says which states met it."""
    return threat - total(met, axis=1) * w.sizes.summit


def backing(w: CompiledWorld, backing_effect: np.ndarray, russia_dprk: np.ndarray) -> np.ndarray:
    """Threat the backers add at full room: their effect times the backing pressure."""
    return backing_effect * russia_dprk


def threat_response(
    w: CompiledWorld,
    threat: np.ndarray,
    dprk_threat: np.ndarray,
    support: np.ndarray,
    security: np.ndarray,
) -> np.ndarray:
    """The threat relaxes toward a target set by the challenger's own baseline, its backers'
    `support` (see `backing`) and, when responsive, its neighbours' new alignment `security`
    (R, M) with its adversary (the security-dilemma spiral)."""
    dyn = w.dynamics
    target = dprk_threat + support * (1.0 - dprk_threat)
    if dyn.responsive:
        adversary_sign = float(w.sign[np.argmax(w.protector)])
        lean = np.maximum(adversary_sign * security, 0.0)
        exposure = w.threat_exposure
        target = target + dyn.spiral * total(exposure * lean, axis=1) / np.maximum(
            total(exposure, axis=1), 1e-12
        )
    target = np.clip(target, 0.0, 1.0)
    return np.clip(target + decay(w, dyn.threat_half_life) * (threat - target), 0.0, 1.0)


def settle_threat(threat: np.ndarray) -> np.ndarray:
    return np.clip(threat, 0.0, 1.0)


# ----------------------------------------------------------------------------- great powers
# Restrictions are (R, M, P'): imposed on every middle power by the great powers P' asked
# about (all of them in the engine, one column for a GreatPower agent); levers are (R, P').
def coerce(
    w: CompiledWorld, restriction: np.ndarray, coercion_lever: np.ndarray, magnitude: float
) -> np.ndarray:
    """A scheduled coercion episode: a restriction of the coercer's readiness times its size."""
    imposed = w.sizes.coercion * magnitude * coercion_lever
    return np.maximum(restriction, imposed)


def tariff(
    w: CompiledWorld, restriction: np.ndarray, reliability_shock: np.ndarray, magnitude: float
):
    """A scheduled tariff shock: (restriction on the target, the tariff-setter's reliability
    shock); tariffs on an ally cost the setter credibility."""
    return (
        restriction + w.sizes.tariff_shock * magnitude,
        reliability_shock - w.sizes.tariff_doubt * magnitude,
    )


def coercion_episodes(
    w: CompiledWorld, restriction: np.ndarray, coercion_lever: np.ndarray, keys: np.ndarray, k: int
):
    """Stochastic coercion of step k, at a rate scaled by readiness: (restriction, episodes)."""
    readiness = coercion_lever[:, None, :]
    episode = uniform_at(keys, k) < chance(w, w.rates.coercion[:, None, None] * readiness)
    restriction = np.where(
        episode, np.maximum(restriction, w.sizes.coercion[:, None, None] * readiness), restriction
    )
    return restriction, episode


def tariff_shocks(
    w: CompiledWorld,
    restriction: np.ndarray,
    reliability_shock: np.ndarray,
    trade_lever: np.ndarray,
    keys: np.ndarray,
    k: int,
):
    """Stochastic tariff shocks of step k, at a rate scaled by trade pressure:
    (restriction, reliability shock (R, P'), shocks (R, M, P'))."""
    shock = uniform_at(keys, k) < chance(
        w, w.rates.tariff_shock[:, None, None] * trade_lever[:, None, :]
    )
    restriction = restriction + shock * w.sizes.tariff_shock[:, None, None]
    reliability_shock = reliability_shock - total(shock, axis=1) * w.sizes.tariff_doubt[:, None]
    return restriction, reliability_shock, shock


def summit_with_pole(w: CompiledWorld, reliability_shock, restriction, happens, magnitude):
    """A summit with a great power: its reliability rises, its restriction on the state eases
    (all of it at magnitude 1). Returns (reliability shock, restriction)."""
    eased = np.where(happens, 1.0 - np.clip(magnitude, 0.0, 1.0), 1.0)
    return reliability_shock + np.where(
        happens, w.sizes.summit * magnitude, 0.0
    ), restriction * eased


def red_lines(
    w: CompiledWorld,
    restriction: np.ndarray,
    coercion_lever: np.ndarray,
    security_before: np.ndarray,
    security_after: np.ndarray,
    poles=EVERY,
):
    """A coercer strikes when a state's alignment with its rival crosses its red line this
    step: (restriction (R, M, P'), crossings (R, M, P')). Securities are (R, M)."""
    sign, red_line = w.sign[poles], w.red_lines[:, :, poles]
    toward_rival_before = -sign * security_before[..., None]
    toward_rival_after = -sign * security_after[..., None]
    crossed = (toward_rival_after > red_line) & (toward_rival_before <= red_line)
    imposed = w.sizes.coercion[:, None, None] * coercion_lever[:, None, :]
    crossed &= imposed > 0
    return np.where(crossed, np.maximum(restriction, imposed), restriction), crossed


def restrictions_fade(w: CompiledWorld, restriction: np.ndarray) -> np.ndarray:
    return restriction * decay(w, w.dynamics.restriction_half_life)[:, None, None]


def settle_restriction(restriction: np.ndarray) -> np.ndarray:
    return np.clip(restriction, 0.0, 1.0)


# ----------------------------------------------------------------------------- middle powers
# Rows: the middle powers asked about (all in the engine, one for a MiddlePower agent), as a
# slice or index into the world's state axis; arrays about them are (R, M', ...).
def summit_with_neighbour(w: CompiledWorld, tie: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled summit of two neighbours strengthens their tie (both directions)."""
    return tie + w.sizes.summit * magnitude


def history_dispute(w: CompiledWorld, tie: np.ndarray, happens, magnitude: float) -> np.ndarray:
    """A scheduled history dispute weakens a tie (both directions)."""
    loss = np.where(happens, w.sizes.history_dispute * magnitude, 0.0)
    return np.clip(tie - loss, 0.0, 1.0)


def election(w: CompiledWorld, camp, happens, forced_camp: int, keys, k: int, i: int):
    """An election in middle power i: the camp `forced_camp` wins, or (-1) the other camp wins
    with the state's probability of switching. `camp`, `happens`, `keys` are (R,)."""
    if forced_camp >= 0:
        return np.where(happens, forced_camp, camp)
    switch = happens & (uniform_at(keys, k) < w.p_switch[:, i])
    return np.where(switch, 1 - camp, camp)


def summit_draws(w: CompiledWorld, keys: np.ndarray, partner_keys: np.ndarray, k: int):
    """Stochastic summits of step k: (whether, partner) each (R, M'); the partner is a great
    power's index, or len(poles) for the challenger."""
    summit = uniform_at(keys, k) < chance(w, w.rates.summit)[:, None]
    partner = np.floor(uniform_at(partner_keys, k) * (len(w.poles) + 1)).astype(int)
    return summit, partner


def history_disputes(w: CompiledWorld, keys: np.ndarray, k: int, rows=EVERY) -> np.ndarray:
    """Stochastic history disputes of step k (R, M', M): each linked pair of neighbours is
    drawn once, by the one first in code order (the row)."""
    linked = np.triu(w.cooperation > 0, k=1)[:, rows]
    return linked & (uniform_at(keys, k) < chance(w, w.rates.history_dispute)[:, None, None])


def ties_after_disputes(
    w: CompiledWorld, ties: np.ndarray, drawn: np.ndarray, drawn_by_others: np.ndarray
) -> np.ndarray:
    """Ties (R, M', M) after this step's disputes: those the row drew (`drawn`) and those its
    neighbours drew with it (`drawn_by_others`, the transposed draws)."""
    size = w.sizes.history_dispute[:, None, None]
    return np.clip(ties - drawn * size - drawn_by_others * size, 0.0, 1.0)


def settle_ties(ties: np.ndarray) -> np.ndarray:
    return np.clip(ties, 0.0, 1.0)


def middle_power_context(
    w: CompiledWorld,
    levers: dict[str, np.ndarray],
    *,
    threat: np.ndarray,
    security: np.ndarray,
    economic: np.ndarray,
    autonomy: np.ndarray,
    camp: np.ndarray,
    restriction: np.ndarray,
    memory: np.ndarray,
    ties: np.ndarray,
    neighbour_security: np.ndarray,
    rows=EVERY,
) -> Context:
    """What middle powers `rows` see when they decide: their own last position (R, M'), the
    challenger's threat (R,), the levers in force (`effective_levers`), the restrictions on
    them and their memory (R, M', P), their ties (R, M', M) and every state's last security
    (R, M). State-level fields come out (R, M', 1), per-great-power ones (R, M', P, 1)."""
    dyn = w.dynamics
    col = lambda x: x[..., None]  # noqa: E731  (R, M') -> (R, M', 1)
    pole = lambda x: x[..., None]  # noqa: E731  (R, M', P) -> (R, M', P, 1)
    per_state_pole = lambda x: np.broadcast_to(x[:, None, :], restriction.shape)  # noqa: E731

    sign = np.broadcast_to(w.sign, restriction.shape)
    rival_orientation = aligned(-sign, economic[..., None])  # (R, M', P)
    trade_pressure = per_state_pole(levers["trade_pressure"])
    if dyn.responsive:
        trade_pressure = (
            trade_pressure
            + dyn.trade_response[:, None, None]
            * levers["rivalry"][:, None, None]
            * rival_orientation
        )
    market = (
        w.exports[:, rows]
        * (1.0 + per_state_pole(levers["inducement"]))
        * (1.0 - dyn.restriction_loss[:, None, None] * restriction)
    )

    def ideal(table):  # the governing camp's ideal point, (R, M', 1)
        return np.take_along_axis(table[:, rows], camp[..., None].astype(np.intp), axis=-1)

    return Context(
        threat=col(threat[:, None] * w.threat_exposure[:, rows]),
        rivalry=levers["rivalry"][:, None, None],
        taiwan=col(levers["taiwan_risk"][:, None] * w.taiwan_exposure[:, rows]),
        defence_cost=col(w.defence_cost[:, rows]),
        diversification=dyn.diversification[:, None, None],
        ideal_security=ideal(w.ideal_security),
        ideal_economic=ideal(w.ideal_economic),
        neighbour_ties=col(total(ties, axis=-1)),
        neighbour_alignment=col(total(ties * neighbour_security[:, None, :], axis=-1)),
        last_security=col(security),
        last_economic=col(economic),
        last_autonomy=col(autonomy),
        economic_stickiness=w.decision.economic_stickiness[:, None, None],
        autonomy_stickiness=w.decision.autonomy_stickiness[:, None, None],
        sign=pole(sign),
        protector=pole(np.broadcast_to(w.protector, restriction.shape)),
        capability=pole(per_state_pole(w.capability)),
        reliability=pole(per_state_pole(levers["reliability"])),
        market=pole(market),
        coercion=pole(per_state_pole(levers["coercion"]) + restriction),
        memory=pole(dyn.derisk_learning[:, None, None] * memory),
        trade_pressure=pole(np.clip(trade_pressure, 0.0, 1.0)),
    )


def decide(
    w: CompiledWorld, ctx: Context, k: int, keys: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> Choice:
    """New positions of the middle powers in `ctx` (keys: their decision streams, (R, M'))."""
    d = w.decision
    if d.rule == "logit":
        uniforms = Choice(*(uniform_at(key, k) for key in keys))
        return logit_choice(ctx, w.weights, d.temperature[:, None, None], d.grid, uniforms)
    speed = (1.0 - decay(w, d.adjustment_half_life))[:, None]
    noise = (d.noise * np.sqrt(w.dt_years))[:, None]
    shocks = Choice(*(normal_at(key, k) for key in keys))
    return partial_adjustment(ctx, w.weights, speed, noise, shocks)


def remember(w: CompiledWorld, memory: np.ndarray, restriction: np.ndarray) -> np.ndarray:
    """Restrictions wear off; what they cost is remembered for much longer (de-risking)."""
    return memory * decay(w, w.dynamics.memory_half_life)[:, None, None] + restriction * w.dt_years


def ties_recover(w: CompiledWorld, ties: np.ndarray, rows=EVERY) -> np.ndarray:
    """Ties (R, M', M) relax toward the world file's baseline."""
    baseline = w.cooperation[:, rows]
    return baseline + decay(w, w.dynamics.cooperation_half_life)[:, None, None] * (ties - baseline)


# ----------------------------------------------------------------------------- the engine's step
def scheduled_event(
    w: CompiledWorld, s: State, ev: ScheduledEventArrays, k: int, keys: Keys, levers
) -> None:
    """Apply one event of the scenario to the batch's arrays `s` (in place)."""
    s.events[:, EVENT_INDEX[ev.kind]] += 1
    m, i, p = ev.magnitude, ev.target, ev.partner_pole
    everyone = np.ones(w.runs, dtype=bool)
    if ev.kind in ("missile_test", "nuclear_test"):
        s.threat = provocation(w, s.threat, ev.kind, m)
    elif ev.kind == "taiwan_crisis":
        s.taiwan_shock = taiwan_crisis(w, s.taiwan_shock, m)
    elif ev.kind == "coercion":
        s.restriction[:, i, p] = coerce(w, s.restriction[:, i, p], levers["coercion"][:, p], m)
    elif ev.kind == "tariff_shock":
        s.restriction[:, i, p], s.reliability_shock[:, p] = tariff(
            w, s.restriction[:, i, p], s.reliability_shock[:, p], m
        )
    elif ev.kind == "summit":
        if p >= 0:
            s.reliability_shock[:, p], s.restriction[:, i, p] = summit_with_pole(
                w, s.reliability_shock[:, p], s.restriction[:, i, p], everyone, m
            )
        elif ev.partner_challenger:
            s.threat = summit_with_challenger(w, s.threat, m)
        else:
            j = ev.partner_state
            s.cooperation[:, i, j] = summit_with_neighbour(w, s.cooperation[:, i, j], m)
            s.cooperation[:, j, i] = summit_with_neighbour(w, s.cooperation[:, j, i], m)
    elif ev.kind == "election":
        s.camp[:, i] = election(w, s.camp[:, i], everyone, ev.camp, keys.election[:, i], k, i)
    elif ev.kind == "history_dispute":
        j = ev.partner_state
        s.cooperation[:, i, j] = history_dispute(w, s.cooperation[:, i, j], everyone, m)
        s.cooperation[:, j, i] = history_dispute(w, s.cooperation[:, j, i], everyone, m)


def apply_events(w: CompiledWorld, state: State, k: int, keys: Keys, pressures: dict) -> State:
    """Scheduled events of step k, then stochastic ones drawn from the configured rates."""
    levers = pressure_levers(w, pressures)
    s = replace(
        state,
        threat=state.threat.copy(),
        restriction=state.restriction.copy(),
        reliability_shock=state.reliability_shock.copy(),
        taiwan_shock=state.taiwan_shock.copy(),
        cooperation=state.cooperation.copy(),
        camp=state.camp.copy(),
        pressures=pressures,
        events=np.zeros((w.runs, len(EVENT_KINDS)), dtype=np.int16),
    )

    for ev in w.events.get(k, []):
        scheduled_event(w, s, ev, k, keys, levers)

    everyone = np.ones(w.runs, dtype=bool)
    for i in np.flatnonzero(w.elections[k]):  # the world file's term calendar
        s.events[:, EVENT_INDEX["election"]] += 1
        s.camp[:, i] = election(w, s.camp[:, i], everyone, -1, keys.election[:, i], k, i)

    s.threat, missile, nuclear = challenger_tests(w, s.threat, keys.missile, keys.nuclear, k)
    s.taiwan_shock, crisis = taiwan_crises(w, s.taiwan_shock, keys.taiwan, k)

    s.restriction, episode = coercion_episodes(
        w, s.restriction, levers["coercion"], keys.coercion, k
    )
    s.restriction, s.reliability_shock, shock = tariff_shocks(
        w, s.restriction, s.reliability_shock, levers["trade_pressure"], keys.tariff, k
    )

    summit, partner = summit_draws(w, keys.summit, keys.summit_partner, k)
    for i in range(len(w.middle)):
        for p in range(len(w.poles)):
            s.reliability_shock[:, p], s.restriction[:, i, p] = summit_with_pole(
                w,
                s.reliability_shock[:, p],
                s.restriction[:, i, p],
                summit[:, i] & (partner[:, i] == p),
                1.0,
            )
    s.threat = summits_with_challenger(w, s.threat, summit & (partner == len(w.poles)))

    dispute = history_disputes(w, keys.history, k)
    s.cooperation = ties_after_disputes(w, s.cooperation, dispute, np.swapaxes(dispute, 1, 2))

    s.events += stochastic_event_counts(missile, nuclear, crisis, episode, shock, summit, dispute)

    s.threat = settle_threat(s.threat)
    s.restriction = settle_restriction(s.restriction)
    s.cooperation = settle_ties(s.cooperation)
    return s


def stochastic_event_counts(
    missile, nuclear, crisis, episode, shock, summit, dispute
) -> np.ndarray:
    """Counts (R, E) of the stochastic events of a step, by kind."""
    counts = np.zeros((missile.shape[0], len(EVENT_KINDS)), dtype=np.int16)
    counts[:, EVENT_INDEX["missile_test"]] = missile
    counts[:, EVENT_INDEX["nuclear_test"]] = nuclear
    counts[:, EVENT_INDEX["taiwan_crisis"]] = crisis
    counts[:, EVENT_INDEX["coercion"]] = total(episode, axis=(1, 2))
    counts[:, EVENT_INDEX["tariff_shock"]] = total(shock, axis=(1, 2))
    counts[:, EVENT_INDEX["summit"]] = total(summit, axis=1)
    counts[:, EVENT_INDEX["history_dispute"]] = total(dispute, axis=(1, 2))
    return counts


def decision_context(w: CompiledWorld, state: State) -> Context:
    """What every middle power sees: state-level arrays (R, M, 1), pole arrays (R, M, P, 1)."""
    return middle_power_context(
        w,
        effective_levers(w, state.pressures, state.reliability_shock, state.taiwan_shock),
        threat=state.threat,
        security=state.security,
        economic=state.economic,
        autonomy=state.autonomy,
        camp=state.camp,
        restriction=state.restriction,
        memory=state.memory,
        ties=state.cooperation,
        neighbour_security=state.security,
    )


def respond(w: CompiledWorld, before: State, choice: Choice) -> State:
    """Red lines, the threat spiral, and the decay of shocks toward their baselines."""
    levers = pressure_levers(w, before.pressures)
    restriction = before.restriction
    counts = before.events.copy()
    if w.dynamics.responsive:
        restriction, crossed = red_lines(
            w, restriction, levers["coercion"], before.security, choice.security
        )
        counts[:, EVENT_INDEX["coercion"]] += total(crossed, axis=(1, 2)).astype(np.int16)
    p = before.pressures
    support = backing(w, w.backing_effect, p["russia_dprk"])
    return replace(
        before,
        security=choice.security,
        economic=choice.economic,
        autonomy=choice.autonomy,
        threat=threat_response(w, before.threat, p["dprk_threat"], support, choice.security),
        restriction=restrictions_fade(w, restriction),
        memory=remember(w, before.memory, restriction),
        reliability_shock=shocks_fade(w, before.reliability_shock),
        taiwan_shock=shocks_fade(w, before.taiwan_shock),
        cooperation=ties_recover(w, before.cooperation),
        events=counts,
    )


def step(w: CompiledWorld, state: State, k: int, keys: Keys) -> State:
    """The world from step k-1 to step k."""
    pressures = scheduled_pressures(w, state.pressures, k)
    shocked = apply_events(w, state, k, keys, pressures)
    ctx = decision_context(w, shocked)
    choice = decide(w, ctx, k, keys.decide)
    return respond(w, shocked, choice)
