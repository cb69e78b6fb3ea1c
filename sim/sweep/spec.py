"""What a sweep is: its design, the parameters it varies and how it runs, validated.

A sweep config (`conf/sweep/NAME.yaml`, selected with `sweep=NAME`) arrives here as plain
Python; `parse_sweep` turns it into a frozen `SweepSpec` or raises `SweepError`, whose message
is one line naming the key, the value and what is allowed. Nothing here knows Hydra.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sim.errors import HedgesimError

DESIGNS = ("grid", "lhs", "sobol")
EXECUTORS = ("inprocess", "dask")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SweepError(HedgesimError):
    """A sweep that cannot run; str() is the one line to print."""


@functools.cache
def outcomes() -> tuple[str, ...]:
    """What a run records that a sweep can summarise (sim.engine.ALL_VARIABLES plus the
    derived hedging index); `posture` is always summarised. The engine is imported here, when
    a sweep's outcomes are checked, not with this module: the configuration imports the schema
    below, and a sweep begins its Dask workers before it imports the engine (1 s of imports,
    `sim.sweep.executors.begin_workers`)."""
    from sim.engine import ALL_VARIABLES

    return (*ALL_VARIABLES[:3], "hedging", *ALL_VARIABLES[3:])


@dataclass(frozen=True)
class Axis:
    """One swept parameter: its dotted key and its range (or, on a grid, its values)."""

    name: str
    key: str
    low: float | None = None
    high: float | None = None
    levels: int | None = None  # grid: evenly spaced values from low to high
    values: tuple[float, ...] | None = None  # grid: explicit values instead of levels


@dataclass(frozen=True)
class DaskSettings:
    """The validated `sweep.dask` section (meanings in DaskSchema, values in the YAML)."""

    address: str | None
    n_workers: int | None
    threads_per_worker: int
    window: int
    timeout: int


@dataclass(frozen=True)
class SweepSpec:
    """The validated `sweep` section (meanings in SweepSettings, values in the YAML)."""

    name: str
    design: str
    parameters: tuple[Axis, ...]
    samples: int | None
    second_order: bool
    replicates: int
    seed: int
    chunk_runs: int
    outcomes: tuple[str, ...]
    trajectories: bool
    store: str
    executor: str
    dask: DaskSettings

    def identity(self) -> dict[str, Any]:
        """What makes two sweeps the same sweep: everything but where and how it runs."""
        plain = asdict(self)
        for key in ("store", "executor", "dask"):
            plain.pop(key)
        return plain


# --------------------------------------------------------------------------- the schema
# The sweep section's schema: types and meanings, no values. Every value is in
# conf/sweep/settings/common.yaml (shared) and conf/sweep/NAME.yaml (a design's own); the
# configuration layer registers this schema for the `sweep` group, so Hydra checks the keys
# and types when it composes, and `parse_sweep` the ranges and cross-references.
def setting(doc: str) -> Any:
    """A schema field: its meaning, no default (the YAML holds the value)."""
    return field(metadata={"doc": doc})


@dataclass
class AxisSettings:
    key: str = setting("dotted key of the parameter swept, e.g. pressures.rivalry")
    low: float | None = None  # absent unless given: grid with values leaves low/high out
    high: float | None = None
    levels: int | None = None  # grid: evenly spaced values from low to high
    values: list[float] | None = None  # grid: explicit values instead of levels


@dataclass
class DaskSchema:
    address: str | None = setting("tcp://host:8786 of a running scheduler; null = LocalCluster")
    n_workers: int | None = setting("LocalCluster workers; null = one per core")
    threads_per_worker: int = setting("threads per worker (the engine holds the GIL)")
    window: int = setting("chunks in flight per worker")
    timeout: int = setting("seconds to wait for the scheduler at address")


@dataclass
class SweepSettings:
    name: str = setting("the design's name (conf/sweep/NAME.yaml)")
    design: str = setting(f"one of {list(DESIGNS)}")
    parameters: dict[str, AxisSettings] = setting("name -> swept parameter and its range")
    samples: int | None = setting("lhs: design points; sobol: base sample N; grid: null")
    second_order: bool = setting("sobol: include the rows second-order indices need")
    replicates: int = setting("runs per design point")
    seed: int = setting("draws the LHS / scrambles the Sobol sequence")
    chunk_runs: int = setting("runs per chunk: one engine call, one write")
    outcomes: list[str] = setting("summarised at the horizon; from sim.sweep.spec.outcomes()")
    trajectories: bool = setting("also keep every step of the outcomes")
    store: str = setting("path of the Zarr store")
    executor: str = setting(f"one of {list(EXECUTORS)}")
    dask: DaskSchema = setting("the Dask executor's settings")


ALLOWED_KEYS = {f.name for f in fields(SweepSettings)}


def parse_sweep(node: Any) -> SweepSpec:
    """A validated SweepSpec from the plain `sweep` section of the config."""
    if not isinstance(node, dict):
        raise SweepError(f"sweep = {node!r}: choose a sweep design with sweep=NAME")
    missing = sorted(ALLOWED_KEYS - set(node))
    if missing:
        raise SweepError(f"sweep.{missing[0]}: missing; set it (conf/sweep/settings/common.yaml)")
    unknown = sorted(set(node) - ALLOWED_KEYS)
    if unknown:
        raise SweepError(
            f"sweep.{unknown[0]}: unknown key; allowed: {', '.join(sorted(ALLOWED_KEYS))}"
        )
    name = _text(node, "name")
    design = _choice(node, "design", DESIGNS)
    parameters = _axes(node.get("parameters"), design)
    samples = node.get("samples")
    if design == "grid":
        if samples is not None:
            raise SweepError(
                f"sweep.samples = {samples!r}: a grid takes its size from the levels; set it to null"
            )
    else:
        samples = _whole(node, "samples", 1)
        if design == "sobol" and samples & (samples - 1):
            raise SweepError(
                f"sweep.samples = {samples}: a Sobol design needs a power of two (e.g. {2 ** round(math.log2(samples))})"
            )
    spec = SweepSpec(
        name=name,
        design=design,
        parameters=parameters,
        samples=samples,
        second_order=_flag(node, "second_order"),
        replicates=_whole(node, "replicates", 1),
        seed=_whole(node, "seed", 0, 2**63 - 1),
        chunk_runs=_whole(node, "chunk_runs", 1),
        outcomes=_outcomes(node.get("outcomes")),
        trajectories=_flag(node, "trajectories"),
        store=_text(node, "store"),
        executor=_choice(node, "executor", EXECUTORS),
        dask=_dask(node["dask"]),
    )
    return spec


# --------------------------------------------------------------------------- pieces
def _text(node: dict, key: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value:
        raise SweepError(f"sweep.{key} = {value!r}: must be a non-empty string")
    return value


def _choice(node: dict, key: str, choices: tuple[str, ...]) -> str:
    value = node.get(key)
    if value not in choices:
        raise SweepError(f"sweep.{key} = {value!r}: must be one of {list(choices)}")
    return value


def _whole(node: dict, key: str, low: int, high: int | None = None, prefix: str = "sweep") -> int:
    value = node.get(key)
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if not ok or (high is not None and value > high):
        allowed = (
            f"a whole number >= {low}" if high is None else f"a whole number in [{low}, {high}]"
        )
        raise SweepError(f"{prefix}.{key} = {value!r}: must be {allowed}")
    return value


def _flag(node: dict, key: str) -> bool:
    value = node.get(key)
    if not isinstance(value, bool):
        raise SweepError(f"sweep.{key} = {value!r}: must be true or false")
    return value


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SweepError(f"{key} = {value!r}: must be a finite number")
    return float(value)


def _axes(node: Any, design: str) -> tuple[Axis, ...]:
    if not isinstance(node, dict) or not node:
        raise SweepError(
            f"sweep.parameters = {node!r}: map a name to {{key: dotted.parameter, low: ..., high: ...}}"
        )
    axes, keys = [], {}
    for name, entry in node.items():
        where = f"sweep.parameters.{name}"
        if not NAME.match(str(name)):
            raise SweepError(
                f"{where}: a parameter's name must be an identifier (letters, digits, _)"
            )
        if not isinstance(entry, dict):
            raise SweepError(f"{where} = {entry!r}: must be a mapping with key, low and high")
        extra = sorted(set(entry) - {"key", "low", "high", "levels", "values"})
        if extra:
            raise SweepError(
                f"{where}.{extra[0]}: unknown key; allowed: key, low, high, levels, values"
            )
        key = entry.get("key")
        if not isinstance(key, str) or not key:
            raise SweepError(
                f"{where}.key = {key!r}: must be a dotted parameter key such as pressures.rivalry"
            )
        if key in keys:
            raise SweepError(
                f"{where}.key = {key!r}: already swept as sweep.parameters.{keys[key]}"
            )
        keys[key] = name
        axes.append(_axis(str(name), key, entry, design, where))
    return tuple(axes)


def _axis(name: str, key: str, entry: dict, design: str, where: str) -> Axis:
    values, levels = entry.get("values"), entry.get("levels")
    if design == "grid" and values is not None:
        if levels is not None or entry.get("low") is not None or entry.get("high") is not None:
            raise SweepError(
                f"{where}.values: give either values or low, high and levels, not both"
            )
        if not isinstance(values, list) or not values:
            raise SweepError(f"{where}.values = {values!r}: must be a non-empty list of numbers")
        return Axis(name, key, values=tuple(_number(v, f"{where}.values") for v in values))
    if design != "grid" and (values is not None or levels is not None):
        which = "values" if values is not None else "levels"
        raise SweepError(
            f"{where}.{which}: only a grid design takes {which}; {design} samples low..high"
        )
    low = _number(entry.get("low"), f"{where}.low")
    high = _number(entry.get("high"), f"{where}.high")
    if design == "grid":
        levels = _whole(entry, "levels", 1, prefix=where)
        if levels > 1 and not low < high:
            raise SweepError(f"{where}.high = {high}: must be greater than low = {low}")
        return Axis(name, key, low, high, levels=levels)
    if not low < high:
        raise SweepError(f"{where}.high = {high}: must be greater than low = {low}")
    return Axis(name, key, low, high)


def _outcomes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise SweepError(f"sweep.outcomes = {value!r}: a non-empty list from {list(outcomes())}")
    for item in value:
        if item not in outcomes():
            raise SweepError(
                f"sweep.outcomes = {item!r}: not an outcome; choose from {list(outcomes())}"
            )
    if len(set(value)) != len(value):
        raise SweepError(f"sweep.outcomes = {list(value)}: an outcome is listed twice")
    return tuple(value)


def _dask(node: Any) -> DaskSettings:
    if not isinstance(node, dict):
        raise SweepError(f"sweep.dask = {node!r}: must be a mapping (address, n_workers, ...)")
    allowed = [f.name for f in fields(DaskSchema)]
    extra = sorted(set(node) - set(allowed))
    if extra:
        raise SweepError(f"sweep.dask.{extra[0]}: unknown key; allowed: {', '.join(allowed)}")
    missing = [key for key in allowed if key not in node]
    if missing:
        raise SweepError(
            f"sweep.dask.{missing[0]}: missing; set it (conf/sweep/settings/common.yaml)"
        )
    address = node["address"]
    if address is not None and (not isinstance(address, str) or "://" not in address):
        raise SweepError(
            f"sweep.dask.address = {address!r}: a scheduler address such as tcp://10.0.0.5:8786, or null"
        )
    n_workers = node["n_workers"]
    if n_workers is not None:
        n_workers = _whole(node, "n_workers", 1, prefix="sweep.dask")
    return DaskSettings(
        address=address,
        n_workers=n_workers,
        threads_per_worker=_whole(node, "threads_per_worker", 1, prefix="sweep.dask"),
        window=_whole(node, "window", 1, prefix="sweep.dask"),
        timeout=_whole(node, "timeout", 1, prefix="sweep.dask"),
    )
