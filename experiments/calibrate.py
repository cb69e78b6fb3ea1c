"""`python -m experiments.calibrate`: fit weights and Seoul's 2000 state to 2000-2014.

    python -m experiments.calibrate                                  # writes conf/calibrated/
    python -m experiments.calibrate analysis.generations=60 analysis.replicates=64
    python -m experiments.calibrate analysis.save_as=''              # results folder only

The scenario (default history_2000_2025) schedules the dated events of data/kor_events.csv;
the fitted parameters (analysis.parameters: dotted keys with bounds) are chosen by SciPy's
differential evolution to bring Seoul's yearly economic alignment closest to the observed
export orientation of the years analysis.fit_from..fit_until (data/kor_trade_2000_2014.csv).
The years after fit_until are not fitted: the replay reaches them from the schedule alone.

The fit is written as two configs (and a copy of each in the results folder):
  conf/calibrated/<save_as>.yaml          the behavioural parameters (weights, decision,
                                          dynamics): any experiment may select them
                                          (`calibrated=<save_as>` for the analysis commands,
                                          `+calibrated=<save_as>` for experiments.run)
  conf/calibrated/<save_as>_history.yaml  those plus the fitted world of 2000 (Seoul's
                                          initial state): for scenario=history_2000_2025
Writes results/calibrate/<time>/: config.yaml, fit.csv, fit_years.csv, the two YAML files,
calibration.png; conf/calibrated/ last, so a failure leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from experiments.analysis.command import command_main
from experiments.analysis.design import run_design
from experiments.analysis.fit import fit, steps_until
from experiments.analysis.history import TRADE, annual_mean, orientation
from experiments.config import CONF_DIR, ConfigError, params_of
from sim.calendar import step_dates
from sim.params import ParamError, get_path, ranged, validate, with_values

CALIBRATED_DIR = CONF_DIR / "calibrated"
# Fitted keys under these sections describe one period's world, not how states decide.
PERIOD_SECTIONS = ("world", "pressures", "scenario")


@dataclass
class FitParameter:
    key: str = ""
    low: float = 0.0
    high: float = 1.0


@dataclass
class CalibrationSettings:
    parameters: list[FitParameter] = field(default_factory=list)
    fit_from: int = ranged(2000, (1900, 2100), "first observed year fitted")
    fit_until: int = ranged(2014, (1900, 2100), "last observed year fitted")
    replicates: int = ranged(32, (1, 100_000), "runs per candidate; the model series is their mean")
    popsize: int = ranged(8, (2, 1000), "candidates per fitted parameter (differential evolution)")
    generations: int = ranged(40, (1, 100_000), "generations at most")
    tolerance: float = ranged(
        0.01, (0.0, 1.0), "relative spread of the population at which to stop"
    )
    final_replicates: int = ranged(
        200, (1, 1_000_000), "runs of the fitted model for the figure and the reported fit"
    )
    save_as: str = "kor_2000_2014"

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
        if self.fit_from > self.fit_until:
            raise ConfigError(
                f"analysis.fit_from = {self.fit_from}: after analysis.fit_until = {self.fit_until}"
            )
        sc = config.scenario
        dates = step_dates(sc.start, sc.steps, sc.step_months)
        if dates[0].year > self.fit_from or dates[-1] < dt.date(self.fit_until + 1, 1, 1):
            raise ConfigError(
                f"scenario = {sc.name!r} runs {dates[0]} to {dates[-1]}: it must cover {self.fit_from}-{self.fit_until}"
            )
        if orientation(TRADE, self.fit_from, self.fit_until).empty:
            raise ConfigError(
                f"analysis.fit_from..fit_until = {self.fit_from}..{self.fit_until}: no observed year in {TRADE.name}"
            )
        if self.save_as and not self.save_as.replace("_", "").isalnum():
            raise ConfigError(
                f"analysis.save_as = {self.save_as!r}: letters, digits and _ only (a config name), or ''"
            )


def calibrate(config):
    """The fit, the observations and the fitted model's runs over the scenario."""
    settings = config.analysis
    params = params_of(config)
    observed = orientation(TRADE, settings.fit_from, settings.fit_until)
    keys = [p.key for p in settings.parameters]
    result = fit(
        params,
        keys,
        [(p.low, p.high) for p in settings.parameters],
        observed,
        replicates=settings.replicates,
        popsize=settings.popsize,
        generations=settings.generations,
        tolerance=settings.tolerance,
        seed=config.seed,
    )
    # The fitted model, with fresh runs (other run numbers than the search used).
    fitted = run_design(
        params,
        keys,
        result.values[None],
        replicates=settings.final_replicates,
        seed=config.seed + 1,
        keep_steps=range(params.scenario.steps + 1),
    )
    return result, observed, fitted


def fit_table(config, result) -> pd.DataFrame:
    params = params_of(config)
    rows = []
    for p, value in zip(config.analysis.parameters, result.values, strict=True):
        rows.append(
            {
                "key": p.key,
                "fitted": value,
                "low": p.low,
                "high": p.high,
                "before": float(get_path(params, p.key)),
            }
        )
    return pd.DataFrame(rows)


def calibrated_configs(config, result, rmse_final: float) -> dict[str, str]:
    """The YAML text of `<save_as>.yaml` (behaviour) and `<save_as>_history.yaml` (+ world)."""
    name = config.analysis.save_as or "calibrated"
    settings = config.analysis
    behaviour, period = OmegaConf.create({}), OmegaConf.create({})
    for key, value in zip(result.keys, result.values, strict=True):
        target = period if key.split(".")[0] in PERIOD_SECTIONS else behaviour
        OmegaConf.update(target, key, round(float(value), 4), force_add=True)
    years = f"{settings.fit_from}-{settings.fit_until}"
    provenance = (
        f"# Fitted by `python -m experiments.calibrate` on {dt.date.today()} (hedgesim), scenario\n"
        f"# {config.scenario.name}, seed {config.seed}: differential evolution over {len(result.keys)} parameters,\n"
        f"# {result.generations} generations, {result.evaluations} candidates x {settings.replicates} runs.\n"
        f"# Data: Seoul's export orientation {years}, data/kor_trade_2000_2014.csv.\n"
        f"# Fit: RMSE {rmse_final:.3f} over the observed years ({settings.final_replicates} fresh runs).\n"
        f"# Do not edit by hand: run the command again (see docs/analysis.md).\n"
    )
    general = (
        "# @package _global_\n"
        f"# {name}: the behavioural parameters fitted to Seoul {years}; select with\n"
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


def work(config, cfg, folder: Path) -> str:
    settings = config.analysis
    result, observed, fitted = calibrate(config)
    runs = fitted["economic"].isel(point=0).values  # (replicate, step)
    model_years = annual_mean(runs.mean(axis=0), fitted["time"].values, observed.index)
    rmse_final = float(np.sqrt(np.mean((model_years - observed.to_numpy()) ** 2)))
    table = fit_table(config, result)
    table.to_csv(folder / "fit.csv", index=False, float_format="%.5f")
    pd.DataFrame(
        {"year": observed.index, "observed": observed.to_numpy(), "model": model_years}
    ).to_csv(folder / "fit_years.csv", index=False, float_format="%.4f")
    configs = calibrated_configs(config, result, rmse_final)
    for filename, text in configs.items():
        (folder / filename).write_text(text)
    if config.figures:
        from experiments.analysis.figures import plot_calibration

        until = steps_until(params_of(config), settings.fit_until + 2)
        plot_calibration(
            fitted["time"].values[: until + 1],
            runs[:, : until + 1],
            observed,
            (settings.fit_from, settings.fit_until),
            folder / "calibration.png",
            subtitle=f"RMSE {rmse_final:.3f} over {settings.final_replicates} fresh runs; scenario {config.scenario.name}",
            fitted="\n".join(f"{row.key}: {row.fitted:.3g}" for row in table.itertuples()),
        )
    if settings.save_as:  # last: a failure above leaves conf/ as it was
        CALIBRATED_DIR.mkdir(exist_ok=True)
        for filename, text in configs.items():
            (CALIBRATED_DIR / filename).write_text(text)
    lines = [
        f"fitted {len(result.keys)} parameters to {len(observed)} observed years "
        f"({settings.fit_from}-{settings.fit_until}) in {result.generations} generations "
        f"({result.evaluations} candidates x {settings.replicates} runs); RMSE {rmse_final:.3f}",
    ]
    for _, row in table.iterrows():
        lines.append(
            f"  {row.key:40s} {row.fitted:8.3f}   (was {row.before:.3f}; searched [{row.low:g}, {row.high:g}])"
        )
    lines.append("  year  observed  model")
    for year, obs, mod in zip(observed.index, observed.to_numpy(), model_years, strict=True):
        lines.append(f"  {year}  {obs:+.3f}    {mod:+.3f}")
    if settings.save_as:
        lines.append(
            f"saved conf/calibrated/{settings.save_as}.yaml (calibrated={settings.save_as}) and "
            f"{settings.save_as}_history.yaml (calibrated={settings.save_as}_history with scenario={config.scenario.name}; "
            f"experiments.run takes +calibrated=...)"
        )
    return "\n".join(lines)


main = command_main("calibrate", CalibrationSettings, work)

if __name__ == "__main__":
    main()
