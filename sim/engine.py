"""`simulate`: a batch of runs through the step, as an xarray Dataset.

Runs are processed in blocks (`block_runs`), which bounds the working memory; a run's
numbers do not depend on the block it falls in, nor on the batch, because every parameter
and random draw is per run (see `sim.random`). A block's step costs a fixed ~1,500 Python
calls besides its arrays' work, so blocks are large: 25,000 runs took 1.26-1.28 CPU-s in
blocks of 16,384 against 1.31-1.47 in blocks of 4,096 (about 35 MB more at the peak).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import xarray as xr

from sim import checks
from sim.calendar import as_datetime64
from sim.dynamics import (
    EVENT_INDEX,
    effective_levers,
    in_force,
    initial_state,
    random_keys,
    state_pairs,
    step,
)
from sim.metrics import flags, hedging_index, posture, world_posture_labels
from sim.observables import DESCRIBED as OBSERVABLE_DESCRIBED
from sim.observables import DIMS as OBSERVABLE_DIMS
from sim.observables import observe
from sim.opinion import switch_probability
from sim.params import CAMPS, LEVERS, PRESSURE_KEYS, ParamError, Params, to_plain, validate
from sim.progress import progress_bar
from sim.version import provenance
from sim.world import CompiledWorld, compile_world, lever_caps

ALL_VARIABLES = (
    "security",
    "economic",
    "autonomy",
    "government",
    "threat",
    "rivalry",
    "taiwan_risk",
    "reliability",
    "restriction",
    "pressure",
    "events",
    "lever",
    "restraint",
    "provocation",
    "military_threat",
    "effective_reliability",
    "pledge",
    "opinion",
    "switch_odds",
    "ties",
)


def simulate(
    params: Params,
    runs: int = 1,
    seed: int = 0,
    steps: int | None = None,
    *,
    first_run: int = 0,
    block_runs: int = 16384,
    variables: tuple[str, ...] = ALL_VARIABLES,
    progress: bool = False,
    params_attr: bool = True,
    observables: bool = True,
) -> xr.Dataset:
    """Simulate `runs` runs (numbered first_run, first_run + 1, ...) for `steps` steps
    (default: the scenario's). Any numeric parameter may be an array of one value per run.
    Returns a Dataset with dims (run, step, state) and a calendar `time` along `step`.
    `params_attr=False` leaves the resolved parameters out of attrs (a sweep stores them per
    run itself; encoding arrays of a million values as JSON in every chunk costs time)."""
    trajectories: dict[str, np.ndarray] = {}  # run-major, the whole call's runs
    for block in simulate_blocks(
        params,
        runs,
        seed,
        steps,
        first_run=first_run,
        block_runs=block_runs,
        variables=variables,
        progress=progress,
        observables=observables,
    ):
        if not trajectories:
            trajectories = allocate(runs, block.trajectories)
        for name, values in block.trajectories.items():
            copy_run_major(trajectories[name][block.runs], values)
    run_ids = first_run + np.arange(runs, dtype=np.int64)
    ds = dataset(params, block.world, run_ids, seed, trajectories, params_attr=params_attr)
    return checks.outputs(ds, params)


@dataclass(frozen=True)
class Block:
    """One block of a call's runs, as `simulate_blocks` hands it over."""

    runs: slice  # which of the call's runs (0-based within the call)
    world: CompiledWorld  # the block's world (its runs' parameters)
    trajectories: dict[str, np.ndarray]  # (R, T + 1, ...) views of step-major memory


def simulate_blocks(
    params: Params,
    runs: int = 1,
    seed: int = 0,
    steps: int | None = None,
    *,
    first_run: int = 0,
    block_runs: int = 16384,
    variables: tuple[str, ...] = ALL_VARIABLES,
    progress: bool = False,
    observables: bool = True,
) -> Iterator[Block]:
    """The runs of `simulate`, block by block as each finishes, for a caller that reduces
    them (a sweep keeps a few numbers per run: summarised while a block's values are still
    in the cache, they need no run-major copy of the call's trajectories). A block's
    trajectories are views of memory the next block records into: reduce or copy them before
    taking the next. Unlike `simulate`'s, they are not checked for NaN or infinity
    (`sim.checks`): the caller checks what it keeps."""
    check_call(runs, seed, steps, first_run, variables)
    validate(params, runs)
    checks.inputs(params, runs, first_run, steps)
    run_ids = first_run + np.arange(runs, dtype=np.int64)
    blocks = [slice(b, min(b + block_runs, runs)) for b in range(0, runs, block_runs)]
    bar = progress_bar(
        progress,
        desc="simulating",
        unit="step",
        total=len(blocks) * (steps or params.scenario.steps),
    )
    recorded: dict[str, np.ndarray] = {}  # step-major, one block's: shared by the blocks
    try:
        for block in blocks:
            w = compile_world(params, seed, run_ids[block], block, steps)
            yield Block(block, w, _run_block(w, variables, bar, observables, recorded))
    finally:
        if bar is not None:
            bar.close()


def allocate(runs: int, part: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Run-major arrays for `runs` runs of each of a block's trajectories, carved out of one
    allocation: memory of that size comes straight from the kernel and goes straight back,
    and the step's many temporaries keep the allocator's heap to themselves (arrays of a few
    megabytes each in that heap made the steps fault in more pages)."""
    align = 64  # a cache line: every array starts on one
    shapes = {name: (runs,) + values.shape[1:] for name, values in part.items()}
    sizes = {
        name: -(-math.prod(shape) * part[name].itemsize // align) * align
        for name, shape in shapes.items()
    }
    memory = np.empty(sum(sizes.values()) + align, dtype=np.uint8)
    start = -memory.ctypes.data % align
    out = {}
    for name, shape in shapes.items():
        values = part[name]
        count = math.prod(shape) * values.itemsize
        out[name] = memory[start : start + count].view(values.dtype).reshape(shape)
        start += sizes[name]
    return out


def copy_run_major(out: np.ndarray, values: np.ndarray) -> None:
    """out[...] = values, both (R, T + 1, ...), `out` C-ordered. A run-step's values (its
    trailing axes, when contiguous) are copied as one item of their bytes: NumPy's copy
    loops over the last axis, and the step-major blocks' transposition with a last axis of
    two states took four times as long. The bytes are the values', so nothing changes."""
    tail = values.shape[2:]
    if tail and _trailing_contiguous(values):
        item = np.dtype((np.void, values.itemsize * math.prod(tail)))
        as_items = lambda a: a.reshape(a.shape[:2] + (-1,)).view(item)  # noqa: E731
        out, values = as_items(out), as_items(values)
    out[...] = values


def _trailing_contiguous(a: np.ndarray) -> bool:
    """Whether the axes after (run, step) are laid out C-contiguously among themselves."""
    stride = a.itemsize
    for size, gap in zip(reversed(a.shape[2:]), reversed(a.strides[2:]), strict=True):
        if size > 1 and gap != stride:
            return False
        stride *= size
    return True


def check_call(runs, seed, steps, first_run, variables) -> None:
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ParamError("runs", runs, "a whole number >= 1")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise ParamError("seed", seed, "a whole number in [0, 2**63)")
    if steps is not None and (not isinstance(steps, (int, np.integer)) or steps < 1):
        raise ParamError("steps", steps, "a whole number >= 1, or None for the scenario's")
    if not isinstance(first_run, (int, np.integer)) or first_run < 0:
        raise ParamError("first_run", first_run, "a whole number >= 0")
    unknown = set(variables) - set(ALL_VARIABLES)
    if unknown:
        raise ParamError("variables", sorted(unknown), f"choose from {list(ALL_VARIABLES)}")


class _Reading:
    """A state as the recorders read it: what several of them read (the dispositions in
    force for rivalry, Taiwan risk, reliability and the levers' bounds; the pairs for the
    restriction, the military threat and the effective reliability) computed once per
    `record`, not once per recorder."""

    def __init__(self, w, state):
        self.w, self.state = w, state

    @functools.cached_property
    def in_force(self) -> dict[str, np.ndarray]:
        state = self.state
        return effective_levers(
            self.w, state.pressures, state.reliability_shock, state.taiwan_shock
        )

    @functools.cached_property
    def pairs(self):
        return state_pairs(self.w, self.state)


# What a step records, per variable; each is computed only when asked for (a sweep asks few).
RECORDERS = {
    "security": lambda r: r.state.security,
    "economic": lambda r: r.state.economic,
    "autonomy": lambda r: r.state.autonomy,
    "government": lambda r: r.state.camp,
    "threat": lambda r: r.state.threat,
    "rivalry": lambda r: r.in_force["rivalry"],
    "taiwan_risk": lambda r: r.in_force["taiwan_risk"],
    "reliability": lambda r: r.in_force["reliability"],
    "restriction": lambda r: r.pairs.restriction,
    "pressure": lambda r: np.stack([r.state.pressures[k] for k in PRESSURE_KEYS], axis=-1),
    "events": lambda r: r.state.events,
    "lever": lambda r: in_force(r.state.levers, lever_caps(r.w, r.in_force)),
    "restraint": lambda r: r.state.restraint,
    "provocation": lambda r: r.state.provocation,
    "military_threat": lambda r: r.pairs.military,
    "effective_reliability": lambda r: r.pairs.reliability,
    "pledge": lambda r: r.state.pledge,
    "opinion": lambda r: r.state.opinion,
    "switch_odds": lambda r: switch_probability(r.w, r.state.opinion, r.state.camp),
    "ties": lambda r: r.state.cooperation.sum(axis=-1),
}


def record(w, state, variables: tuple[str, ...] = ALL_VARIABLES) -> dict[str, np.ndarray]:
    """What one step records, per variable (the Mesa layer records the same)."""
    reading = _Reading(w, state)
    return {name: RECORDERS[name](reading) for name in variables}


def _run_block(
    w, variables, bar, observables: bool = True, recorded: dict[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """A block's trajectories, (R, T + 1, ...) views of step-major arrays, and its observables.
    `recorded` holds the step-major arrays between calls: a later block of at most as many runs
    records into the same memory (so the caller copies a block's trajectories before the next)."""
    keys = random_keys(w)
    state = initial_state(w)
    first = record(w, state, variables)
    # Recorded step-major, (T + 1, R, ...): each step writes one contiguous slab (written
    # run-major, a step's values land a row apart, one cache line each). The trajectories
    # are (R, T + 1, ...) views; `simulate` copies the blocks into run-major arrays.
    recorded = {} if recorded is None else recorded
    out = {}
    for name in variables:
        shape = (w.steps + 1,) + first[name].shape
        held = recorded.get(name)
        fits = held is not None and held.dtype == first[name].dtype
        if not (fits and held.shape[1] >= shape[1] and held[:, : shape[1]].shape == shape):
            held = recorded[name] = np.empty(shape, dtype=first[name].dtype)
        out[name] = held[:, : shape[1]]
        out[name][0] = first[name]
    for k in range(1, w.steps + 1):
        state = step(w, state, k, keys)
        now = record(w, state, variables)
        for name in variables:
            out[name][k] = now[name]
        if bar is not None:
            bar.update(1)
    traj = {name: np.swapaxes(values, 0, 1) for name, values in out.items()}
    return with_observables(w, traj) if observables else traj


def with_observables(w, traj: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The recorded trajectories plus the observables computed from them (sim.observables);
    the Mesa layer calls this too, so both layers hold the same numbers."""
    return {**traj, **observe(w.observation, traj)}


# The dimensions of each variable a Dataset of runs holds, and their attributes.
DIMS = {
    "security": ("run", "step", "state"),
    "economic": ("run", "step", "state"),
    "autonomy": ("run", "step", "state"),
    "government": ("run", "step", "state"),
    "threat": ("run", "step"),
    "rivalry": ("run", "step"),
    "taiwan_risk": ("run", "step"),
    "reliability": ("run", "step", "great_power"),
    "restriction": ("run", "step", "state", "great_power"),
    "pressure": ("run", "step", "pressure_name"),
    "events": ("run", "step", "event"),
    "lever": ("run", "step", "state", "great_power", "lever_name"),
    "restraint": ("run", "step", "great_power"),
    "provocation": ("run", "step"),
    "military_threat": ("run", "step", "state", "great_power"),
    "effective_reliability": ("run", "step", "state", "great_power"),
    "pledge": ("run", "step", "state", "great_power"),
    "opinion": ("run", "step", "state", "great_power"),
    "switch_odds": ("run", "step", "state"),
    "ties": ("run", "step", "state"),
    "hedging": ("run", "step", "state"),
    "posture": ("run", "step", "state"),
    **OBSERVABLE_DIMS,
}
DESCRIBED = {
    "security": dict(long_name="security alignment", units="-1 = CHN camp, +1 = US alliance"),
    "economic": dict(long_name="economic alignment (export orientation proxy)"),
    "autonomy": dict(long_name="self-reliant defence", units="0..1"),
    "lever": dict(long_name="great power's lever toward the state, in force", units="0..1"),
    "restraint": dict(long_name="restraint (+) or encouragement (-) of the challenger"),
    "provocation": dict(long_name="the challenger's choice", units="-1 dialogue, +1 provoke"),
    "military_threat": dict(long_name="great power's military pressure on the state"),
    "effective_reliability": dict(long_name="reliability as the state sees it", units="0..1"),
    "pledge": dict(long_name="investment pledged to the great power, outstanding"),
    "opinion": dict(long_name="public favourability toward the great power", units="0..1"),
    "switch_odds": dict(long_name="probability the other camp wins an election held now"),
    "ties": dict(long_name="sum of the state's ties with its neighbours", units="0..neighbours"),
    **OBSERVABLE_DESCRIBED,
    "hedging": dict(long_name="hedging index", units="1 = equidistant or split"),
    "government": dict(long_name="governing camp", **flags(CAMPS)),
}


def described(w, name: str) -> dict:
    """The attributes of variable `name` in a Dataset of runs of world `w`."""
    if name == "posture":
        return dict(long_name="posture on Kuik's spectrum", **flags(world_posture_labels(w)))
    return DESCRIBED.get(name, {})


def alignment_metrics(params, security, economic) -> dict[str, np.ndarray]:
    """The hedging index and the posture code (`sim.metrics`) of alignments of any shape."""
    thresholds = tuple(params.metrics.posture_thresholds)
    return {
        "hedging": hedging_index(security, economic),
        "posture": posture(security, economic, thresholds),
    }


def coordinates(w, run_ids) -> dict:
    """The coordinates of a Dataset of runs `run_ids` of world `w`."""
    return {
        "run": run_ids,
        "step": np.arange(w.steps + 1),
        "time": ("step", as_datetime64(w.dates)),
        "state": list(w.middle),
        "great_power": list(w.poles),
        "pole": ("great_power", w.sign.astype(np.int8)),
        "pressure_name": list(PRESSURE_KEYS),
        "event": list(EVENT_INDEX),
        "lever_name": list(LEVERS),
    }


def dataset(params, w, run_ids, seed, traj, params_attr: bool = True) -> xr.Dataset:
    """The engine's Dataset layout from recorded trajectories (also used by the Mesa layer)."""
    data = {name: (DIMS[name], values) for name, values in traj.items()}
    if "security" in traj and "economic" in traj:
        metrics = alignment_metrics(params, traj["security"], traj["economic"])
        data.update((name, (DIMS[name], values)) for name, values in metrics.items())
    ds = xr.Dataset(
        data,
        coords=coordinates(w, run_ids),
        attrs={
            "title": f"hedgesim: {params.scenario.name} in {params.world.name}",
            **provenance(),  # version, commit, dirty: which code made these numbers
            "seed": int(seed),
            "scenario": params.scenario.name,
            "world": params.world.name,
            "focus": params.world.focus,
            "decision_rule": params.decision.rule,
            "great_power_mode": params.dynamics.great_powers,
            "challenger_mode": params.dynamics.challenger,
            "params": json.dumps(to_plain(params)) if params_attr else "(not recorded)",
        },
    )
    for name in ds.data_vars:
        ds[name].attrs.update(described(w, name))
    return ds
