"""The colour code and the posture-zone geometry every picture of hedgesim shares.

The run figures (`experiments.plots.figures`) and the classroom dashboard
(`experiments.classroom.drawing`) draw the same plane with the same zones and colours, so a
reader who learnt one picture can read the other. Both import them from here; neither keeps
a copy.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from sim.metrics import labels_of

# Posture colours from the pole at -1 (reds) through hedging (sand) to the pole at +1
# (blues), one per posture code 0..4 (sim.metrics.posture).
POSTURE_COLOURS = ("#b2182b", "#ef8a62", "#e9dfc3", "#67a9cf", "#2166ac")
# State colours avoid the posture reds and blues so points stay visible on the zones.
STATE_COLOURS = ("#5e3c99", "#e08214", "#1b7837", "#8c510a", "#4d4d4d", "#c51b7d")


def poles(ds: xr.Dataset) -> tuple[str, str]:
    """The great powers at -1 and at +1 (e.g. ('CHN', 'USA'))."""
    sign = ds["pole"].values
    codes = ds["great_power"].values
    return str(codes[int(np.argmin(sign))]), str(codes[int(np.argmax(sign))])


def thresholds(ds: xr.Dataset) -> tuple[float, float]:
    """The posture thresholds on the mean alignment the Dataset was classified with."""
    low, high = json.loads(ds.attrs["params"])["metrics"]["posture_thresholds"]
    return float(low), float(high)


def ordered_states(ds: xr.Dataset) -> list[str]:
    """Middle powers with the focus first (it gets the first colour and the top row)."""
    codes = [str(code) for code in ds["state"].values]
    focus = ds.attrs.get("focus")
    return sorted(codes, key=lambda code: (code != focus, code))


def state_colour(ds: xr.Dataset, code: str) -> str:
    return STATE_COLOURS[ordered_states(ds).index(code) % len(STATE_COLOURS)]


def zone_bounds(ds: xr.Dataset) -> list[tuple[float, float]]:
    """Mean-alignment interval of each posture code 0..4 (sim.metrics.posture)."""
    low, high = thresholds(ds)
    return [(-1, -high), (-high, -low), (-low, low), (low, high), (high, 1)]


def zone_polygon(low: float, high: float) -> np.ndarray:
    """Vertices of {(s, e) in [-1, 1]^2 : low <= (s + e) / 2 <= high}, a diagonal band:
    the square clipped by the two half-planes s + e >= 2 low and s + e <= 2 high."""
    ring = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
    ring = _clip(ring, lambda s, e: s + e - 2 * low)
    ring = _clip(ring, lambda s, e: 2 * high - (s + e))
    return np.array(ring)


def _clip(ring: list[tuple[float, float]], inside) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a convex polygon where the linear `inside` >= 0."""
    out = []
    for (s0, e0), (s1, e1) in zip(ring, ring[1:] + ring[:1], strict=True):
        d0, d1 = inside(s0, e0), inside(s1, e1)
        if d0 >= 0:
            out.append((s0, e0))
        if (d0 >= 0) != (d1 >= 0):
            t = d0 / (d0 - d1)
            out.append((s0 + t * (s1 - s0), e0 + t * (e1 - e0)))
    return out


def fill_zones(ax, ds: xr.Dataset, *, outline: bool) -> list[tuple[int, float, float, str]]:
    """Kuik's posture zones filled on an (s, e) plane, each patch labelled for a legend;
    returns (code, low, high, label) per zone for the caller to place its own labels."""
    from matplotlib.patches import Polygon

    zones = []
    for code, ((low, high), label) in enumerate(
        zip(zone_bounds(ds), labels_of(ds["posture"]), strict=True)
    ):
        ax.add_patch(
            Polygon(
                zone_polygon(low, high),
                closed=True,
                facecolor=POSTURE_COLOURS[code],
                edgecolor="white" if outline else "none",
                lw=1,
                alpha=0.55,
                label=label,
                zorder=0,
            )
        )
        zones.append((code, low, high, label))
    return zones
