"""The kernels of a sweep loaded once, in the server a LocalCluster forks its workers from.

A process loads the engine's compiled kernels from Numba's disk cache the first time it runs
each one: 0.9 CPU-s for the first run of a sweep (its probe, `sim.sweep.plan.probe`). The
workers of a LocalCluster are forked from one server process (`sim.sweep.executors`), which
imports this module last of what it imports before forking any (`WORKER_MODULES`): importing
it computes the probe of the sweep named by the environment variable `WARMUP_PLAN` (set by
`sim.sweep.executors.start_worker_server` when it starts the server). So the server loads the
kernels once, while the sweep's own process launches and plans, and every worker is born with
them. Which kernels a run needs depends on its parameters, hence the sweep's own plan: either
the plan itself, cut to run 0 (the probe's one run; a few kilobytes, `sealed`), or, when the
sweep begins its workers before it has planned (`sim.sweep.executors.begin_workers`), the
settings it plans from (`unplanned`), which the server plans as the sweep does.

Only a warm-up: without the variable, or if anything goes wrong (settings that the sweep
then refuses, say), nothing is loaded here and each worker loads the kernels at its probe as
before; no number depends on where a kernel was loaded.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import pickle
from typing import TYPE_CHECKING, Any

from sim.sweep.memory import freeze_before_chunks

if TYPE_CHECKING:
    from sim.params import Params
    from sim.sweep.plan import SweepPlan

WARMUP_PLAN = "HEDGESIM_SWEEP_WARMUP_PLAN"


def sealed(plan: SweepPlan) -> str:
    """`plan` cut to its first design point (all the probe runs), as the variable's text."""
    first = dataclasses.replace(plan, points=plan.points[:1])
    return base64.b64encode(pickle.dumps(first)).decode("ascii")


def unplanned(settings: dict[str, Any], params: Params, seed: int) -> str:
    """What `sim.sweep.plan.plan_sweep` plans from, as the variable's text: the `sweep`
    section as composed (unchecked), the model's parameters and the seed."""
    return base64.b64encode(pickle.dumps((settings, params, seed))).decode("ascii")


def warm_up() -> None:
    """Compute the probe of the plan in WARMUP_PLAN (this process's own variable, from the
    process that started it), if any; whatever goes wrong is left to the workers' probes."""
    text = os.environ.get(WARMUP_PLAN)
    if not text:
        return  # not a server begun with a plan (the sweep's own process, a test's)
    from sim.sweep.plan import SweepPlan, plan_sweep, probe
    from sim.sweep.spec import parse_sweep

    try:
        plan = pickle.loads(base64.b64decode(text))
        if not isinstance(plan, SweepPlan):  # `unplanned`: plan it as the sweep does
            settings, params, seed = plan
            planned = plan_sweep(parse_sweep(settings), params, seed)
            # the probe's point only: the workers forked from here need none of the others
            plan = dataclasses.replace(planned, points=planned.points[:1].copy())
            del planned
        probe(plan)
    except Exception:  # noqa: BLE001 - a warm-up only: the workers' probes report any error
        return
    finally:
        # The probe froze this process's objects for the collector (`freeze_before_chunks`);
        # a worker forked from it freezes again before its first chunk, to freeze what Dask
        # made in it as well.
        freeze_before_chunks.cache_clear()


warm_up()
