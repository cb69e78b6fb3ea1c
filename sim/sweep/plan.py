"""A sweep on the engine side: design points to per-run parameters, chunks to summaries.

Runs are numbered point-major: run r is replicate r % replicates of design point
r // replicates, so a chunk holds whole points (but for a ragged last point) and every run
has a global id. A chunk is one vectorised engine call (`sim.engine.simulate_blocks`) with
`first_run` set to its first run id, so its numbers are those of the same runs simulated any
other way (the engine's contract: run r depends only on the seed, r and its parameters).

What a chunk keeps is small: for each outcome its value at the horizon and its mean over the
simulated steps (1..T; step 0 is the initial state, an input), Seoul's and every state's
posture at the horizon and the number of steps spent in each posture, and the parameters of
every run (`sim.sweep.summary`, block by block). Full trajectories are an option. Writing
chunks to a store is `sim.sweep.store`; running them in-process or on Dask is
`sim.sweep.executors`.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import math
from dataclasses import dataclass

import numpy as np
import xarray as xr

from sim.checks import check_memory, show_bytes
from sim.engine import ALL_VARIABLES, simulate_blocks
from sim.params import PRESSURE_KEYS, ParamError, Params, numeric_leaves, validate, with_values
from sim.sweep.design import design_points
from sim.sweep.memory import freeze_before_chunks, keep_freed_memory
from sim.sweep.spec import SweepError, SweepSpec
from sim.sweep.summary import Summaries

# Parameters that fix the calendar or the shape of a run: one engine call needs a single
# value of them, so a sweep cannot vary them across runs.
FIXED_PER_CALL = (
    "scenario.steps",
    "scenario.step_months",
    "decision.grid",
    "world.great_powers.*.pole",
    "world.middle_powers.*.election.term_years",  # lays out the election calendar
)
# Runs per engine block within a chunk (`sim.simulate`'s block_runs; a run's numbers do not
# depend on it). Smaller blocks than the engine's 16,384 keep a chunk's working set smaller:
# a 10^6-run Dask sweep on 2 workers peaked at 1.04-1.11 GB PSS instead of 1.20-1.22, as fast
# on a quiet machine and with 2-3% less CPU time beside other work (51.7-54.1 CPU-s instead
# of 54.2-55.7 at load 3-4); 8,192 was as fast, 1.10 GB; 2,048 slower (54.6-58.8 CPU-s).
BLOCK_RUNS = 4096


def block_runs(runs: int) -> int:
    """Runs per engine block of a chunk of `runs`: about BLOCK_RUNS, in blocks of equal size
    (at most 1.5 BLOCK_RUNS). A block's step costs a fixed ~0.5 ms of Python besides its
    arrays' work, so a chunk of 25,000 runs goes in 6 blocks of 4,167 rather than in 6 of
    4,096 and a seventh of 424 that paid a whole block's fixed cost for a tenth of its work."""
    blocks = max(1, round(runs / BLOCK_RUNS))
    return -(-runs // blocks)


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the spec, the base parameters, the seed and the design points."""

    spec: SweepSpec
    params: Params
    seed: int
    points: np.ndarray  # (points, parameters) in the order of spec.parameters

    @property
    def n_points(self) -> int:
        return self.points.shape[0]

    @property
    def runs(self) -> int:
        return self.n_points * self.spec.replicates

    @property
    def n_chunks(self) -> int:
        return math.ceil(self.runs / self.spec.chunk_runs)

    def chunk_bounds(self, chunk: int) -> tuple[int, int]:
        start = chunk * self.spec.chunk_runs
        return start, min(start + self.spec.chunk_runs, self.runs)

    @property
    def variables(self) -> tuple[str, ...]:
        """What the engine records: only what the summaries need (it saves time and memory)."""
        wanted = set(self.spec.outcomes) | {"security", "economic"}  # posture needs both
        return tuple(v for v in ALL_VARIABLES if v in wanted)

    @property
    def names(self) -> list[str]:
        return [axis.name for axis in self.spec.parameters]

    @property
    def keys(self) -> list[str]:
        return [axis.key for axis in self.spec.parameters]


def plan_sweep(spec: SweepSpec, params: Params, seed: int) -> SweepPlan:
    """Check every swept key against the parameters and draw the design."""
    leaves = numeric_leaves(params)
    for axis in spec.parameters:
        where = f"sweep.parameters.{axis.name}.key"
        if any(fnmatch.fnmatchcase(axis.key, pattern) for pattern in FIXED_PER_CALL):
            raise SweepError(
                f"{where} = {axis.key!r}: fixes the calendar or shape of a run and cannot vary across runs"
            )
        if axis.key not in leaves:
            close = difflib.get_close_matches(axis.key, list(leaves), n=3)
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else "; any numeric parameter by its dotted key"
            )
            raise SweepError(f"{where} = {axis.key!r}: no such numeric parameter{hint}")
    check_sweep_memory(spec, params)
    points = design_points(spec)
    for j, axis in enumerate(spec.parameters):
        extremes = np.array([points[:, j].min(), points[:, j].max()])
        try:
            validate(with_values(params, {axis.key: extremes}), runs=2)
        except ParamError as error:
            raise SweepError(f"sweep.parameters.{axis.name}: {error}") from None
    if spec.replicates * len(points) > 2**53:
        raise SweepError(
            f"sweep.replicates = {spec.replicates}: too many runs ({spec.replicates * len(points)})"
        )
    return SweepPlan(spec=spec, params=params, seed=int(seed), points=points)


def design_size(spec: SweepSpec) -> int:
    """The number of design points `design_points(spec)` draws, without drawing them."""
    dims = len(spec.parameters)
    if spec.design == "grid":
        return math.prod(
            len(axis.values) if axis.values else int(axis.levels) for axis in spec.parameters
        )
    if spec.design == "sobol":
        return int(spec.samples) * (2 * dims + 2 if spec.second_order else dims + 2)
    return int(spec.samples)


def check_sweep_memory(spec: SweepSpec, params: Params) -> None:
    """Refuse, before anything is allocated, a design or a chunk that would not fit in memory:
    the design table (and its drawing, about three copies) and the run ids are held whole;
    one chunk's trajectories at a time."""
    from sim.checks import trajectory_bytes

    points = design_size(spec)
    whole = 3 * 8 * points * max(1, len(spec.parameters)) + 8 * points * spec.replicates
    key, value = ("sweep.samples", spec.samples) if spec.samples else ("sweep", spec.name)
    check_memory(
        key,
        value,
        whole,
        f"{points:,} design points x {spec.replicates} replicates are held whole; draw fewer, "
        "or split the design into several sweeps (each its own sweep.store and sweep.seed)",
    )
    chunk = trajectory_bytes(params, spec.chunk_runs)
    check_memory(
        "sweep.chunk_runs",
        spec.chunk_runs,
        chunk,
        f"one chunk's trajectories ({show_bytes(chunk)}) are held at once: lower sweep.chunk_runs",
    )


def scheduled_overrides(plan: SweepPlan) -> list[str]:
    """Swept pressures the scenario also schedules: the swept value holds only until then."""
    notes = []
    for axis in plan.spec.parameters:
        name = axis.key.removeprefix("pressures.")
        if axis.key.startswith("pressures.") and name in PRESSURE_KEYS:
            dates = [c.date for c in plan.params.scenario.schedule if c.pressure == name]
            if dates:
                notes.append(
                    f"scenario {plan.params.scenario.name} schedules {axis.key} from {dates[0]}: "
                    "the swept value holds until then"
                )
    return notes


# --------------------------------------------------------------------------- one chunk
def chunk_params(plan: SweepPlan, start: int, stop: int) -> tuple[Params, np.ndarray, np.ndarray]:
    """Parameters of runs start..stop-1 (arrays over runs), their points and replicates."""
    return design_runs(plan.params, plan.keys, plan.points, plan.spec.replicates, start, stop)


def design_runs(
    params: Params, keys, points: np.ndarray, replicates: int, start: int, stop: int
) -> tuple[Params, np.ndarray, np.ndarray]:
    """Runs start..stop-1 of a design of `points` (n_points, len(keys)) run `replicates`
    times each: run r is replicate r % replicates of point r // replicates, so its numbers
    depend only on (seed, r, its values), not on how the design is cut into engine calls.
    Returns the parameters (arrays over the runs), each run's point and replicate. Sweeps
    and the analyses' designs both lay out their runs by it."""
    run_ids = np.arange(start, stop, dtype=np.int64)
    point = run_ids // replicates
    values = points[point]
    params = with_values(params, {key: values[:, j] for j, key in enumerate(keys)})
    return params, point, (run_ids % replicates).astype(np.int32)


def run_chunk(plan: SweepPlan, chunk: int) -> xr.Dataset:
    """Chunk `chunk` of the sweep: one engine call, reduced to the summaries a store keeps."""
    start, stop = plan.chunk_bounds(chunk)
    return run_range(plan, start, stop)


def probe(plan: SweepPlan) -> xr.Dataset:
    """Run 0 alone: the exact variables, types and coordinates of a chunk, and the numbers a
    store checks the engine against (`sim.sweep.store.open_store`)."""
    return run_range(plan, 0, 1)


def run_range(plan: SweepPlan, start: int, stop: int) -> xr.Dataset:
    keep_freed_memory()  # this process runs the sweep's chunks: see sim.sweep.memory
    freeze_before_chunks()
    params, point, replicate = chunk_params(plan, start, stop)
    summaries = Summaries(params, stop - start, plan.spec.outcomes, plan.spec.trajectories)
    # overflow is checked on the outputs: a run with a NaN or an infinity is recorded as
    # failed, with its parameters, and not classified (sim.checks, sim.sweep.summary)
    with np.errstate(all="ignore"):
        for block in simulate_blocks(
            params,
            runs=stop - start,
            seed=plan.seed,
            first_run=start,
            block_runs=block_runs(stop - start),
            variables=plan.variables,
            observables=False,  # no outcome of a sweep is an observable (spec.outcomes)
        ):
            summaries.add(block)
    out = summaries.dataset(np.arange(start, stop, dtype=np.int64))
    # in one assignment: each aligns the Dataset's coordinates once
    out = out.assign(
        failed=xr.Variable(
            "run",
            summaries.failed,
            {"long_name": "the run produced NaN or infinity: not classified"},
        ),
        parameters=xr.Variable(
            ("run", "parameter"),
            plan.points[point],
            {"long_name": "swept parameters of the run", "keys": json.dumps(plan.keys)},
        ),
        design_point=xr.Variable("run", point),
        replicate=xr.Variable("run", replicate),
    )
    out.coords["parameter"] = plan.names
    return out
