"""`python -m experiments.sensitivity`: which pressures and weights matter most for Seoul.

    python -m experiments.sensitivity                            # baseline, N = 1024
    python -m experiments.sensitivity analysis.samples=1024 analysis.replicates=16
    python -m experiments.sensitivity scenario=lee_2025 'analysis.outcomes=[security,hedging]'
    python -m experiments.sensitivity calibrated=kor_2000_2014   # with the fitted weights

Sobol' first-order (S1) and total (ST) indices, with bootstrap confidence intervals, of the
focus state's outcomes at the horizon (each the mean over `analysis.replicates` runs of a
point) to the seven pressures over [0, 1] and to the main utility weights over a range
around their configured values. SALib samples (Saltelli's scheme on a Sobol' sequence) and
analyses; the engine evaluates the whole design in a few vectorised calls.

Writes results/sensitivity/<time>/: config.yaml, indices.csv, design.nc, sensitivity.png.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.command import calibration_choice, command_main, keys_in_schedule
from experiments.analysis.design import OUTCOMES, run_design
from experiments.analysis.sobol import analyse, problem, sample
from experiments.config import ConfigError, params_of
from sim.params import PRESSURE_KEYS, WEIGHT_KEYS, get_path, ranged

MAIN_WEIGHTS = (
    "protection",
    "abandonment",
    "entrapment",
    "economic",
    "coercion",
    "trade_pressure",
    "consistency",
    "domestic",
)


@dataclass
class SensitivitySettings:
    samples: int = ranged(256, (2, 2**20), "Sobol' base sample N, a power of 2: N x (D + 2) points")
    replicates: int = ranged(8, (1, 100_000), "runs per point; the outcome is their mean")
    pressures: list[str] = field(default_factory=lambda: list(PRESSURE_KEYS))
    weights: list[str] = field(default_factory=lambda: list(MAIN_WEIGHTS))
    weight_range: list[float] = field(default_factory=lambda: [0.5, 1.5])
    outcomes: list[str] = field(default_factory=lambda: ["security", "economic", "hedging"])
    conf_level: float = ranged(0.95, (0.5, 0.999), "confidence level of the intervals")
    resamples: int = ranged(200, (10, 100_000), "bootstrap resamples for the intervals")

    def check(self, config) -> None:
        if self.samples & (self.samples - 1):
            raise ConfigError(
                f"analysis.samples = {self.samples}: must be a power of 2 (Sobol' sequence)"
            )
        _check_names("analysis.pressures", self.pressures, PRESSURE_KEYS)
        _check_names("analysis.weights", self.weights, WEIGHT_KEYS)
        _check_names("analysis.outcomes", self.outcomes, OUTCOMES, empty_ok=False)
        if len(self.pressures) + len(self.weights) < 2:
            raise ConfigError(
                "analysis.pressures + analysis.weights: at least two inputs are needed"
            )
        low, high = (list(self.weight_range) + [None, None])[:2]
        if len(self.weight_range) != 2 or not 0 <= low < high:
            raise ConfigError(
                f"analysis.weight_range = {list(self.weight_range)}: two factors 0 <= low < high"
            )
        for name in self.weights:
            if float(get_path(config, f"weights.{name}")) <= 0:
                raise ConfigError(f"weights.{name} = 0: a weight varied by a factor must be > 0")


def _check_names(key: str, names, allowed, empty_ok: bool = True) -> None:
    for name in names:
        if name not in allowed:
            raise ConfigError(f"{key}: {name!r} is not one of {list(allowed)}")
    if len(set(names)) != len(names):
        raise ConfigError(f"{key} = {list(names)}: a name is listed twice")
    if not empty_ok and not names:
        raise ConfigError(f"{key} = []: choose at least one of {list(allowed)}")


def inputs(config, settings: SensitivitySettings) -> tuple[list[str], list[tuple[float, float]]]:
    """Dotted keys and ranges: pressures over [0, 1], weights over factors of their value."""
    keys = [f"pressures.{name}" for name in settings.pressures]
    bounds = [(0.0, 1.0)] * len(keys)
    low, high = settings.weight_range
    for name in settings.weights:
        value = float(get_path(config, f"weights.{name}"))
        keys.append(f"weights.{name}")
        bounds.append((low * value, high * value))
    return keys, bounds


def sensitivity(config, progress: bool = False):
    """The indices (xarray Dataset: outcome x input) and the design they come from."""
    settings = config.analysis
    params = params_of(config)
    keys, bounds = inputs(config, settings)
    space = problem(keys, bounds)
    points = sample(space, settings.samples, seed=config.seed)
    design = run_design(
        params, keys, points, replicates=settings.replicates, seed=config.seed, progress=progress
    )
    means = np.stack(
        [design[o].mean("replicate").isel(step=-1).values for o in settings.outcomes], axis=1
    )
    indices = analyse(
        space,
        means,
        outcomes=settings.outcomes,
        seed=config.seed,
        conf_level=settings.conf_level,
        resamples=settings.resamples,
    )
    indices["noise"] = (
        "outcome",
        [noise_share(design[o].isel(step=-1)) for o in settings.outcomes],
    )
    indices.attrs.update(
        focus=params.world.focus, scenario=params.scenario.name, replicates=settings.replicates
    )
    return indices, design


def noise_share(outcome) -> float:
    """Share of the variance of the point means that is run-to-run noise left after averaging
    the replicates: it enters total indices as if it were interaction, so an ST at this level
    says nothing. NaN with a single replicate."""
    replicates = outcome.sizes["replicate"]
    if replicates < 2:
        return float("nan")
    within = float(outcome.var("replicate", ddof=1).mean("point")) / replicates
    between = float(outcome.mean("replicate").var("point"))
    return within / between if between > 0 else float("nan")


def ranking(indices, outcome: str) -> pd.DataFrame:
    table = indices.sel(outcome=outcome).to_dataframe()[["S1", "S1_conf", "ST", "ST_conf"]]
    return table.sort_values("ST", ascending=False)


def work(config, cfg, folder: Path) -> str:
    settings = config.analysis
    notes = keys_in_schedule(config, [f"pressures.{p}" for p in settings.pressures])
    indices, design = sensitivity(config, progress=config.progress)
    indices.attrs["calibrated"] = calibration_choice()
    table = indices[["S1", "S1_conf", "ST", "ST_conf"]].to_dataframe().reset_index()
    table = table.merge(indices["noise"].to_dataframe().reset_index(), on="outcome")
    table.to_csv(folder / "indices.csv", index=False, float_format="%.5f")
    design.to_netcdf(folder / "design.nc", engine="h5netcdf")
    if config.figures:
        from experiments.analysis.figures import plot_sobol

        plot_sobol(indices, folder / "sensitivity.png")
    lines = [f"note: {n}: its sampled value holds only until then" for n in notes]
    lines.append(
        f"Sobol' indices for {indices.attrs['focus']} at the horizon of {indices.attrs['scenario']} "
        f"(calibrated={indices.attrs['calibrated']}) "
        f"({indices.attrs['points']} points x {settings.replicates} runs; ±{settings.conf_level:.0%} interval)"
    )
    for outcome in settings.outcomes:
        noise = float(indices["noise"].sel(outcome=outcome))
        lines.append(
            f"  {outcome}:  (run-to-run noise left after averaging: {noise:.0%} of the variance)"
        )
        for key, row in ranking(indices, outcome).head(5).iterrows():
            lines.append(
                f"    {key:32s} ST {row.ST:5.2f} ± {row.ST_conf:4.2f}   S1 {row.S1:5.2f} ± {row.S1_conf:4.2f}"
            )
    return "\n".join(lines)


main = command_main("sensitivity", SensitivitySettings, work)

if __name__ == "__main__":
    main()
