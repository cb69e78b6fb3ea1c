"""Which optional extra a command needs, checked before the command starts.

A core install (`pip install hedgesim`) runs `hedgesim run`; sweeps, the analyses and the
dashboard need the extras of pyproject.toml's `[project.optional-dependencies]`. A command
calls `require("sweep", ["zarr", "dask.distributed"])` first, so that a missing extra is one
line naming what to install (a `HedgesimError`: exit status 2), not an ImportError deep in a
traceback halfway through writing results.
"""

from __future__ import annotations

import importlib.util

from sim.errors import HedgesimError

# The extras of pyproject.toml, each with the modules whose presence shows it is installed.
EXTRAS: dict[str, tuple[str, ...]] = {
    "viz": ("solara", "ipyvue", "ipyvuetify", "mesa.visualization"),
    "sweep": ("zarr", "dask.distributed", "SALib"),
    "analysis": ("SALib", "ema_workbench", "pyabc"),
}


class MissingExtraError(HedgesimError):
    """A command whose optional dependencies are not installed."""


def missing(modules: list[str] | tuple[str, ...]) -> list[str]:
    """The modules of `modules` that cannot be imported here (none are imported)."""
    return [module for module in modules if not _importable(module)]


def require(extra: str, modules: list[str] | tuple[str, ...] | None = None) -> None:
    """Refuse in one line unless every module of `extra` (or of `modules`, when given) is
    installed: 'this needs the sweep extra (zarr is not installed): pip install ...'."""
    if extra not in EXTRAS:
        raise ValueError(f"no extra {extra!r}; known: {', '.join(EXTRAS)}")  # a programming error
    absent = missing(EXTRAS[extra] if modules is None else modules)
    if absent:
        raise MissingExtraError(
            f"this needs the {extra} extra ({', '.join(absent)} not installed): "
            f"pip install 'hedgesim[{extra}]'"
        )


def _importable(module: str) -> bool:
    # find_spec imports a dotted name's parents; an absent parent raises rather than
    # returning None
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False
