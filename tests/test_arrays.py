"""`sim.arrays.total`: NumPy's sum, to the last bit, over the short axes the model sums."""

from __future__ import annotations

import numpy as np
import pytest

from sim.arrays import total


@pytest.mark.parametrize(
    "shape, axis",
    [((500, 2, 2), -2), ((500, 3, 3), -1), ((500, 2, 3), 1), ((1, 2, 2), (1, 2)), ((7, 3), 0),
     ((50, 4, 2), (1, 2)), ((6,), 0), ((50, 9), 1), ((50, 0), 1)],
)  # fmt: skip
def test_total_is_numpys_sum_to_the_last_bit(shape, axis):
    rng = np.random.default_rng(1)
    # values of very different sizes, so that a different order of additions would show
    x = rng.uniform(-1, 1, shape) * 10.0 ** rng.integers(-8, 8, shape)
    got = total(x, axis)
    assert got.shape == x.sum(axis=axis).shape
    np.testing.assert_array_equal(got, x.sum(axis=axis))
    flags = x > 0
    counted = total(flags, axis)
    assert counted.dtype == np.int64
    np.testing.assert_array_equal(counted, flags.sum(axis=axis))


def test_total_does_not_alias_its_input():
    x = np.ones((4, 1))
    result = total(x, 1)
    result += 1
    assert np.all(x == 1)
