"""hedgesim's vectorised engine: parameters in, an xarray Dataset of trajectories out.

The names below are imported from their modules when first used (PEP 562), not by
`import sim`: importing a light part of the package (`sim.errors`, `sim.params`) then costs
only that part. The engine (`simulate`) brings xarray, pandas and Numba, 1.9 s of imports; a
sweep's command imports it after it has begun its Dask workers' start-up
(`sim.sweep.executors.begin_workers`), so that the two overlap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each public name and the module that defines it.
_SOURCES = {
    "ParamError": "sim.params",
    "Params": "sim.params",
    "__version__": "sim.version",
    "simulate": "sim.engine",
    "validate": "sim.params",
    "with_values": "sim.params",
}

__all__ = ["ParamError", "Params", "__version__", "simulate", "validate", "with_values"]

if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
    from sim.engine import simulate
    from sim.params import ParamError, Params, validate, with_values
    from sim.version import __version__


def __getattr__(name: str):
    if name not in _SOURCES:
        # AttributeError lets `from sim import <submodule>` import the submodule.
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_SOURCES[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
