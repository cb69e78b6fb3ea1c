"""Counter-based random numbers (`sim/random.py`): the compiled inverse normal CDF is SciPy's
`ndtri` to the bit, and `normal_at` is `ndtri` of `uniform_at`.

The engine's normal draws were `scipy.special.ndtri(uniform_at(...))`; the compiled port
replaced it with the promise of the same numbers, which these tests hold it to on values
chosen to cross every branch and edge of the algorithm, not only on the uniforms a run draws.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from sim.random import (
    inverse_normal_cdf_everywhere,
    normal_at,
    run_keys,
    run_stream_keys,
    uniform_at,
)

EXP_MINUS_2 = np.exp(-2.0)


def neighbours(x: float, count: int = 64) -> np.ndarray:
    """x and the `count` floats on either side of it."""
    below, above = [x], [x]
    for _ in range(count):
        below.append(np.nextafter(below[-1], -np.inf))
        above.append(np.nextafter(above[-1], np.inf))
    return np.concatenate([below[::-1], above[1:]])


def probabilities() -> np.ndarray:
    """About 10^7 probabilities: uniform on (0, 1), dense towards 0 and 1 (down to the
    subnormals), the branch boundaries exp(-2) and 1 - exp(-2) (and where the tail's z = 8)
    with their neighbouring floats, and the edges."""
    uniform = np.random.default_rng(2024).random(6_000_000)
    near_zero = 10.0 ** -np.linspace(0.0, 300.0, 2_000_000)
    near_one = 1.0 - 10.0 ** -np.linspace(0.0, 17.0, 1_000_000)
    tiny = np.finfo(float).tiny
    subnormal = np.concatenate(
        [tiny * np.geomspace(1.0, 2.0**-52, 100_000), neighbours(5e-324), neighbours(tiny)]
    )
    boundaries = np.concatenate(
        [
            neighbours(x, 10_000)
            for x in (EXP_MINUS_2, 1.0 - EXP_MINUS_2, 0.13533528323661269189, np.exp(-32.0))
        ]
    )
    edges = np.array([0.0, 1.0, 0.5, np.nextafter(1.0, 0.0), np.nextafter(0.0, 1.0)])
    return np.concatenate([uniform, near_zero, near_one, subnormal, boundaries, edges])


def bits(x: np.ndarray) -> np.ndarray:
    return x.view(np.uint64)


def test_the_compiled_inverse_normal_cdf_is_scipys_ndtri_to_the_bit():
    p = probabilities()
    assert len(p) > 9_000_000
    np.testing.assert_array_equal(bits(inverse_normal_cdf_everywhere(p)), bits(ndtri(p)))


def test_outside_the_unit_interval_the_inverse_is_nan_as_scipys():
    p = np.array([-1e-300, -1.0, np.nextafter(1.0, 2.0), 2.0, -np.inf, np.inf, np.nan])
    with np.errstate(invalid="ignore"):
        assert np.isnan(inverse_normal_cdf_everywhere(p)).all()
        assert np.isnan(ndtri(p)).all()


def test_normal_at_is_ndtri_of_uniform_at():
    keys = run_stream_keys(run_keys(7, np.arange(50_000))[:, None], np.arange(4), 3)
    for step in (0, 1, 17, 2**40):
        drawn = normal_at(keys, step)
        assert drawn.shape == keys.shape
        np.testing.assert_array_equal(bits(drawn), bits(ndtri(uniform_at(keys, step))))
    # keys of any layout (a transpose, a slice), any number of them (a tile's remainder)
    for some in (keys.T, keys[::3, 1:], keys[:1000, 2]):
        np.testing.assert_array_equal(bits(normal_at(some, 5)), bits(ndtri(uniform_at(some, 5))))
