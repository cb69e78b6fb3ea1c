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
    POSTURE_COLOURS,
    fill_zones,
    ordered_states,
    poles,
    state_colour,
)
from sim.metrics import labels_of

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


LABEL_ROOM = 0.16  # data units a label needs beside its dot (the plane is 2 x 2)


def label_offsets(points: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Where each state's name goes, in points from its dot: to the right and above, but
    toward the middle near an edge, and on the other side of a dot that is too close (so
    "South Korea" never sits on Japan's dot, nor two names on one another)."""
    offsets = {}
    placed: list[tuple[float, float, float]] = []  # (x, y, side) of labels placed so far
    for code, (x, y) in points.items():
        side = -1.0 if x > 1 - 4 * LABEL_ROOM else 1.0  # a name runs off the right edge
        up = -1.0 if y > 1 - LABEL_ROOM else 1.0
        for other_x, other_y, other_up in placed:
            if abs(other_x - x) < 4 * LABEL_ROOM and abs(other_y - y) < LABEL_ROOM:
                up = -other_up  # one name above the pair of dots, the other below
        placed.append((x, y, up))
        offsets[code] = (12 * side, 10 * up)
    return offsets


def alignment_map(
    ds: xr.Dataset, figsize=(6.4, 6.0), names: dict | None = None, pinned: xr.Dataset | None = None
) -> Figure:
    """Every middle power in the security x economic plane: its path so far and where it is;
    `pinned`, a run kept for comparison, as faint paths behind; `names` label the states."""
    names = names or {}
    minus, plus = poles(ds)
    run = ds.isel(run=0)
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    draw_zones(ax, ds)
    if pinned is not None:
        for code in ordered_states(pinned):
            ghost = pinned.isel(run=0).sel(state=code)
            ax.plot(
                ghost["security"],
                ghost["economic"],
                color=state_colour(pinned, code),
                lw=1.5,
                alpha=0.35,
                ls="--",
                zorder=2,
                gid=f"pinned-{code}",
            )
    now = {
        code: (
            float(run["security"].sel(state=code)[-1]),
            float(run["economic"].sel(state=code)[-1]),
        )
        for code in ordered_states(ds)
    }
    offsets = label_offsets(now)
    for code in reversed(ordered_states(ds)):  # the focus last, on top
        colour = state_colour(ds, code)
        path_s = run["security"].sel(state=code).values
        path_e = run["economic"].sel(state=code).values
        ax.plot(path_s, path_e, color=colour, lw=2, alpha=0.9, zorder=3, path_effects=_halo())
        ax.plot(path_s[0], path_e[0], "o", color=colour, ms=6, mec="white", zorder=4)
        ax.plot(path_s[-1], path_e[-1], "o", color=colour, ms=16, mec="white", mew=2, zorder=5)
        dx, dy = offsets[code]
        ax.annotate(
            names.get(code, code),
            (path_s[-1], path_e[-1]),
            xytext=(dx, dy),
            textcoords="offset points",
            ha="left" if dx > 0 else "right",
            va="bottom" if dy > 0 else "top",
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
    pinned_note = ", dashed = pinned run" if pinned is not None else ""
    ax.set_title(
        f"Alignment map, {when}\nsmall dot = start, big dot = now{pinned_note}", fontsize=FONT
    )
    return fig


def time_series(
    ds: xr.Dataset,
    marks: list[tuple[np.datetime64, str]] = (),
    figsize=(7.2, 6.0),
    *,
    span: tuple[np.datetime64, np.datetime64] | None = None,
    schedule: list[tuple[np.datetime64, str]] = (),
    pinned: xr.Dataset | None = None,
    name: str | None = None,
) -> Figure:
    """Above: the focus state's three choices; below: the forces on it. `marks` are
    (date, label) of events fired by hand, drawn as dashed lines; `schedule` the scenario's
    dated changes and events, numbered ticks along the top as in the schedule list; `span`
    the whole scenario, so the axis does not jump as the run grows; `pinned` a run kept for
    comparison, faint behind."""
    focus = ds.attrs["focus"]
    minus, plus = poles(ds)
    run = ds.isel(run=0)
    time = run["time"].values
    fig = Figure(figsize=figsize, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    state = run.sel(state=focus)
    colour = state_colour(ds, focus)
    if pinned is not None:
        ghost = pinned.isel(run=0).sel(state=focus)
        for variable, style in (("security", "-"), ("economic", "--")):
            top.plot(pinned["time"], ghost[variable], color=colour, lw=1.5, ls=style, alpha=0.3)
        top.plot([], [], color="0.5", lw=1.5, alpha=0.5, label="pinned run")
    top.plot(time, state["security"], color=colour, lw=2.5, label="security")
    top.plot(time, state["economic"], color=colour, lw=2.5, ls="--", label="economy")
    top.plot(time, state["autonomy"], color="0.35", lw=2, ls=":", label="own defence")
    top.axhline(0, color="0.5", lw=0.8)
    top.set_ylim(-1.05, 1.6)  # headroom above +1 holds the legend clear of the lines
    top.set_yticks([-1, 0, 1], [f"{minus} −1", "0", f"{plus} +1"], fontsize=FONT - 2)
    top.set_title(f"{name or focus}: its choices", fontsize=FONT)
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
    bottom.set_title(f"Forces on {name or focus}", fontsize=FONT)
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
    for number, (when, _label) in enumerate(schedule, start=1):
        bottom.axvline(when, color="0.55", lw=0.8, ls=":", zorder=0)
        bottom.annotate(
            str(number),
            (when, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=FONT - 4,
            color="0.25",
            gid=f"schedule-{number}",
        )
    if span is not None:
        bottom.set_xlim(span)
    locator = mdates.YearLocator(base=2) if span is not None or len(time) > 1 else None
    if locator is not None:
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    bottom.tick_params(labelsize=FONT - 2)
    return fig


def ensemble_figure(
    ensemble: xr.Dataset,
    page_run: xr.Dataset | None = None,
    name: str | None = None,
    figsize=(7.2, 6.0),
) -> Figure:
    """Many worlds of one setting: the focus state's median security and economy with their
    5-95% band (above), and the share of runs in each posture (below); `page_run`, the one
    world on the page, as a line through the band."""
    focus = ensemble.attrs["focus"]
    minus, plus = poles(ensemble)
    time = ensemble["time"].values
    fig = Figure(figsize=figsize, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    colour = state_colour(ensemble, focus)
    for variable, style, label in (("security", "-", "security"), ("economic", "--", "economy")):
        values = ensemble[variable].sel(state=focus)
        low, mid, high = (values.quantile(q, "run").values for q in (0.05, 0.5, 0.95))
        top.fill_between(time, low, high, color=colour, alpha=0.15 if style == "-" else 0.08)
        top.plot(time, mid, color=colour, lw=2.5, ls=style, label=f"{label}: median, 5–95%")
    if page_run is not None:
        top.plot(
            page_run["time"],
            page_run["security"].isel(run=0).sel(state=focus),
            color="0.15",
            lw=1.2,
            label="the run on the page",
        )
    top.axhline(0, color="0.5", lw=0.8)
    top.set_ylim(-1.05, 1.6)
    top.set_yticks([-1, 0, 1], [f"{minus} −1", "0", f"{plus} +1"], fontsize=FONT - 2)
    top.set_title(f"{name or focus}: {ensemble.sizes['run']} runs", fontsize=FONT)
    top.legend(loc="upper center", fontsize=FONT - 3, ncols=2, framealpha=0.9)
    shares = posture_shares(ensemble)
    bottom.stackplot(time, shares.values.T, colors=POSTURE_COLOURS, labels=list(shares.columns))
    bottom.set_ylim(0, 1)
    bottom.set_yticks([0, 0.5, 1], ["0%", "50%", "100%"], fontsize=FONT - 2)
    bottom.set_title("Share of runs in each posture", fontsize=FONT)
    bottom.legend(loc="upper left", fontsize=FONT - 4, ncols=3, framealpha=0.9)
    bottom.xaxis.set_major_locator(mdates.YearLocator(base=2))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    bottom.tick_params(labelsize=FONT - 2)
    return fig


def posture_shares(ensemble: xr.Dataset):
    """A table (step x posture label) of the share of runs of the focus state in each posture."""
    import pandas as pd

    focus = ensemble.attrs["focus"]
    labels = labels_of(ensemble["posture"])
    codes = ensemble["posture"].sel(state=focus).values  # (run, step)
    table = {label: (codes == code).mean(axis=0) for code, label in enumerate(labels)}
    return pd.DataFrame(table, index=pd.DatetimeIndex(ensemble["time"].values))
