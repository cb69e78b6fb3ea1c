"""Posterior-predictive runs: draws from a posterior, each run `replicates` times, in one
vectorised engine call, and their yearly median and 5-95% band per observable.

Used by the calibration (the fit years), the replay (2000-2025, fit and test years) and the
forecast (2026-2028). The band mixes the two uncertainties a reader should see: which
parameters (the draws) and which history of random events (the replicates).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

import sim
from experiments.analysis.abcsmc import steps_until
from experiments.analysis.history import annual_mean
from experiments.analysis.observed import observable
from sim.engine import ALL_VARIABLES
from sim.params import Params
from sim.sweep.plan import design_runs

# Always recorded beside the observables: the alignments the figures draw.
ALIGNMENTS = ("security", "economic", "autonomy")
QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def predictive_runs(
    params: Params,
    draws: pd.DataFrame | None,
    *,
    replicates: int,
    seed: int,
    names: Sequence[str] = (),
    until_year: int | None = None,
    every_variable: bool = False,
) -> xr.Dataset:
    """Run every draw (a row of parameter values by dotted key) `replicates` times; run r is
    replicate r % replicates of draw r // replicates. No draws: `replicates` runs of `params`.
    Records the alignments and what `names` need, or every variable (`every_variable`)."""
    variables = tuple(
        sorted(set(ALIGNMENTS) | {v for n in names for v in observable(n).recorded()})
    )
    if every_variable:
        variables = ALL_VARIABLES
    steps = None if until_year is None else steps_until(params, until_year)
    if draws is None or draws.empty:
        return sim.simulate(params, replicates, seed, steps=steps, variables=variables)
    keys = list(draws.columns)
    points = draws.to_numpy(dtype=float)
    runs = len(points) * replicates
    laid_out, _, _ = design_runs(params, keys, points, replicates, 0, runs)
    return sim.simulate(laid_out, runs, seed, steps=steps, variables=variables)


def yearly_values(ds: xr.Dataset, focus: str, name: str) -> tuple[list[int], np.ndarray]:
    """(years, (run, year)): an observable's (or an alignment's) yearly mean in every run."""
    times = ds["time"].values
    first = pd.Timestamp(times[1]).year
    last = (pd.Timestamp(times[-1]) - pd.Timedelta(days=1)).year
    years = list(range(first, last + 1))
    if name in ALIGNMENTS:
        runs = ds[name].sel(state=focus).values
    else:
        runs = observable(name).simulated(ds, focus).values
    return years, annual_mean(runs, times, years)


def yearly_bands(
    ds: xr.Dataset, focus: str, names: Sequence[str], observed: dict[str, pd.Series] | None = None
) -> pd.DataFrame:
    """Long table: observable, year, the quantiles of QUANTILES over runs, observed (or NaN)."""
    rows = []
    for name in names:
        years, values = yearly_values(ds, focus, name)
        quantiles = np.quantile(values, list(QUANTILES.values()), axis=0)  # (q, year)
        seen = (observed or {}).get(name, pd.Series(dtype=float))
        for j, year in enumerate(years):
            row = {"observable": name, "year": year}
            row.update({q: float(quantiles[i, j]) for i, q in enumerate(QUANTILES)})
            row["observed"] = float(seen.get(year, np.nan))
            rows.append(row)
    return pd.DataFrame(rows)
