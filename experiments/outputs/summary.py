"""The numbers a run reports: postures and alignments at the horizon, as JSON and a table.

`summarise(ds)` reads only the Dataset (its variables and attrs), so a summary can be
rebuilt from any saved `dataset.nc` and always agrees with it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from sim.metrics import labels_of, posture_shares
from sim.version import recorded

# What summary.json reports per state at the horizon.
VARIABLES = ("security", "economic", "autonomy", "hedging")
QUANTILES = {"p05": 0.05, "p95": 0.95}


def posture_labels(ds: xr.Dataset) -> list[str]:
    """The posture names of a run's dataset, code by code (CF flags of `posture`)."""
    return labels_of(ds["posture"])


def state_name(ds: xr.Dataset, code: str) -> str:
    """A state's readable name from the resolved params ('South Korea'), else its code."""
    world = json.loads(ds.attrs.get("params", "{}")).get("world", {})
    for group in ("middle_powers", "great_powers"):
        name = world.get(group, {}).get(code, {}).get("name")
        if name:
            return name
    return code


def horizon_shares(ds: xr.Dataset, state: str) -> dict[str, float]:
    """Share of runs in each posture at the last step, by posture label (label order)."""
    codes = ds["posture"].isel(step=-1).sel(state=state).values
    shares = posture_shares(codes, axis=0)
    return {label: float(share) for label, share in zip(posture_labels(ds), shares, strict=True)}


def horizon_spread(ds: xr.Dataset, state: str) -> dict[str, dict[str, float]]:
    """Mean and 5%/95% quantiles of each reported variable over runs at the last step."""
    out = {}
    for name in VARIABLES:
        values = ds[name].isel(step=-1).sel(state=state).values
        stats = {"mean": float(np.mean(values))}
        stats.update({key: float(np.quantile(values, q)) for key, q in QUANTILES.items()})
        out[name] = stats
    return out


def summarise(ds: xr.Dataset, **extra: Any) -> dict[str, Any]:
    """The summary of a simulated Dataset; `extra` (e.g. engine) is recorded as given."""
    focus = ds.attrs["focus"]
    horizon = ds["time"].values[-1]
    return {
        "scenario": ds.attrs["scenario"],
        "world": ds.attrs["world"],
        **recorded(ds.attrs),  # version, commit, dirty of the code that made ds
        "seed": int(ds.attrs["seed"]),
        "runs": int(ds.sizes["run"]),
        "steps": int(ds.sizes["step"]) - 1,
        "start": str(np.datetime_as_string(ds["time"].values[0], unit="D")),
        "horizon": str(np.datetime_as_string(horizon, unit="D")),
        **extra,
        "focus": focus,
        "focus_name": state_name(ds, focus),
        "posture_labels": posture_labels(ds),
        "focus_postures": horizon_shares(ds, focus),
        "states": {str(code): horizon_spread(ds, str(code)) for code in ds["state"].values},
    }


def write(summary: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(summary, indent=2) + "\n")
    return path


def posture_table(summary: dict[str, Any], width: int = 30) -> str:
    """The focus state's posture shares at the horizon as a small text table with bars."""
    runs = summary["runs"]
    lines = [
        f"{summary['focus_name']} ({summary['focus']}) on {summary['horizon']}, "
        f"scenario {summary['scenario']}: share of {runs:,} runs in each posture"
    ]
    label_width = max(len(label) for label in summary["focus_postures"])
    for label, share in summary["focus_postures"].items():
        bar = "#" * round(share * width)
        lines.append(f"  {label:<{label_width}}  {share:6.3f}  {bar}")
    return "\n".join(lines)
