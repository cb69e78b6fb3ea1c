"""What the engine checks around a call: sizes and run ids before, finite numbers after.

Validation (`sim.params.validate`) already keeps every parameter finite and in its range, but
a range such as [0, inf) lets a finite value through that overflows the arithmetic of a step
(`weights.consistency = 1e308` makes every utility infinite, then NaN). Such a run must not be
classified: NaN compares false with every posture threshold and would be counted as a posture.
So every output is checked, and a run with a NaN or an infinity is refused with the parameter
that caused it. A caller that wants the failed runs rather than a refusal (a sweep records them)
catches `NonFiniteError`, which carries the Dataset and the mask of failed runs.

Before the call, the size of the trajectories is compared with the machine's available
memory, so that an absurd `runs` is one clear line instead of a MemoryError or a swapping
machine.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numba import types

from sim.errors import HedgesimError, ParamError
from sim.kernels import compiled
from sim.params import Params, numeric_leaves
from sim.params.validation import check_run_ids

# Keys that shape a run (its calendar, its option grid) rather than enter its arithmetic: a
# large value of them makes a run long, not NaN.
SHAPE_KEYS = ("scenario.steps", "scenario.step_months", "decision.grid")
# The engine keeps each block's parts and the concatenated whole at once.
COPIES = 2
BYTES_PER_VALUE = 8  # float64; the int8/int16 records are smaller, so this bounds them


class NonFiniteError(ParamError):
    """Outputs with NaN or infinity; `failed` marks the runs, `dataset` holds the outputs."""

    def __init__(self, key, value, allowed, failed: np.ndarray, dataset: xr.Dataset):
        super().__init__(key, value, allowed)
        self.failed, self.dataset = failed, dataset


class MemoryLimitError(HedgesimError):
    """A call whose arrays would not fit in the machine's memory."""


# --------------------------------------------------------------------------- before
def available_memory() -> int:
    """Bytes this process can allocate without swapping (psutil's `available`)."""
    import psutil

    return int(psutil.virtual_memory().available)


def show_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"


def trajectory_bytes(params: Params, runs: int, steps: int | None = None) -> int:
    """An upper bound on the memory of `runs` runs' trajectories (every variable recorded)."""
    from sim.dynamics import EVENT_INDEX
    from sim.params import PRESSURE_KEYS

    states = len(params.world.middle_powers)
    poles = len(params.world.great_powers)
    # security, economic, autonomy, government, hedging, posture: one value per state;
    # restriction per state and pole; reliability per pole; threat, rivalry, taiwan_risk;
    # one per pressure and per event kind
    per_step = 6 * states + states * poles + poles + 3 + len(PRESSURE_KEYS) + len(EVENT_INDEX)
    steps = int(steps or params.scenario.steps)
    return COPIES * BYTES_PER_VALUE * per_step * (steps + 1) * int(runs)


def check_memory(key: str, value: int, needed: int, instead: str) -> None:
    """Refuse before allocating when `needed` bytes exceed what the machine has available."""
    limit = available_memory()
    if needed > limit:
        raise MemoryLimitError(
            f"{key} = {value}: needs about {show_bytes(needed)} of memory, more than the "
            f"{show_bytes(limit)} available; {instead}"
        )


def inputs(params: Params, runs: int, first_run: int, steps: int | None) -> None:
    """What `sim.simulate` checks before it allocates anything."""
    check_run_ids(first_run, runs)
    check_memory(
        "runs",
        runs,
        trajectory_bytes(params, runs, steps),
        "simulate fewer runs per call, or run a sweep (hedgesim sweep), which computes "
        "sweep.chunk_runs runs at a time and writes each chunk to a store",
    )


# --------------------------------------------------------------------------- after
def failed_runs(ds: xr.Dataset) -> np.ndarray:
    """A boolean per run: True where any float output holds a NaN or an infinity."""
    failed = np.zeros(ds.sizes["run"], dtype=bool)
    for var in ds.data_vars.values():
        if var.dtype.kind == "f" and "run" in var.dims:
            values = var.transpose("run", ...).values.reshape(ds.sizes["run"], -1)
            if values.dtype == np.float64:
                mark_not_finite(values, failed)
            else:
                failed |= ~np.isfinite(values).all(axis=1)
    return failed


@compiled([types.void(types.Array(types.float64, 2, "A", readonly=True), types.boolean[::1])])
def mark_not_finite(values, failed):
    """failed[r] |= any value of row r is a NaN or an infinity: one pass, without NumPy's
    temporary of booleans and its reduction (14.6 ms of a 25,000-run chunk's 5 outputs)."""
    for r in range(values.shape[0]):
        finite = True
        for j in range(values.shape[1]):
            finite &= np.isfinite(values[r, j])
        failed[r] |= not finite


def mark_failed(values: np.ndarray, failed: np.ndarray) -> None:
    """failed[r] |= run r's float output `values` (run, step, ...) holds a NaN or an infinity:
    `failed_runs` of one output of a block of runs (`sim.engine.simulate_blocks`), whose
    step-major values are read a step at a time, in their order in memory."""
    if values.dtype != np.float64:
        failed |= ~np.isfinite(values).reshape(values.shape[0], -1).all(axis=1)
        return
    by_step = np.ascontiguousarray(np.swapaxes(values, 0, 1))  # a view of a block's values
    finite = np.ones(values[:, 0].size, dtype=bool)
    mark_finite(by_step.reshape(by_step.shape[0], -1), finite)
    failed |= ~finite.reshape(values.shape[0], -1).all(axis=1)


@compiled([types.void(types.Array(types.float64, 2, "C", readonly=True), types.boolean[::1])])
def mark_finite(values, finite):
    """finite[i] &= values[t, i] is neither NaN nor infinite, for every step t."""
    for t in range(values.shape[0]):
        for i in range(values.shape[1]):
            finite[i] &= np.isfinite(values[t, i])


def culprit(params: Params, run: int) -> tuple[str, float]:
    """The parameter most likely to have overflowed run `run`: its largest value in size.
    Every parameter is finite and in range, so what overflows is an extreme magnitude."""
    best, best_value = "", 0.0
    for key, value in numeric_leaves(params).items():
        if key in SHAPE_KEYS:
            continue
        array = np.asarray(value, dtype=float)
        here = float(array[run] if array.ndim else array)
        if abs(here) > abs(best_value) or not best:
            best, best_value = key, here
    return best, best_value


def outputs(ds: xr.Dataset, params: Params) -> xr.Dataset:
    """`ds` if every output is finite; else a NonFiniteError naming the likely cause."""
    failed = failed_runs(ds)
    if not failed.any():
        return ds
    first = int(np.flatnonzero(failed)[0])
    variable = next(
        name
        for name, var in ds.data_vars.items()
        if var.dtype.kind == "f"
        and "run" in var.dims
        and not np.isfinite(var.isel(run=first).values).all()
    )
    key, value = culprit(params, first)
    raise NonFiniteError(
        key,
        value,
        f"{int(failed.sum())} of {failed.size} runs produced NaN or infinity "
        f"(first: run {int(ds['run'].values[first])}, {variable}); this value is the largest "
        "of the run and overflows the model's arithmetic: use a value of ordinary size",
        failed,
        ds,
    )
