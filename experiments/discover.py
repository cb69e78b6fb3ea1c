"""`python -m experiments.discover`: which combinations of pressures tip Seoul.

    python -m experiments.discover                                   # baseline, 4,000 points
    python -m experiments.discover analysis.points=8000 analysis.min_density=0.9
    python -m experiments.discover calibrated=kor_2000_2014           # with the fitted weights

Over a Latin hypercube of the seven pressures (`sim.sweep.design.unit_latin_hypercube`, the
sweeps' own), each point run `analysis.replicates` times, the focus state's posture at the
horizon sorts the points into three outcomes of interest: leaning toward or anchored to the
pole at -1 (CHN), hedging, and anchored to the pole at +1 (USA). A point is a case of an outcome when at least
`analysis.majority` of its runs end there. A fourth, relative outcome asks which way is
toward Beijing even where no point gets there: the `analysis.tail` share of points whose mean
alignment (s + e) / 2 ends nearest the pole at -1. PRIM (EMA Workbench) finds the boxes of
pressures where each outcome concentrates; they are printed as rules with their coverage and
density.

Writes results/discover/<time>/: config.yaml, boxes.csv, design.nc, discovery.png.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.command import calibration_choice, command_main, keys_in_schedule
from experiments.analysis.design import run_design
from experiments.analysis.prim import find_boxes
from experiments.config import params_of
from experiments.sensitivity import _check_names
from sim.params import PRESSURE_KEYS, UNIT, ranged
from sim.sweep.design import unit_latin_hypercube


@dataclass
class DiscoverySettings:
    points: int = ranged(2000, (10, 10_000_000), "points of the Latin hypercube")
    replicates: int = ranged(4, (1, 100_000), "runs per point")
    pressures: list[str] = field(default_factory=lambda: list(PRESSURE_KEYS))
    majority: float = ranged(0.5, (1e-9, 1.0), "share of a point's runs that makes it a case")
    min_density: float = ranged(0.8, UNIT, "a box must be at least this dense")
    boxes: int = ranged(2, (1, 10), "boxes per outcome at most")
    peel_alpha: float = ranged(0.05, (0.001, 0.5), "share of points peeled per step")
    mass_min: float = ranged(0.02, (0.0, 1.0), "smallest share of points a box may hold")
    tail: float = ranged(
        0.1, (0.0, 0.5), "share of points nearest the pole at -1 (a relative outcome; 0: off)"
    )

    def check(self, config) -> None:
        _check_names("analysis.pressures", self.pressures, PRESSURE_KEYS, empty_ok=False)


def outcome_classes(params) -> dict[str, tuple[int, ...]]:
    """Outcome of interest -> posture codes (sim.metrics: 0, 1 toward the pole at -1;
    2 hedging; 4 anchored to the pole at +1)."""
    poles = {gp.pole: code for code, gp in params.world.great_powers.items()}
    return {f"{poles[-1]}-leaning": (0, 1), "hedging": (2,), f"{poles[1]}-anchored": (4,)}


def discover(config, progress: bool = False):
    """The design (inputs, posture shares) and, per outcome, its share and PRIM boxes."""
    settings = config.analysis
    params = params_of(config)
    keys = [f"pressures.{name}" for name in settings.pressures]
    points = unit_latin_hypercube(len(keys), settings.points, config.seed)
    design = run_design(
        params, keys, points, replicates=settings.replicates, seed=config.seed, progress=progress
    )
    posture = design["posture"].isel(step=-1).values  # (point, replicate)
    x = pd.DataFrame(points, columns=list(settings.pressures))
    cases_of = {}
    for name, codes in outcome_classes(params).items():
        share = np.isin(posture, codes).mean(axis=1)
        design[f"share_{name}"] = ("point", share)
        cases_of[name] = share >= settings.majority
    if settings.tail > 0:
        alignment = (
            ((design["security"] + design["economic"]) / 2).isel(step=-1).mean("replicate").values
        )
        design["mean_alignment"] = ("point", alignment)
        minus = next(code for code, gp in params.world.great_powers.items() if gp.pole == -1)
        cases_of[f"most {minus}-ward {settings.tail:.0%}"] = alignment <= np.quantile(
            alignment, settings.tail
        )
    results = {}
    for name, cases in cases_of.items():
        boxes = find_boxes(
            x,
            cases,
            boxes=settings.boxes,
            min_density=settings.min_density,
            peel_alpha=settings.peel_alpha,
            mass_min=settings.mass_min,
        )
        results[name] = {"share": float(cases.mean()), "cases": int(cases.sum()), "boxes": boxes}
    return results, design


def box_table(results: dict) -> pd.DataFrame:
    rows = []
    for name, entry in results.items():
        if not entry["boxes"]:
            rows.append(
                {
                    "outcome": name,
                    "box": 0,
                    "rule": "",
                    "coverage": np.nan,
                    "density": np.nan,
                    "mass": np.nan,
                    "cases": entry["cases"],
                    "base_rate": entry["share"],
                }
            )
        for i, box in enumerate(entry["boxes"], start=1):
            rows.append(
                {
                    "outcome": name,
                    "box": i,
                    "rule": box.rule(),
                    "coverage": box.coverage,
                    "density": box.density,
                    "mass": box.mass,
                    "cases": entry["cases"],
                    "base_rate": entry["share"],
                }
            )
    return pd.DataFrame(rows)


def describe(results: dict, focus: str) -> str:
    lines = []
    for name, entry in results.items():
        lines.append(
            f"{focus} {name} at the horizon: {entry['cases']} points ({entry['share']:.0%} of the design)"
        )
        if not entry["boxes"]:
            lines.append("    no point ends there: no box")
        for i, box in enumerate(entry["boxes"], start=1):
            lines.append(f"  box {i}: {box.rule()}")
            lines.append(
                f"         coverage {box.coverage:.0%}, density {box.density:.0%}, mass {box.mass:.0%}"
            )
    return "\n".join(lines)


def work(config, cfg, folder: Path) -> str:
    notes = keys_in_schedule(config, [f"pressures.{p}" for p in config.analysis.pressures])
    results, design = discover(config, progress=config.progress)
    box_table(results).to_csv(folder / "boxes.csv", index=False, float_format="%.4f")
    design.to_netcdf(folder / "design.nc", engine="h5netcdf")
    focus = config.world.focus
    if config.figures:
        from experiments.analysis.figures import plot_tradeoff

        title = (
            f"PRIM over {config.analysis.points} points x {config.analysis.replicates} runs of the pressures "
            f"(scenario {config.scenario.name}, calibrated={calibration_choice()}): {focus}'s posture at the horizon"
        )
        plot_tradeoff(results, folder / "discovery.png", title=title)
    lines = [f"note: {n}: its sampled value holds only until then" for n in notes]
    return "\n".join([*lines, describe(results, focus)])


main = command_main("discover", DiscoverySettings, work)

if __name__ == "__main__":
    main()
