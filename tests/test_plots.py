"""The figure functions draw what the Dataset says: zones where sim.metrics puts postures,
one point per run, medians and bands from the runs, shares that stack to one."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.patches import Polygon

import sim
from experiments import compose
from experiments.outputs.summary import horizon_shares
from experiments.plots import figures as plots
from experiments.plots import style
from sim.metrics import labels_of, posture

RUNS = 30


@pytest.fixture(scope="module")
def ds():
    return sim.simulate(compose(["scenario.steps=8"]), runs=RUNS, seed=11)


@pytest.fixture(scope="module")
def ten_years():
    """The default horizon, which holds Seoul's 2030 election."""
    return sim.simulate(compose([]), runs=4, seed=2, variables=("security", "economic", "autonomy"))


def zone_patches(ax) -> list[Polygon]:
    return [p for p in ax.patches if isinstance(p, Polygon)]


def test_map_has_one_zone_per_posture_labelled(ds):
    ax = plots.alignment_map(ds).axes[0]
    zones = zone_patches(ax)
    assert [z.get_label() for z in zones] == labels_of(ds["posture"])


def test_zones_lie_where_sim_metrics_puts_each_posture(ds):
    """Random points of the plane fall in the zone of the posture sim.metrics gives them."""
    zones = zone_patches(plots.alignment_map(ds).axes[0])
    thresholds = plots.thresholds(ds)
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, size=(400, 2))
    codes = posture(points[:, 0], points[:, 1], thresholds)
    for point, code in zip(points, codes, strict=True):
        inside = [k for k, zone in enumerate(zones) if zone.get_path().contains_point(point)]
        assert inside == [code], (point, code, inside)


def test_zones_cover_the_square_exactly():
    bands = [(-1, -0.6), (-0.6, -0.2), (-0.2, 0.2), (0.2, 0.6), (0.6, 1)]
    areas = []
    for low, high in bands:
        s, e = style.zone_polygon(low, high).T
        areas.append(0.5 * abs(np.dot(s, np.roll(e, 1)) - np.dot(e, np.roll(s, 1))))
    assert sum(areas) == pytest.approx(4.0)
    assert areas[0] == pytest.approx(0.32)  # the corner triangle below s + e = -1.2
    assert areas == pytest.approx(areas[::-1])  # mirror symmetry of the poles


def test_map_has_one_point_per_run_at_its_end(ds):
    ax = plots.alignment_map(ds).axes[0]
    clouds = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert set(clouds) == {f"{code}: end of each run" for code in ds["state"].values}
    for code in ds["state"].values:
        offsets = clouds[f"{code}: end of each run"].get_offsets()
        assert offsets.shape == (RUNS, 2)
        end = ds.isel(step=-1).sel(state=code)
        np.testing.assert_allclose(offsets[:, 0], end["security"].values)
        np.testing.assert_allclose(offsets[:, 1], end["economic"].values)


def test_map_median_path_follows_the_runs(ds):
    ax = plots.alignment_map(ds).axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    path = lines["KOR: median path"]
    np.testing.assert_allclose(path.get_xdata(), ds["security"].sel(state="KOR").median("run"))
    np.testing.assert_allclose(path.get_ydata(), ds["economic"].sel(state="KOR").median("run"))
    assert "CHN" in ax.get_xlabel() and "USA" in ax.get_xlabel()


def test_trajectories_grid_median_and_band(ds):
    fig = plots.trajectories(ds)
    axes = np.array(fig.axes).reshape(-1, 3)
    assert axes.shape == (ds.sizes["state"], 3)
    assert "Korea" in axes[0, 0].get_ylabel()  # the focus on the top row
    for col, variable in enumerate(("security", "economic", "autonomy")):
        ax = axes[0, col]
        values = ds[variable].sel(state="KOR")
        (median,) = [line for line in ax.lines if line.get_label() == "median"]
        np.testing.assert_allclose(median.get_ydata(), values.median("run"))
        (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
        top = band.get_paths()[0].vertices[:, 1].max()
        assert top == pytest.approx(float(values.quantile(0.95, "run").max()))
    labels = [t.get_text() for t in axes[0, 0].get_yticklabels()]
    assert labels[0].endswith("CHN") and labels[-1].endswith("USA")


def test_trajectories_mark_the_2030_election(ten_years):
    assert np.datetime64("2030-06-03", "ns") in plots.election_dates(ten_years, "KOR")
    top_left = plots.trajectories(ten_years).axes[0]
    marks = [line for line in top_left.lines if line.get_linestyle() == ":"]
    assert len(marks) == len(plots.election_dates(ten_years, "KOR")) >= 1


def test_posture_shares_stack_to_the_horizon_shares(ds):
    ax = plots.posture_shares(ds).axes[0]
    layers = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert [layer.get_label() for layer in layers] == labels_of(ds["posture"])
    last = mdates.date2num(ds["time"].values[-1])
    tops = []
    for layer in layers:
        vertices = layer.get_paths()[0].vertices
        tops.append(vertices[np.isclose(vertices[:, 0], last), 1].max())
    expected = np.cumsum(list(horizon_shares(ds, "KOR").values()))
    np.testing.assert_allclose(tops, expected)
    assert tops[-1] == pytest.approx(1.0)
    assert "South Korea" in ax.get_title()


def test_save_all_writes_three_pngs(ds, tmp_path):
    written = plots.save_all(ds, tmp_path, dpi=40)
    assert sorted(p.name for p in written.values()) == sorted(plots.FIGURE_FILES.values())
    for path in written.values():
        assert path.read_bytes()[:4] == b"\x89PNG"


def test_codes_are_labelled_by_cf_flags_once(ds):
    """Posture and camp codes carry CF `flag_values`/`flag_meanings`; no JSON copy in attrs."""
    from sim.metrics import labels_of

    assert ds["posture"].attrs["flag_values"] == [0, 1, 2, 3, 4]
    assert labels_of(ds["posture"])[2] == "hedging"
    assert labels_of(ds["government"]) == ["progressive", "conservative"]
    assert not any("labels" in key for key in ds.attrs)
