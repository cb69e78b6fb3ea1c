"""Scenario discovery with PRIM (Friedman & Fisher 1999) from the EMA Workbench.

PRIM peels a box around the points where an outcome of interest happens; each step of the
peeling trajectory trades coverage (share of all cases of interest inside the box) for
density (share of the box's points that are cases of interest). We pick, per box, the
widest one dense enough, and print it as a readable rule.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # the workbench warns at import about optional executors
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import prim as ema_prim

logging.getLogger("EMA").setLevel(logging.WARNING)


@dataclass
class Box:
    """One PRIM box: the limits of the restricted inputs and its statistics."""

    limits: dict[str, tuple[float, float]]  # restricted inputs only; -inf/inf: side not cut
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame  # the peeling trajectory: coverage, density, mass, res_dim
    chosen: int  # the step of the trajectory this box is

    def rule(self, digits: int = 2) -> str:
        """'rivalry < 0.30 and 0.20 < us_reliability < 0.40' (uncut sides left out)."""
        parts = []
        for name, (low, high) in self.limits.items():
            low_cut, high_cut = np.isfinite(low), np.isfinite(high)
            if low_cut and high_cut:
                parts.append(f"{low:.{digits}f} < {name} < {high:.{digits}f}")
            elif high_cut:
                parts.append(f"{name} < {high:.{digits}f}")
            elif low_cut:
                parts.append(f"{name} > {low:.{digits}f}")
        return " and ".join(parts) if parts else "anywhere"

    def contains(self, x: pd.DataFrame) -> np.ndarray:
        inside = np.ones(len(x), dtype=bool)
        for name, (low, high) in self.limits.items():
            inside &= (x[name].to_numpy() >= low) & (x[name].to_numpy() <= high)
        return inside


def find_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    boxes: int = 1,
    min_density: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    max_p: float = 0.05,
    max_restricted: int = 3,
    edge: float = 0.05,
) -> list[Box]:
    """Up to `boxes` boxes around the cases where `y` is true.

    On each peeling trajectory we take the widest box (largest coverage) at least
    `min_density` dense, preferring rules of at most `max_restricted` inputs (what a reader
    can hold in mind); when no box is that dense, the simple box that best balances coverage
    and density (largest harmonic mean of the two). Then we drop, one at a time, the restrictions whose quasi-p value (Bryant &
    Lempert 2010: could the cut be chance?) exceeds `max_p`. Cuts that trim less than `edge`
    of an input's range are peeling's crumbs: they are widened back to the edge, and the
    box's statistics are those of the box as printed. Later boxes are searched among
    the points outside earlier ones and kept only if dense enough."""
    y = np.asarray(y, dtype=bool)
    if not y.any():
        return []
    x = x.astype(float).reset_index(drop=True)
    with warnings.catch_warnings():  # the workbench uses pandas idioms pandas now deprecates
        warnings.simplefilter("ignore")
        prim = ema_prim.Prim(x, y.astype(int), peel_alpha=peel_alpha, mass_min=mass_min)
    found: list[Box] = []
    for _ in range(boxes):
        box = prim.find_box()
        if box is None:
            break
        trajectory = _stats(box.peeling_trajectory)
        chosen = _balanced(trajectory, min_density, max_restricted)
        box.select(chosen)
        current = _drop_chance_cuts(box, chosen, max_p)
        limits = _widen_edges(_restricted(box.box_lims[current], prim.box_init), x, edge)
        if not limits:  # nothing left to restrict
            break
        candidate = Box(
            limits=limits,
            coverage=0.0,
            density=0.0,
            mass=0.0,
            trajectory=trajectory,
            chosen=int(chosen),
        )
        inside = candidate.contains(x)
        candidate.coverage = float((y & inside).sum() / y.sum())
        candidate.density = float(y[inside].mean()) if inside.any() else 0.0
        candidate.mass = float(inside.mean())
        if found and candidate.density < min_density:
            break
        found.append(candidate)
    return found


def _stats(trajectory: pd.DataFrame) -> pd.DataFrame:
    return trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)


def _balanced(trajectory: pd.DataFrame, min_density: float, max_restricted: int) -> int:
    """The widest box at least `min_density` dense (preferring rules of at most
    `max_restricted` inputs); when no box is that dense, the simple box that best balances
    coverage and density (largest harmonic mean)."""
    simple = trajectory[trajectory["res_dim"] <= max_restricted]
    dense = trajectory[trajectory["density"] >= min_density]
    dense_simple = dense[dense["res_dim"] <= max_restricted]
    if not dense_simple.empty:
        return int(dense_simple["coverage"].idxmax())
    if not dense.empty:
        return int(dense["coverage"].idxmax())
    candidates = simple if len(simple) > 1 else trajectory
    f1 = (
        2
        * candidates["coverage"]
        * candidates["density"]
        / (candidates["coverage"] + candidates["density"])
    )
    return int(f1.fillna(0.0).idxmax())  # 0 / 0 where a box holds no case


def _drop_chance_cuts(box, index: int, max_p: float, keep_density: float = 0.95) -> int:
    """Drop the least significant restriction while its quasi-p value exceeds `max_p`, more
    than one is left and the box keeps `keep_density` of its density (cuts that matter only
    together are kept); the index of the box on the trajectory at the end."""
    while True:
        p_values = {
            dim: max(v for v in pair if v >= 0)
            for dim, pair in box.p_values[index].items()
            if max(pair) >= 0
        }
        if len(p_values) <= 1:
            return index
        dim, worst = max(p_values.items(), key=lambda item: item[1])
        if worst <= max_p:
            return index
        density = float(box.peeling_trajectory["density"].iloc[index])
        box.drop_restriction(dim, index)
        dropped = len(box.box_lims) - 1
        if float(box.peeling_trajectory["density"].iloc[dropped]) < keep_density * density:
            box.select(index)
            return index
        index = dropped


def _widen_edges(limits: dict, x: pd.DataFrame, edge: float) -> dict[str, tuple[float, float]]:
    out = {}
    for name, (low, high) in limits.items():
        lo_edge, hi_edge = float(x[name].min()), float(x[name].max())
        span = hi_edge - lo_edge
        low = low if low - lo_edge > edge * span else -np.inf
        high = high if hi_edge - high > edge * span else np.inf
        if np.isfinite(low) or np.isfinite(high):
            out[name] = (low, high)
    return out


def _restricted(limits: pd.DataFrame, initial: pd.DataFrame) -> dict[str, tuple[float, float]]:
    out = {}
    for name in limits.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        low_cut, high_cut = low > float(initial[name].iloc[0]), high < float(initial[name].iloc[1])
        if low_cut or high_cut:
            out[name] = (low if low_cut else -np.inf, high if high_cut else np.inf)
    return out
