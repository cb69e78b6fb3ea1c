"""The numbers behind docs/teaching.md: what students should observe in each exercise,
measured over many runs of the engine.

The dashboard runs one world at a time, and one run wanders (events are random). The lesson
plan states what holds across runs: the median of `RUNS` runs of each scenario, compared with
a counterfactual (the same scenario without China's coercion; lee_2025 without the Taiwan
crisis or the US retrenchment). `python -m experiments.classroom.lessons` prints the table the lesson
plan quotes; tests/test_app_lessons.py holds each claim to its direction.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from experiments.classroom.scenarios import load_scenario
from experiments.outputs.summary import posture_labels
from sim import simulate
from sim.params import with_values

RUNS = 1000
SEED = 20250604
FOCUS = "KOR"


def at(ds: xr.Dataset, variable: str, date: str, state: str = FOCUS) -> float:
    """Median over runs of a variable at the step holding `date` (the focus state's, if per state)."""
    values = ds[variable]
    if "state" in values.dims:
        values = values.sel(state=state)
    return float(values.isel(step=_step(ds, date)).median("run"))


def share(ds: xr.Dataset, posture: str, date: str, state: str = FOCUS) -> float:
    """Share of runs in which `state` holds `posture` (e.g. "hedging") at `date`."""
    labels = posture_labels(ds)
    codes = ds["posture"].sel(state=state).isel(step=_step(ds, date)).values
    return float(np.mean(codes == labels.index(posture)))


def gap(ds: xr.Dataset, date: str, state: str = FOCUS) -> float:
    """Median distance between security and economic alignment: the room for a "middle way"."""
    diff = ds["security"].sel(state=state) - ds["economic"].sel(state=state)
    return float(abs(diff).isel(step=_step(ds, date)).median("run"))


def _step(ds: xr.Dataset, date: str) -> int:
    return int(np.searchsorted(ds["time"].values, np.datetime64(date)))


def run(scenario: str, runs: int = RUNS, seed: int = SEED, **pressures: float) -> xr.Dataset:
    params = load_scenario(scenario)
    if pressures:
        params = with_values(params, {f"pressures.{k}": v for k, v in pressures.items()})
    return simulate(
        params,
        runs=runs,
        seed=seed,
        variables=("security", "economic", "autonomy", "threat", "restriction"),
    )


def thaad(runs: int = RUNS, seed: int = SEED) -> dict[str, float]:
    """Exercise 1: deterrence while coercion bites, de-risking after."""
    coerced = run("thaad_2016", runs, seed)
    spared = run("thaad_2016", runs, seed, china_coercion=0.0)
    return {
        "restriction_2017_04": float(
            coerced["restriction"]
            .sel(state=FOCUS, great_power="CHN")
            .isel(step=_step(coerced, "2017-04-01"))
            .median("run")
        ),
        "security_2017_07_coerced": at(coerced, "security", "2017-07-01"),
        "security_2017_07_spared": at(spared, "security", "2017-07-01"),
        "economic_2016_01": at(coerced, "economic", "2016-01-01"),
        "economic_2026_01_coerced": at(coerced, "economic", "2026-01-01"),
        "economic_2026_01_spared": at(spared, "economic", "2026-01-01"),
    }


def taiwan(runs: int = RUNS, seed: int = SEED) -> dict[str, float]:
    """Exercise 2: a Taiwan crisis in mid-2027 on top of lee_2025, a year later."""
    crisis, calm = run("taiwan_contingency", runs, seed), run("lee_2025", runs, seed)
    when = "2028-07-01"
    return {
        "threat_crisis": at(crisis, "threat", when),
        "threat_calm": at(calm, "threat", when),
        "security_crisis": at(crisis, "security", when),
        "security_calm": at(calm, "security", when),
        "economic_crisis": at(crisis, "economic", when),
        "economic_calm": at(calm, "economic", when),
        "gap_crisis": gap(crisis, when),
        "gap_calm": gap(calm, when),
        "autonomy_crisis": at(crisis, "autonomy", when),
        "autonomy_calm": at(calm, "autonomy", when),
    }


def retrenchment(runs: int = RUNS, seed: int = SEED) -> dict[str, float]:
    """Exercise 3: US reliability falls from 2026; four years on (mid-2029)."""
    alone, backed = run("us_retrenchment", runs, seed), run("lee_2025", runs, seed)
    when = "2029-07-01"
    minus_labels = [label for label in posture_labels(alone) if label.startswith("CHN")]
    return {
        "security_retrenchment": at(alone, "security", when),
        "security_lee": at(backed, "security", when),
        "autonomy_retrenchment": at(alone, "autonomy", when),
        "autonomy_lee": at(backed, "autonomy", when),
        "hedging_share_retrenchment": share(alone, "hedging", when),
        "hedging_share_lee": share(backed, "hedging", when),
        "china_side_share_retrenchment": sum(share(alone, label, when) for label in minus_labels),
    }


def main() -> None:
    for name, measure in (
        ("THAAD 2016-17", thaad),
        ("Taiwan dual contingency", taiwan),
        ("US retrenchment", retrenchment),
    ):
        print(f"{name} ({RUNS} runs, seed {SEED}, medians for {FOCUS})")
        for key, value in measure().items():
            print(f"  {key:34s} {value:+.3f}")


if __name__ == "__main__":
    main()
