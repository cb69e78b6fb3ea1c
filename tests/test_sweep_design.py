"""Sweep designs are what they claim (grid, Latin hypercube, Sobol/Saltelli), and a bad
sweep section is refused with one line naming the key and the value."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sweep_settings import common_settings

from sim.sweep.design import design_points, unit_latin_hypercube
from sim.sweep.spec import SweepError, parse_sweep


def spec(**changes):
    node = common_settings(
        **{
            "name": "test",
            "design": "grid",
            "parameters": {
                "rivalry": {"key": "pressures.rivalry", "low": 0.0, "high": 1.0, "levels": 5},
                "threat": {"key": "pressures.dprk_threat", "low": 0.2, "high": 0.8, "levels": 4},
            },
            "samples": None,
            "replicates": 2,
            "seed": 7,
            "chunk_runs": 10,
            "store": "x.zarr",
        }
    )
    node.update(changes)
    return parse_sweep(node)


SEVEN = {
    name: {"key": f"pressures.{name}", "low": 0.1 * i, "high": 0.5 + 0.05 * i}
    for i, name in enumerate(
        [
            "rivalry",
            "dprk_threat",
            "china_coercion",
            "us_reliability",
            "us_trade_pressure",
            "russia_dprk",
            "taiwan_risk",
        ]
    )
}


# --------------------------------------------------------------------------- grid
def test_grid_is_every_combination_first_parameter_slowest():
    points = design_points(spec())
    rivalry, threat = np.linspace(0, 1, 5), np.linspace(0.2, 0.8, 4)
    expected = np.array(list(itertools.product(rivalry, threat)))
    np.testing.assert_array_equal(points, expected)


def test_grid_takes_explicit_values_and_a_single_level():
    points = design_points(
        spec(
            parameters={
                "rivalry": {"key": "pressures.rivalry", "values": [0.9, 0.1, 0.5]},
                "threat": {"key": "pressures.dprk_threat", "low": 0.3, "high": 0.3, "levels": 1},
            }
        )
    )
    np.testing.assert_array_equal(points, [[0.9, 0.3], [0.1, 0.3], [0.5, 0.3]])


# --------------------------------------------------------------------------- lhs
def test_latin_hypercube_puts_one_point_in_each_stratum_of_every_parameter():
    n = 64
    s = spec(design="lhs", samples=n, parameters=SEVEN)
    points = design_points(s)
    assert points.shape == (n, 7)
    for j, axis in enumerate(s.parameters):
        unit = (points[:, j] - axis.low) / (axis.high - axis.low)
        assert unit.min() >= 0 and unit.max() <= 1
        strata = np.floor(unit * n).astype(int)
        assert sorted(strata) == list(range(n)), axis.name


def test_latin_hypercube_is_a_function_of_its_seed():
    a = design_points(spec(design="lhs", samples=20, parameters=SEVEN, seed=1))
    b = design_points(spec(design="lhs", samples=20, parameters=SEVEN, seed=1))
    c = design_points(spec(design="lhs", samples=20, parameters=SEVEN, seed=2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("samples, seed", [(1, 0), (20, 7), (2_000, 2**40 + 3)])
def test_latin_hypercube_draws_scipys_points_to_the_bit(samples, seed):
    """A store begun when the design came from scipy.stats.qmc resumes with the same points."""
    from scipy.stats import qmc

    s = spec(design="lhs", samples=samples, parameters=SEVEN, seed=seed)
    low, high = (np.array([getattr(a, end) for a in s.parameters]) for end in ("low", "high"))
    unit = qmc.LatinHypercube(d=len(SEVEN), rng=np.random.default_rng(seed)).random(samples)
    expected = qmc.scale(unit, low, high)
    assert design_points(s).tobytes() == expected.tobytes()


@pytest.mark.parametrize("dimensions, samples, seed", [(7, 4_000, 0), (3, 50, 12)])
def test_unit_latin_hypercube_draws_scipys_unit_points_to_the_bit(dimensions, samples, seed):
    """experiments.discover drew its points from scipy.stats.qmc before it shared the sweeps'
    sampler: the same seed still gives the same points, so its results are unchanged."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(seed)).random(samples)
    assert unit_latin_hypercube(dimensions, samples, seed).tobytes() == unit.tobytes()


# --------------------------------------------------------------------------- sobol
@pytest.mark.parametrize("second_order", [True, False])
def test_sobol_has_saltelli_structure(second_order):
    n, d = 16, 7
    s = spec(design="sobol", samples=n, parameters=SEVEN, second_order=second_order)
    points = design_points(s)
    block = 2 * d + 2 if second_order else d + 2
    assert points.shape == (n * block, d)
    low = np.array([a.low for a in s.parameters])
    high = np.array([a.high for a in s.parameters])
    assert (points >= low).all() and (points <= high).all()
    for rows in points.reshape(n, block, d):
        a, b = rows[0], rows[-1]
        for i in range(d):
            ab = rows[1 + i]  # A with column i from B
            np.testing.assert_array_equal(np.delete(ab, i), np.delete(a, i))
            assert ab[i] == b[i]
            if second_order:
                ba = rows[1 + d + i]  # B with column i from A
                np.testing.assert_array_equal(np.delete(ba, i), np.delete(b, i))
                assert ba[i] == a[i]
    # A and B are different draws (the sequence is scrambled, not degenerate)
    assert not np.allclose(points[0], points[block - 1])


# --------------------------------------------------------------------------- bad input
BAD = [
    ("unknown design", {"design": "random"}, ["sweep.design", "'random'", "grid"]),
    ("unknown sweep key", {"chunk_run": 5}, ["sweep.chunk_run", "unknown key"]),
    ("zero replicates", {"replicates": 0}, ["sweep.replicates", "0", ">= 1"]),
    ("chunk not whole", {"chunk_runs": 2.5}, ["sweep.chunk_runs", "2.5"]),
    (
        "sobol not power of two",
        {"design": "sobol", "samples": 1000, "parameters": SEVEN},
        ["sweep.samples", "1000", "power of two", "1024"],
    ),
    (
        "lhs without samples",
        {"design": "lhs", "samples": None, "parameters": SEVEN},
        ["sweep.samples", "None"],
    ),
    ("grid with samples", {"samples": 10}, ["sweep.samples", "10", "null"]),
    ("levels on lhs", {"design": "lhs", "samples": 8}, ["sweep.parameters.rivalry.levels", "lhs"]),
    (
        "high below low",
        {"parameters": {"r": {"key": "pressures.rivalry", "low": 0.8, "high": 0.2, "levels": 3}}},
        ["sweep.parameters.r.high", "0.2", "0.8"],
    ),
    (
        "no levels",
        {"parameters": {"r": {"key": "pressures.rivalry", "low": 0.0, "high": 1.0}}},
        ["sweep.parameters.r.levels", "None"],
    ),
    (
        "same key twice",
        {
            "parameters": {
                "a": {"key": "pressures.rivalry", "values": [0.1]},
                "b": {"key": "pressures.rivalry", "values": [0.2]},
            }
        },
        ["sweep.parameters.b.key", "pressures.rivalry", "already"],
    ),
    ("bad outcome", {"outcomes": ["security", "happiness"]}, ["sweep.outcomes", "happiness"]),
    ("bad executor", {"executor": "spark"}, ["sweep.executor", "spark", "dask"]),
    (
        "bad address",
        {"dask": {**common_settings()["dask"], "address": "localhost"}},
        ["sweep.dask.address", "localhost", "tcp://"],
    ),
    ("no parameters", {"parameters": {}}, ["sweep.parameters"]),
    ("empty store", {"store": ""}, ["sweep.store", "''"]),
]


@pytest.mark.parametrize(("change", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_sweep_is_one_line_naming_key_and_value(change, words):
    with pytest.raises(SweepError) as caught:
        spec(**change)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, (word, message)


def test_the_sweep_schema_holds_no_second_copy_of_the_settings():
    """Values live in conf/sweep/settings/common.yaml only: no field of the schema or of
    the validated spec has a default of its own (bar an axis's optional parts)."""
    import dataclasses

    from sim.sweep.spec import DaskSchema, DaskSettings, SweepSettings, SweepSpec

    for schema in (SweepSettings, DaskSchema, SweepSpec, DaskSettings):
        for f in dataclasses.fields(schema):
            assert f.default is dataclasses.MISSING, f"{schema.__name__}.{f.name}"
            assert f.default_factory is dataclasses.MISSING, f"{schema.__name__}.{f.name}"
    common = common_settings()
    assert set(common) <= {f.name for f in dataclasses.fields(SweepSettings)}
    assert set(common["dask"]) == {f.name for f in dataclasses.fields(DaskSchema)}


def test_a_section_without_a_setting_is_refused():
    node = common_settings(name="t", design="grid", parameters=SEVEN, store="x.zarr")
    del node["chunk_runs"]
    with pytest.raises(SweepError, match="sweep.chunk_runs: missing"):
        parse_sweep(node)
