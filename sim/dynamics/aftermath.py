"""The aftermath of a step, compiled: what follows the decisions and the responses to them.

After the middle powers decide and the great powers and the challenger respond, the engine's
step (`sim.dynamics.step.respond`) lets the threat follow its target, the middle powers
remember the restriction they suffered and their public's favourability follow its target,
restrictions, shocks, summit momentum and pledges fade, ties recover. Each of those is a
scalar equation of its own module (`remembered`, `suffered`, `target_of`, `updated`,
`faded`, `toward`, `strategic_threat_target`, `threat_after`), whose array function the Mesa
agents call; here one kernel applies them to every run, a field or two per loop over the
runs, instead of a NumPy pass (and a temporary) per operation and a dozen Python calls a step.
"""

from __future__ import annotations

import functools

import numpy as np

# the module, not its names: `sim.opinion` reads `sim.dynamics.clock`, so a process whose
# first import is `sim.opinion` reaches this file before that module's names exist (its
# equations are looked up when the kernel compiles, at its first call)
from sim import opinion as public_opinion
from sim.arrays import frozen, rows_of, shape_of
from sim.dynamics.challenger import strategic_threat_target, threat_after
from sim.dynamics.clock import decay, faded, toward
from sim.dynamics.great_powers import suffered
from sim.dynamics.middle_powers import remembered
from sim.influence import K
from sim.kernels import compiled
from sim.strategy_kernels import world_views
from sim.world import CompiledWorld


def aftermath(
    w: CompiledWorld, before, restriction, held, provocation, threat_target, trusted=False
) -> dict:
    """The fields of the state the aftermath of a step changes, from the state `before` the
    responses, the restriction (R, M, P) after red lines, the levers in force `held`
    (R, M, P, K), the challenger's choice `provocation` (R,) and, for a responsive
    challenger, its threat target (R,) (`responsive_threat_target`; None when strategic).
    `trusted`: `before` is a state the engine or the Mesa model made and the rest what they
    made of it, C-contiguous, the pressures (R,): read as they are (some 0.5% of a Mesa
    run)."""
    strategic = threat_target is None
    runs, states, poles = restriction.shape
    dprk = before.pressures["dprk_threat"]
    memory, opinion, pledge, ties = before.memory, before.opinion, before.pledge, before.cooperation
    if not trusted:
        if shape_of(dprk) != (runs,):
            dprk = np.broadcast_to(dprk, (runs,))
        # the kernel reads rows of contiguous arrays (no copy of one that is)
        restriction, held, memory, opinion, pledge, ties = map(
            np.ascontiguousarray, (restriction, held, memory, opinion, pledge, ties)
        )
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
    per_run, baseline, ties_baseline = _constants(w)
    kernel = aftermath_kernel(states, poles, w.great_powers_hold_levers, strategic)
    kernel(
        restriction,
        held,
        K["coercion"],
        K["tariff"],
        memory,
        opinion,
        baseline,
        pledge,
        ties,
        ties_baseline,
        before.reliability_shock,
        before.taiwan_shock,
        before.momentum,
        before.threat,
        dprk,
        provocation,
        dprk if strategic else threat_target,
        per_run,
        float(w.dt_years),
        *out.values(),
    )
    return out


# The rows of `_constants`' per-run block: the shares a step leaves (`decay`) of the memory,
# restrictions, shocks, pledges, ties, favourability (falling, rising) and threat, then the
# threat's effect and the opinion's response to coercion and to tariffs.
PER_RUN = (
    "memory_kept",
    "restriction_kept",
    "shock_kept",
    "pledge_kept",
    "ties_kept",
    "kept_falling",
    "kept_rising",
    "threat_kept",
    "threat_effect",
    "opinion_coercion",
    "opinion_tariff",
)
(
    MEMORY_KEPT,
    RESTRICTION_KEPT,
    SHOCK_KEPT,
    PLEDGE_KEPT,
    TIES_KEPT,
    KEPT_FALLING,
    KEPT_RISING,
    THREAT_KEPT,
    THREAT_EFFECT,
    OPINION_COERCION,
    OPINION_TARIFF,
) = range(len(PER_RUN))


def _constants(w: CompiledWorld) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the aftermath reads of the world that no step changes, read only and made once
    per world (`world_views`): the per-run numbers of `PER_RUN` as the rows of one
    C-contiguous block (11, R) (the same numbers the kernel read from eleven arrays, laid as
    they were), the favourability and ties the middle powers return to (C-contiguous
    copies). One array for eleven: Numba unboxes each array it is passed (some 0.14 us), so
    at one run the aftermath 11.8-12.0 -> 10.8-11.0 us a step."""

    def make():
        dyn, o = w.dynamics, w.opinion
        half_lives = (
            dyn.memory_half_life,
            dyn.restriction_half_life,
            dyn.shock_half_life,
            dyn.pledge_half_life,
            dyn.cooperation_half_life,
            o.half_life_down,
            o.half_life_up,
            dyn.threat_half_life,
        )
        rows = (
            *(decay(w, h) for h in half_lives),
            w.challenger_params.threat_effect,
            o.coercion,
            o.tariff,
        )
        per_run = rows_of(rows, (w.runs,))
        baseline, ties = (
            np.array(x, dtype=np.float64) for x in (w.opinion_baseline, w.cooperation)
        )
        frozen(per_run, baseline, ties)
        return per_run, baseline, ties

    return world_views(w, ("aftermath_constants", w.runs), make)


@functools.cache
def aftermath_kernel(states: int, poles: int, holding: bool, strategic: bool):
    """The aftermath's kernel for `states` and `poles`, whether the great powers hold levers
    and whether the challenger is strategic: constants of the compiled closure, so the loops
    over a run's pairs and links are unrolled and the branches on the modes compiled away
    (Numba's disk cache keys a closure by its constants, one entry each)."""
    cells, links = states * poles, states * states

    def kernel(
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
        provocation,
        threat_target,
        per_run,
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
        """`sim.dynamics.step.respond`'s aftermath for every run, into the `new_*` arrays (every
        array C-contiguous: a run's pairs (state, great power) and links (state, state) are read
        as one row each, which compiles to loops several times as fast as three indices)."""
        runs = restriction.shape[0]
        memory_kept, restriction_kept = per_run[MEMORY_KEPT], per_run[RESTRICTION_KEPT]
        shock_kept, pledge_kept = per_run[SHOCK_KEPT], per_run[PLEDGE_KEPT]
        ties_kept, threat_kept = per_run[TIES_KEPT], per_run[THREAT_KEPT]
        kept_falling, kept_rising = per_run[KEPT_FALLING], per_run[KEPT_RISING]
        threat_effect = per_run[THREAT_EFFECT]
        opinion_coercion, opinion_tariff = per_run[OPINION_COERCION], per_run[OPINION_TARIFF]

        def rows(x, width):  # (R, ...) as (R, width)
            return x.reshape(runs, width)

        restriction_, memory_, opinion_ = (
            rows(restriction, cells),
            rows(memory, cells),
            rows(opinion, cells),
        )
        baseline_, pledge_ = rows(baseline, cells), rows(pledge, cells)
        held_ = held.reshape(runs, cells, held.shape[3])
        ties_, ties_baseline_ = rows(ties, links), rows(ties_baseline, links)
        out_restriction, out_memory = rows(new_restriction, cells), rows(new_memory, cells)
        out_opinion, out_pledge, out_ties = (
            rows(new_opinion, cells),
            rows(new_pledge, cells),
            rows(new_ties, links),
        )
        # A loop over the runs for a field or two, each reading and writing few arrays: LLVM
        # runs a loop over runs in the vector registers (the per-run fields here) only where
        # it can check at run time that its arrays do not overlap, which it gives up on for
        # many arrays at once, and fewer arrays at hand spill fewer registers. (A block of
        # 8,616 runs: 30 ns a run in one loop, 27 with the pairs' and links' loops of
        # constant length, 19 so.)
        for r in range(runs):
            target = (
                strategic_threat_target(dprk_threat[r], threat_effect[r], provocation[r])
                if strategic
                else threat_target[r]
            )
            new_threat[r] = threat_after(threat[r], target, threat_kept[r])
        for r in range(runs):
            for c in range(cells):
                felt = restriction_[r, c]
                if holding:
                    felt = suffered(felt, held_[r, c, coercion])
                out_memory[r, c] = remembered(memory_[r, c], memory_kept[r], felt, dt_years)
        for r in range(runs):
            for c in range(cells):
                liked = public_opinion.target_of(
                    baseline_[r, c],
                    opinion_coercion[r],
                    out_memory[r, c],
                    opinion_tariff[r],
                    held_[r, c, tariff],
                )
                out_opinion[r, c] = public_opinion.updated(
                    opinion_[r, c], liked, kept_falling[r], kept_rising[r]
                )
        for r in range(runs):
            for c in range(cells):
                out_restriction[r, c] = faded(restriction_[r, c], restriction_kept[r])
        for r in range(runs):
            for c in range(cells):
                out_pledge[r, c] = faded(pledge_[r, c], pledge_kept[r])
        for r in range(runs):
            for c in range(links):
                out_ties[r, c] = toward(ties_[r, c], ties_baseline_[r, c], ties_kept[r])
        for r in range(runs):
            for p in range(poles):
                new_reliability_shock[r, p] = faded(reliability_shock[r, p], shock_kept[r])
        for r in range(runs):
            new_taiwan_shock[r] = faded(taiwan_shock[r], shock_kept[r])
            new_momentum[r] = faded(momentum[r], shock_kept[r])

    return compiled(None, lazy=False, error_model="numpy")(kernel)
