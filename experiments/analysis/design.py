"""A design: many parameter points, each run with replicate seeds, on the vectorised engine.

Every analysis (sensitivity, scenario discovery, calibration) asks the same thing: the focus
state's trajectory at many points of a parameter space. Point i's replicate j is global run
i * replicates + j, so a point's numbers depend only on (seed, its index, its values) — not
on how the design is chunked into calls (a chunk is one vectorised `sim.simulate`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

import sim
from sim.params import Params
from sim.progress import progress_bar
from sim.sweep.plan import design_runs

# What the analyses read (hedging and posture come with security and economic).
SIMULATED = ("security", "economic", "autonomy")
OUTCOMES = ("security", "economic", "autonomy", "hedging", "posture")


def run_design(
    params: Params,
    keys: Sequence[str],
    points: np.ndarray,
    *,
    replicates: int = 1,
    seed: int = 0,
    steps: int | None = None,
    keep_steps: Sequence[int] | None = None,
    chunk_runs: int = 8192,
    progress: bool = False,
) -> xr.Dataset:
    """The focus state's outcomes at `points` (n_points, len(keys)) of the dotted `keys`.

    Returns a Dataset of security, economic, autonomy, hedging and posture with dims
    (point, replicate, step); `steps` shortens the scenario (None: all its steps) and
    `keep_steps` chooses the steps kept (default: the last)."""
    points = np.atleast_2d(np.asarray(points, dtype=float))
    if points.shape[1] != len(keys):
        raise ValueError(f"points have {points.shape[1]} columns for {len(keys)} keys")
    n_points = points.shape[0]
    per_chunk = max(1, chunk_runs // replicates)
    focus = params.world.focus
    parts = []
    chunks = range(0, n_points, per_chunk)
    bar = progress_bar(progress, n_points, desc="design points", unit="point")
    for first in chunks:
        last = min(first + per_chunk, n_points)
        runs, _, _ = design_runs(
            params, keys, points, replicates, first * replicates, last * replicates
        )
        ds = sim.simulate(
            runs,
            runs=(last - first) * replicates,
            seed=seed,
            steps=steps,
            first_run=first * replicates,
            variables=SIMULATED,
        )
        chosen = [ds.sizes["step"] - 1] if keep_steps is None else list(keep_steps)
        kept = ds[list(OUTCOMES)].sel(state=focus).isel(step=chosen)
        kept = kept.drop_vars(["state", "run"], errors="ignore")
        shaped = {
            name: (
                ("point", "replicate", "step"),
                kept[name].values.reshape(last - first, replicates, len(chosen)),
            )
            for name in OUTCOMES
        }
        parts.append(
            xr.Dataset(
                shaped, coords={"step": kept["step"].values, "time": ("step", kept["time"].values)}
            )
        )
        if bar is not None:
            bar.update(last - first)
    if bar is not None:
        bar.close()
    out = xr.concat(parts, dim="point", data_vars="all", coords="minimal", compat="override")
    out = out.assign_coords(point=np.arange(n_points), replicate=np.arange(replicates))
    for k, key in enumerate(keys):
        out[key] = ("point", points[:, k])
    out.attrs.update(focus=focus, seed=int(seed), replicates=int(replicates), keys=list(keys))
    return out
