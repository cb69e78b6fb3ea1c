"""Shared fixtures: the composed default parameters and helpers to build variants of them.

Composing conf/ with Hydra takes about a second, so the default `Params` is composed once per
session; tests derive variants with `sim.params.with_values`, which copies and never mutates.
"""

from __future__ import annotations

import logging

import pytest

from experiments import compose
from sim.params import Params, with_values


@pytest.fixture(scope="session")
def default_params() -> Params:
    """The default experiment's parameters (world east_asia_2025, scenario lee_2025)."""
    return compose([])


@pytest.fixture(scope="session")
def quiet_params(default_params: Params) -> Params:
    """The defaults without decision noise: the partial rule becomes deterministic given the
    events, which is what exact symmetry checks need."""
    return with_values(default_params, {"decision.noise": 0.0})


def mirrored(params: Params) -> Params:
    """The same world with the poles swapped: the US at -1, China at +1, and every middle
    power's positional parameters (initial security and economic alignment, the ideal points
    of both camps) negated. Red lines are stated as alignment *with the coercer's rival*, and
    exports per great power, so neither changes sign."""
    values: dict[str, object] = {}
    for code, gp in params.world.great_powers.items():
        values[f"world.great_powers.{code}.pole"] = -gp.pole
    for code, mp in params.world.middle_powers.items():
        key = f"world.middle_powers.{code}"
        values[f"{key}.security"] = -mp.security
        values[f"{key}.economic"] = -mp.economic
        for camp, ideal in mp.ideals.items():
            values[f"{key}.ideals.{camp}.security"] = -ideal.security
            values[f"{key}.ideals.{camp}.economic"] = -ideal.economic
    return with_values(params, values)


@pytest.fixture(scope="session")
def mirror():
    return mirrored


@pytest.fixture
def restore_logging():
    """A Hydra job configures logging for the whole process (root at INFO, its handlers);
    put it back so that the tests after see the logging they would see alone."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
