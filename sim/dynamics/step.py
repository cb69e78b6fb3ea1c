"""The engine's step: every entity's functions composed for a whole batch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.arrays import total
from sim.decision import Choice
from sim.dynamics.challenger import (
    backing,
    challenger_tests,
    provocation,
    settle_threat,
    summit_with_challenger,
    summits_with_challenger,
    threat_response,
)
from sim.dynamics.clock import EVENT_INDEX
from sim.dynamics.great_powers import (
    coerce,
    coercion_episodes,
    red_lines,
    restrictions_fade,
    settle_restriction,
    summit_with_pole,
    tariff,
    tariff_shocks,
)
from sim.dynamics.middle_powers import (
    decide,
    election,
    history_dispute,
    history_disputes,
    middle_power_context,
    remember,
    settle_ties,
    summit_draws,
    summit_with_neighbour,
    ties_after_disputes,
    ties_recover,
)
from sim.dynamics.pressures import (
    effective_levers,
    scheduled_pressures,
    shocks_fade,
    taiwan_crises,
    taiwan_crisis,
)
from sim.dynamics.state import Keys, State
from sim.params import EVENT_KINDS
from sim.utility import Context
from sim.world import CompiledWorld, ScheduledEventArrays, pressure_levers


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
