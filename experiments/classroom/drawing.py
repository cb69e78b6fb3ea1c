"""The dashboard's two pictures, drawn from a Dataset in the engine's layout.

`GeopoliticsModel.to_dataset()` and `sim.simulate` give the same layout, so the live page,
the notebook and a script draw with the same code. Pictures are for a classroom projector:
large type, few lines, the focus state on top. The colours, the poles and the posture zones
come from `experiments.plots.style`, as the run figures' do, so a class sees one colour code.

Only the first run of the Dataset is drawn: the dashboard runs one world at a time.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import xarray as xr
from matplotlib import patheffects
from matplotlib.figure import Figure

from experiments.plots.style import (
    fill_zones,
    ordered_states,
    poles,
    state_colour,
)

FONT = 13  # readable from the back of a classroom


def _halo(width: float = 4.0):
    return [patheffects.withStroke(linewidth=width, foreground="white")]


def draw_zones(ax, ds: xr.Dataset) -> None:
    """Kuik's posture zones: bands of the mean alignment (s + e) / 2, labelled on the diagonal."""
    for code, low, high, label in fill_zones(ax, ds, outline=False):
        middle = np.clip((low + high) / 2, -0.8, 0.8)
        ax.text(
            middle,
            middle,
            label,
            rotation=-45,
            ha="center",
            va="center",
            fontsize=FONT - 2,
            color="0.2",
            zorder=1,
            gid=f"zone-label-{code}",
        )


def alignment_map(ds: xr.Dataset, figsize=(6.4, 6.0)) -> Figure:
    """Every middle power in the security x economic plane: its path so far and where it is."""
    minus, plus = poles(ds)
    run = ds.isel(run=0)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    draw_zones(ax, ds)
    for code in reversed(ordered_states(ds)):  # the focus last, on top
        colour = state_colour(ds, code)
        path_s = run["security"].sel(state=code).values
        path_e = run["economic"].sel(state=code).values
        ax.plot(path_s, path_e, color=colour, lw=2, alpha=0.9, zorder=3, path_effects=_halo())
        ax.plot(path_s[0], path_e[0], "o", color=colour, ms=6, mec="white", zorder=4)
        ax.plot(path_s[-1], path_e[-1], "o", color=colour, ms=16, mec="white", mew=2, zorder=5)
        ax.annotate(
            code,
            (path_s[-1], path_e[-1]),
            xytext=(10, 8),
            textcoords="offset points",
            fontsize=FONT + 2,
            fontweight="bold",
            color=colour,
            zorder=6,
            path_effects=_halo(3),
            gid=f"state-{code}",
        )
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], [minus, "", "0", "", plus], fontsize=FONT - 1)
    ax.set_yticks([-1, -0.5, 0, 0.5, 1], [minus, "", "0", "", plus], fontsize=FONT - 1)
    ax.set_xlabel(f"security:  {minus} camp  ←→  {plus} alliance", fontsize=FONT)
    ax.set_ylabel(f"economy:  toward {minus}  ←→  toward {plus}", fontsize=FONT)
    ax.grid(alpha=0.25)
    when = np.datetime_as_string(run["time"].values[-1], unit="D")
    ax.set_title(f"Alignment map, {when}\nsmall dot = start, big dot = now", fontsize=FONT)
    return fig


def time_series(
    ds: xr.Dataset, marks: list[tuple[np.datetime64, str]] = (), figsize=(7.2, 6.0)
) -> Figure:
    """Above: the focus state's three choices; below: the forces on it. `marks` are
    (date, label) of events fired by hand, drawn as dashed lines."""
    focus = ds.attrs["focus"]
    minus, plus = poles(ds)
    run = ds.isel(run=0)
    time = run["time"].values
    fig = Figure(figsize=figsize, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    state = run.sel(state=focus)
    colour = state_colour(ds, focus)
    top.plot(time, state["security"], color=colour, lw=2.5, label="security")
    top.plot(time, state["economic"], color=colour, lw=2.5, ls="--", label="economy")
    top.plot(time, state["autonomy"], color="0.35", lw=2, ls=":", label="own defence")
    top.axhline(0, color="0.5", lw=0.8)
    top.set_ylim(-1.05, 1.6)  # headroom above +1 holds the legend clear of the lines
    top.set_yticks([-1, 0, 1], [f"{minus} −1", "0", f"{plus} +1"], fontsize=FONT - 2)
    top.set_title(f"{focus}: its choices", fontsize=FONT)
    top.legend(loc="upper center", fontsize=FONT - 2, ncols=3, framealpha=0.9)

    plus_index = list(ds["great_power"].values).index(plus)
    minus_index = list(ds["great_power"].values).index(minus)
    bottom.plot(time, run["threat"], color="#b2182b", lw=2.5, label="N. Korean threat")
    bottom.plot(time, run["rivalry"], color="#7b3294", lw=2, label="US–China rivalry")
    bottom.plot(
        time,
        run["reliability"].isel(great_power=plus_index),
        color="#2166ac",
        lw=2,
        label=f"{plus} reliability",
    )
    bottom.plot(
        time,
        run["restriction"].sel(state=focus).isel(great_power=minus_index),
        color="#ef8a62",
        lw=2,
        ls="--",
        label=f"{minus} trade restriction",
    )
    bottom.set_ylim(-0.02, 1.45)
    bottom.set_yticks([0, 0.5, 1], ["0", "0.5", "1"], fontsize=FONT - 2)
    bottom.set_title(f"Forces on {focus}", fontsize=FONT)
    bottom.legend(loc="upper center", fontsize=FONT - 2, ncols=2, framealpha=0.9)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
        for when, _label in marks:
            ax.axvline(when, color="0.2", lw=1, ls=(0, (4, 3)))
    for when, label in marks:
        top.annotate(
            label,
            (when, -1.0),
            xytext=(3, 2),
            textcoords="offset points",
            rotation=90,
            va="bottom",
            fontsize=FONT - 3,
            color="0.2",
        )
    if len(time) > 1:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    bottom.tick_params(labelsize=FONT - 2)
    return fig
