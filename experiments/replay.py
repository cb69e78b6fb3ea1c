"""`python -m experiments.replay`: Seoul 2000-2025 replayed from the posterior, with bands.

    python -m experiments.replay                          # history_2000_2025, kor_2000_2014_history
    python -m experiments.replay calibrated=none          # the configured (uncalibrated) weights
    python -m experiments.replay runs=2000 analysis.draws=200 seed=7
    python -m experiments.replay analysis.state=JPN          # Tokyo as a test country, never fitted
    python -m experiments.replay scenario=history_aus_2005_2025 calibrated=kor_2000_2014 analysis.state=AUS
                                                          # Canberra 2005-2025, never fitted

The scenario history_2000_2025 schedules the pressures and events of data/kor_events.csv and
the presidents' inaugurations. With a calibrated config (conf/calibrated/, written by
`python -m experiments.calibrate`) the replay draws `analysis.draws` parameter sets from its
posterior (<name>_posterior.csv) and runs each runs/draws times: the bands are the median
and 5-95% over draws x runs, per observable (experiments/analysis/observed.py). Without a
posterior (calibrated=none) all runs use the configured values. The years after
`analysis.fit_until` are test years: shaded in the figure, scored apart (out-of-sample RMSE),
never fitted (for a test country every year is a test year, shaded). The markets' sizes (US
and China import demand) are read from data through the scenario's last year: an input here,
which the calibration reads for its fit years only.
`analysis.state=JPN` scores Tokyo with Seoul's fitted behaviour, without refitting; so does
`analysis.state=AUS` for Canberra, in its own scenario (history_aus_2005_2025: the world
indo_pacific_2025 from 2005, China's 2020-23 coercion dated from data/aus_events.csv), with the
weights of `calibrated=kor_2000_2014` (the `_history` variant sets Seoul's 2000 state only). For
a test country neither column of errors.csv is fitted: the split at `analysis.fit_until` only
marks the calibration's period. For Seoul the pattern targets of the test-period episodes
(experiments/analysis/patterns.py) are reported as shares of runs, never fitted.

Writes results/replay/<time>/: config.yaml, dataset.nc, replay_years.csv (observable, year,
quantiles, observed), errors.csv (in- and out-of-sample RMSE per observable), replay.png.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.command import calibration_choice, command_main
from experiments.analysis.markets import with_markets
from experiments.analysis.observed import FIT_UNTIL, OBSERVABLES, all_series
from experiments.analysis.patterns import patterns
from experiments.calibrate import CALIBRATED_DIR, POSTERIOR_SUFFIX
from experiments.config import ConfigError, params_of
from sim.calendar import step_dates
from sim.params import ranged

FITTED_STATES = ("KOR",)  # the states whose fit years the calibration read


@dataclass
class ReplaySettings:
    fit_until: int = ranged(
        FIT_UNTIL, (1900, 2100), "last year the calibration fitted (shading and errors)"
    )
    draws: int = ranged(100, (1, 100_000), "posterior draws (each run runs/draws times)")
    # the state scored ('' = the world's focus): KOR, or JPN and AUS as test countries
    state: str = ""

    def check(self, config) -> None:
        state = self.state or config.world.focus
        if not names_of(state):
            known = sorted({s for o in OBSERVABLES.values() for s in o.files})
            raise ConfigError(
                f"analysis.state = {state!r}: no observed series; choose from {known}"
            )
        if state not in config.world.middle_powers:
            raise ConfigError(
                f"analysis.state = {state!r}: not a middle power of world {config.world.name!r} "
                f"(AUS: scenario=history_aus_2005_2025, which selects world indo_pacific_2025)"
            )


def names_of(state: str) -> list[str]:
    """The observables with an observed series of `state`."""
    return [name for name, o in OBSERVABLES.items() if state in o.files]


def replay_params(config):
    """The configured parameters with the markets' sizes from data through the scenario's
    last year (the test-period file is an input of the replay)."""
    params = params_of(config)
    sc = params.scenario
    last_year = (step_dates(sc.start, sc.steps, sc.step_months)[-1] - dt.timedelta(days=1)).year
    return with_markets(params, last_year)


def posterior_file(calibrated: str) -> Path | None:
    """The posterior saved beside a calibrated config (kor_2000_2014_history ->
    conf/calibrated/kor_2000_2014_posterior.csv), or None (calibrated=none, or none saved)."""
    name = calibrated.removesuffix("_history")
    path = CALIBRATED_DIR / f"{name}{POSTERIOR_SUFFIX}"
    return path if calibrated != "none" and path.exists() else None


def posterior_sample(path: Path | None, draws: int, seed: int) -> pd.DataFrame | None:
    """`draws` parameter sets resampled by weight from a saved posterior (None: no posterior)."""
    if path is None:
        return None
    from experiments.analysis.abcsmc import posterior_draws

    table = pd.read_csv(path)
    weights = table.pop("weight").to_numpy(dtype=float)
    return posterior_draws(table, weights, draws, seed)


def replay_bands(config, draws: pd.DataFrame | None, replicates: int, state: str):
    """The runs and the yearly table of `state`'s observables and security alignment."""
    from experiments.analysis.predictive import predictive_runs, yearly_bands

    names = names_of(state)
    ds = predictive_runs(
        replay_params(config),
        draws,
        replicates=replicates,
        seed=config.seed,
        names=names,
        every_variable=True,  # the pattern targets read ties, restrictions and levers
    )
    observed = {n: all_series(n, state) for n in names}
    table = yearly_bands(ds, state, ["security", *names], observed)
    return ds, table


def errors(table: pd.DataFrame, fit_until: int) -> pd.DataFrame:
    """Per observable: RMSE of the median against the observations, fit years and test years."""

    def rmse(x: pd.Series) -> float:
        return float(np.sqrt(np.mean(x**2))) if len(x) else float("nan")

    rows = []
    for name, group in table.dropna(subset=["observed"]).groupby("observable", sort=False):
        gap = group["median"] - group["observed"]
        inside = group["year"] <= fit_until
        rows.append(
            {
                "observable": name,
                "in_sample_rmse": rmse(gap[inside]),
                "in_sample_years": int(inside.sum()),
                "out_of_sample_rmse": rmse(gap[~inside]),
                "out_of_sample_years": int((~inside).sum()),
            }
        )
    return pd.DataFrame(rows)


def error_lines(err: pd.DataFrame, fit_until: int, fitted_state: bool = True) -> list[str]:
    """The errors, worded for the state scored: a fitted state's years up to `fit_until` are
    in sample; a test country has none, its split only marks the calibration's fit period."""
    if fitted_state:
        header = f"fitted years (<= {fit_until}) and test years (after, not fitted)"
        before, after = "in sample", "out of sample"
    else:
        header = f"every year a test year (never fitted): to {fit_until} and after"
        before, after = f"to {fit_until}", "after"
    lines = [f"RMSE of the median against the observations: {header}"]
    for row in err.itertuples():
        lines.append(
            f"  {row.observable:22s} {before} {row.in_sample_rmse:7.3f} ({row.in_sample_years} years)   "
            f"{after} {row.out_of_sample_rmse:7.3f} ({row.out_of_sample_years} years)"
        )
    return lines


def pattern_lines(ds, state: str) -> list[str]:
    times = pd.DatetimeIndex(ds["time"].values)
    if (
        state != "KOR"
        or not times[0] <= pd.Timestamp("2016-01-01") <= pd.Timestamp("2023-10-01") <= times[-1]
    ):
        return []
    lines = ["pattern targets (test-period episodes: reported, never fitted), share of runs:"]
    lines += [f"  {p.share:5.0%}  {p.name}" for p in patterns(ds, state)]
    return lines


def work(config, cfg, folder: Path) -> str:
    params = params_of(config)
    settings = config.analysis
    focus = settings.state or params.world.focus
    calibrated = calibration_choice()
    source = posterior_file(calibrated)
    draws = min(settings.draws, config.runs) if source else 0
    replicates = config.runs // draws if draws else config.runs
    sample = posterior_sample(source, draws, config.seed) if source else None
    ds, table = replay_bands(config, sample, replicates, focus)
    ds.to_netcdf(folder / "dataset.nc", engine="h5netcdf")
    table.to_csv(folder / "replay_years.csv", index=False, float_format="%.4f")
    err = errors(table, settings.fit_until)
    err.to_csv(folder / "errors.csv", index=False, float_format="%.4f")
    fitted_state = focus in FITTED_STATES
    fitted = "fitted" if fitted_state else "a test country: never fitted"
    where = (
        f"{draws} posterior draws ({source.name}) x {replicates} runs"
        if source
        else f"{config.runs} runs, no posterior"
    )
    if config.figures:
        from experiments.analysis.posterior_figures import plot_bands

        plot_bands(
            table,
            ["security", *names_of(focus)],
            settings.fit_until,
            folder / "replay.png",
            title=f"{focus} ({fitted}) {params.scenario.name}, calibrated={calibrated}: "
            f"{where}; median and 5-95%",
            errors={
                r.observable: (r.in_sample_rmse, r.out_of_sample_rmse) for r in err.itertuples()
            },
            fitted_state=fitted_state,
        )
    lines = [f"{focus} ({fitted}) in {params.scenario.name} (calibrated={calibrated}): {where}"]
    for name in ["security", *names_of(focus)]:
        rows = table[table["observable"] == name]
        lines.append(f"  {name}: year  median  [5%, 95%]  observed")
        for row in rows.itertuples():
            seen = "" if np.isnan(row.observed) else f"{row.observed:+.3g}"
            mark = "" if fitted_state and row.year <= settings.fit_until else " (test)"
            lines.append(
                f"    {row.year}  {row.median:+.3g}  [{row.q05:+.3g}, {row.q95:+.3g}]  {seen}{mark if seen else ''}"
            )
    lines.extend(error_lines(err, settings.fit_until, fitted_state))
    lines.extend(pattern_lines(ds, focus))
    return "\n".join(lines)


main = command_main("replay", ReplaySettings, work)

if __name__ == "__main__":
    main()
