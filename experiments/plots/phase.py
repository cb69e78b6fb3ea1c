"""Phase tables of a sweep: the posture a state ends in, over one or two swept parameters.

A cell is a value of each of the chosen parameters: the grid's own levels for a grid design,
equal-width bins of the swept range for a Latin hypercube or a Sobol design. Every other
swept parameter is pooled, as are the replicates. For each cell the table holds the number
of runs, the share of them in each posture at the horizon, the modal posture, and the mean
alignment (s + e) / 2 at the horizon when the store kept security and economic.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from sim.metrics import labels_of


def posture_labels(ds: xr.Dataset) -> list[str]:
    return labels_of(ds["posture_final"])


def swept(ds: xr.Dataset) -> list[str]:
    return [str(name) for name in ds["parameter"].values]


def axis_range(ds: xr.Dataset, name: str) -> tuple[float, float]:
    """The swept range of a parameter as the sweep declared it (not the sample's extremes)."""
    sweep = json.loads(ds.attrs["hedgesim_sweep"])["sweep"]
    for axis in sweep["parameters"]:
        if axis["name"] == name:
            if axis.get("values"):
                return float(min(axis["values"])), float(max(axis["values"]))
            return float(axis["low"]), float(axis["high"])
    raise KeyError(name)


def cells(ds: xr.Dataset, name: str, bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(index of each run's cell, cell centres, cell edges) along one swept parameter."""
    values = ds["parameters"].sel(parameter=name).values
    if ds.attrs.get("design") == "grid":
        levels = np.unique(ds["design"].sel(parameter=name).values)
        index = np.searchsorted(levels, values)
        mids = (levels[1:] + levels[:-1]) / 2
        step = np.diff(levels).min() if len(levels) > 1 else 1.0
        edges = np.concatenate([[levels[0] - step / 2], mids, [levels[-1] + step / 2]])
        return index, levels, edges
    low, high = axis_range(ds, name)
    edges = np.linspace(low, high, bins + 1)
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    return index, (edges[1:] + edges[:-1]) / 2, edges


def phase_table(
    ds: xr.Dataset, along: list[str], state: str | None = None, bins: int = 20
) -> xr.Dataset:
    """Posture shares at the horizon per cell of the parameters `along` (one or two)."""
    state = state or ds.attrs["focus"]
    labels = posture_labels(ds)
    codes = ds["posture_final"].sel(state=state).values.astype(np.int64)
    index, coords, edges = [], {}, {}
    for name in along:
        i, centres, e = cells(ds, name, bins)
        index.append(i)
        coords[name], edges[name] = centres, e
    shape = tuple(len(coords[name]) for name in along)
    counts = np.zeros((*shape, len(labels)), dtype=np.int64)
    np.add.at(counts, (*index, codes), 1)
    runs = counts.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = counts / runs[..., None]
    modal = np.where(runs > 0, counts.argmax(axis=-1), -1)
    table = xr.Dataset(
        {
            "runs": (tuple(along), runs),
            "share": ((*along, "posture"), share),
            "modal": (tuple(along), modal.astype(np.int8)),
        },
        coords={**{name: coords[name] for name in along}, "posture": labels},
        attrs={"state": state, "edges": json.dumps({k: v.tolist() for k, v in edges.items()})},
    )
    if "security_final" in ds and "economic_final" in ds:
        alignment = (
            ds["security_final"].sel(state=state).values
            + ds["economic_final"].sel(state=state).values
        ) / 2
        total = np.zeros(shape)
        np.add.at(total, tuple(index), alignment)
        with np.errstate(invalid="ignore", divide="ignore"):
            table["alignment"] = (tuple(along), total / runs)
    return table
