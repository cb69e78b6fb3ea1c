"""`python -m experiments.forecast`: a dated forecast of Seoul for 2026-2028, to be scored later.

    python -m experiments.forecast                       # writes results/forecasts/forecast_<date>.csv
    python -m experiments.forecast analysis.save_to=''   # the results folder only

Draws `analysis.draws` parameter sets from the calibrated posterior
(conf/calibrated/<calibrated>_posterior.csv; the behavioural keys only: the fitted world of
2000 does not describe 2025) and runs each `runs / draws` times in the scenario (default
lee_2025, Seoul from July 2025; the markets' sizes from data through 2025, then the stated
growth of observation.market_growth). Per year of analysis.years and per outcome, the quantiles
5/25/50/75/95 % over draws x runs of the yearly mean. The file's header names the date, the
commit, the config, the seed and the posterior (with its SHA-256), so a later version can
score it against what happened.

Writes results/forecast/<time>/: config.yaml, forecast.csv; and, with analysis.save_to
(default results/forecasts, committed), forecast_<date>.csv there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.analysis.command import calibration_choice, command_main
from experiments.analysis.observed import OBSERVABLES
from experiments.calibrate import PERIOD_SECTIONS
from experiments.config import ConfigError, params_of
from experiments.replay import posterior_file, posterior_sample, replay_params
from sim.calendar import step_dates
from sim.params import ranged
from sim.version import provenance

ALIGNMENTS = ("security", "economic", "autonomy")


@dataclass
class ForecastSettings:
    years: list[int] = field(default_factory=lambda: [2026, 2027, 2028])
    outcomes: list[str] = field(
        default_factory=lambda: ["export_orientation", "defence_spending", "security"]
    )
    draws: int = ranged(200, (1, 100_000), "posterior draws (each run runs/draws times)")
    save_to: str = "results/forecasts"

    def check(self, config) -> None:
        known = [*OBSERVABLES, *ALIGNMENTS]
        for i, name in enumerate(self.outcomes):
            if name not in known:
                raise ConfigError(f"analysis.outcomes[{i}] = {name!r}: one of {', '.join(known)}")
        sc = config.scenario
        dates = step_dates(sc.start, sc.steps, sc.step_months)
        for year in self.years:
            if not dates[0].year <= year < dates[-1].year:
                raise ConfigError(
                    f"analysis.years: {year} is outside scenario {sc.name!r} ({dates[0]} to {dates[-1]})"
                )


def behavioural(draws: pd.DataFrame) -> pd.DataFrame:
    """The posterior's columns that describe how states decide, not one period's world."""
    return draws[[k for k in draws.columns if k.split(".")[0] not in PERIOD_SECTIONS]]


def forecast_table(config, draws: pd.DataFrame | None, replicates: int) -> pd.DataFrame:
    from experiments.analysis.predictive import predictive_runs, yearly_bands

    settings = config.analysis
    params = replay_params(config)  # the markets from data through 2025, then stated growth
    names = [n for n in settings.outcomes if n in OBSERVABLES]
    ds = predictive_runs(params, draws, replicates=replicates, seed=config.seed, names=names)
    table = yearly_bands(ds, params.world.focus, list(settings.outcomes))
    table = table[table["year"].isin(list(settings.years))].drop(columns="observed")
    return table.rename(columns={"observable": "outcome"}).reset_index(drop=True)


def header(config, source: Path | None, draws: int, replicates: int) -> str:
    made = provenance()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16] if source else "none"
    return (
        f"# hedgesim forecast made {dt.date.today()} by `python -m experiments.forecast`: "
        f"{params_of(config).world.focus} {', '.join(map(str, config.analysis.years))}, quantiles over posterior draws x runs of each year's mean.\n"
        f"# commit {made['hedgesim_commit']} (dirty: {made['hedgesim_dirty']}), version {made['hedgesim_version']}\n"
        f"# config: scenario={config.scenario.name} calibrated={calibration_choice()} seed={config.seed} runs={max(draws, 1) * replicates}\n"
        f"# posterior: {source.name if source else 'none'} (sha256 {digest}), {draws} draws x {replicates} runs, behavioural keys only\n"
        "# outcomes: export_orientation = (US - China)/(US + China) of exports, defence_spending = military expenditure "
        "(% of GDP, SIPRI basis) (observables, sim/observables.py); security = alignment on [-1, 1]\n"
    )


def work(config, cfg, folder: Path) -> str:
    settings = config.analysis
    calibrated = calibration_choice()
    source = posterior_file(calibrated)
    draws = min(settings.draws, config.runs) if source else 0
    replicates = config.runs // draws if draws else config.runs
    sample = posterior_sample(source, draws, config.seed) if source else None
    sample = behavioural(sample) if sample is not None else None
    table = forecast_table(config, sample, replicates)
    text = header(config, source, draws, replicates) + table.to_csv(
        index=False, float_format="%.4f"
    )
    (folder / "forecast.csv").write_text(text)
    lines = [line for line in text.splitlines() if line.startswith("#")]
    if settings.save_to:
        target = Path(settings.save_to) / f"forecast_{dt.date.today()}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        lines.append(f"saved {target}")
    lines.append("  outcome              year     5%     25%    50%    75%    95%")
    for row in table.itertuples():
        lines.append(
            f"  {row.outcome:20s} {row.year}  {row.q05:+.3f} {row.q25:+.3f} {row.median:+.3f} {row.q75:+.3f} {row.q95:+.3f}"
        )
    return "\n".join(lines)


main = command_main("forecast", ForecastSettings, work)

if __name__ == "__main__":
    main()
