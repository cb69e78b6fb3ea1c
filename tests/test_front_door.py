"""The one front door: `hedgesim COMMAND` (= `python -m experiments COMMAND`) dispatches to
the same `main` as `python -m experiments.<command>`; `hedgesim export` turns a results
folder, a multirun folder or a sweep store into one flat table."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from experiments import cli, export, run
from experiments import sweep as sweep_command
from sim.metrics import labels_of

ROOT = Path(__file__).resolve().parent.parent
QUICK = ["runs=6", "scenario.steps=4", "progress=false", "figures=false"]


pytestmark = pytest.mark.usefixtures("restore_logging")  # tests/conftest.py


# ----------------------------------------------------------------------------- the dispatcher
def test_help_lists_every_command_in_one_line_each(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        (line,) = [x for x in out.splitlines() if x.split() and x.split()[0] == name]
        assert len(line.split()) > 2  # the name and what it does
    assert set(cli.COMMANDS) == {
        "run", "sweep", "plot", "sensitivity", "discover", "calibrate", "replay", "forecast", "demo", "export"
    }  # fmt: skip


def test_unknown_command_is_one_line_and_status_2(capsys):
    assert cli.main(["frobnicate", "runs=5"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("error: ") and "frobnicate" in err and "run" in err


def test_every_command_is_a_module_with_main():
    for name in cli.COMMANDS:
        assert callable(importlib.import_module(f"experiments.{name}").main)


def test_the_console_script_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["hedgesim"] == "experiments.cli:main"


def test_a_subcommand_refuses_bad_input_like_its_module(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "pressures.rivalry=1.5", f"hydra.run.dir={out}"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "pressures.rivalry" in err and "1.5" in err
    assert not out.exists()


def command(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_hedgesim_run_is_python_m_experiments_run(tmp_path):
    front = command(["experiments", "run", *QUICK, "hydra.run.dir=front"], tmp_path)
    module = command(["experiments.run", *QUICK, "hydra.run.dir=module"], tmp_path)
    assert front.returncode == 0 and module.returncode == 0, front.stderr + module.stderr
    assert front.stdout.replace("front/", "") == module.stdout.replace("module/", "")
    with (
        xr.open_dataset(tmp_path / "front" / "dataset.nc") as a,
        xr.open_dataset(tmp_path / "module" / "dataset.nc") as b,
    ):
        xr.testing.assert_identical(a.load(), b.load())


# ----------------------------------------------------------------------------- logging
def test_messages_reach_the_terminal_and_the_job_log(tmp_path, capsys):
    folder = tmp_path / "out"
    run.main([*QUICK, f"hydra.run.dir={folder}"])
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"wrote {folder}/"  # the bare line, as before
    log = (folder / "run.log").read_text()
    assert f"wrote {folder}/" in log and "share of 6 runs" in log


# ----------------------------------------------------------------------------- export
@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export") / "single"
    assert (
        command(["experiments.run", *QUICK, "seed=5", f"hydra.run.dir={folder}"], ROOT).returncode
        == 0
    )
    return folder


def test_export_of_a_results_folder_is_one_row_per_run(results, tmp_path):
    assert export.main([f"source={results}", f"out={tmp_path / 't.csv'}"]) == 0
    table = pd.read_csv(tmp_path / "t.csv")
    with xr.open_dataset(results / "dataset.nc") as ds:
        last = ds.isel(step=-1).load()
        labels = np.array(labels_of(ds["posture"]))
    assert len(table) == last.sizes["run"] == 6
    assert (table["scenario"] == "lee_2025").all() and (table["seed"] == 5).all()
    assert table["runs"].eq(6).all()  # an override of the command line is a column
    for state in last["state"].values:
        for name in ("security", "economic", "autonomy", "hedging"):
            np.testing.assert_allclose(table[f"{name}_{state}"], last[name].sel(state=state))
        codes = last["posture"].sel(state=state).values.astype(int)
        assert list(table[f"posture_{state}"]) == list(labels[codes])


def test_parquet_holds_the_same_table_as_csv(results, tmp_path):
    assert export.main([f"source={results}", f"out={tmp_path / 't.csv'}"]) == 0
    assert (
        export.main([f"source={results}", "format=parquet", f"out={tmp_path / 't.parquet'}"]) == 0
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "t.parquet"), pd.read_csv(tmp_path / "t.csv"), check_dtype=False
    )


def test_export_of_a_sweep_store_has_the_swept_values(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # sweep and export leave nothing but their outputs here
    store = tmp_path / "grid.zarr"
    assert (
        sweep_command.main(
            [
                "sweep=rivalry_threat_grid",
                "sweep.parameters.rivalry.levels=3",
                "sweep.parameters.dprk_threat.levels=2",
                "sweep.replicates=2",
                "scenario.steps=4",
                "progress=false",
                f"sweep.store={store}",
            ]
        )
        == 0
    )
    assert export.main([f"source={store}"]) == 0
    assert sorted(os.listdir(tmp_path)) == ["grid.zarr", "grid_runs.csv"]  # no log, no .hydra
    table = pd.read_csv(tmp_path / "grid_runs.csv")
    assert len(table) == 12
    assert sorted(set(table["rivalry"])) == [0.0, 0.5, 1.0]
    assert sorted(set(table["dprk_threat"])) == [0.0, 1.0]
    assert table.groupby(["rivalry", "dprk_threat"]).size().eq(2).all()  # 2 replicates a point
    assert set(table["posture_KOR"]) <= {
        "CHN-anchored", "CHN-leaning", "hedging", "USA-leaning", "USA-anchored"
    }  # fmt: skip


def test_a_multirun_is_gathered_into_one_table_and_one_figure(tmp_path):
    sweep_dir = tmp_path / "multi"
    run.main(["-m", "scenario=baseline,lee_2025", *QUICK, f"hydra.sweep.dir={sweep_dir}"])
    assert export.main([f"source={sweep_dir}"]) == 0
    table = pd.read_csv(sweep_dir / "runs.csv")
    assert list(table.groupby("job", sort=False).size().items()) == [
        ("0_baseline", 6),
        ("1_lee_2025", 6),
    ]
    assert list(table.drop_duplicates("job")["scenario"]) == ["baseline", "lee_2025"]
    png = (sweep_dir / "comparison.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["source=nowhere"], ["source", "nowhere", "no such"]),
        (["format=xlsx"], ["format", "xlsx", "csv", "parquet"]),
        ([], ["source", "issing"]),
    ],
)
def test_bad_export_is_one_line_and_writes_nothing(tmp_path, capsys, argv, words, results):
    before = sorted(os.listdir(results))
    full = argv if argv[:1] and argv[0].startswith("source") else [*argv]
    if argv and argv[0].startswith("format"):
        full = [f"source={results}", *argv]
    assert export.main(full) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("error: ")
    for word in words:
        assert word in err, err
    assert sorted(os.listdir(results)) == before


BLOCK_MODULE = """
import sys
class Absent:
    # what an install without the extra looks like to importlib: the module is not there
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == {module!r}:
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, Absent())
from experiments.cli import main
sys.exit(main({argv!r}))
"""


@pytest.mark.parametrize(
    ("argv", "module", "extra"),
    [
        (["sweep", "sweep=rivalry_threat_grid"], "zarr", "sweep"),
        (["sensitivity"], "ema_workbench", "analysis"),
        (["discover"], "SALib", "analysis"),
        (["demo"], "solara", "viz"),
    ],
)
def test_a_command_without_its_extra_says_what_to_install(argv, module, extra, tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_MODULE.format(module=module, argv=argv)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: this needs the {extra} extra ({module} not installed): pip install 'hedgesim[{extra}]'"
    ]
    assert list(tmp_path.iterdir()) == []
