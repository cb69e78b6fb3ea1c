"""Every analysis command end to end on a tiny budget: it writes its tables and figure and
prints its answer; bad input ends in one line on stderr, status 2 and no results folder.

The commands run in-process through their `main(argv)` (the code path of
`python -m experiments.<command>`), each into a temporary folder; one runs as a real
subprocess to hold the `-m` entry point itself to the same promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from PIL import Image

from experiments import calibrate, discover, forecast, replay, sensitivity
from experiments.calibrate import CALIBRATED_DIR

ROOT = Path(__file__).resolve().parent.parent
QUIET = ["progress=false"]


pytestmark = pytest.mark.usefixtures("restore_logging")  # tests/conftest.py


def run(command, tmp_path: Path, *overrides: str) -> Path:
    folder = tmp_path / "out"
    command.main([*overrides, *QUIET, f"hydra.run.dir={folder}"])
    return folder


def assert_figure(path: Path) -> None:
    with Image.open(path) as image:
        width, height = image.size
        assert width > 400 and height > 300
        assert len(np.unique(np.asarray(image.convert("L")))) > 10  # not a blank canvas


def test_sensitivity_end_to_end(tmp_path, capsys):
    folder = run(
        sensitivity,
        tmp_path,
        "analysis.samples=8",
        "analysis.replicates=1",
        "analysis.resamples=20",
        "analysis.weights=[economic]",
        "scenario.steps=8",
    )
    out = capsys.readouterr().out
    table = pd.read_csv(folder / "indices.csv")
    assert set(table["outcome"]) == {"security", "economic", "hedging"}
    assert set(table["input"]) == {f"pressures.{p}" for p in sensitivity.PRESSURE_KEYS} | {
        "weights.economic"
    }
    assert table[["S1", "ST", "S1_conf", "ST_conf"]].notna().all().all()
    design = xr.open_dataset(folder / "design.nc")
    assert design.sizes["point"] == 8 * (len(sensitivity.PRESSURE_KEYS) + 1 + 2)
    assert_figure(folder / "sensitivity.png")
    assert "Sobol' indices for KOR" in out and "economic:" in out


def test_discover_end_to_end(tmp_path, capsys):
    folder = run(
        discover, tmp_path, "analysis.points=300", "analysis.replicates=1", "scenario.steps=8"
    )
    out = capsys.readouterr().out
    boxes = pd.read_csv(folder / "boxes.csv")
    assert {"CHN-leaning", "hedging", "USA-anchored", "most CHN-ward 10%"} == set(boxes["outcome"])
    tail = boxes[boxes["outcome"] == "most CHN-ward 10%"].iloc[0]
    assert tail["cases"] == 30 and 0 < tail["coverage"] <= 1
    assert_figure(folder / "discovery.png")
    assert "most CHN-ward 10% at the horizon: 30 points" in out and "coverage" in out


def test_calibrate_end_to_end_leaves_conf_alone(tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in CALIBRATED_DIR.iterdir()}
    folder = run(calibrate, tmp_path, "analysis.quick=true", "analysis.save_as=")
    out = capsys.readouterr().out
    summary = pd.read_csv(folder / "posterior_summary.csv")
    configured = yaml.safe_load((ROOT / "conf" / "analysis" / "calibrate.yaml").read_text())[
        "analysis"
    ]
    assert list(summary["key"]) == [p["key"] for p in configured["parameters"]]
    inside = (summary["q05"] >= summary["low"]) & (summary["q95"] <= summary["high"])
    assert inside.all() and (summary["q05"] <= summary["median"]).all()
    posterior = pd.read_csv(folder / "posterior.csv")
    assert list(posterior.columns) == [*summary["key"], "weight"]
    assert posterior["weight"].sum() == pytest.approx(1.0)
    fit = pd.read_csv(folder / "fit_years.csv")
    assert set(fit["observable"]) == {o["name"] for o in configured["observables"]}
    assert fit["year"].max() <= 2014
    assert (folder / "calibrated.yaml").exists() and (folder / "calibrated_history.yaml").exists()
    assert_figure(folder / "calibration.png")
    assert_figure(folder / "pairs.png")
    assert "ABC-SMC" in out and "in-sample RMSE export_orientation" in out and "bound" in out
    assert {p.name: p.read_bytes() for p in CALIBRATED_DIR.iterdir()} == before


def test_replay_end_to_end(tmp_path, capsys):
    folder = run(replay, tmp_path, "runs=4")
    out = capsys.readouterr().out
    years = pd.read_csv(folder / "replay_years.csv")
    export = years[years["observable"] == "export_orientation"]
    assert export["year"].tolist() == list(range(2000, 2026))
    # fit years: the sourced shares; test years: the yearly levels 2015-2024 (issue 12)
    assert export.set_index("year")["observed"].dropna().index.tolist() == [
        2002,
        2005,
        2011,
        2012,
        2013,
        *range(2015, 2025),
    ]
    assert (years["q05"] <= years["median"]).all() and (years["median"] <= years["q95"]).all()
    errors = pd.read_csv(folder / "errors.csv").set_index("observable")
    assert errors.loc["export_orientation", "in_sample_years"] == 5
    assert errors.loc["export_orientation", "out_of_sample_years"] == 10
    assert xr.open_dataset(folder / "dataset.nc").sizes["run"] == 4
    assert_figure(folder / "replay.png")
    assert "calibrated=kor_2000_2014_history" in out and "4 posterior draws" in out
    assert "out of sample" in out


def test_forecast_end_to_end(tmp_path, capsys):
    saved = tmp_path / "forecasts"
    folder = run(forecast, tmp_path, "runs=8", "analysis.draws=4", f"analysis.save_to={saved}")
    out = capsys.readouterr().out
    (written,) = saved.glob("forecast_*.csv")
    text = written.read_text()
    assert text == (folder / "forecast.csv").read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("commit" in line for line in header)
    assert any("seed=" in line and "scenario=lee_2025" in line for line in header)
    assert any("kor_2000_2014_posterior.csv" in line for line in header)
    table = pd.read_csv(written, comment="#")
    assert sorted(set(table["year"])) == [2026, 2027, 2028]
    assert set(table["outcome"]) == {"export_orientation", "defence_spending", "security"}
    ordered = table[["q05", "q25", "median", "q75", "q95"]].to_numpy()
    assert (np.diff(ordered, axis=1) >= 0).all()
    assert "2027" in out


@pytest.mark.parametrize(
    ("command", "argv", "words"),
    [
        (sensitivity, ["analysis.samples=12"], ["analysis.samples", "12", "power of 2"]),
        (discover, ["analysis.pressures=[rivalry,loyalty]"], ["analysis.pressures", "loyalty"]),
        (calibrate, ["analysis.replicates=0"], ["analysis.replicates", "0"]),
        (calibrate, ["analysis.fit_until=2016"], ["analysis.fit_until", "2016"]),
        (forecast, ["analysis.years=[2040]"], ["analysis.years", "2040"]),
        (replay, ["calibrated=kor_1990"], ["calibrated", "kor_1990", "kor_2000_2014"]),
        (replay, ["pressures.rivalry=1.5"], ["pressures.rivalry", "1.5"]),
        (discover, ["-m", "analysis.points=100,5"], ["analysis.points", "5"]),
    ],
)
def test_bad_input_is_one_line_and_leaves_nothing(command, argv, words, tmp_path, capsys):
    folder = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        command.main([*argv, f"hydra.run.dir={folder}", f"hydra.sweep.dir={folder}"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: ")
    for word in words:
        assert word in err
    assert not folder.exists()


@pytest.mark.slow  # a fresh interpreter (imports alone take seconds); the path is covered in-process
def test_the_module_entry_point(tmp_path):
    folder = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.discover",
            "analysis.points=abc",
            f"hydra.run.dir={folder}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "analysis.points" in done.stderr
    assert not folder.exists()


@pytest.mark.slow  # three replays at the README's settings, about 45 s
def test_the_readmes_out_of_sample_errors_are_the_replays(tmp_path):
    """The README's "Fitted to 2000-2014, tested after" paragraph quotes the replay's errors:
    re-derived here from the same commands (Seoul, Tokyo, Canberra), so the paragraph cannot
    go stale unnoticed."""
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    seoul = run(replay, tmp_path / "seoul")
    errors = pd.read_csv(seoul / "errors.csv").set_index("observable")

    def pair(name: str, digits: int) -> str:
        row = errors.loc[name]
        fit = "—" if row["in_sample_years"] == 0 else f"{row['in_sample_rmse']:.{digits}f}"
        return f"{fit} / {row['out_of_sample_rmse']:.{digits}f}"

    quoted = [
        f"export orientation RMSE {pair('export_orientation', 3)}",
        f"defence spending\n{pair('defence_spending', 2)} pp",
        f"US {pair('favourability_usa', 1)} points, of China {pair('favourability_chn', 1)}",
        f"outward-FDI orientation {pair('fdi_orientation', 2)}",
    ]
    years = pd.read_csv(seoul / "replay_years.csv")
    export = years[years["observable"] == "export_orientation"].set_index("year")
    quoted.append(f"ends 2024 at {export.loc[2024, 'median']:+.2f}".replace("-", "−"))
    tokyo = run(replay, tmp_path / "tokyo", "analysis.state=JPN")
    japan = pd.read_csv(tokyo / "errors.csv").set_index("observable").loc["export_orientation"]
    quoted.append(
        f"export orientation {japan['in_sample_rmse']:.2f} / {japan['out_of_sample_rmse']:.2f}"
    )
    quoted += canberra_sentences(run(replay, tmp_path / "canberra", *CANBERRA))
    flat = " ".join(readme.split())
    for text in quoted:
        assert " ".join(text.split()) in flat, text


CANBERRA = ["scenario=history_aus_2005_2025", "calibrated=kor_2000_2014", "analysis.state=AUS"]


def year_runs(years) -> str:
    """2005, 2013, 2016, 2021, 2022, 2023, 2024 -> '2005, 2013, 2016, 2021–2024'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def canberra_sentences(folder: Path) -> list[str]:
    """What the README says of Canberra (never fitted), from its replay: the errors, the
    observations outside the band and on which side, and the turn the median does not make."""
    row = pd.read_csv(folder / "errors.csv").set_index("observable").loc["export_orientation"]
    years = pd.read_csv(folder / "replay_years.csv")
    seen = years[years["observable"] == "export_orientation"].dropna(subset=["observed"])
    seen = seen.set_index("year")
    before, after = seen.index[seen.index <= 2014], seen.index[seen.index > 2014]
    later = seen.iloc[1:]  # after the start, where the observable is anchored
    outside = (later["observed"] < later["q05"]) | (later["observed"] > later["q95"])
    china_side = later["observed"] < later["q05"]
    share = later["median"] / later["observed"]  # how far the median leans, of the observed
    turn = seen["observed"].idxmin()  # the most China-leaning observed year
    last = seen.index.max()

    def signed(x: float) -> str:
        return f"{x:+.2f}".replace("-", "−")

    # the README's words: Canberra turns back toward the US after that year, the median does not
    turns = seen.loc[last, "observed"] > seen.loc[turn, "observed"]
    stays = abs(seen.loc[last, "median"] - seen.loc[turn, "median"]) < 0.05
    assert turns and stays, f"the README says Canberra turns back after {turn}, the median not"
    everything = "all" if outside.all() and china_side.all() else "not all"
    return [
        f"export orientation {row['in_sample_rmse']:.2f} / {row['out_of_sample_rmse']:.2f} "
        f"({year_runs(before)} / {year_runs(after)})",
        f"{everything} {len(later)} observations after {seen.index[0]} lie outside the 5–95% "
        "band, on China's side of it",
        f"leans toward China {share.min():.2f}–{share.max():.2f} as far as Canberra did",
        f"most China-leaning year, {turn} ({signed(seen.loc[turn, 'observed'])}, then "
        f"{signed(seen.loc[last, 'observed'])} in {last}), the median stays put "
        f"({signed(seen.loc[turn, 'median'])}, then {signed(seen.loc[last, 'median'])})",
    ]
