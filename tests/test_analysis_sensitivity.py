"""Global sensitivity: the Sobol' pipeline against the Ishigami function's analytic indices,
the design's invariance to chunking, and the command's settings."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from SALib.test_functions import Ishigami

from experiments.analysis.command import compose_analysis, keys_in_schedule
from experiments.analysis.design import run_design
from experiments.analysis.sobol import problem, sobol_indices
from experiments.config import ConfigError
from experiments.sensitivity import SensitivitySettings, inputs, noise_share


def ishigami_exact(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total indices of f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3."""
    variance = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    first = np.array([v1, v2, 0.0]) / variance
    total = np.array([v1 + v13, v2, v13]) / variance
    return first, total


def test_ishigami_indices_match_the_analytic_values():
    space = problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)
    indices = sobol_indices(space, Ishigami.evaluate, 2**12, seed=3)
    first, total = ishigami_exact()
    s1 = indices["S1"].sel(outcome="y").values
    st = indices["ST"].sel(outcome="y").values
    np.testing.assert_allclose(s1, first, atol=0.03)
    np.testing.assert_allclose(st, total, atol=0.03)
    # The bootstrap intervals are honest: each analytic value lies within 3 half-widths.
    assert np.all(np.abs(s1 - first) <= 3 * indices["S1_conf"].sel(outcome="y").values + 1e-3)
    assert np.all(np.abs(st - total) <= 3 * indices["ST_conf"].sel(outcome="y").values + 1e-3)


def test_several_outcomes_are_analysed_apart():
    """Outcome columns keep their identity: x2 drives only the second one."""
    space = problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)
    evaluate = lambda x: np.stack([np.sin(x[:, 0]), np.sin(x[:, 1]) ** 2], axis=1)  # noqa: E731
    indices = sobol_indices(space, evaluate, 2**10, outcomes=("first", "second"), seed=1)
    assert indices["ST"].sel(outcome="first", input="x1") > 0.95
    assert indices["ST"].sel(outcome="second", input="x2") > 0.95
    assert abs(float(indices["ST"].sel(outcome="first", input="x2"))) < 0.05


def test_a_design_does_not_depend_on_its_chunking(default_params):
    keys = ["pressures.rivalry", "weights.economic"]
    points = np.array([[0.1, 0.5], [0.9, 1.5], [0.5, 1.0]])
    whole = run_design(default_params, keys, points, replicates=3, seed=4, steps=6)
    chunked = run_design(default_params, keys, points, replicates=3, seed=4, steps=6, chunk_runs=3)
    np.testing.assert_array_equal(whole["security"].values, chunked["security"].values)
    np.testing.assert_array_equal(whole["economic"].values, chunked["economic"].values)
    # Replicates differ (their own runs), points differ (their own values).
    assert not np.allclose(whole["economic"].values[0, 0], whole["economic"].values[0, 1])


def test_weights_vary_around_their_configured_values():
    config = compose_analysis(
        "sensitivity",
        SensitivitySettings,
        ["weights.economic=2.0", "analysis.weight_range=[0.5,2]"],
    )
    keys, bounds = inputs(config, config.analysis)
    assert bounds[keys.index("weights.economic")] == (1.0, 4.0)
    assert bounds[keys.index("pressures.rivalry")] == (0.0, 1.0)


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("analysis.samples=100", ["analysis.samples", "100", "power of 2"]),
        ("analysis.outcomes=[secrity]", ["analysis.outcomes", "secrity"]),
        ("analysis.weights=[loyalty]", ["analysis.weights", "loyalty"]),
        ("analysis.weight_range=[2,1]", ["analysis.weight_range", "low < high"]),
        ("analysis.replicates=0", ["analysis.replicates", "0"]),
        ("analysis.sample=8", ["analysis.sample", "unknown key"]),
    ],
)
def test_bad_settings_are_one_line(override, words):
    with pytest.raises(ConfigError) as error:
        compose_analysis("sensitivity", SensitivitySettings, [override])
    text = str(error.value)
    assert "\n" not in text
    for word in words:
        assert word in text


def test_noise_share_tells_pure_noise_from_signal():
    rng = np.random.default_rng(0)
    dims = ("point", "replicate")
    noise_only = xr.DataArray(rng.normal(size=(400, 8)), dims=dims)
    signal = xr.DataArray(np.linspace(-5, 5, 400)[:, None] + rng.normal(size=(400, 8)), dims=dims)
    assert noise_share(noise_only) == pytest.approx(1.0, abs=0.2)
    assert noise_share(signal) < 0.05
    assert np.isnan(noise_share(noise_only.isel(replicate=[0])))


def test_a_scheduled_pressure_is_flagged():
    """thaad_2016 schedules dprk_threat from mid-2016: a sampled value holds only until then."""
    config = compose_analysis("sensitivity", SensitivitySettings, ["scenario=thaad_2016"])
    notes = keys_in_schedule(config, [f"pressures.{p}" for p in config.analysis.pressures])
    assert notes == ["pressures.dprk_threat is scheduled by scenario thaad_2016 from 2016-07-01"]
    assert (
        keys_in_schedule(
            compose_analysis("sensitivity", SensitivitySettings, []), ["pressures.rivalry"]
        )
        == []
    )
