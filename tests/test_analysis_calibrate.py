"""Calibration (ABC-SMC): it recovers known parameters from data simulated with them, with an
uncertainty that covers them; it never reads a test year; it writes configs that compose and
reports a parameter pinned at a bound; it refuses bad settings with one line."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments import compose
from experiments.analysis.abcsmc import (
    Posterior,
    Prior,
    Target,
    run_abc,
    simulate_observables,
    steps_until,
    summary,
)
from experiments.analysis.command import compose_analysis
from experiments.analysis.observed import (
    FIT_UNTIL,
    OBSERVABLES,
    TestYearError,
    fit_series,
    held_out_series,
    read_table,
)
from experiments.calibrate import (
    CALIBRATED_DIR,
    POSTERIOR_SUFFIX,
    CalibrationSettings,
    calibrate,
    calibrated_configs,
    identifiability_lines,
)
from experiments.config import ConfigError
from experiments.resources import DATA_DIR
from sim.errors import HedgesimError

KEYS = ["weights.economic", "decision.economic_stickiness"]
TRUTH = np.array([2.0, 4.0])
YEARS = list(range(2000, 2015))


@pytest.fixture(scope="module")
def history():
    return compose(["scenario=history_2000_2025"])


@pytest.mark.slow  # 1.5 min of CPU on one core
def test_calibration_recovers_the_parameters_that_made_the_data(history, tmp_path):
    """Synthetic 'observations': the model's yearly export orientation 2000-2014 with known
    weights (other run numbers than the fit uses). A small ABC-SMC puts the truth inside its
    90% interval on both parameters, and the posterior is much narrower than the prior on at
    least one (a sample of the prior itself gives ~1)."""
    synthetic = simulate_observables(
        history,
        KEYS,
        TRUTH,
        ["export_orientation"],
        {"export_orientation": YEARS},
        replicates=64,
        seed=11,
    )["export_orientation"]
    priors = [Prior(KEYS[0], 0.5, 4.0), Prior(KEYS[1], 1.0, 12.0)]
    posterior = run_abc(
        history,
        priors,
        [Target("export_orientation", pd.Series(synthetic, index=YEARS), 1.0, 0.05)],
        replicates=16,
        population=60,
        generations=5,
        simulations=1200,
        min_epsilon=0.0,
        sampler="single",
        workers=1,
        seed=3,
        database=tmp_path / "abc.db",
    )
    table = summary(posterior, priors).set_index("key")
    for key, truth in zip(KEYS, TRUTH, strict=True):
        assert table.loc[key, "q05"] <= truth <= table.loc[key, "q95"], table
    # The data narrow the prior, but not on both parameters: with the stickiness free, the
    # export orientation alone barely identifies the economic weight. Measured with this seed
    # (seeded since the one-core calibration is reproducible): 90% interval widths 0.97
    # (weights.economic) and 0.19 (stickiness) of the prior's; unseeded runs gave 0.38-0.80.
    assert table["width_ratio"].min() < 0.5, table


def test_a_one_core_calibration_is_reproducible_from_its_seed(history, tmp_path):
    """The same seed and settings give the same posterior, particle for particle (pyabc's
    proposals come from NumPy's global generator, which a one-core calibration seeds)."""

    def calibrate(folder: str):
        (tmp_path / folder).mkdir()
        return run_abc(
            history,
            [Prior(KEYS[0], 0.5, 4.0), Prior(KEYS[1], 1.0, 12.0)],
            [Target("export_orientation", pd.Series(np.zeros(len(YEARS)), index=YEARS), 1.0, 0.05)],
            replicates=2,
            population=6,
            generations=2,
            simulations=60,
            min_epsilon=0.0,
            sampler="single",
            workers=1,
            seed=5,
            database=tmp_path / folder / "abc.db",
        )

    first, second = calibrate("a"), calibrate("b")
    pd.testing.assert_frame_equal(first.particles, second.particles)
    np.testing.assert_array_equal(first.weights, second.weights)


class OpenedFiles:
    """Records the files opened while `active` (an audit hook cannot be removed: it stays
    installed for the rest of the process, idle)."""

    def __init__(self):
        self.active = False
        self.paths: list[str] = []
        sys.addaudithook(self.hook)

    def hook(self, event, args):
        if self.active and event == "open" and isinstance(args[0], (str, bytes)):
            self.paths.append(str(args[0] if isinstance(args[0], str) else args[0].decode()))


def test_the_calibration_path_reads_no_test_year(tmp_path):
    """A whole (quick) calibration under an audit hook: no data file it opens is a test-period
    file (`*_2015_2025.csv`, `*_2015_2024.csv` ...) or holds a row after 2014, and every observed series handed to the distance stops
    at fit_until."""
    opened = OpenedFiles()
    opened.active = True
    try:
        config = compose_analysis(
            "calibrate", CalibrationSettings, ["analysis.quick=true", "analysis.save_as="]
        )
        posterior, targets = calibrate(config, tmp_path / "abc.db")
    finally:
        opened.active = False
    data = [p for p in opened.paths if str(Path(p).resolve()).startswith(str(DATA_DIR))]
    assert data, "the calibration read no data file at all"
    for path in data:
        period = re.search(r"_(\d{4})_(\d{4})\.csv$", path)
        assert period is None or int(period.group(1)) <= FIT_UNTIL, path  # a test-period file
        if path.endswith(".csv"):
            years = read_table(path)["year"]
            assert years.max() <= FIT_UNTIL, path
    assert {t.name for t in targets} == {o.name for o in config.analysis.observables}
    for target in targets:
        assert not target.observed.empty
        assert target.observed.index.max() <= config.analysis.fit_until
    assert len(posterior.particles) == 8  # the quick budget's population


def test_the_loader_refuses_a_test_year_with_one_line():
    with pytest.raises(TestYearError) as error:
        fit_series("export_orientation", 2000, 2016)
    assert isinstance(error.value, HedgesimError)
    text = str(error.value)
    assert "\n" not in text and "2016" in text and str(FIT_UNTIL) in text
    with pytest.raises(ConfigError) as error:
        compose_analysis("calibrate", CalibrationSettings, ["analysis.fit_until=2015"])
    assert "analysis.fit_until = 2015" in str(error.value) and "\n" not in str(error.value)


def test_every_observable_has_fit_and_test_years_apart():
    fitted = 0
    for name in OBSERVABLES:
        fit, test = fit_series(name, 1900, FIT_UNTIL), held_out_series(name)
        assert fit.empty or fit.index.max() <= FIT_UNTIL  # FDI: no fit year has both shares
        assert test.empty or test.index.min() > FIT_UNTIL
        fitted += not fit.empty
    assert fitted >= 4


def test_a_fit_stops_simulating_after_the_last_year(history):
    assert steps_until(history, 2014) == 60  # 1 January 2015 closes 2014
    assert steps_until(history, 2030) == history.scenario.steps


def test_a_parameter_pinned_at_a_bound_is_reported():
    rng = np.random.default_rng(0)
    particles = pd.DataFrame(
        {"weights.domestic": rng.uniform(0.0, 0.02, 50), "weights.economic": rng.uniform(2, 4, 50)}
    )
    posterior = Posterior(particles, np.full(50, 1 / 50), 3, 300, [3.0, 2.0, 1.0])
    priors = [Prior("weights.domestic", 0.0, 1.5), Prior("weights.economic", 0.2, 6.0)]
    table = summary(posterior, priors).set_index("key")
    assert table.loc["weights.domestic", "pinned"] == "low"
    assert table.loc["weights.economic", "pinned"] == ""
    assert table.loc["weights.economic", "width_ratio"] == pytest.approx(1.8 / (0.9 * 5.8), rel=0.1)
    lines = "\n".join(identifiability_lines(table.reset_index()))
    assert "weights.domestic (low)" in lines and "PINNED AT ITS LOW BOUND" in lines


def test_configs_split_behaviour_from_the_period():
    config = compose_analysis("calibrate", CalibrationSettings, ["analysis.save_as=test_fit"])
    keys = ["weights.economic", "decision.economic_stickiness", "world.middle_powers.KOR.economic"]
    texts = calibrated_configs(config, keys, [3.25, 7.5, 0.3], "# provenance\n")
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


def test_the_shipped_posterior_matches_its_config():
    """The committed posterior's weighted medians are the committed config's values."""
    from experiments.analysis.abcsmc import weighted_quantiles

    table = pd.read_csv(CALIBRATED_DIR / f"kor_2000_2014{POSTERIOR_SUFFIX}")
    weights = table.pop("weight").to_numpy()
    assert weights.sum() == pytest.approx(1.0, abs=1e-4)
    general = yaml.safe_load((CALIBRATED_DIR / "kor_2000_2014.yaml").read_text())
    for section, values in general.items():
        for key, value in values.items():
            median = weighted_quantiles(table[f"{section}.{key}"].to_numpy(), weights, [0.5])[0]
            assert median == pytest.approx(value, abs=1e-3)


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
        ("analysis.observables=[{name: gdp}]", ["analysis.observables[0].name", "gdp"]),
        ("analysis.observables=[]", ["analysis.observables", "at least one"]),
        ("analysis.sampler=threads", ["analysis.sampler", "threads", "dask"]),
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
