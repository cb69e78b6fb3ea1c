"""What a sweep is: its design, the parameters it varies and how it runs, validated.

A sweep config (`conf/sweep/NAME.yaml`, selected with `sweep=NAME`) arrives here as plain
Python; `parse_sweep` turns it into a frozen `SweepSpec` or raises `SweepError`, whose message
is one line naming the key, the value and what is allowed. Nothing here knows Hydra.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sim.engine import ALL_VARIABLES
from sim.errors import HedgesimError

DESIGNS = ("grid", "lhs", "sobol")
EXECUTORS = ("inprocess", "dask")
# What a run records that a sweep can summarise (sim.engine.ALL_VARIABLES plus the derived
# hedging index); `posture` is always summarised.
OUTCOMES = (*ALL_VARIABLES[:3], "hedging", *ALL_VARIABLES[3:])
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SweepError(HedgesimError):
    """A sweep that cannot run; str() is the one line to print."""


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
    address: str | None = None  # a running scheduler (tcp://host:8786); None = LocalCluster
    n_workers: int | None = None  # LocalCluster only; None = one per core
    threads_per_worker: int = 1  # the engine holds the GIL: scale with processes
    window: int = 2  # chunks in flight per worker: bounds memory on workers and client
    timeout: int = 10  # seconds to wait for the scheduler at `address`


@dataclass(frozen=True)
class SweepSpec:
    name: str
    design: str
    parameters: tuple[Axis, ...]
    samples: int | None = None  # lhs: design points; sobol: SALib's base sample N
    second_order: bool = True  # sobol: also the rows second-order indices need
    replicates: int = 1  # runs per design point, each with its own random stream
    seed: int = 0  # draws the LHS and scrambles the Sobol sequence
    chunk_runs: int = 25_000  # runs per chunk: one engine call, one write
    outcomes: tuple[str, ...] = ("security", "economic", "autonomy", "hedging", "threat")
    trajectories: bool = False  # also store every step of the outcomes
    store: str = ""
    executor: str = "inprocess"
    dask: DaskSettings = field(default_factory=DaskSettings)

    def identity(self) -> dict[str, Any]:
        """What makes two sweeps the same sweep: everything but where and how it runs."""
        plain = asdict(self)
        for key in ("store", "executor", "dask"):
            plain.pop(key)
        return plain


ALLOWED_KEYS = {f for f in SweepSpec.__dataclass_fields__}
# What a sweep section may leave out (conf/sweep/settings/common.yaml sets them all anyway).
DEFAULTS = {
    "samples": None,
    "second_order": True,
    "replicates": 1,
    "seed": 0,
    "chunk_runs": SweepSpec.chunk_runs,
    "outcomes": list(SweepSpec.outcomes),
    "trajectories": False,
    "executor": "inprocess",
    "dask": {},
}


def parse_sweep(node: Any) -> SweepSpec:
    """A validated SweepSpec from the plain `sweep` section of the config."""
    if not isinstance(node, dict):
        raise SweepError(f"sweep = {node!r}: choose a sweep design with sweep=NAME")
    node = {**DEFAULTS, **node}
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
        dask=_dask(node.get("dask") or {}),
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
        raise SweepError(f"sweep.outcomes = {value!r}: a non-empty list from {list(OUTCOMES)}")
    for item in value:
        if item not in OUTCOMES:
            raise SweepError(
                f"sweep.outcomes = {item!r}: not an outcome; choose from {list(OUTCOMES)}"
            )
    if len(set(value)) != len(value):
        raise SweepError(f"sweep.outcomes = {list(value)}: an outcome is listed twice")
    return tuple(value)


def _dask(node: Any) -> DaskSettings:
    if not isinstance(node, dict):
        raise SweepError(f"sweep.dask = {node!r}: must be a mapping (address, n_workers, ...)")
    extra = sorted(set(node) - set(DaskSettings.__dataclass_fields__))
    if extra:
        raise SweepError(
            f"sweep.dask.{extra[0]}: unknown key; allowed: {', '.join(DaskSettings.__dataclass_fields__)}"
        )
    address = node.get("address")
    if address is not None and (not isinstance(address, str) or "://" not in address):
        raise SweepError(
            f"sweep.dask.address = {address!r}: a scheduler address such as tcp://10.0.0.5:8786, or null"
        )
    n_workers = node.get("n_workers")
    if n_workers is not None:
        n_workers = _whole(node, "n_workers", 1, prefix="sweep.dask")
    return DaskSettings(
        address=address,
        n_workers=n_workers,
        threads_per_worker=_whole(
            {"threads_per_worker": node.get("threads_per_worker", 1)},
            "threads_per_worker",
            1,
            prefix="sweep.dask",
        ),
        window=_whole({"window": node.get("window", 2)}, "window", 1, prefix="sweep.dask"),
        timeout=_whole({"timeout": node.get("timeout", 10)}, "timeout", 1, prefix="sweep.dask"),
    )
