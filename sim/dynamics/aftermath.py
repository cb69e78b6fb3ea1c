"""The aftermath of a step, compiled: what follows the decisions and the responses to them.

After the middle powers decide and the great powers and the challenger respond, the engine's
step (`sim.dynamics.step.respond`) lets the threat follow its target, the middle powers
remember the restriction they suffered and their public's favourability follow its target,
restrictions, shocks, summit momentum and pledges fade, ties recover. Each of those is a
scalar equation of its own module (`remembered`, `suffered`, `target_of`, `updated`,
`faded`, `toward`, `strategic_threat_target`, `threat_after`), whose array function the Mesa
agents call; here one kernel applies them run by run, a run's numbers in registers instead
of a NumPy pass (and a temporary) per operation and a dozen Python calls a step.
"""

from __future__ import annotations

import numpy as np

from sim.dynamics.challenger import strategic_threat_target, threat_after
from sim.dynamics.clock import decay, faded, toward
from sim.dynamics.great_powers import suffered
from sim.dynamics.middle_powers import remembered
from sim.influence import K
from sim.kernels import compiled
from sim.opinion import target_of, updated
from sim.world import CompiledWorld


def aftermath(w: CompiledWorld, before, restriction, held, provocation, threat_target) -> dict:
    """The fields of the state the aftermath of a step changes, from the state `before` the
    responses, the restriction (R, M, P) after red lines, the levers in force `held`
    (R, M, P, K), the challenger's choice `provocation` (R,) and, for a responsive
    challenger, its threat target (R,) (`responsive_threat_target`; None when strategic)."""
    dyn, o = w.dynamics, w.opinion
    strategic = threat_target is None
    runs = restriction.shape[0]
    dprk = np.broadcast_to(before.pressures["dprk_threat"], (runs,))
    out = dict(
        threat=np.empty(runs),
        restriction=np.empty(restriction.shape),
        memory=np.empty(before.memory.shape),
        opinion=np.empty(before.opinion.shape),
        reliability_shock=np.empty(before.reliability_shock.shape),
        taiwan_shock=np.empty(runs),
        cooperation=np.empty(before.cooperation.shape),
        momentum=np.empty(runs),
        pledge=np.empty(before.pledge.shape),
    )
    aftermath_kernel(
        dyn.great_powers != "responsive",
        strategic,
        restriction,
        held,
        K["coercion"],
        K["tariff"],
        before.memory,
        before.opinion,
        w.opinion_baseline,
        before.pledge,
        before.cooperation,
        w.cooperation,
        before.reliability_shock,
        before.taiwan_shock,
        before.momentum,
        before.threat,
        dprk,
        w.challenger_params.threat_effect,
        provocation,
        dprk if strategic else threat_target,
        decay(w, dyn.memory_half_life),
        decay(w, dyn.restriction_half_life),
        decay(w, dyn.shock_half_life),
        decay(w, dyn.pledge_half_life),
        decay(w, dyn.cooperation_half_life),
        decay(w, o.half_life_down),
        decay(w, o.half_life_up),
        decay(w, dyn.threat_half_life),
        o.coercion,
        o.tariff,
        float(w.dt_years),
        *out.values(),
    )
    return out


@compiled(None)
def aftermath_kernel(
    holding,
    strategic,
    restriction,
    held,
    coercion,
    tariff,
    memory,
    opinion,
    baseline,
    pledge,
    ties,
    ties_baseline,
    reliability_shock,
    taiwan_shock,
    momentum,
    threat,
    dprk_threat,
    threat_effect,
    provocation,
    threat_target,
    memory_kept,
    restriction_kept,
    shock_kept,
    pledge_kept,
    ties_kept,
    kept_falling,
    kept_rising,
    threat_kept,
    opinion_coercion,
    opinion_tariff,
    dt_years,
    new_threat,
    new_restriction,
    new_memory,
    new_opinion,
    new_reliability_shock,
    new_taiwan_shock,
    new_ties,
    new_momentum,
    new_pledge,
):
    """`sim.dynamics.step.respond`'s aftermath for every run, into the `new_*` arrays."""
    runs, states, poles = restriction.shape
    for r in range(runs):
        target = (
            strategic_threat_target(dprk_threat[r], threat_effect[r], provocation[r])
            if strategic
            else threat_target[r]
        )
        new_threat[r] = threat_after(threat[r], target, threat_kept[r])
        for i in range(states):
            for p in range(poles):
                felt = restriction[r, i, p]
                if holding:
                    felt = suffered(felt, held[r, i, p, coercion])
                m = remembered(memory[r, i, p], memory_kept[r], felt, dt_years)
                new_memory[r, i, p] = m
                liked = target_of(
                    baseline[r, i, p],
                    opinion_coercion[r],
                    m,
                    opinion_tariff[r],
                    held[r, i, p, tariff],
                )
                new_opinion[r, i, p] = updated(
                    opinion[r, i, p], liked, kept_falling[r], kept_rising[r]
                )
                new_restriction[r, i, p] = faded(restriction[r, i, p], restriction_kept[r])
                new_pledge[r, i, p] = faded(pledge[r, i, p], pledge_kept[r])
            for j in range(states):
                new_ties[r, i, j] = toward(ties[r, i, j], ties_baseline[r, i, j], ties_kept[r])
        for p in range(poles):
            new_reliability_shock[r, p] = faded(reliability_shock[r, p], shock_kept[r])
        new_taiwan_shock[r] = faded(taiwan_shock[r], shock_kept[r])
        new_momentum[r] = faded(momentum[r], shock_kept[r])
