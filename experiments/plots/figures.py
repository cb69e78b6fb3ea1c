"""The three figures of a run, each a function of a simulated Dataset returning a Figure.

Figures are built on `matplotlib.figure.Figure` directly (no pyplot), so they hold no global
state, need no backend choice and can be saved, shown in a notebook or reused by the sweep,
analysis and teaching code alike.

- `trajectories`: security, economic and autonomy over calendar time per middle power
  (median and 5-95% band over runs);
- `alignment_map`: the security x economic plane with Kuik's posture zones, the runs' end
  points and each state's median path;
- `posture_shares`: the share of runs in each posture over time for one state.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from experiments.outputs.summary import posture_labels, state_name
from experiments.plots.style import (
    POSTURE_COLOURS,
    fill_zones,
    ordered_states,
    poles,
    state_colour,
)
from experiments.plots.style import thresholds as thresholds  # re-exported for readers of a run

BAND = (0.05, 0.95)
FIGURE_FILES = {
    "trajectories": "trajectories.png",
    "alignment_map": "alignment_map.png",
    "posture_shares": "postures.png",
}


# ----------------------------------------------------------------------------- reading
def election_dates(ds: xr.Dataset, code: str) -> list[np.datetime64]:
    """Dates of a state's elections within the horizon: its term calendar from the world
    file and any election the scenario schedules (they explain kinks in the medians)."""
    params = json.loads(ds.attrs["params"])
    start, horizon = ds["time"].values[0], ds["time"].values[-1]
    found = [
        np.datetime64(event["date"], "ns")
        for event in params["scenario"]["events"]
        if event["kind"] == "election" and event["target"] == code
    ]
    election = params["world"]["middle_powers"].get(code, {}).get("election", {})
    if election.get("next"):
        when = np.datetime64(election["next"], "ns")
        term = np.timedelta64(int(float(np.mean(election["term_years"])) * 365.25 * 86400), "s")
        while when < horizon:
            found.append(when)
            when = when + term
    return sorted(d for d in found if start <= d <= horizon)


def _mark_elections(ax, ds: xr.Dataset, code: str, label: bool) -> None:
    for when in election_dates(ds, code):
        ax.axvline(when, color="0.35", ls=":", lw=1.2, label="election" if label else None)
        label = False


def _scope(ds: xr.Dataset) -> str:
    return f"scenario {ds.attrs['scenario']}, {ds.sizes['run']:,} runs"


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


# ----------------------------------------------------------------------------- trajectories
def trajectories(ds: xr.Dataset, states: list[str] | None = None) -> Figure:
    """One row per middle power, one column per choice; median line and 5-95% band."""
    states = states or ordered_states(ds)
    minus, plus = poles(ds)
    columns = (
        ("security", "Security alignment", (-1.0, 1.0)),
        ("economic", "Economic alignment", (-1.0, 1.0)),
        ("autonomy", "Autonomy (self-reliant defence)", (0.0, 1.0)),
    )
    fig = Figure(figsize=(12, 2.7 * len(states) + 1.0), layout="constrained")
    axes = fig.subplots(len(states), len(columns), sharex=True, squeeze=False)
    time = ds["time"].values
    for row, code in enumerate(states):
        colour = state_colour(ds, code)
        for col, (variable, title, limits) in enumerate(columns):
            ax = axes[row, col]
            values = ds[variable].sel(state=code)
            low, high = values.quantile(BAND, dim="run").values
            ax.fill_between(time, low, high, color=colour, alpha=0.25, lw=0, label="5-95% of runs")
            ax.plot(time, values.median(dim="run").values, color=colour, lw=2, label="median")
            _mark_elections(ax, ds, code, label=True)
            ax.set_ylim(*limits)
            ax.grid(alpha=0.3)
            if variable == "autonomy":
                ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
            else:
                ax.axhline(0, color="0.4", lw=0.8)
                ax.set_yticks([-1, -0.5, 0, 0.5, 1])
                ax.set_yticklabels([f"-1 {minus}", "-0.5", "0", "+0.5", f"+1 {plus}"])
            if row == 0:
                ax.set_title(title)
            if col == 0:
                ax.set_ylabel(f"{state_name(ds, code)} ({code})", fontweight="bold")
            _date_axis(ax)
    axes[0, -1].legend(loc="lower right", fontsize="small")
    fig.suptitle(f"Alignment of each middle power over time: median and 5-95% band ({_scope(ds)})")
    return fig


# ----------------------------------------------------------------------------- alignment map
def alignment_map(ds: xr.Dataset, states: list[str] | None = None) -> Figure:
    """Security (x) by economic (y) with the posture zones, end points and median paths."""
    states = states or ordered_states(ds)
    minus, plus = poles(ds)
    fig = Figure(figsize=(8.6, 7.6), layout="constrained")
    ax = fig.subplots()
    for code, low, high, label in fill_zones(ax, ds, outline=True):
        # On the zone's centre line s + e = 2m, toward the upper left, where alignments
        # seldom go (security ahead of economy is the usual hedge), so runs do not hide it.
        middle = (max(low, -1) + min(high, 1)) / 2
        shift = 0.85 - abs(middle)
        ax.text(
            middle - shift,
            middle + shift,
            label,
            rotation=-45,
            ha="center",
            va="center",
            fontsize=10,
            color="0.15",
            zorder=1,
            gid=f"zone-label-{code}",
        )
    # Draw the focus last so that its points and path lie on top.
    for code in reversed(states):
        colour = state_colour(ds, code)
        end = ds.isel(step=-1).sel(state=code)
        ax.scatter(
            end["security"].values,
            end["economic"].values,
            s=9,
            color=colour,
            alpha=0.35,
            lw=0,
            zorder=2,
            label=f"{code}: end of each run",
        )
        path_s = ds["security"].sel(state=code).median(dim="run").values
        path_e = ds["economic"].sel(state=code).median(dim="run").values
        ax.plot(
            path_s,
            path_e,
            color=colour,
            lw=2.2,
            zorder=3,
            label=f"{code}: median path",
            path_effects=_halo(),
        )
        ax.plot(path_s[0], path_e[0], "o", color=colour, ms=8, mec="white", zorder=4)
        ax.annotate(
            "",
            xy=(path_s[-1], path_e[-1]),
            xytext=(path_s[-2], path_e[-2]),
            arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2, "mutation_scale": 22},
            zorder=4,
        )
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(f"security alignment  (-1 = {minus} camp, +1 = {plus} alliance)")
    ax.set_ylabel(f"economic alignment  (-1 = toward {minus}, +1 = toward {plus})")
    start = np.datetime_as_string(ds["time"].values[0], unit="M")
    end = np.datetime_as_string(ds["time"].values[-1], unit="M")
    ax.set_title(
        f"Alignment map, {start} to {end} ({_scope(ds)})\n"
        "zones: posture by mean alignment (s + e) / 2; dot = start, arrow = horizon",
        fontsize=11,
    )
    # Below the plane, the focus first, so that no run or path hides behind it.
    handles, names = ax.get_legend_handles_labels()
    by_name = {n: h for h, n in zip(handles, names, strict=True) if not isinstance(h, Polygon)}
    order = [f"{code}: {what}" for code in states for what in ("end of each run", "median path")]
    fig.legend(
        [by_name[n] for n in order],
        order,
        loc="outside lower center",
        ncol=len(states),
        fontsize="small",
        markerscale=2.5,
        frameon=False,
    )
    return fig


def _halo():
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=4, foreground="white")]


# ----------------------------------------------------------------------------- postures
def posture_shares(ds: xr.Dataset, state: str | None = None) -> Figure:
    """Stacked shares of runs in each posture over time, the pole at +1 on top."""
    state = state or ds.attrs["focus"]
    labels = posture_labels(ds)
    codes = ds["posture"].sel(state=state).values  # (run, step)
    shares = (codes[..., None] == np.arange(len(labels))).mean(axis=0).T  # (posture, step)
    fig = Figure(figsize=(10, 4.8), layout="constrained")
    ax = fig.subplots()
    ax.stackplot(
        ds["time"].values, shares, labels=labels, colors=POSTURE_COLOURS, edgecolor="white", lw=0.3
    )
    for when in election_dates(ds, state):
        ax.axvline(when, color="0.2", ls=":", lw=1.2)
        ax.annotate(
            "election",
            (when, 1),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize="small",
            annotation_clip=False,
        )
    ax.set_ylim(0, 1)
    ax.set_xlim(ds["time"].values[0], ds["time"].values[-1])
    ax.set_ylabel("share of runs")
    ax.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.grid(alpha=0.3, axis="y")
    _date_axis(ax)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(
        handles[::-1], names[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5), title="posture"
    )
    ax.set_title(f"Posture of {state_name(ds, state)} ({state}) over time ({_scope(ds)})", pad=16)
    return fig


# ----------------------------------------------------------------------------- saving
FIGURES = {
    "trajectories": trajectories,
    "alignment_map": alignment_map,
    "posture_shares": posture_shares,
}


def save_all(ds: xr.Dataset, folder: Path, dpi: int = 130) -> dict[str, Path]:
    """Write the three figures as PNG into `folder`; returns name -> path."""
    written = {}
    for name, draw in FIGURES.items():
        path = Path(folder) / FIGURE_FILES[name]
        draw(ds).savefig(path, dpi=dpi)
        written[name] = path
    return written
