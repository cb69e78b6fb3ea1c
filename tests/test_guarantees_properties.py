"""Configurations drawn across the schema's ranges (hypothesis), extremes included: every
one either runs to finite outputs within their bounds or is refused with one clear line (a
HedgesimError) -- never a traceback, never a hang (a deadline per example)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bounds import IN_RANGE

import sim
from experiments import compose
from sim.errors import HedgesimError
from sim.params.schema import Params

RUNS, STEPS = 2, 4
SKIP = {"scenario.steps"}  # the horizon is kept small (STEPS) so that no example is slow


def ranged_keys(kind: type = Params, prefix: str = "") -> dict[str, tuple[float, float, type]]:
    """Every `key -> (low, high, type)` the schema gives a range, through nested sections."""
    keys = {}
    for field in dataclasses.fields(kind):
        key = f"{prefix}{field.name}"
        if "range" in field.metadata and key not in SKIP:
            low, high = field.metadata["range"]
            keys[key] = (low, high, int if field.type in (int, "int") else float)
        elif dataclasses.is_dataclass(field.type):
            keys.update(ranged_keys(field.type, f"{key}."))
        elif isinstance(field.type, str) and field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
            if dataclasses.is_dataclass(default):
                keys.update(ranged_keys(type(default), f"{key}."))
    return keys


RANGED = ranged_keys()


def values_of(low: float, high: float, kind: type) -> st.SearchStrategy:
    """The bounds, 0, 1e300 where there is no upper bound, and anything between."""
    top = 1e300 if math.isinf(high) else high
    if kind is int:
        top = int(min(top, 10**6))
        return st.sampled_from([int(low), top]) | st.integers(int(low), top)
    extremes = [low, top, *([0.0] if low <= 0 <= top else [])]
    return st.sampled_from(extremes) | st.floats(low, top, allow_nan=False)


@st.composite
def overrides(draw) -> list[str]:
    keys = draw(st.lists(st.sampled_from(sorted(RANGED)), min_size=1, max_size=5, unique=True))
    return [f"{key}={draw(values_of(*RANGED[key]))!r}" for key in keys]


def test_the_schema_gives_ranges_to_draw_from():
    assert {"pressures.rivalry", "weights.consistency", "decision.grid"} <= set(RANGED)


@settings(
    max_examples=40,
    deadline=10_000,  # ms: a hang fails the example
    suppress_health_check=[HealthCheck.too_slow],
)
@given(overrides())
def test_any_configuration_runs_in_bounds_or_is_refused_in_one_line(drawn):
    try:
        params = compose([*drawn, f"scenario.steps={STEPS}"])
        with np.errstate(all="ignore"):
            ds = sim.simulate(params, runs=RUNS, seed=0)
    except HedgesimError as refusal:
        text = str(refusal)
        assert text and "\n" not in text, text
        return
    for name, (low, high) in IN_RANGE.items():
        if name in ds:
            values = ds[name].values
            assert np.isfinite(values).all(), (drawn, name)
            assert (values >= low).all() and (values <= high).all(), (drawn, name)
