"""The sweep's compiled reductions give NumPy's numbers to the bit (a store's values must not
move when its summaries are computed another way)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.metrics import POSTURES, hedging_index, posture
from sim.sweep.summary import mean_over_steps, posture_counts


@pytest.mark.parametrize("tail", [(), (1,), (2,), (3,), (2, 2), (6,), (2, 2, 7)])
def test_mean_over_steps_is_numpys_mean_to_the_bit(tail):
    rng = np.random.default_rng(11)
    # magnitudes that differ by orders: any change of the order of additions shows
    values = rng.standard_normal((257, 41, *tail)) * 10.0 ** rng.uniform(-8, 8, (257, 41, *tail))
    values[3, 7] = -0.0
    expected = values[:, 1:].mean(axis=1)
    got = mean_over_steps(values)
    assert got.shape == expected.shape
    assert got.tobytes() == expected.tobytes()


def test_mean_over_steps_of_a_non_finite_run_is_not_finite():
    values = np.zeros((3, 5, 2))
    values[1, 2, 0] = np.nan
    values[2, 4, 1] = np.inf
    got = mean_over_steps(values)
    assert np.isnan(got[1, 0]) and np.isinf(got[2, 1]) and np.isfinite(got[0]).all()


def test_posture_counts_count_each_state_s_steps_1_to_T():
    rng = np.random.default_rng(2)
    codes = rng.integers(0, len(POSTURES), (100, 41, 3)).astype(np.int8)
    counts = posture_counts(codes, len(POSTURES))
    expected = (codes[:, 1:, :, None] == np.arange(len(POSTURES))).sum(axis=1)
    assert counts.dtype == np.int16
    np.testing.assert_array_equal(counts, expected)
    assert (counts.sum(axis=-1) == 40).all()


def test_hedging_and_posture_are_the_documented_equations():
    s = np.array([0.0, 1.0, -1.0, 0.5, 0.9, -0.3, np.nan])
    e = np.array([0.0, -1.0, -1.0, 0.0, 0.9, -0.3, 0.0])
    m = (s + e) / 2.0
    np.testing.assert_array_equal(hedging_index(s, e), 1.0 - np.abs(s + e) / 2.0)
    codes = posture(s, e, (0.2, 0.6))
    assert codes.dtype == np.int8
    np.testing.assert_array_equal(codes, [2, 2, 0, 3, 4, 1, 2])
    assert np.all((codes == 2) == ~(np.abs(m) > 0.2))
    assert int(posture(0.3, 0.2, (0.2, 0.6))) == 3 and float(hedging_index(0.3, -0.1)) == 0.9
