"""Fitting parameters to an observed series of export orientation (calibration).

The objective is the sum of squared differences between the observed export orientation of
each year and the model's economic alignment of the focus state averaged over that year's
steps and over `replicates` runs. SciPy's differential evolution searches the box of the
fitted parameters; each generation is one vectorised call of the engine (every candidate's
replicates side by side), so a fit of a few parameters takes seconds to minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution

from experiments.analysis.design import run_design
from experiments.analysis.history import annual_mean
from sim.calendar import step_dates
from sim.params import Params


@dataclass
class FitResult:
    keys: list[str]
    values: np.ndarray  # best candidate
    sse: float  # its objective (sum of squared errors over the observed years)
    rmse: float
    generations: int
    evaluations: int  # candidates evaluated
    converged: bool


def steps_until(params: Params, year: int) -> int:
    """Steps needed for the trajectory to cover the whole of `year`."""
    sc = params.scenario
    dates = step_dates(sc.start, sc.steps, sc.step_months)
    for k, date in enumerate(dates):
        if date.year > year:
            return k
    return sc.steps


def simulated_orientation(
    params: Params,
    keys: Sequence[str],
    candidates: np.ndarray,
    years: Sequence[int],
    *,
    replicates: int,
    seed: int,
) -> np.ndarray:
    """(candidates, years): the model's yearly economic alignment, mean over replicates."""
    steps = steps_until(params, max(years))
    design = run_design(
        params,
        keys,
        candidates,
        replicates=replicates,
        seed=seed,
        steps=steps,
        keep_steps=range(steps + 1),
    )
    mean = design["economic"].mean("replicate").values  # (candidate, step)
    return annual_mean(mean, design["time"].values, years)


def fit(
    params: Params,
    keys: Sequence[str],
    bounds: Sequence[tuple[float, float]],
    observed: pd.Series,
    *,
    replicates: int = 32,
    popsize: int = 8,
    generations: int = 30,
    tolerance: float = 0.01,
    seed: int = 0,
) -> FitResult:
    """The parameter values in `bounds` that bring the yearly economic alignment closest to
    `observed` (year -> export orientation). Differential evolution (SciPy), every
    generation one call of the engine; the same `seed` for every candidate."""
    years = [int(y) for y in observed.index]
    target = observed.to_numpy(dtype=float)
    evaluations = 0

    def objective(population: np.ndarray) -> np.ndarray:  # (k, S) -> (S,)
        nonlocal evaluations
        candidates = np.atleast_2d(population.T)
        evaluations += candidates.shape[0]
        model = simulated_orientation(
            params, keys, candidates, years, replicates=replicates, seed=seed
        )
        return ((model - target) ** 2).sum(axis=1)

    result = differential_evolution(
        objective,
        bounds=list(bounds),
        popsize=popsize,
        maxiter=generations,
        tol=tolerance,
        seed=seed,
        polish=False,  # a local polish on a noisy objective chases the noise
        vectorized=True,
        updating="deferred",
        init="sobol" if _power_of_two(popsize * len(keys)) else "latinhypercube",
    )
    return FitResult(
        keys=list(keys),
        values=np.asarray(result.x, dtype=float),
        sse=float(result.fun),
        rmse=float(np.sqrt(result.fun / len(years))),
        generations=int(result.nit),
        evaluations=evaluations,
        converged=bool(result.success),
    )


def _power_of_two(n: int) -> bool:
    return n > 0 and not n & (n - 1)
