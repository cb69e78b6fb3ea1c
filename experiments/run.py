"""`python -m experiments.run [hydra overrides]`: one experiment, from config to figures.

    python -m experiments.run                               # lee_2025, 1,000 runs
    python -m experiments.run scenario=thaad_2016 runs=200 seed=3
    python -m experiments.run -m scenario=baseline,lee_2025  # Hydra multirun

Writes results/<name>/<time>/: the resolved config (Hydra's .hydra/ and config.yaml),
dataset.nc, summary.json and three PNG figures; prints where, and the focus state's posture
shares at the horizon.

Bad input never reaches Hydra: the overrides are composed and validated first (every
combination of a multirun sweep), so a broken config ends with one line on stderr, exit
status 2 and no results folder. A failure inside the job removes the job's new folder.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from experiments.command import (
    FULL_CHECK_JOBS,
    HydraCommand,
    JobError,
    check_folder_name,
    guarded_job_folder,
    log,
    shown,
)
from experiments.config import Config, params_of, to_params

DATASET_FILE = "dataset.nc"
SUMMARY_FILE = "summary.json"
CONFIG_FILE = "config.yaml"


def checked(cfg: DictConfig) -> Config:
    """The validated config of a run, its name a plain folder name and its size within the
    machine's memory: all refused before Hydra makes a folder."""
    from sim.checks import check_memory, trajectory_bytes

    config = to_params(cfg)
    check_folder_name("name", config.name)
    check_memory(
        "runs",
        config.runs,
        trajectory_bytes(params_of(config), config.runs),
        "run fewer, or run a sweep (hedgesim sweep), which computes sweep.chunk_runs runs "
        "at a time and writes each chunk to a store",
    )
    return config


COMMAND = HydraCommand(config_name="config", validate=checked)
check_argv = COMMAND.check_argv
__all__ = ["FULL_CHECK_JOBS", "check_argv", "job", "launch", "main", "simulate"]


# ----------------------------------------------------------------------------- the job
def simulate(config: Config):
    """The Dataset of the configured experiment, from the chosen engine."""
    params = params_of(config)
    if config.engine == "mesa":
        logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every model at INFO
        try:
            from agents import simulate as mesa_simulate
        except ImportError as error:
            raise JobError(f"engine = 'mesa': the Mesa layer is not available ({error})") from None
        accepts_progress = "progress" in inspect.signature(mesa_simulate).parameters
        kwargs = {"progress": config.progress} if accepts_progress else {}
        return mesa_simulate(params, config.runs, config.seed, **kwargs)
    import numpy as np

    import sim

    with np.errstate(all="ignore"):  # an overflow is reported from the outputs (sim.checks)
        return sim.simulate(params, config.runs, config.seed, progress=config.progress)


def write_results(ds, config: Config, cfg: DictConfig, folder: Path) -> dict[str, Any]:
    """Everything a run leaves behind, in `folder`; returns the summary."""
    from experiments.outputs.summary import summarise, write
    from experiments.plots import figures as plots

    (folder / CONFIG_FILE).write_text(OmegaConf.to_yaml(cfg, resolve=True))
    # zlib level 4: a third of the size and, on this data, faster than writing it raw.
    encoding = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars}
    # Built in memory, then written as plain bytes: HDF5 writing straight onto a full disk
    # can crash the process (exit 139); a plain write fails with an OSError, one line.
    # Copied out of xarray's buffer (a memoryview of a BytesIO): a failed write's traceback
    # would otherwise keep the view alive, and freeing the BytesIO at exit crashes Python.
    data = bytes(ds.to_netcdf(engine="h5netcdf", encoding=encoding))
    (folder / DATASET_FILE).write_bytes(data)
    summary = summarise(ds, engine=config.engine, decision_rule=ds.attrs.get("decision_rule"))
    write(summary, folder / SUMMARY_FILE)
    if config.figures:
        plots.save_all(ds, folder)
    return summary


def job(cfg: DictConfig) -> None:
    """One Hydra job: simulate, write, report. Runs after Hydra made the output folder."""
    from experiments.outputs.summary import posture_table

    with guarded_job_folder() as folder:
        config = checked(cfg)
        summary = write_results(simulate(config), config, cfg, folder)
    log.info(f"wrote {shown(folder)}")
    log.info(posture_table(summary))


def main(argv: list[str] | None = None) -> None:
    """Validate the command line (every job of a multirun), then hand it to Hydra."""
    COMMAND.main(argv, job, launch=lambda argv: launch(argv))


def launch(argv: list[str]) -> None:
    """Run Hydra on `argv`."""
    COMMAND.launch(argv, job)


if __name__ == "__main__":
    main()
