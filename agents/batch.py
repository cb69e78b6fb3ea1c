"""`simulate`: a batch of runs through the Mesa layer, in the engine's dataset layout.

The drop-in for `sim.simulate` behind `python -m experiments.run engine=mesa`: run i (global
number first_run + i) is a `GeopoliticsModel(params, rng=seed, run=first_run + i, element=i)`
stepped to the horizon, so it has the engine's trajectory for that run.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from agents.model import GeopoliticsModel
from sim import engine as _engine
from sim.params import Params, validate
from sim.progress import progress_bar


def simulate(
    params: Params,
    runs: int = 1,
    seed: int = 0,
    steps: int | None = None,
    *,
    first_run: int = 0,
    progress: bool = False,
) -> xr.Dataset:
    """Like `sim.simulate` (same checks, same errors, same dataset), one Mesa model per run."""
    _engine.check_call(runs, seed, steps, first_run, _engine.ALL_VARIABLES)
    validate(params, runs)
    bar = progress_bar(progress, runs, desc="simulating (mesa)", unit="run")
    parts, model = [], None
    for i in range(runs):
        model = GeopoliticsModel(params, rng=seed, run=first_run + i, element=i, steps=steps)
        model.run_for(model.horizon)
        parts.append(_engine.with_observables(model.world, model.trajectories()))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    trajectories = {name: np.concatenate([p[name] for p in parts], axis=0) for name in parts[0]}
    run_ids = first_run + np.arange(runs, dtype=np.int64)
    return _engine.dataset(params, model.world, run_ids, seed, trajectories)
