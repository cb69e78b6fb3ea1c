"""The dashboard's two pictures, drawn from a Dataset in the engine's layout.

`GeopoliticsModel.to_dataset()` and `sim.simulate` give the same layout, so the live page,
the notebook and a script draw with the same code. Pictures are for a classroom projector:
large type, few lines, the focus state on top. The colours, the poles and the posture zones
come from `experiments.plots.style`, as the run figures' do, so a class sees one colour code.

Only the first run of the Dataset is drawn: the dashboard runs one world at a time.

A step moves a few artists of each picture (the paths, the dots, the names, the date); the
page keeps one `KeptPicture` per picture and redraws only those (`map_picture`,
`series_picture`), which gives the same PNG as drawing the figure anew (`alignment_map`,
`time_series`) at a fraction of the cost (tests/test_app_pictures.py holds them equal).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib.dates as mdates
import matplotlib.image
import numpy as np
import xarray as xr
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

from experiments.plots.style import (
    POSTURE_COLOURS,
    fill_zones,
    ordered_states,
    poles,
    state_colour,
)
from sim.metrics import labels_of

FONT = 13  # readable from the back of a classroom
DPI = 110  # the page's pictures: sharp on a projector, light on the websocket


def png(fig: Figure, dpi: float = DPI) -> bytes:
    """The PNG of a figure drawn anew."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


class KeptPicture:
    """A figure kept from step to step: drawn in full once, then each step only from its
    first moving artist on, over a copy of the rest (Agg's blitting, as animations do).

    `make(ds)` draws the figure of a run and returns it with the artists a later step moves
    and the function that moves them to another Dataset of the run (`show`). In each Axes
    the artists are drawn in z-order, so the moving ones and every artist drawn after them
    are redrawn; the others, and the layout, are kept. The picture is the one `savefig` draws
    anew, pixel for pixel and byte for byte, provided that a moving artist stays within its
    own Axes' area (lines are clipped to it; a name or a title may cross it, see next) and
    that the axes' limits do not follow the data.

    A moving text that sticks out of its Axes by more or less than it did at the last full
    draw (a name pushed out of the plane) changes the constrained layout: then the figure is
    made and drawn anew. (The layout engine measures from where the axes start, the check
    from where they are: a name within a few pixels of the edge may be judged differently,
    which moves the layout by as much.)
    """

    def __init__(self, make: Callable[[xr.Dataset], tuple], ds: xr.Dataset, dpi: float = DPI):
        self.make = make
        self.dpi = dpi
        self._draw_anew(ds)

    def _draw_anew(self, ds: xr.Dataset) -> None:
        self.figure, moving, self._show = self.make(ds)
        self.ds = ds
        self.figure.dpi = self.dpi  # as savefig(dpi=...) sets it while it draws
        self.canvas = FigureCanvasAgg(self.figure)
        self.redrawn = _drawn_after(self.figure, moving)
        for artist in self.redrawn:
            artist.set_animated(True)  # left out of the full draw: drawn over it
        # Texts that may move the layout, and how far they stuck out at the last full draw.
        self.sized = [a for a in moving if isinstance(a, Text | Legend) and a.get_in_layout()]
        self.sticking_out: list | None = None

    def show(self, ds: xr.Dataset) -> None:
        """Move the moving artists to the run `ds` (a later or earlier step of it)."""
        self._show(ds)
        self.ds = ds

    def png(self) -> bytes:
        """The PNG of the figure of the run last shown."""
        renderer = self.canvas.get_renderer()
        if self.sticking_out is not None and self._sticking_out(renderer) != self.sticking_out:
            self._draw_anew(self.ds)  # a new layout
            renderer = self.canvas.get_renderer()
        if self.sticking_out is None:
            # As savefig: the layout found in a draw without output, then kept while drawing.
            self.figure.draw_without_rendering()
            self.figure.set_layout_engine("none")
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.sticking_out = self._sticking_out(renderer)
        else:
            self.canvas.restore_region(self.background)
        for artist in self.redrawn:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()  # written as savefig writes a PNG
        matplotlib.image.imsave(
            buffer, self.canvas.buffer_rgba(), format="png", origin="upper", dpi=self.figure.dpi
        )
        return buffer.getvalue()

    def _sticking_out(self, renderer) -> list[tuple[float, ...]]:
        """How far (pixels) each moving text reaches past its Axes' area on each side: what
        the constrained layout makes room for."""
        reach = []
        for artist in self.sized:
            box, area = artist.get_tightbbox(renderer), artist.axes.bbox
            if not np.all(np.isfinite(box.extents)):  # nothing drawn (a name off the plane)
                reach.append((0.0,) * 4)
                continue
            reach.append(
                (
                    max(0.0, area.x0 - box.x0),
                    max(0.0, box.x1 - area.x1),
                    max(0.0, area.y0 - box.y0),
                    max(0.0, box.y1 - area.y1),
                )
            )
        return reach


def _drawn_after(figure: Figure, moving: list[Artist]) -> list[Artist]:
    """The artists an Axes draws from its first moving one on, in its drawing order (the
    Axes' children but its background patch, by z-order, ties in the order they were added)."""
    moving_ids = {id(artist) for artist in moving}
    redrawn = []
    for ax in figure.axes:
        order = sorted(
            (a for a in ax.get_children() if a is not ax.patch), key=lambda a: a.get_zorder()
        )
        first = next((k for k, a in enumerate(order) if id(a) in moving_ids), len(order))
        redrawn += order[first:]
    if not moving_ids <= {id(a) for a in redrawn}:
        raise ValueError("a kept picture's moving artists must belong to its Axes")
    return redrawn


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
    figure, _, _ = _map_parts(ds, figsize, names, pinned)
    return figure


def _where_now(ds: xr.Dataset) -> tuple[dict, dict, str]:
    """The map's moving parts for a run: each state's path (security, economy), where its name
    goes, and the title's date."""
    run = ds.isel(run=0)
    paths = {
        code: (run["security"].sel(state=code).values, run["economic"].sel(state=code).values)
        for code in ordered_states(ds)
    }
    offsets = label_offsets({code: (float(s[-1]), float(e[-1])) for code, (s, e) in paths.items()})
    return paths, offsets, np.datetime_as_string(run["time"].values[-1], unit="D")


def map_picture(
    ds: xr.Dataset, figsize=(6.4, 6.0), names: dict | None = None, pinned: xr.Dataset | None = None
) -> KeptPicture:
    """`alignment_map` kept for the next steps of the same run: `show(ds)` moves the paths,
    the dots, the names and the date."""
    return KeptPicture(lambda ds: _map_parts(ds, figsize, names, pinned), ds)


def _map_parts(ds: xr.Dataset, figsize, names: dict | None, pinned: xr.Dataset | None):
    """The alignment map of `ds`, the artists a later step of the run moves, and the function
    that moves them to another Dataset of the run."""
    names = names or {}
    minus, plus = poles(ds)
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
    paths, offsets, when = _where_now(ds)
    states = {}  # code -> (path, start dot, dot now, name)
    for code in reversed(ordered_states(ds)):  # the focus last, on top
        colour = state_colour(ds, code)
        path_s, path_e = paths[code]
        (path,) = ax.plot(
            path_s, path_e, color=colour, lw=2, alpha=0.9, zorder=3, path_effects=_halo()
        )
        (start,) = ax.plot(path_s[0], path_e[0], "o", color=colour, ms=6, mec="white", zorder=4)
        (now,) = ax.plot(
            path_s[-1], path_e[-1], "o", color=colour, ms=16, mec="white", mew=2, zorder=5
        )
        dx, dy = offsets[code]
        name = ax.annotate(
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
        states[code] = (path, start, now, name)
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.set_xticks([-1, -0.5, 0, 0.5, 1], [minus, "", "0", "", plus], fontsize=FONT - 1)
    ax.set_yticks([-1, -0.5, 0, 0.5, 1], [minus, "", "0", "", plus], fontsize=FONT - 1)
    ax.set_xlabel(f"security:  {minus} camp  ←→  {plus} alliance", fontsize=FONT)
    ax.set_ylabel(f"economy:  toward {minus}  ←→  toward {plus}", fontsize=FONT)
    ax.grid(alpha=0.25)
    pinned_note = ", dashed = pinned run" if pinned is not None else ""

    def title(when: str) -> str:
        return f"Alignment map, {when}\nsmall dot = start, big dot = now{pinned_note}"

    ax.set_title(title(when), fontsize=FONT)

    def show(ds: xr.Dataset) -> None:
        paths, offsets, when = _where_now(ds)
        for code, (path, start, now, name) in states.items():
            path_s, path_e = paths[code]
            path.set_data(path_s, path_e)
            start.set_data([path_s[0]], [path_e[0]])
            now.set_data([path_s[-1]], [path_e[-1]])
            dx, dy = offsets[code]
            name.xy = (path_s[-1], path_e[-1])
            name.xyann = (dx, dy)
            name.set_horizontalalignment("left" if dx > 0 else "right")
            name.set_verticalalignment("bottom" if dy > 0 else "top")
        ax.title.set_text(title(when))

    moving = [artist for parts in states.values() for artist in parts] + [ax.title]
    return fig, moving, show


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
    figure, _, _ = _series_parts(ds, marks, figsize, span, schedule, pinned, name)
    return figure


def series_picture(
    ds: xr.Dataset,
    marks: list[tuple[np.datetime64, str]] = (),
    figsize=(7.2, 6.0),
    *,
    span: tuple[np.datetime64, np.datetime64],
    schedule: list[tuple[np.datetime64, str]] = (),
    pinned: xr.Dataset | None = None,
    name: str | None = None,
) -> KeptPicture:
    """`time_series` kept for the next steps of the same run: `show(ds)` draws the lines to
    the run's last step. The axis spans the whole scenario (`span`), so it never moves."""
    return KeptPicture(
        lambda ds: _series_parts(ds, marks, figsize, span, schedule, pinned, name), ds
    )


def _curves(ds: xr.Dataset) -> tuple[np.ndarray, list[np.ndarray]]:
    """The dates of a run and its lines in the series, in the order they are drawn: the focus
    state's security, economy and own defence (above), then the North Korean threat, the
    rivalry, the +1 pole's reliability and the -1 pole's trade restriction on the focus."""
    focus = ds.attrs["focus"]
    minus, plus = poles(ds)
    great_powers = list(ds["great_power"].values)
    run = ds.isel(run=0)
    state = run.sel(state=focus)
    return run["time"].values, [
        state["security"].values,
        state["economic"].values,
        state["autonomy"].values,
        run["threat"].values,
        run["rivalry"].values,
        run["reliability"].isel(great_power=great_powers.index(plus)).values,
        run["restriction"].sel(state=focus).isel(great_power=great_powers.index(minus)).values,
    ]


def _series_parts(ds, marks, figsize, span, schedule, pinned, name):
    """The time series of `ds`, its lines (what a later step of the run moves) and the
    function that draws them to another Dataset of the run."""
    focus = ds.attrs["focus"]
    minus, plus = poles(ds)
    time, curves = _curves(ds)
    fig = Figure(figsize=figsize, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    colour = state_colour(ds, focus)
    if pinned is not None:
        ghost = pinned.isel(run=0).sel(state=focus)
        for variable, style in (("security", "-"), ("economic", "--")):
            top.plot(pinned["time"], ghost[variable], color=colour, lw=1.5, ls=style, alpha=0.3)
        top.plot([], [], color="0.5", lw=1.5, alpha=0.5, label="pinned run")
    security, economy, autonomy, threat, rivalry, reliability, restriction = curves
    lines = [
        *top.plot(time, security, color=colour, lw=2.5, label="security"),
        *top.plot(time, economy, color=colour, lw=2.5, ls="--", label="economy"),
        *top.plot(time, autonomy, color="0.35", lw=2, ls=":", label="own defence"),
    ]
    top.axhline(0, color="0.5", lw=0.8)
    top.set_ylim(-1.05, 1.6)  # headroom above +1 holds the legend clear of the lines
    top.set_yticks([-1, 0, 1], [f"{minus} −1", "0", f"{plus} +1"], fontsize=FONT - 2)
    top.set_title(f"{name or focus}: its choices", fontsize=FONT)
    top.legend(loc="upper center", fontsize=FONT - 2, ncols=3, framealpha=0.9)

    lines += [
        *bottom.plot(time, threat, color="#b2182b", lw=2.5, label="N. Korean threat"),
        *bottom.plot(time, rivalry, color="#7b3294", lw=2, label="US–China rivalry"),
        *bottom.plot(time, reliability, color="#2166ac", lw=2, label=f"{plus} reliability"),
        *bottom.plot(
            time,
            restriction,
            color="#ef8a62",
            lw=2,
            ls="--",
            label=f"{minus} trade restriction",
        ),
    ]
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

    def show(ds: xr.Dataset) -> None:
        time, curves = _curves(ds)
        for line, values in zip(lines, curves, strict=True):
            line.set_data(time, values)

    return fig, lines, show


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
