"""The scenarios a class can pick: the files of `conf/scenario`, composed as every command composes them.

A scenario is loaded with `experiments.config.compose(["scenario=<name>"])`, the configuration
layer's own Hydra composition, so the dashboard runs exactly the parameters `python -m
experiments.run scenario=<name>` runs, and a bad name is the same one-line `ConfigError`.
"""

from __future__ import annotations

import copy
import functools
import threading

from experiments.config import available, compose
from sim.params import Params

DEFAULT_SCENARIO = "lee_2025"

# Hydra's composition goes through a process-wide singleton (GlobalHydra); the server renders
# several browser tabs in threads, so one composition at a time.
_COMPOSING = threading.Lock()


def scenario_names() -> list[str]:
    """Every scenario file in conf/scenario, by name, the default first."""
    return sorted(available("scenario"), key=lambda name: name != DEFAULT_SCENARIO)


def load_scenario(name: str = DEFAULT_SCENARIO) -> Params:
    """Validated parameters of the default world under scenario `name` (a fresh copy, so no
    two models share one)."""
    return copy.deepcopy(_composed(name))


def scenario_description(name: str) -> str:
    """The one-line description a scenario file gives itself."""
    return _composed(name).scenario.description or ""


@functools.cache
def _composed(name: str) -> Params:
    # A class resets often; composing takes a few tenths of a second, the files do not change
    # while the server runs.
    with _COMPOSING:
        return compose([f"scenario={name}"])
