"""`python -m experiments.replay`: Seoul 2000-2025, replayed with the calibrated model.

    python -m experiments.replay                          # history_2000_2025, kor_2000_2014_history
    python -m experiments.replay calibrated=none          # the configured (uncalibrated) weights
    python -m experiments.replay runs=2000 seed=7

The scenario history_2000_2025 schedules the pressures and events of data/kor_events.csv and
the presidents' inaugurations; the calibrated config (conf/calibrated/, written by
`python -m experiments.calibrate`) sets the weights and Seoul's state in 2000 fitted to
2000-2014. The years after `analysis.fit_until` are reached from the schedule alone; the
figure sets the model's security and economic alignment against the observed export
orientation (filled: fitted years; open: later years, not fitted).

The same run without the figure: python -m experiments.run scenario=history_2000_2025
+calibrated=kor_2000_2014_history.

Writes results/replay/<time>/: config.yaml, dataset.nc, replay_years.csv, replay.png.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from experiments.analysis.command import calibration_choice, command_main
from experiments.analysis.history import TRADE, annual_mean, events, orientation
from experiments.analysis.markets import with_markets
from experiments.analysis.observed import errors as observable_errors
from experiments.analysis.patterns import patterns
from experiments.config import ConfigError, params_of
from experiments.resources import DATA_DIR
from sim.calendar import step_dates
from sim.params import ranged

# Observed export orientation per state: (fit-period file, test-period file). Seoul's fit
# years are the sourced shares; its test years the yearly levels (mixed confidence). Japan
# and Australia are test countries (issue 12, item 5): never fitted, whatever the year.
OBSERVED_EXPORTS = {
    "KOR": (TRADE, DATA_DIR / "kor_exports_2015_2025.csv"),
    "JPN": (DATA_DIR / "jpn_exports_2000_2014.csv", DATA_DIR / "jpn_exports_2015_2024.csv"),
}

FITTED_STATES = ("KOR",)  # the calibration fits Seoul only


@dataclass
class ReplaySettings:
    fit_until: int = ranged(
        2014, (1900, 2100), "last year the calibration fitted (shading and errors)"
    )
    state: str = ""  # the state scored ('' = the world's focus): KOR, or JPN as a test country

    def check(self, config) -> None:
        state = self.state or config.world.focus
        if state not in OBSERVED_EXPORTS:
            raise ConfigError(
                f"analysis.state = {state!r}: no observed export series; choose from {sorted(OBSERVED_EXPORTS)}"
            )


def short(description: str, width: int = 40) -> str:
    text = description.split(" (")[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def yearly(ds, focus: str) -> pd.DataFrame:
    """Per calendar year: model security and economic alignment and the observable export
    orientation (mean and 10-90% of runs), and the observed export orientation."""
    times = ds["time"].values
    first, last = pd.Timestamp(times[1]).year, (pd.Timestamp(times[-1]) - pd.Timedelta(days=1)).year
    years = list(range(first, last + 1))
    table = {"year": years}
    for name in ("security", "economic", "export_orientation"):
        runs = ds[name].sel(state=focus).values  # (run, step)
        per_run = annual_mean(runs, times, years)  # (run, year)
        table[f"{name}_mean"] = per_run.mean(axis=0)
        table[f"{name}_p10"], table[f"{name}_p90"] = np.quantile(per_run, [0.1, 0.9], axis=0)
    observed = pd.concat([orientation(path) for path in OBSERVED_EXPORTS[focus]])
    table["observed"] = [observed.get(y, np.nan) for y in years]
    return pd.DataFrame(table)


def errors(table: pd.DataFrame, fit_until: int) -> dict[str, float]:
    seen = table.dropna(subset=["observed"])
    gap = seen["export_orientation_mean"] - seen["observed"]
    inside = seen["year"] <= fit_until
    rmse = lambda x: float(np.sqrt(np.mean(x**2))) if len(x) else float("nan")  # noqa: E731
    return {"in_sample_rmse": rmse(gap[inside]), "out_of_sample_rmse": rmse(gap[~inside])}


def work(config, cfg, folder: Path) -> str:
    params = params_of(config)
    # US and China import demand by year, from data, through the scenario's last year: the
    # replay reads the test-period file as an input (the calibration never does).
    sc = params.scenario
    last_year = (step_dates(sc.start, sc.steps, sc.step_months)[-1] - dt.timedelta(days=1)).year
    params = with_markets(params, last_year)
    focus = config.analysis.state or params.world.focus
    ds = sim.simulate(params, config.runs, config.seed, progress=config.progress)
    ds.to_netcdf(folder / "dataset.nc", engine="h5netcdf")
    table = yearly(ds, focus)
    table.to_csv(folder / "replay_years.csv", index=False, float_format="%.4f")
    fit_until = config.analysis.fit_until
    err = errors(table, fit_until)
    calibrated = calibration_choice()
    if config.figures:
        from experiments.analysis.figures import plot_replay

        marks = events()
        marks = marks.assign(short=[short(d) for d in marks["description"]])
        plot_replay(
            ds["time"].values,
            ds["security"].sel(state=focus).values,
            ds["economic"].sel(state=focus).values,
            orientation(OBSERVED_EXPORTS[focus][0], last=fit_until),
            pd.concat(
                [
                    orientation(OBSERVED_EXPORTS[focus][0], first=fit_until + 1),
                    orientation(OBSERVED_EXPORTS[focus][1]),
                ]
            ),
            marks,
            fit_until,
            folder / "replay.png",
            observable_runs=ds["export_orientation"].sel(state=focus).values,
            title=(
                f"{focus} {params.scenario.name}, calibrated={calibrated}: {config.runs} runs (mean, 10-90%); "
                f"RMSE in sample {err['in_sample_rmse']:.2f}, after {fit_until} {err['out_of_sample_rmse']:.2f}"
            ),
        )
    lines = [f"{focus} in {params.scenario.name} (calibrated={calibrated}), {config.runs} runs"]
    lines.append("  year  security  economic  export orientation: model  observed")
    for _, row in table.iterrows():
        observed = "" if np.isnan(row.observed) else f"{row.observed:+.2f}"
        lines.append(
            f"  {int(row.year)}   {row.security_mean:+.2f}     {row.economic_mean:+.2f}"
            f"                        {row.export_orientation_mean:+.2f}     {observed}"
        )
    lines.append(
        f"RMSE of the observable export orientation against the observed: {err['in_sample_rmse']:.3f} up to {fit_until} "
        f"({'fitted' if focus in FITTED_STATES else 'not fitted: a test country'}), "
        f"{err['out_of_sample_rmse']:.3f} after (not fitted)"
    )
    if focus == "KOR":
        lines.append(
            "RMSE per observable (model's yearly mean over runs; test years never fitted):"
        )
        for row in observable_errors(ds, focus, fit_until).itertuples():
            lines.append(
                f"  {row.observable:20s} {row.rmse_in:7.3f} ({row.years_in} years to {fit_until})"
                f"  {row.rmse_out:7.3f} ({row.years_out} years after)"
                + (
                    "  level anchored on a placeholder in 2000"
                    if row.observable == "fdi_orientation"
                    else ""
                )
            )
    times = pd.DatetimeIndex(ds["time"].values)
    if (
        focus == "KOR"
        and times[0] <= pd.Timestamp("2016-01-01") <= pd.Timestamp("2023-10-01") <= times[-1]
    ):
        lines.append(
            "pattern targets (test-period episodes: reported, never fitted), share of runs:"
        )
        for pattern in patterns(ds, focus):
            lines.append(f"  {pattern.share:5.0%}  {pattern.name}")
    return "\n".join(lines)


main = command_main("replay", ReplaySettings, work)

if __name__ == "__main__":
    main()
