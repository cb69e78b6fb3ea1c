"""A chunk's summaries, made block by block as the engine finishes each block of runs.

What a sweep keeps of a run is small: each outcome at the horizon and its mean over the
simulated steps (1..T; step 0 is the initial state, an input), the posture of every state at
the horizon and the steps it spent in each posture, and whether the run failed (a NaN or an
infinity in an output, `sim.checks`). `Summaries` computes them from each block of
`sim.engine.simulate_blocks` while the block's values are still in the cache, into arrays
over the chunk's runs: no run-major copy of the chunk's trajectories is made (that copy, its
fresh memory and a second pass over it cost 4-5% of a chunk). A run's summaries are those of
`simulate`'s Dataset to the bit: each reduction adds a run's values in the order NumPy does
on its run-major trajectories.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from numba import types

from sim.checks import mark_failed
from sim.engine import (
    DIMS,
    Block,
    alignment_metrics,
    allocate,
    coordinates,
    copy_run_major,
    described,
)
from sim.kernels import compiled
from sim.metrics import flags, world_posture_labels
from sim.params import Params

FAILED_POSTURE = -1  # posture_final of a run whose outputs are not finite: no posture
# Coordinates a chunk's summaries carry when one of their variables has the dimension.
COORDINATES = ("state", "great_power", "pressure_name", "event")


class Summaries:
    """The summaries of a chunk of `runs` runs, filled by `add` block by block; `dataset`
    returns them. With `trajectories`, every step of the outcomes and the posture is kept as
    well (<name>_path), copied run-major block by block."""

    def __init__(self, params: Params, runs: int, outcomes: tuple[str, ...], trajectories: bool):
        self.params, self.runs, self.outcomes = params, runs, outcomes
        self.trajectories = trajectories
        self.values: dict[str, np.ndarray] = {}  # <name>_final, <name>_mean, ... over the runs
        self.paths: dict[str, np.ndarray] = {}  # with `trajectories`: (run, step, ...)
        self.failed = np.zeros(runs, dtype=bool)
        self.world = None  # the last block's: the labels and coordinates of the chunk

    def add(self, block: Block) -> None:
        """Summarise one block of runs (its trajectories (R, T + 1, ...), any layout)."""
        traj = block.trajectories
        # step-major, the engine's layout, where the metrics run in one pass (sim.metrics)
        alignment = (np.swapaxes(traj[name], 0, 1) for name in ("security", "economic"))
        metrics = alignment_metrics(self.params, *alignment)
        traj = {**traj, **{name: np.swapaxes(v, 0, 1) for name, v in metrics.items()}}
        for values in traj.values():
            if values.dtype.kind == "f":
                mark_failed(values, self.failed[block.runs])
        reduced = {}
        for name in self.outcomes:
            values = traj[name]
            if name == "events":
                reduced["events_total"] = values[:, 1:].sum(axis=1, dtype=np.int32)
                continue
            reduced[f"{name}_final"] = values[:, -1]
            reduced[f"{name}_mean"] = mean_over_steps(values)
        codes = traj["posture"]
        reduced["posture_final"] = codes[:, -1]
        reduced["posture_steps"] = posture_counts(codes, len(world_posture_labels(block.world)))
        if not self.values:
            self.values = {
                name: np.empty((self.runs,) + v.shape[1:], v.dtype) for name, v in reduced.items()
            }
        for name, values in reduced.items():
            self.values[name][block.runs] = values
        if self.trajectories:
            kept = {name: traj[name] for name in (*self.outcomes, "posture")}
            if not self.paths:
                self.paths = allocate(self.runs, kept)
            for name, values in kept.items():
                copy_run_major(self.paths[name][block.runs], values)
        self.world = block.world

    def dataset(self, run_ids: np.ndarray) -> xr.Dataset:
        """The summaries as a Dataset over the runs `run_ids`; a failed run is not classified
        (posture_final FAILED_POSTURE, no steps in any posture)."""
        w = self.world
        out: dict[str, xr.Variable] = {}
        for name in self.outcomes:
            dims = tuple(d for d in DIMS[name] if d != "step")
            if name == "events":
                total = {"long_name": "events over the run"}
                out["events_total"] = xr.Variable(dims, self.values["events_total"], total)
                continue
            long_name = described(w, name).get("long_name", name)
            final = {"long_name": f"{long_name} at the horizon"}
            out[f"{name}_final"] = xr.Variable(dims, self.values[f"{name}_final"], final)
            mean = {"long_name": f"{long_name}, mean over steps 1..T"}
            out[f"{name}_mean"] = xr.Variable(dims, self.values[f"{name}_mean"], mean)
        labels = world_posture_labels(w)
        final, steps = self.values["posture_final"], self.values["posture_steps"]
        final[self.failed] = FAILED_POSTURE
        steps[self.failed] = 0
        out["posture_final"] = xr.Variable(
            ("run", "state"), final, {"long_name": "posture at the horizon", **flags(labels)}
        )
        out["posture_steps"] = xr.Variable(
            ("run", "state", "posture"), steps, {"long_name": "steps 1..T spent in each posture"}
        )
        # the coordinates as a Dataset of runs has them (`sim.engine.dataset`)
        every = xr.Dataset(coords=coordinates(w, run_ids))
        dims = {d for v in out.values() for d in v.dims}
        coords = {"run": run_ids, "posture": labels}
        for coord in COORDINATES:
            if coord in dims:
                coords[coord] = every[coord].variable
        if "great_power" in dims:
            coords["pole"] = every["pole"].variable
        for name, values in self.paths.items():  # <name>_path: the dimension `posture` is taken
            out[f"{name}_path"] = xr.Variable(DIMS[name], values, described(w, name))
        if self.paths:
            coords["step"] = every["step"].variable
            coords["time"] = every["time"].variable
        return xr.Dataset(out, coords=coords)


# --------------------------------------------------------------------------- reductions
STEPS_OF_VALUES = types.Array(types.float64, 2, "C", readonly=True)  # (step, values of a step)


def by_step(values: np.ndarray) -> np.ndarray:
    """(run, step, ...) values as (step, values of a step), C-ordered: a view of a block's
    step-major values, a copy of run-major ones."""
    steps = np.ascontiguousarray(np.swapaxes(values, 0, 1))
    return steps.reshape(steps.shape[:1] + (-1,))


def mean_over_steps(values: np.ndarray) -> np.ndarray:
    """The mean over steps 1..T of (run, step, ...) values of any layout:
    `values[:, 1:].mean(axis=1)` of the run-major values, to the bit. With more than one value
    per run-step, NumPy adds the steps one after another into the first (its innermost loop
    runs over the values, not the steps), and `step_means` does the same in one pass over a
    block's step-major values (NumPy's loop of two states took 12 ms of a 25,000-run chunk
    per outcome). With one value per run-step NumPy adds a run's steps pairwise along the
    run's row: so the values are laid out run-major first (a copy of a block's)."""
    tail = values.shape[2:]
    if values.dtype != np.float64 or math.prod(tail) < 2:
        return np.ascontiguousarray(values)[:, 1:].mean(axis=1)
    out = np.empty(values.shape[:1] + tail)
    step_means(by_step(values), out.reshape(-1))
    return out


@compiled([types.void(STEPS_OF_VALUES, types.float64[::1])])
def step_means(values, out):
    """out[i] = (values[1, i] + values[2, i] + ... + values[T, i]) / T, added in that order
    (from the first, as NumPy's reduction does), a step at a time."""
    steps = values.shape[0] - 1
    out[:] = values[1]
    for t in range(2, values.shape[0]):
        for i in range(values.shape[1]):
            out[i] += values[t, i]
    for i in range(values.shape[1]):
        out[i] /= steps


def posture_counts(codes: np.ndarray, postures: int) -> np.ndarray:
    """(run, state, posture) int16: the steps 1..T a run's state spent in each posture, from
    its codes (run, step, state), any layout."""
    counts = np.zeros((codes.shape[0], codes.shape[2], postures), dtype=np.int16)
    count_postures(codes, counts)
    return counts


@compiled([types.void(types.Array(types.int8, 3, "A", readonly=True), types.int16[:, :, ::1])])
def count_postures(codes, counts):
    for t in range(1, codes.shape[1]):  # a step at a time: a block's step-major codes
        for r in range(codes.shape[0]):  # in their order in memory
            for m in range(codes.shape[2]):
                counts[r, m, codes[r, t, m]] += 1
