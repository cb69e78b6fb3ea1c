"""Figures of a sweep store: a phase diagram of a state's posture and outcome distributions.

    python -m experiments.plot store=results/sweeps/lee_2025/rivalry_threat_grid.zarr
    python -m experiments.plot store=PATH x=rivalry y=dprk_threat state=JPN bins=25 out=figs/
    python -m experiments.plot store=PATH phase=docs/figures/phase_rivalry_threat.png

A Hydra app (conf/commands/plot.yaml): store (required), x and y (swept parameters; default
the first two), state (default the world's focus), bins (cells per axis for LHS/Sobol
designs, default 20), out (folder, default next to the store), phase and outcomes (file
names of the two figures), partial=true (draw from the finished chunks of an unfinished
sweep). Bad input: one line on stderr, exit status 2, nothing written.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from hydra.core.config_store import ConfigStore
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from omegaconf import DictConfig

from experiments.command import (
    HydraCommand,
    exit_status,
    log,
    refusals_as_one_line,
    write_atomically,
)
from experiments.config import ConfigError, typed
from experiments.outputs.summary import state_name
from experiments.plots.figures import POSTURE_COLOURS
from experiments.plots.phase import phase_table, posture_labels, swept
from sim.sweep.store import open_sweep

MAJORITY = 0.6
MAX_BINS = 500


@dataclass
class PlotOptions:
    """The options of `hedgesim plot`; their values are in conf/commands/plot.yaml."""

    store: str
    x: str | None
    y: str | None
    state: str | None
    bins: int
    out: str | None
    phase: str | None
    outcomes: str | None
    partial: bool


ConfigStore.instance().store(name="hedgesim_plot_schema", node=PlotOptions)


# ----------------------------------------------------------------------------- figures
def phase_diagram(
    ds: xr.Dataset, x: str, y: str | None, state: str | None = None, bins: int = 20
) -> Figure:
    """Two swept parameters: the modal posture per cell (dotted where it holds less than
    MAJORITY of the runs) and the mean alignment with the posture thresholds as contours.
    One swept parameter: the posture shares along it."""
    state = state or ds.attrs["focus"]
    if y is None:
        return _phase_line(ds, x, state, bins)
    table = phase_table(ds, [y, x], state, bins)
    edges = json.loads(table.attrs["edges"])
    labels = list(table["posture"].values)
    fig = Figure(figsize=(12, 6), layout="constrained")
    left, right = fig.subplots(1, 2)

    modal = table["modal"].values
    dominance = np.nan_to_num(
        np.take_along_axis(table["share"].values, np.maximum(modal, 0)[..., None], -1)[..., 0]
    )
    colours = np.array([_rgb(c) for c in POSTURE_COLOURS])
    # Empty cells (no run fell in them: a sparse LHS/Sobol bin) in light grey.
    rgb = np.where(modal[..., None] >= 0, colours[np.maximum(modal, 0)], 0.85)
    left.pcolormesh(edges[x], edges[y], rgb, edgecolors="none")
    present = sorted({int(m) for m in modal.ravel() if m >= 0})
    handles = [Patch(facecolor=POSTURE_COLOURS[i], label=labels[i]) for i in present][::-1]
    # A dot where the modal posture holds less than MAJORITY of the cell's runs: the regime
    # there is a matter of chance more than of the two pressures.
    yy, xx = np.meshgrid(table[y].values, table[x].values, indexing="ij")
    mixed = (modal >= 0) & (dominance < MAJORITY)
    if mixed.any():
        dots = left.scatter(xx[mixed], yy[mixed], s=6, color="0.1", marker="o", lw=0)
        dots.set_label(f"modal posture in < {MAJORITY:.0%} of runs")
        handles.append(dots)
    left.legend(
        handles=handles,
        title="modal posture",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=3,
        fontsize="small",
    )
    left.set_title(f"Posture of {state} at the horizon (modal over runs)")

    if "alignment" in table:
        thresholds = _thresholds(ds)
        # Symmetric about 0 so red stays the pole at -1 and blue the pole at +1, as in the
        # postures; the data's own extent so that differences show.
        limit = max(0.1, np.ceil(np.nanmax(np.abs(table["alignment"].values)) * 10) / 10)
        mesh = right.pcolormesh(
            edges[x], edges[y], table["alignment"].values, cmap="RdBu", vmin=-limit, vmax=limit
        )
        fig.colorbar(mesh, ax=right, label="mean alignment (s + e) / 2 at the horizon")
        levels = sorted({-thresholds[1], -thresholds[0], thresholds[0], thresholds[1]})
        lines = right.contour(
            table[x].values,
            table[y].values,
            table["alignment"].values,
            levels=levels,
            colors="0.15",
            linewidths=1,
        )
        right.clabel(lines, fmt="%.1f", fontsize="small")
        right.set_title("Mean alignment, with the posture thresholds")
    else:
        right.set_axis_off()
    for ax in (left, right):
        ax.set_xlabel(_axis_label(ds, x))
        ax.set_ylabel(_axis_label(ds, y))
    runs = int(table["runs"].sum())
    fig.suptitle(
        f"{state_name(ds, state)}: phase diagram over {x} and {y} ({ds.attrs['sweep']}, "
        f"{ds.attrs['scenario']}, {runs:,} runs{_pooled(ds, [x, y])})"
    )
    return fig


def _phase_line(ds: xr.Dataset, x: str, state: str, bins: int) -> Figure:
    table = phase_table(ds, [x], state, bins)
    fig = Figure(figsize=(9, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.stackplot(
        table[x].values,
        table["share"].values.T,
        labels=list(table["posture"].values),
        colors=POSTURE_COLOURS,
        edgecolor="white",
        lw=0.3,
    )
    ax.set_ylim(0, 1)
    ax.set_xlabel(_axis_label(ds, x))
    ax.set_ylabel("share of runs at the horizon")
    handles, names = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1], names[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5), title="posture"
    )
    ax.set_title(
        f"{state_name(ds, state)}: posture over {x} ({ds.attrs['sweep']}{_pooled(ds, [x])})"
    )
    return fig


def outcome_distributions(ds: xr.Dataset, state: str | None = None) -> Figure:
    """Histograms of the state's outcomes at the horizon across all runs, and its postures."""
    state = state or ds.attrs["focus"]
    outcomes = json.loads(ds.attrs["hedgesim_sweep"])["sweep"]["outcomes"]
    names = [
        f"{n}_final"
        for n in outcomes
        if ds.get(f"{n}_final") is not None and ds[f"{n}_final"].dims == ("run", "state")
    ]
    panels = len(names) + 1
    cols = min(3, panels)
    rows = -(-panels // cols)
    fig = Figure(figsize=(4.2 * cols, 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, name in zip(axes, names, strict=False):
        values = ds[name].sel(state=state).values
        ax.hist(values, bins=50, color="#4d4d4d", alpha=0.85)
        ax.axvline(
            np.median(values), color="#e08214", lw=1.5, label=f"median {np.median(values):.2f}"
        )
        ax.set_title(ds[name].attrs.get("long_name", name), fontsize="medium")
        ax.set_ylabel("runs")
        ax.legend(fontsize="small")
    ax = axes[len(names)]
    labels = posture_labels(ds)
    shares = np.bincount(
        ds["posture_final"].sel(state=state).values.astype(np.int64), minlength=len(labels)
    )
    shares = shares / shares.sum()
    ax.barh(labels, shares, color=POSTURE_COLOURS)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of runs")
    ax.set_title("posture at the horizon", fontsize="medium")
    for extra in axes[panels:]:
        extra.set_axis_off()
    fig.suptitle(
        f"{state_name(ds, state)}: outcomes across {ds.sizes['run']:,} runs of {ds.attrs['sweep']} "
        f"({ds.attrs['scenario']})"
    )
    return fig


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _thresholds(ds: xr.Dataset) -> tuple[float, float]:
    low, high = json.loads(ds.attrs["hedgesim_sweep"])["params"]["metrics"]["posture_thresholds"]
    return float(low), float(high)


def _axis_label(ds: xr.Dataset, name: str) -> str:
    keys = dict(zip(swept(ds), json.loads(ds.attrs["parameter_keys"]), strict=True))
    return f"{name} ({keys[name]})"


def _pooled(ds: xr.Dataset, shown: list[str]) -> str:
    others = [n for n in swept(ds) if n not in shown]
    return f"; pooled over {', '.join(others)}" if others else ""


# ----------------------------------------------------------------------------- command line
def options_of(cfg: DictConfig) -> PlotOptions:
    options = typed(PlotOptions, cfg, "")
    if not 1 <= options.bins <= MAX_BINS:
        raise ConfigError(f"bins = {options.bins}: a whole number from 1 to {MAX_BINS}")
    return options


def check(ds: xr.Dataset, options: PlotOptions) -> tuple[str, str | None, str]:
    """The axes and the state to draw, checked against what the store holds."""
    names = swept(ds)
    x = options.x or names[0]
    y = options.y or (names[1] if len(names) > 1 and names[1] != x else None)
    for key, value in (("x", x), ("y", y)):
        if value is not None and value not in names:
            raise ConfigError(
                f"{key} = {value!r}: not a swept parameter; swept: {', '.join(names)}"
            )
    if x == y:
        raise ConfigError(f"y = {y!r}: must differ from x")
    states = [str(s) for s in ds["state"].values]
    state = options.state or ds.attrs["focus"]
    if state not in states:
        raise ConfigError(
            f"state = {state!r}: not a middle power of this sweep; choose from {', '.join(states)}"
        )
    return x, y, state


def draw(options: PlotOptions) -> list[tuple[Path, Figure]]:
    """Both figures of the store and where they go; nothing written yet."""
    store = Path(options.store)
    ds = original = open_sweep(store, partial=options.partial)
    x, y, state = check(ds, options)
    out = Path(options.out or store.with_name(store.name.removesuffix(".zarr") + "_figures"))
    phase_file = Path(options.phase or out / (f"phase_{x}_{y}.png" if y else f"phase_{x}.png"))
    outcomes_file = Path(options.outcomes or out / "outcomes.png")
    keep = ["parameters", "posture_final", "design"] + [
        n for n in ds.data_vars if n.endswith("_final")
    ]
    ds = ds[sorted(set(keep))].load()
    if "failed" in original and bool(original["failed"].any()):
        failed = original["failed"].values
        log.info(f"note: {int(failed.sum())} runs produced NaN or infinity and are left out")
        ds = ds.isel(run=~failed)
    return [
        (phase_file, phase_diagram(ds, x, y, state, options.bins)),
        (outcomes_file, outcome_distributions(ds, state)),
    ]


COMMAND = HydraCommand(config_name="commands/plot", validate=options_of, job_folders=False)


def job(cfg: DictConfig) -> None:
    with refusals_as_one_line():
        figures = draw(options_of(cfg))
        for path, figure in figures:
            write_atomically(path, lambda p, f=figure: f.savefig(p, dpi=130, format="png"))
            log.info(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """The exit status: 0 drawn, 2 bad input or an unusable store."""
    return exit_status(lambda: COMMAND.main(argv, job))


if __name__ == "__main__":
    sys.exit(main())
