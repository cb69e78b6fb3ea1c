"""Likelihood-free Bayesian calibration: ABC-SMC (pyabc) on the vectorised engine.

The pieces, each stated where the calibration is configured (conf/analysis/calibrate.yaml):
- priors: uniform on each fitted parameter's [low, high];
- the model: one particle is one engine call of `replicates` runs side by side (the
  vectorised engine), reduced to the replicate mean of every observable in each observed fit
  year. pyabc's samplers evaluate one particle at a time (its `simulate_one`), so a particle,
  not a population, is the unit of work; the replicates make each call worth its fixed cost
  (~0.1 s: composing the world arrays), and the sampler spreads particles over the workers;
- the distance: per observable, the root mean square over its observed years of
  (simulated - observed) / scale, where `scale` is the error that counts as one unit for that
  observable (stated in the config); the observables' terms are combined as a weighted root
  mean square with the stated weights;
- the sampler: pyabc's Dask sampler on a LocalCluster of `workers` processes (the sweep's
  `dask_client`), its multicore sampler, or one core (tests).

Each particle's engine seed is drawn from the calibration's seed and the particle's values,
so a particle's numbers are reproducible and different particles see different random
events. pyabc itself draws the particles from NumPy's global generator: on one core
(`sampler=single`) the calibration seeds it from its own seed, so the same seed and config
give the same posterior (tested); the Dask and multicore samplers draw in worker processes and
accept particles in the order they arrive, so two such calibrations differ by their Monte
Carlo error (the posterior summaries of the committed run are the record).
"""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from experiments.analysis.history import annual_mean
from experiments.analysis.observed import observable
from sim.calendar import step_dates
from sim.params import Params, with_values


@dataclass(frozen=True)
class Prior:
    key: str
    low: float
    high: float


@dataclass(frozen=True)
class Target:
    """One observable in the distance: its observed fit years, weight and unit error."""

    name: str
    observed: pd.Series  # year -> observed value (fit years only)
    weight: float
    scale: float


@dataclass
class Posterior:
    particles: pd.DataFrame  # one column per fitted key
    weights: np.ndarray  # normalised
    generations: int
    simulations: int  # particles simulated (each `replicates` runs)
    epsilons: list[float]  # the distance threshold of each generation


def steps_until(params: Params, year: int) -> int:
    """Steps needed for the trajectory to cover the whole of `year`."""
    sc = params.scenario
    dates = step_dates(sc.start, sc.steps, sc.step_months)
    for k, date in enumerate(dates):
        if date.year > year:
            return k
    return sc.steps


def particle_seed(seed: int, values: np.ndarray) -> int:
    """A run seed from the calibration's seed and a particle's values (reproducible per
    particle, different between particles)."""
    return (int(seed) * 1_000_003 + zlib.crc32(np.asarray(values, dtype=float).tobytes())) % (2**31)


def simulate_observables(
    params: Params,
    keys: Sequence[str],
    values: np.ndarray,
    names: Sequence[str],
    years: dict[str, Sequence[int]],
    *,
    replicates: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Per observable, the replicate mean in each of its `years` at one point `values`."""
    last = max(max(y) for y in years.values())
    steps = steps_until(params, last)
    point = with_values(params, {k: float(v) for k, v in zip(keys, values, strict=True)})
    variables = tuple(sorted({v for n in names for v in observable(n).recorded()}))
    ds = sim.simulate(point, replicates, seed, steps=steps, variables=variables, params_attr=False)
    focus = params.world.focus
    out = {}
    for name in names:
        runs = observable(name).simulated(ds, focus).values  # (run, step)
        out[name] = annual_mean(runs.mean(axis=0), ds["time"].values, list(years[name]))
    return out


def distance(targets: Sequence[Target], simulated: dict, observed: dict) -> float:
    """Weighted root mean square of each observable's standardised RMSE."""
    total = weights = 0.0
    for t in targets:
        error = (np.asarray(simulated[t.name]) - np.asarray(observed[t.name])) / t.scale
        total += t.weight * float(np.mean(error**2))
        weights += t.weight
    return float(np.sqrt(total / weights))


@contextlib.contextmanager
def abc_sampler(kind: str, workers: int) -> Iterator[object]:
    """pyabc's Dask sampler on a local cluster, its multicore sampler, or one core."""
    from pyabc.sampler import (
        DaskDistributedSampler,
        MulticoreEvalParallelSampler,
        SingleCoreSampler,
    )

    if kind == "dask":
        from sim.sweep.executors import dask_client
        from sim.sweep.spec import DaskSettings

        settings = DaskSettings(
            address=None, n_workers=workers, threads_per_worker=1, window=2, timeout=30
        )
        # the local scheduler's INFO lines (workers joining, keys cancelled) are not the user's
        logging.getLogger("distributed").setLevel(logging.WARNING)
        with dask_client(settings) as client:
            # a batch of particles per task: a task's scheduling costs about a particle's run
            yield DaskDistributedSampler(dask_client=client, batch_size=4)
    elif kind == "multicore":
        yield MulticoreEvalParallelSampler(n_procs=workers)
    else:
        yield SingleCoreSampler()


def run_abc(
    params: Params,
    priors: Sequence[Prior],
    targets: Sequence[Target],
    *,
    replicates: int,
    population: int,
    generations: int,
    simulations: int,
    min_epsilon: float,
    sampler: str,
    workers: int,
    seed: int,
    database: Path,
) -> Posterior:
    """ABC-SMC over `priors` against the `targets`' observed fit years."""
    import pyabc

    # pyabc logs every generation at INFO; the calibration writes its own summary instead.
    logging.getLogger("ABC").setLevel(logging.WARNING)
    keys = [p.key for p in priors]
    names = [t.name for t in targets]
    years = {t.name: [int(y) for y in t.observed.index] for t in targets}
    observed = {t.name: t.observed.to_numpy(dtype=float) for t in targets}

    def model(parameter) -> dict[str, np.ndarray]:
        values = np.array([parameter[k] for k in keys], dtype=float)
        return simulate_observables(
            params,
            keys,
            values,
            names,
            years,
            replicates=replicates,
            seed=particle_seed(seed, values),
        )

    prior = pyabc.Distribution(
        **{p.key: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors}
    )
    if sampler == "single":
        # pyabc's proposals come from NumPy's global generator (public API: np.random.seed);
        # on one core this makes the whole calibration reproducible from its seed.
        np.random.seed(seed % 2**32)  # noqa: NPY002 (pyabc reads the legacy global generator)
    with abc_sampler(sampler, workers) as chosen:
        smc = pyabc.ABCSMC(
            model,
            prior,
            lambda x, x0: distance(targets, x, x0),
            population_size=population,
            sampler=chosen,
        )
        smc.new(f"sqlite:///{database}", observed)
        history = smc.run(
            minimum_epsilon=min_epsilon,
            max_nr_populations=generations,
            max_total_nr_simulations=simulations,
        )
    particles, weights = history.get_distribution()
    populations = history.get_all_populations()
    epsilons = [float(e) for e in populations.loc[populations["t"] >= 0, "epsilon"]]
    return Posterior(
        particles=particles[keys].reset_index(drop=True),
        weights=np.asarray(weights, dtype=float) / np.sum(weights),
        generations=int(history.max_t) + 1,
        simulations=int(history.total_nr_simulations),
        epsilons=epsilons,
    )


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample (the inverse of its weighted CDF, interpolated)."""
    order = np.argsort(values)
    values, weights = np.asarray(values)[order], np.asarray(weights)[order]
    cdf = (np.cumsum(weights) - 0.5 * weights) / np.sum(weights)
    return np.interp(qs, cdf, values)


# A parameter whose posterior median lies this close to a bound (share of the prior's width)
# is reported as pinned at that bound: the data push it against the edge of what was allowed.
PINNED_SHARE = 0.05


def summary(posterior: Posterior, priors: Sequence[Prior]) -> pd.DataFrame:
    """Per parameter: posterior median, mean, 5% and 95%, the 90% interval's width as a
    share of the prior's, and whether the median is pinned at a bound."""
    rows = []
    for p in priors:
        x = posterior.particles[p.key].to_numpy()
        q05, q50, q95 = weighted_quantiles(x, posterior.weights, [0.05, 0.5, 0.95])
        width = p.high - p.low
        pinned = ""
        if q50 - p.low < PINNED_SHARE * width:
            pinned = "low"
        elif p.high - q50 < PINNED_SHARE * width:
            pinned = "high"
        rows.append(
            {
                "key": p.key,
                "median": q50,
                "mean": float(np.sum(x * posterior.weights)),
                "q05": q05,
                "q95": q95,
                "low": p.low,
                "high": p.high,
                "width_ratio": (q95 - q05) / (0.9 * width),  # 1: no narrower than the prior
                "pinned": pinned,
            }
        )
    return pd.DataFrame(rows)


def posterior_draws(
    particles: pd.DataFrame, weights: np.ndarray, draws: int, seed: int
) -> pd.DataFrame:
    """`draws` particles resampled by weight (with replacement), reproducibly."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(particles), size=draws, p=weights / weights.sum())
    return particles.iloc[chosen].reset_index(drop=True)
