"""Sobol' indices with SALib: first-order and total, with bootstrap confidence intervals.

Model-agnostic: `sobol_indices` takes any vectorised function of a sample matrix, so the
same pipeline that reads the simulation is checked on the Ishigami function, whose indices
are known analytically (tests/test_analysis_sensitivity.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr
from SALib.analyze import sobol as sobol_analyze

from sim.sweep.design import saltelli


def problem(names: Sequence[str], bounds: Sequence[tuple[float, float]]) -> dict:
    """SALib's description of the input space: independent uniform inputs."""
    return {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [list(map(float, b)) for b in bounds],
    }


def sample(space: dict, base_samples: int, seed: int) -> np.ndarray:
    """Saltelli's scheme on a scrambled Sobol' sequence: base_samples * (D + 2) points.
    First-order and total indices only (second order would double the cost)."""
    return saltelli(space, base_samples, seed, second_order=False)


def sobol_indices(
    space: dict,
    evaluate: Callable[[np.ndarray], np.ndarray],
    base_samples: int,
    *,
    outcomes: Sequence[str] = ("y",),
    seed: int = 0,
    conf_level: float = 0.95,
    resamples: int = 200,
) -> xr.Dataset:
    """S1, ST and their confidence half-widths of each outcome to each input.

    `evaluate(points)` maps (n, D) points to (n,) or (n, len(outcomes)) values."""
    points = sample(space, base_samples, seed)
    values = np.asarray(evaluate(points), dtype=float).reshape(points.shape[0], -1)
    if values.shape[1] != len(outcomes):
        raise ValueError(f"evaluate returned {values.shape[1]} outcomes for {len(outcomes)} names")
    return analyse(
        space, values, outcomes=outcomes, seed=seed, conf_level=conf_level, resamples=resamples
    )


def analyse(
    space: dict,
    values: np.ndarray,
    *,
    outcomes: Sequence[str],
    seed: int = 0,
    conf_level: float = 0.95,
    resamples: int = 200,
) -> xr.Dataset:
    """The indices from outputs already computed at `sample`'s points (n, len(outcomes))."""
    tables = {"S1": [], "S1_conf": [], "ST": [], "ST_conf": []}
    for k in range(values.shape[1]):
        column = values[:, k]
        if np.ptp(column) == 0:  # a constant outcome has no variance to apportion
            for name in tables:
                tables[name].append(np.zeros(space["num_vars"]))
            continue
        result = sobol_analyze.analyze(
            space,
            column,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
        )
        for name in tables:
            tables[name].append(np.asarray(result[name], dtype=float))
    ds = xr.Dataset(
        {name: (("outcome", "input"), np.array(rows)) for name, rows in tables.items()},
        coords={"outcome": list(outcomes), "input": list(space["names"])},
    )
    ds.attrs.update(conf_level=conf_level, resamples=resamples, points=int(values.shape[0]))
    return ds
