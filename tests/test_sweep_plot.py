"""Figures from a sweep store: the phase table counts the runs of each cell right, and
`python -m experiments.plot` draws both figures, refuses bad options in one line and an
unfinished store unless asked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr

from experiments import plot
from experiments import sweep as cli
from experiments.plots.phase import phase_table
from sim.metrics import flags

LABELS = ["CHN-anchored", "CHN-leaning", "hedging", "USA-leaning", "USA-anchored"]


def synthetic(design: str) -> xr.Dataset:
    """Six runs over two parameters with known postures, as a store lays them out."""
    params = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    codes = np.array([2, 2, 4, 3, 0, 4])
    ident = {
        "sweep": {
            "parameters": [
                {"name": "a", "low": 0.0, "high": 1.0},
                {"name": "b", "low": 0.0, "high": 1.0},
            ]
        }
    }
    ds = xr.Dataset(
        {
            "parameters": (("run", "parameter"), params),
            "design": (("point", "parameter"), np.unique(params, axis=0)),
            "posture_final": (
                ("run", "state"),
                codes[:, None].astype(np.int8),
                flags(LABELS),
            ),
            "security_final": (
                ("run", "state"),
                np.array([[0.0], [0.2], [1.0], [0.5], [-1.0], [1.0]]),
            ),
            "economic_final": (
                ("run", "state"),
                np.array([[0.0], [0.0], [0.6], [0.1], [-0.8], [0.4]]),
            ),
        },
        coords={"run": np.arange(6), "parameter": ["a", "b"], "state": ["KOR"]},
        attrs={"design": design, "focus": "KOR", "hedgesim_sweep": json.dumps(ident)},
    )
    return ds


@pytest.mark.parametrize("design", ["grid", "lhs"])
def test_phase_table_counts_each_cell(design):
    table = phase_table(synthetic(design), ["b", "a"], bins=2)
    np.testing.assert_array_equal(table["runs"].values, [[2, 1], [1, 2]])  # rows b, columns a
    np.testing.assert_array_equal(
        table["share"].sel(b=table["b"][0], a=table["a"][0]).values, [0, 0, 1, 0, 0]
    )
    np.testing.assert_array_equal(table["share"].isel(b=1, a=1).values, [0.5, 0, 0, 0, 0.5])
    np.testing.assert_array_equal(table["modal"].values, [[2, 3], [4, 0]])  # ties: the lower code
    np.testing.assert_allclose(table["alignment"].values, [[0.05, 0.3], [0.8, -0.1]])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plot") / "grid.zarr"
    assert (
        cli.main(
            [
                "sweep=rivalry_threat_grid",
                "sweep.parameters.rivalry.levels=3",
                "sweep.parameters.dprk_threat.levels=3",
                "sweep.replicates=2",
                "sweep.chunk_runs=6",
                "scenario.steps=8",
                "progress=false",
                f"sweep.store={path}",
            ]
        )
        == 0
    )
    return path


def test_plot_draws_phase_and_outcomes(tmp_path, store, capsys):
    assert plot.main([f"store={store}", f"out={tmp_path}"]) == 0
    for name in ("phase_rivalry_dprk_threat.png", "outcomes.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        plot.main(
            [
                f"store={store}",
                "x=dprk_threat",
                f"phase={tmp_path / 'one.png'}",
                f"outcomes={tmp_path / 'o.png'}",
                "state=JPN",
            ]
        )
        == 0
    )
    assert (tmp_path / "one.png").exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x=taiwan_risk"], ["x", "taiwan_risk", "rivalry"]),
        (["state=PRK"], ["state", "PRK", "KOR"]),
        (["bins=zero"], ["bins", "zero"]),
        (["colour=red"], ["colour", "unknown key", "store"]),
        (["y=rivalry"], ["y", "rivalry", "differ"]),
    ],
)
def test_bad_plot_option_is_one_line_and_writes_nothing(tmp_path, store, capsys, argv, words):
    assert plot.main([f"store={store}", f"out={tmp_path / 'figs'}", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    for word in words:
        assert word in err, err
    assert not (tmp_path / "figs").exists()


def test_unfinished_store_is_drawn_only_with_partial(tmp_path, store, capsys):
    import shutil

    half = tmp_path / "half.zarr"
    shutil.copytree(store, half)
    zarr.open_group(half, mode="r+")["chunk_digest"][0] = 0
    assert plot.main([f"store={half}", f"out={tmp_path}"]) == 2
    assert "unfinished sweep (2 of 3 chunks)" in capsys.readouterr().err
    assert plot.main([f"store={half}", f"out={tmp_path}", "partial=true"]) == 0
