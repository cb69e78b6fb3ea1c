"""`python -m experiments.calibrate`: a posterior for Seoul's behaviour from 2000-2014 (ABC-SMC).

    python -m experiments.calibrate                                  # writes conf/calibrated/
    python -m experiments.calibrate analysis.quick=true analysis.save_as=''   # a smoke run
    python -m experiments.calibrate analysis.population=400 analysis.simulations=12000

Likelihood-free Bayesian calibration with pyabc (experiments/analysis/abcsmc.py): uniform
priors on the ranges of analysis.parameters; each particle one engine call of
analysis.replicates runs of the scenario (default history_2000_2025) up to the end of
analysis.fit_until; a distance over the observables of analysis.observables (each
standardised by its stated scale, combined with its stated weight), read from their fit-year
files only (experiments/analysis/observed.py; a test year is refused); pyabc's Dask sampler on
analysis.workers local processes. The years after fit_until are test data: nothing here reads
them.

Writes results/calibrate/<time>/: config.yaml, posterior.csv (particles and weights),
posterior_summary.csv (median, 5-95%, width against the prior, pinned at a bound),
generations.csv, fit_years.csv (posterior-predictive median and 5-95% per observed fit
year), the two calibrated YAML files, pairs.png, calibration.png, abc.db (pyabc's history).
With analysis.save_as (default kor_2000_2014), last, so a failure leaves conf/ as it was:
  conf/calibrated/<save_as>.yaml            the behavioural parameters at the posterior median
                                            (calibrated=<save_as>; +calibrated= for
                                            experiments.run), any scenario
  conf/calibrated/<save_as>_history.yaml    those plus the fitted world of 2000 (Seoul's
                                            initial state): for scenario=history_2000_2025
  conf/calibrated/<save_as>_posterior.csv   the posterior (replay bands, forecast)
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from experiments.analysis.abcsmc import (
    Posterior,
    Prior,
    Target,
    posterior_draws,
    run_abc,
    summary,
)
from experiments.analysis.command import command_main
from experiments.analysis.markets import MARKETS_FIT, with_markets
from experiments.analysis.observed import FIT_UNTIL, OBSERVABLES, fit_series, observable
from experiments.config import CONF_DIR, ConfigError, params_of
from sim.calendar import step_dates
from sim.params import ParamError, get_path, ranged, validate, with_values

CALIBRATED_DIR = CONF_DIR / "calibrated"
# Fitted keys under these sections describe one period's world, not how states decide.
PERIOD_SECTIONS = ("world", "pressures", "scenario")
SAMPLERS = ("dask", "multicore", "single")
POSTERIOR_SUFFIX = "_posterior.csv"
# analysis.quick=true: a smoke-test budget (seconds, one core), whatever the other settings.
QUICK = {"population": 8, "generations": 2, "simulations": 30, "replicates": 2, "draws": 6}


@dataclass
class FitParameter:
    key: str = ""
    low: float = 0.0
    high: float = 1.0


@dataclass
class FitObservable:
    name: str = ""
    weight: float = ranged(1.0, (0.0, 1e6), "weight of this observable in the distance")
    scale: float = ranged(1.0, (1e-9, 1e9), "the error that counts as one unit")


@dataclass
class CalibrationSettings:
    parameters: list[FitParameter] = field(default_factory=list)
    observables: list[FitObservable] = field(default_factory=list)
    fit_from: int = ranged(2000, (1900, 2100), "first observed year fitted")
    fit_until: int = ranged(FIT_UNTIL, (1900, 2100), "last observed year fitted")
    replicates: int = ranged(16, (1, 100_000), "runs per particle; the model is their mean")
    population: int = ranged(200, (2, 100_000), "particles per ABC-SMC generation")
    generations: int = ranged(8, (1, 1000), "ABC-SMC generations at most")
    simulations: int = ranged(
        5000, (1, 10_000_000), "particles simulated at most (the budget), over all generations"
    )
    min_epsilon: float = ranged(0.0, (0.0, 1e9), "stop once the distance threshold is below")
    sampler: str = "dask"
    workers: int = ranged(2, (1, 1024), "worker processes of the sampler")
    draws: int = ranged(100, (1, 100_000), "posterior draws for the fit figure and table")
    quick: bool = False
    save_as: str = "kor_2000_2014"

    def budget(self) -> dict[str, int]:
        """population, generations, simulations, replicates and draws in force."""
        chosen = {k: getattr(self, k) for k in QUICK}
        return QUICK if self.quick else chosen

    def check(self, config) -> None:
        if not self.parameters:
            raise ConfigError("analysis.parameters = []: list at least one {key, low, high} to fit")
        keys = [p.key for p in self.parameters]
        if len(set(keys)) != len(keys):
            raise ConfigError(f"analysis.parameters: a key is listed twice in {keys}")
        params = params_of(config)
        for i, p in enumerate(self.parameters):
            where = f"analysis.parameters[{i}]"
            try:
                value = get_path(params, p.key)
            except ParamError as error:
                raise ConfigError(f"{where}.key = {p.key!r}: {error.allowed}") from None
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}.key = {p.key!r}: not a numeric parameter")
            if not p.low < p.high:
                raise ConfigError(f"{where} = [{p.low}, {p.high}]: low must be below high")
            try:
                validate(with_values(params, {p.key: np.array([p.low, p.high])}), runs=2)
            except ParamError as error:
                raise ConfigError(
                    f"{where} ({p.key}) bounds [{p.low}, {p.high}]: {error.allowed}"
                ) from None
        if not self.observables:
            raise ConfigError(
                f"analysis.observables = []: list at least one {{name, weight, scale}} of {list(OBSERVABLES)}"
            )
        names = [o.name for o in self.observables]
        for i, o in enumerate(self.observables):
            if o.name not in OBSERVABLES:
                raise ConfigError(
                    f"analysis.observables[{i}].name = {o.name!r}: not known; known: {', '.join(OBSERVABLES)}"
                )
        if len(set(names)) != len(names):
            raise ConfigError(f"analysis.observables: a name is listed twice in {names}")
        if not any(o.weight > 0 for o in self.observables):
            raise ConfigError("analysis.observables: every weight is 0; give one a weight > 0")
        if self.sampler not in SAMPLERS:
            raise ConfigError(f"analysis.sampler = {self.sampler!r}: one of {', '.join(SAMPLERS)}")
        if self.fit_from > self.fit_until:
            raise ConfigError(
                f"analysis.fit_from = {self.fit_from}: after analysis.fit_until = {self.fit_until}"
            )
        if self.fit_until > FIT_UNTIL:
            raise ConfigError(
                f"analysis.fit_until = {self.fit_until}: a test year; the calibration may read {FIT_UNTIL} at the latest"
            )
        sc = config.scenario
        dates = step_dates(sc.start, sc.steps, sc.step_months)
        if dates[0].year > self.fit_from or dates[-1] < dt.date(self.fit_until + 1, 1, 1):
            raise ConfigError(
                f"scenario = {sc.name!r} runs {dates[0]} to {dates[-1]}: it must cover {self.fit_from}-{self.fit_until}"
            )
        for i, o in enumerate(self.observables):
            if fit_series(o.name, self.fit_from, self.fit_until).empty:
                raise ConfigError(
                    f"analysis.observables[{i}].name = {o.name!r}: no observed year in "
                    f"{self.fit_from}..{self.fit_until} (data/{observable(o.name).fit_file()})"
                )
        if self.save_as and not self.save_as.replace("_", "").isalnum():
            raise ConfigError(
                f"analysis.save_as = {self.save_as!r}: letters, digits and _ only (a config name), or ''"
            )


def priors_of(settings) -> list[Prior]:
    return [Prior(p.key, float(p.low), float(p.high)) for p in settings.parameters]


def targets_of(settings) -> list[Target]:
    """The observables of the distance, each with its fit years only."""
    return [
        Target(
            o.name,
            fit_series(o.name, settings.fit_from, settings.fit_until),
            float(o.weight),
            float(o.scale),
        )
        for o in settings.observables
    ]


def fit_params(config):
    """The configured parameters with the markets' sizes of the fit years only (the US's and
    China's import demand, data/market_size_imports_2000_2014.csv): the test-period file stays
    closed."""
    return with_markets(params_of(config), config.analysis.fit_until)


def calibrate(config, database: Path) -> tuple[Posterior, list[Target]]:
    """The posterior of analysis.parameters given the fit years of analysis.observables."""
    settings = config.analysis
    budget = settings.budget()
    targets = targets_of(settings)
    posterior = run_abc(
        fit_params(config),
        priors_of(settings),
        targets,
        replicates=budget["replicates"],
        population=budget["population"],
        generations=budget["generations"],
        simulations=budget["simulations"],
        min_epsilon=settings.min_epsilon,
        sampler="single" if settings.quick else settings.sampler,
        workers=settings.workers,
        seed=config.seed,
        database=database,
    )
    return posterior, targets


def predictive_fit(config, posterior: Posterior, targets: list[Target]) -> pd.DataFrame:
    """Posterior-predictive median and 5-95% of each observable in its observed fit years."""
    from experiments.analysis.predictive import predictive_runs, yearly_bands

    settings = config.analysis
    budget = settings.budget()
    draws = posterior_draws(posterior.particles, posterior.weights, budget["draws"], config.seed)
    names = [t.name for t in targets]
    ds = predictive_runs(
        fit_params(config),
        draws,
        replicates=4,
        seed=config.seed + 1,  # other run numbers than the search's
        until_year=settings.fit_until,
        names=names,
    )
    observed = {t.name: t.observed for t in targets}
    table = yearly_bands(ds, params_of(config).world.focus, names, observed)
    return table[table["observed"].notna()].reset_index(drop=True)


def calibrated_configs(config, keys, values, provenance: str) -> dict[str, str]:
    """The YAML text of `<save_as>.yaml` (behaviour) and `<save_as>_history.yaml` (+ world)."""
    name = config.analysis.save_as or "calibrated"
    settings = config.analysis
    behaviour, period = OmegaConf.create({}), OmegaConf.create({})
    for key, value in zip(keys, values, strict=True):
        target = period if key.split(".")[0] in PERIOD_SECTIONS else behaviour
        OmegaConf.update(target, key, round(float(value), 4), force_add=True)
    years = f"{settings.fit_from}-{settings.fit_until}"
    general = (
        "# @package _global_\n"
        f"# {name}: the behavioural parameters fitted to Seoul {years} (posterior median); select with\n"
        f"# calibrated={name} (analysis commands) or +calibrated={name} (experiments.run), any scenario.\n"
        + provenance
        + (OmegaConf.to_yaml(behaviour) if len(behaviour) else "{}\n")
    )
    history = (
        "# @package _global_\n"
        f"# {name}_history: {name} plus the fitted world of the scenario's start (Seoul's\n"
        f"# initial state); for scenario={config.scenario.name} only: +calibrated={name}_history\n"
        + provenance
        + f"defaults:\n  - {name}\n  - _self_\n\n"
        + (OmegaConf.to_yaml(period) if len(period) else "")
    )
    return {f"{name}.yaml": general, f"{name}_history.yaml": history}


def provenance_of(config, posterior: Posterior, fit: pd.DataFrame) -> str:
    settings = config.analysis
    budget = settings.budget()
    files = sorted({f"data/{observable(o.name).fit_file()}" for o in settings.observables})
    files.append(f"data/{MARKETS_FIT} (markets)")
    rmse = "; ".join(
        f"{name} {rmse_of(group):.3g}" for name, group in fit.groupby("observable", sort=False)
    )
    return (
        f"# Fitted by `python -m experiments.calibrate` on {dt.date.today()} (hedgesim), scenario\n"
        f"# {config.scenario.name}, seed {config.seed}: ABC-SMC (pyabc), uniform priors on {len(settings.parameters)} parameters,\n"
        f"# {posterior.generations} generations of {budget['population']} particles, {posterior.simulations} particles x {budget['replicates']} runs.\n"
        f"# Data (fit years {settings.fit_from}-{settings.fit_until} only): {', '.join(files)}.\n"
        f"# Posterior-predictive RMSE (median vs observed): {rmse}.\n"
        f"# The values are the posterior medians; the posterior is {settings.save_as or 'calibrated'}{POSTERIOR_SUFFIX}.\n"
        f"# Do not edit by hand: run the command again (see docs/analysis.md).\n"
    )


def rmse_of(table: pd.DataFrame) -> float:
    gap = (table["median"] - table["observed"]).to_numpy()
    return float(np.sqrt(np.mean(gap**2))) if len(gap) else float("nan")


def identifiability_lines(table: pd.DataFrame) -> list[str]:
    lines = [
        "  parameter                                  median   5%..95%            prior       width/prior"
    ]
    for row in table.itertuples():
        note = f"  PINNED AT ITS {row.pinned.upper()} BOUND" if row.pinned else ""
        lines.append(
            f"  {row.key:40s} {row.median:8.3f}  [{row.q05:.3f}, {row.q95:.3f}]  "
            f"[{row.low:g}, {row.high:g}]  {row.width_ratio:5.2f}{note}"
        )
    pinned = table[table["pinned"] != ""]
    if len(pinned):
        lines.append(
            "pinned at a bound (the data push it to the edge of its prior; the mechanism it "
            "weighs may be switched off or the prior too narrow): "
            + ", ".join(f"{r.key} ({r.pinned})" for r in pinned.itertuples())
        )
    else:
        lines.append("no parameter pinned at a bound")
    loose = table[table["width_ratio"] > 0.8]
    if len(loose):
        lines.append(
            "barely narrower than the prior (the observables say little about it): "
            + ", ".join(loose["key"])
        )
    return lines


def work(config, cfg, folder: Path) -> str:
    settings = config.analysis
    budget = settings.budget()
    started = time.perf_counter()
    posterior, targets = calibrate(config, folder / "abc.db")
    seconds = time.perf_counter() - started
    priors = priors_of(settings)
    table = summary(posterior, priors)
    fit = predictive_fit(config, posterior, targets)

    particles = posterior.particles.assign(weight=posterior.weights)
    particles.to_csv(folder / "posterior.csv", index=False, float_format="%.6g")
    table.to_csv(folder / "posterior_summary.csv", index=False, float_format="%.5g")
    pd.DataFrame(
        {"generation": range(len(posterior.epsilons)), "epsilon": posterior.epsilons}
    ).to_csv(folder / "generations.csv", index=False, float_format="%.5g")
    fit.to_csv(folder / "fit_years.csv", index=False, float_format="%.4f")
    configs = calibrated_configs(
        config, table["key"], table["median"], provenance_of(config, posterior, fit)
    )
    for filename, text in configs.items():
        (folder / filename).write_text(text)
    if config.figures:
        from experiments.analysis.posterior_figures import plot_fit, plot_pairs

        plot_pairs(posterior, priors, folder / "pairs.png")
        plot_fit(
            fit,
            targets,
            folder / "calibration.png",
            title=f"{config.scenario.name}: posterior-predictive fit, {settings.fit_from}-{settings.fit_until}",
        )
    if settings.save_as:  # last: a failure above leaves conf/ as it was
        CALIBRATED_DIR.mkdir(exist_ok=True)
        for filename, text in configs.items():
            (CALIBRATED_DIR / filename).write_text(text)
        shutil.copyfile(
            folder / "posterior.csv", CALIBRATED_DIR / f"{settings.save_as}{POSTERIOR_SUFFIX}"
        )

    observed_years = sum(len(t.observed) for t in targets)
    lines = [
        f"ABC-SMC: {len(priors)} parameters, {len(targets)} observables ({observed_years} observed "
        f"values, {settings.fit_from}-{settings.fit_until}); {posterior.generations} generations of "
        f"{budget['population']} particles, {posterior.simulations} particles x {budget['replicates']} runs "
        f"in {seconds:.0f} s ({'single' if settings.quick else settings.sampler} sampler, "
        f"{1 if settings.quick else settings.workers} workers); final epsilon {posterior.epsilons[-1]:.3f}",
        *identifiability_lines(table),
        "posterior-predictive fit (median of draws x runs, 5-95%):",
        "  observable              year  observed  median   5%..95%",
    ]
    for row in fit.itertuples():
        lines.append(
            f"  {row.observable:22s}  {row.year}  {row.observed:+8.3f}  {row.median:+8.3f}  [{row.q05:+.3f}, {row.q95:+.3f}]"
        )
    for name, group in fit.groupby("observable", sort=False):
        lines.append(f"in-sample RMSE {name}: {rmse_of(group):.3f}")
    if settings.save_as:
        lines.append(
            f"saved conf/calibrated/{settings.save_as}.yaml (calibrated={settings.save_as}, the posterior medians), "
            f"{settings.save_as}_history.yaml (with scenario={config.scenario.name}) and "
            f"{settings.save_as}{POSTERIOR_SUFFIX}"
        )
    return "\n".join(lines)


main = command_main("calibrate", CalibrationSettings, work)

if __name__ == "__main__":
    main()
