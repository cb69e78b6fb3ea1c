"""Calibration: it recovers known parameters from data simulated with them, writes configs
that compose, and refuses bad settings with one line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments import compose
from experiments.analysis.command import compose_analysis
from experiments.analysis.fit import FitResult, fit, simulated_orientation, steps_until
from experiments.calibrate import CALIBRATED_DIR, CalibrationSettings, calibrated_configs
from experiments.config import ConfigError

KEYS = ["weights.economic", "decision.economic_stickiness"]
TRUTH = np.array([2.0, 4.0])
YEARS = list(range(2000, 2015))


@pytest.fixture(scope="module")
def history():
    return compose(["scenario=history_2000_2025"])


def test_calibration_recovers_the_parameters_that_made_the_data(history):
    """Synthetic 'observations': the model's yearly economic alignment 2000-2014 with known
    weights (other run numbers than the fit uses). A small search finds them again."""
    synthetic = simulated_orientation(history, KEYS, TRUTH[None], YEARS, replicates=64, seed=11)[0]
    observed = pd.Series(synthetic, index=YEARS)
    result = fit(
        history,
        KEYS,
        [(0.5, 4.0), (1.0, 12.0)],
        observed,
        replicates=64,
        popsize=6,
        generations=10,
        seed=3,
    )
    np.testing.assert_allclose(result.values, TRUTH, rtol=0.2)
    assert result.rmse < 0.02
    # The fit is not the starting point: the search moved to the truth from a wide box.
    far = simulated_orientation(
        history, KEYS, np.array([[0.5, 12.0]]), YEARS, replicates=64, seed=3
    )[0]
    assert np.sqrt(np.mean((far - synthetic) ** 2)) > 5 * result.rmse


def test_a_fit_stops_simulating_after_the_last_year(history):
    assert steps_until(history, 2014) == 60  # 1 January 2015 closes 2014
    assert steps_until(history, 2030) == history.scenario.steps


def test_configs_split_behaviour_from_the_period(history):
    config = compose_analysis("calibrate", CalibrationSettings, ["analysis.save_as=test_fit"])
    result = FitResult(
        keys=[
            "weights.economic",
            "decision.economic_stickiness",
            "world.middle_powers.KOR.economic",
        ],
        values=np.array([3.25, 7.5, 0.3]),
        sse=0.01,
        rmse=0.05,
        generations=2,
        evaluations=10,
        converged=False,
    )
    texts = calibrated_configs(config, result, 0.05)
    general, period = (
        yaml.safe_load(texts["test_fit.yaml"]),
        yaml.safe_load(texts["test_fit_history.yaml"]),
    )
    assert general == {"weights": {"economic": 3.25}, "decision": {"economic_stickiness": 7.5}}
    assert period == {
        "defaults": ["test_fit", "_self_"],
        "world": {"middle_powers": {"KOR": {"economic": 0.3}}},
    }
    assert all(text.startswith("# @package _global_\n") for text in texts.values())


def test_the_shipped_calibration_composes_with_any_scenario():
    general = yaml.safe_load((CALIBRATED_DIR / "kor_2000_2014.yaml").read_text())
    period = yaml.safe_load((CALIBRATED_DIR / "kor_2000_2014_history.yaml").read_text())
    lee = compose(["+calibrated=kor_2000_2014"])
    for section, values in general.items():
        for key, value in values.items():
            assert getattr(getattr(lee, section), key) == pytest.approx(value)
    assert (
        lee.world.middle_powers["KOR"].economic == compose([]).world.middle_powers["KOR"].economic
    )
    replay = compose(["scenario=history_2000_2025", "+calibrated=kor_2000_2014_history"])
    assert replay.world.middle_powers["KOR"].economic == pytest.approx(
        period["world"]["middle_powers"]["KOR"]["economic"]
    )
    assert replay.weights.economic == pytest.approx(general["weights"]["economic"])


@pytest.mark.parametrize(
    ("override", "words"),
    [
        (
            "analysis.parameters=[{key: weights.loyalty, low: 0, high: 1}]",
            ["weights.loyalty", "no such"],
        ),
        (
            "analysis.parameters=[{key: weights.economic, low: 2, high: 1}]",
            ["analysis.parameters[0]", "low must be below high"],
        ),
        (
            "analysis.parameters=[{key: pressures.rivalry, low: 0, high: 2}]",
            ["pressures.rivalry", "[0.0, 1.0]"],
        ),
        (
            "analysis.parameters=[{key: scenario.name, low: 0, high: 1}]",
            ["scenario.name", "not a numeric"],
        ),
        ("analysis.parameters=[]", ["analysis.parameters", "at least one"]),
        ("analysis.fit_from=2020", ["analysis.fit_from", "2020"]),
        ("scenario=lee_2025", ["lee_2025", "2000-2014"]),
        ("analysis.save_as=../x", ["analysis.save_as", "../x"]),
    ],
)
def test_bad_settings_are_one_line(override, words):
    with pytest.raises(ConfigError) as error:
        compose_analysis("calibrate", CalibrationSettings, [override])
    text = str(error.value)
    assert "\n" not in text
    for word in words:
        assert word in text
