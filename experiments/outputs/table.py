"""Results as one flat table: one row per run, its parameters and its outcomes at the horizon.

What a pandas or BehaviorSpace user expects: every run a row; the columns that say what the
run was (the swept parameters of a sweep store, the overrides of a multirun job, the
scenario and seed) and what came of it, per middle power: `security_KOR`, `economic_KOR`,
`autonomy_KOR`, `hedging_KOR` at the horizon and `posture_KOR`, the posture's label.

Three sources:
- a results folder of `hedgesim run` (dataset.nc, .hydra/overrides.yaml);
- a sweep store (a `.zarr` folder of `hedgesim sweep`);
- a multirun folder (results/multirun/<time>/, one results folder per job): the jobs' tables
  stacked, with a `job` column, and `comparison_figure` sets the focus state's posture
  shares side by side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml
from matplotlib.figure import Figure
from omegaconf import OmegaConf

from sim.errors import HedgesimError
from sim.metrics import labels_of

OUTCOMES = ("security", "economic", "autonomy", "hedging")
DATASET_FILE = "dataset.nc"
MULTIRUN_FILE = "multirun.yaml"
FORMATS = ("csv", "parquet")
FAILED = "failed (NaN or infinity)"


class ExportError(HedgesimError):
    """A source that cannot be turned into a table; str() is the one line to print."""


# ----------------------------------------------------------------------------- sources
def kind_of(source: Path) -> str:
    """'store', 'results' or 'multirun', or an ExportError naming what is missing."""
    if (source / "zarr.json").is_file():
        return "store"
    if (source / DATASET_FILE).is_file():
        return "results"
    if source.is_dir() and job_folders(source):
        return "multirun"
    if not source.exists():
        raise ExportError(f"source = '{source}': no such file or folder")
    raise ExportError(
        f"source = '{source}': not a results folder (no {DATASET_FILE}), a multirun folder "
        "or a sweep store (.zarr)"
    )


def job_folders(folder: Path) -> list[Path]:
    """The job folders of a multirun folder that hold a dataset, in job order."""
    jobs = [p for p in folder.iterdir() if p.is_dir() and (p / DATASET_FILE).is_file()]
    return sorted(jobs, key=_job_number)


def _job_number(folder: Path) -> tuple[int, str]:
    """Hydra names a job's folder `<number>_<name>`: sort 2 before 10."""
    number = folder.name.split("_")[0]
    return (int(number) if number.isdigit() else 1 << 30, folder.name)


def table_of(source: Path) -> pd.DataFrame:
    """The flat table of any of the three sources."""
    kind = kind_of(source)
    if kind == "store":
        return store_table(source)
    if kind == "results":
        return results_table(source)
    return multirun_table(source)


# ----------------------------------------------------------------------------- results folders
def dataset_table(ds: xr.Dataset) -> pd.DataFrame:
    """One row per run of a simulated Dataset: its outcomes at the horizon per middle power."""
    last = ds.isel(step=-1)
    labels = np.array(labels_of(ds["posture"]))
    columns: dict[str, np.ndarray] = {"run": last["run"].values}
    for state in (str(s) for s in last["state"].values):
        for name in OUTCOMES:
            columns[f"{name}_{state}"] = last[name].sel(state=state).values
        columns[f"posture_{state}"] = labels[last["posture"].sel(state=state).values.astype(int)]
    return pd.DataFrame(columns)


def job_parameters(folder: Path) -> dict[str, object]:
    """What a results folder's run was: scenario and seed, and the command line's overrides
    (`key=value` as Hydra recorded them in .hydra/overrides.yaml)."""
    with xr.open_dataset(folder / DATASET_FILE, engine="h5netcdf") as ds:
        out: dict[str, object] = {"scenario": ds.attrs.get("scenario")}
        if "seed" in ds.attrs:
            out["seed"] = int(ds.attrs["seed"])
    overrides = folder / ".hydra" / "overrides.yaml"
    if overrides.is_file():
        for line in OmegaConf.load(overrides):
            key, sep, value = str(line).partition("=")
            key = key.lstrip("+~")
            if sep and not key.startswith("hydra") and key not in ("progress", "figures"):
                out[key] = _plain(value)
    return out


def results_table(folder: Path) -> pd.DataFrame:
    with xr.open_dataset(folder / DATASET_FILE, engine="h5netcdf") as ds:
        table = dataset_table(ds.load())
        attrs = {
            "focus": ds.attrs["focus"],
            "posture_labels": labels_of(ds["posture"]),
        }
    table = _with_parameters(table, job_parameters(folder))
    table.attrs.update(attrs)
    return table


def multirun_table(folder: Path) -> pd.DataFrame:
    """The jobs of a multirun folder, stacked: a `job` column (the job's folder name) and the
    overrides that tell the jobs apart."""
    tables = []
    for job in job_folders(folder):
        table = results_table(job)
        table.insert(0, "job", job.name)
        tables.append(table)
    stacked = pd.concat(tables, ignore_index=True)
    stacked.attrs.update(tables[0].attrs)  # focus and posture labels: the world's, shared
    return stacked


def _with_parameters(table: pd.DataFrame, parameters: dict[str, object]) -> pd.DataFrame:
    front = pd.DataFrame({k: [v] * len(table) for k, v in parameters.items()})
    return pd.concat([front, table], axis=1)


def _plain(text: str) -> object:
    """A value as YAML reads it (0.5 a number, lee_2025 a string)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, (int, float, str, bool)) else text


# ----------------------------------------------------------------------------- sweep stores
def store_table(store: Path) -> pd.DataFrame:
    """One row per run of a sweep store: design point, replicate, the swept parameters'
    values and the outcomes at the horizon per middle power."""
    from sim.sweep.store import open_sweep

    ds = open_sweep(store)
    names = [str(n) for n in ds["parameter"].values]
    labels = np.array(labels_of(ds["posture_final"]))
    columns: dict[str, np.ndarray] = {
        "run": ds["run"].values,
        "point": ds["design_point"].values,
        "replicate": ds["replicate"].values,
    }
    values = ds["parameters"].values
    for i, name in enumerate(names):
        columns[name] = values[:, i]
    for state in (str(s) for s in ds["state"].values):
        for name in OUTCOMES:
            if f"{name}_final" in ds:
                columns[f"{name}_{state}"] = ds[f"{name}_final"].sel(state=state).values
        codes = ds["posture_final"].sel(state=state).values.astype(int)
        # a run with NaN or infinity has no posture (sim.sweep.plan.FAILED_POSTURE)
        columns[f"posture_{state}"] = np.where(codes >= 0, labels[np.maximum(codes, 0)], FAILED)
    table = pd.DataFrame(columns)
    table.insert(0, "scenario", ds.attrs.get("scenario"))
    table.insert(1, "sweep", ds.attrs.get("sweep"))
    table.attrs.update(focus=ds.attrs["focus"], posture_labels=list(labels))
    return table


# ----------------------------------------------------------------------------- writing
def write_table(table: pd.DataFrame, path: Path, file_format: str) -> None:
    """CSV or Parquet; written whole to a neighbour first, so a failure leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if file_format == "parquet":
            table.to_parquet(partial, index=False)
        else:
            table.to_csv(partial, index=False)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- the figure
def comparison_figure(table: pd.DataFrame, state: str) -> Figure:
    """Posture shares of `state` at the horizon, one stacked bar per job of a multirun."""
    from experiments.plots.figures import POSTURE_COLOURS

    column = f"posture_{state}"
    if column not in table:
        raise ExportError(f"state = {state!r}: not a middle power of these runs")
    shares = pd.crosstab(table["job"], table[column], normalize="index")
    order = [label for label in _posture_order(table) if label in shares.columns]
    shares = shares.reindex(index=list(dict.fromkeys(table["job"])), columns=order, fill_value=0)
    fig = Figure(figsize=(max(6.0, 1.1 * len(shares) + 3), 4.6), layout="constrained")
    ax = fig.subplots()
    bottom = np.zeros(len(shares))
    colours = dict(zip(_posture_order(table), POSTURE_COLOURS, strict=False))
    for label in order:
        ax.bar(shares.index, shares[label], bottom=bottom, label=label, color=colours[label])
        bottom += shares[label].to_numpy()
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of runs at the horizon")
    ax.tick_params(axis="x", labelrotation=30)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(f"Posture of {state} at the horizon, by job")
    return fig


def _posture_order(table: pd.DataFrame) -> list[str]:
    return list(table.attrs["posture_labels"])
