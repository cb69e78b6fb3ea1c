"""Hydra multirun of `experiments.run` (`-m scenario=a,b`) through launcher plugins: joblib
(the plugin's config and hedgesim's `processes`), and submitit in local mode (hedgesim's
`slurm_local`, the dry run of the SLURM launcher). Every job's dataset is the one a direct
`sim.simulate` call gives for its scenario, whichever launcher ran it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

from experiments import compose
from experiments.config import CONF_DIR
from sim import simulate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("lee_2025", "baseline")
RUNS, SEED = 12, 4


def multirun(sweep_dir: Path, launcher: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "experiments.run",
        "-m",
        f"scenario={','.join(SCENARIOS)}",
        f"runs={RUNS}",
        f"seed={SEED}",
        "figures=false",
        "progress=false",
        f"hydra/launcher={launcher}",
        f"hydra.sweep.dir={sweep_dir}",
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def direct() -> dict[str, xr.Dataset]:
    return {
        name: simulate(compose([f"scenario={name}"]), runs=RUNS, seed=SEED) for name in SCENARIOS
    }


def check_jobs(sweep_dir: Path, direct: dict[str, xr.Dataset]) -> None:
    for number, name in enumerate(SCENARIOS):
        job = sweep_dir / f"{number}_{name}"
        with xr.open_dataset(job / "dataset.nc", engine="h5netcdf") as ds:
            assert ds.attrs["scenario"] == name
            for variable in ("security", "economic", "autonomy", "posture"):
                xr.testing.assert_equal(ds[variable].load(), direct[name][variable])


@pytest.mark.parametrize("launcher", ["joblib", pytest.param("processes", marks=pytest.mark.slow)])
def test_joblib_multirun_runs_every_scenario(tmp_path, direct, launcher):
    result = multirun(tmp_path / "sweep", launcher)
    assert result.returncode == 0, result.stderr
    assert "Joblib.Parallel" in result.stderr + result.stdout  # the plugin did launch the jobs
    check_jobs(tmp_path / "sweep", direct)


def test_submitit_local_multirun_runs_every_scenario(tmp_path, direct):
    result = multirun(tmp_path / "sweep", "slurm_local")
    assert result.returncode == 0, result.stderr
    submitted = list((tmp_path / "sweep" / ".submitit").glob("*/*_result.pkl"))
    assert len(submitted) == len(SCENARIOS)  # each job went through submitit
    check_jobs(tmp_path / "sweep", direct)


def launcher_config(name: str, *overrides: str):
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
            cfg = hydra_compose(
                config_name="config",
                overrides=[f"hydra/launcher={name}", *overrides],
                return_hydra_config=True,
            )
            return cfg.hydra.launcher
    finally:
        GlobalHydra.instance().clear()


def test_slurm_launcher_config_targets_slurm_with_site_overrides():
    launcher = launcher_config(
        "slurm", "hydra.launcher.partition=short", "hydra.launcher.account=kor"
    )
    assert launcher._target_.endswith("SlurmLauncher")
    assert (launcher.partition, launcher.account, launcher.cpus_per_task) == ("short", "kor", 1)
    assert launcher.max_num_timeout == 0  # runs do not checkpoint: no silent resubmission


def test_processes_launcher_takes_its_job_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("HEDGESIM_JOBS", "3")
    assert launcher_config("processes").n_jobs == 3
    monkeypatch.delenv("HEDGESIM_JOBS")
    assert launcher_config("processes").n_jobs == -1
