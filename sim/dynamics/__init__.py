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
   `effective_levers`) built from the same last state, and `decide`s (`observe` does both
   for a state the engine or the Mesa model made, its arrays read as they are).
4. Responses: great powers enforce their red lines (`red_lines`), the challenger's threat
   follows its target (`threat_response`), middle powers adopt their choices and remember
   restrictions (`remember`), ties recover (`ties_recover`), restrictions and shocks fade
   (`restrictions_fade`, `shocks_fade`).

`apply_events`, `decision_context`, `respond` and `step` compose these for the engine, which
draws the challenger's tests and the Taiwan crises with the summits in one compiled pass
(`stochastic_events`) and runs the tail of phase 4 as one (`aftermath`): the same scalar
equations, looped over runs (tests/test_stochastic_events.py and tests/test_aftermath.py hold
them to the array functions above). The Mesa model calls those two passes too, for all its
agents at once (each takes its part), and the array functions for the rest.

The package holds one module per entity (`pressures`, `challenger`, `great_powers`,
`middle_powers`), the batch's `state` and random keys, the `clock` of a step, the engine's
`step` that composes them and its compiled `aftermath`."""

from sim.dynamics.challenger import (  # noqa: F401
    adversary_reliability,
    alliance_tightening,
    backing,
    challenger_tests,
    engagement_offered,
    momentum_after_summits,
    momentum_fades,
    provocation,
    settle_threat,
    summit_with_challenger,
    summits_with_challenger,
    threat_response,
)
from sim.dynamics.clock import (  # noqa: F401
    EVENT_INDEX,
    EVERY,
    _per_run,
    chance,
    decay,
)
from sim.dynamics.great_powers import (  # noqa: F401
    coerce,
    coercion_eased,
    coercion_episodes,
    red_lines,
    restriction_in_force,
    restrictions_fade,
    settle_restriction,
    summit_with_pole,
    tariff,
    tariff_on_lever,
    tariff_shocks,
)
from sim.dynamics.levers import (  # noqa: F401
    in_force,
    initial_levers,
    initial_restraint,
    pairs,
    scheduled_levers,
)
from sim.dynamics.middle_powers import (  # noqa: F401
    decide,
    history_dispute,
    history_disputes,
    middle_power_context,
    pledged,
    pledges_drawn_down,
    remember,
    settle_ties,
    summit_draws,
    summit_with_neighbour,
    ties_after_disputes,
    ties_recover,
)
from sim.dynamics.pressures import (  # noqa: F401
    effective_levers,
    initial_pressures,
    scheduled_pressures,
    shocks_fade,
    taiwan_crises,
    taiwan_crisis,
)
from sim.dynamics.state import (  # noqa: F401
    Keys,
    State,
    initial_state,
    random_keys,
)
from sim.dynamics.step import (  # noqa: F401
    apply_events,
    challenger_decides,
    decision_context,
    dispositions_known,
    election,
    election_odds,
    great_powers_decide,
    levers_held,
    observe,
    pressure_bounds,
    respond,
    scheduled_event,
    state_pairs,
    step,
    stochastic_events,
)
