"""Counter-based random numbers.

Every draw is a pure function of (seed, run, step, state, stream): a SplitMix64 hash of
those five integers. A run's randomness therefore does not depend on which other runs share
its batch, on chunking, on the executor, or on the order of states in the world file.
No global or stateful generator is used anywhere in the model.
"""

from __future__ import annotations

from enum import IntEnum

import numba
import numpy as np

from sim.kernels import compiled

_GOLDEN = 0x9E3779B97F4A7C15


class Stream(IntEnum):
    """One stream per kind of draw, so that adding a draw never shifts another."""

    DECIDE_SECURITY = 1
    DECIDE_ECONOMIC = 2
    DECIDE_AUTONOMY = 3
    MISSILE_TEST = 10
    NUCLEAR_TEST = 11
    COERCION = 12
    TARIFF_SHOCK = 13
    TAIWAN_CRISIS = 14
    SUMMIT = 15
    SUMMIT_PARTNER = 16
    ELECTION = 17
    HISTORY_DISPUTE = 18
    # the great powers' levers, keyed by (middle power, great power), in the order of LEVERS
    LEVER_COMMITMENT = 20
    LEVER_INDUCEMENT = 21
    LEVER_COERCION = 22
    LEVER_TARIFF = 23
    LEVER_CONSENT = 24
    LEVER_MILITARY = 25
    RESTRAINT = 26  # keyed by the great power
    PROVOCATION = 27  # keyed by the challenger


_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


@numba.njit(inline="always")
def splitmix(x):
    """SplitMix64 finaliser: a bijection of uint64 that spreads every input bit.
    Multiplication wraps modulo 2**64 by design."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


@compiled(["uint64(uint64)"], vectorize=True)
def _mix(x):
    return splitmix(x)


@numba.njit(inline="always")
def uniform_of(key, counter):
    """The top 53 bits of the twice-mixed (key, counter) as a number in (0, 1): one draw,
    for the kernels that draw as they go (`step_counter` gives a step's counter)."""
    bits = splitmix(splitmix(key ^ counter))
    return (np.float64(bits >> _S11) + 0.5) * (1.0 / 2**53)


@compiled(["float64(uint64, uint64)"], vectorize=True)
def _uniform(key, counter):
    return uniform_of(key, counter)


def _u64(value) -> np.ndarray:
    return np.asarray(value, dtype=np.int64).astype(np.uint64)


def stream_keys(seed: int, runs: np.ndarray, states: np.ndarray, stream: int) -> np.ndarray:
    """The step-independent part of the key, shaped by broadcasting runs against states."""
    with np.errstate(over="ignore"):
        key = _mix(_u64(seed) + np.uint64(_GOLDEN))
    key = _mix(key ^ _u64(runs))
    return _mix(key ^ (_u64(states) * np.uint64(64) + np.uint64(int(stream))))


def step_counter(step: int) -> np.uint64:
    """The counter of step `step` in every stream."""
    with np.errstate(over="ignore"):
        return np.uint64(step) * np.uint64(_GOLDEN)


def uniform_at(keys: np.ndarray, step: int) -> np.ndarray:
    """Uniform numbers in (0, 1) for one step from precomputed stream keys."""
    return _uniform(keys, step_counter(step))


def normal_at(keys: np.ndarray, step: int) -> np.ndarray:
    """Standard normal numbers by inverting the CDF of `uniform_at` (one uniform each)."""
    return _normal(keys, step_counter(step))


@compiled(["float64(uint64, uint64)"], vectorize=True)
def _normal(key, counter):
    return inverse_normal_cdf(uniform_of(key, counter))


@compiled(["float64(float64)"], vectorize=True)
def inverse_normal_cdf_everywhere(y):
    """`inverse_normal_cdf` elementwise (what the tests compare with SciPy's)."""
    return inverse_normal_cdf(y)


# ----------------------------------------------------------------------------- the normal draw
# The inverse of the standard normal CDF by Moshier's rational approximations (Cephes Math
# Library, ndtri.c; S. L. Moshier, "Methods and Programs for Mathematical Functions", 1989):
# the algorithm and coefficients of `scipy.special.ndtri`, in the same order of operations, so
# the draws are SciPy's to the bit (tests/test_kernels.py compares them on 10^7 numbers) while
# a kernel can draw as it goes.
_ROOT_2PI = 2.50662827463100050242e0
_EXP_MINUS_2 = 0.13533528323661269189  # the centre's edge: |y - 1/2| <= 1/2 - exp(-2)
# the centre, 0 <= |y - 1/2| <= 3/8
_P0 = np.array(
    [
        -5.99633501014107895267e1,
        9.80010754185999661536e1,
        -5.66762857469070293439e1,
        1.39312609387279679503e1,
        -1.23916583867381258016e0,
    ]
)
_Q0 = np.array(
    [
        1.95448858338141759834e0,
        4.67627912898881538453e0,
        8.63602421390890590575e1,
        -2.25462687854119370527e2,
        2.00260212380060660359e2,
        -8.20372256168333339912e1,
        1.59056225126211695515e1,
        -1.18331621121330003142e0,
    ]
)
# the tails, z = sqrt(-2 log y) in [2, 8): y between exp(-2) and exp(-32)
_P1 = np.array(
    [
        4.05544892305962419923e0,
        3.15251094599893866154e1,
        5.71628192246421288162e1,
        4.40805073893200834700e1,
        1.46849561928858024014e1,
        2.18663306850790267539e0,
        -1.40256079171354495875e-1,
        -3.50424626827848203418e-2,
        -8.57456785154685413611e-4,
    ]
)
_Q1 = np.array(
    [
        1.57799883256466749731e1,
        4.53907635128879210584e1,
        4.13172038254672030440e1,
        1.50425385692907503408e1,
        2.50464946208309415979e0,
        -1.42182922854787788574e-1,
        -3.80806407691578277194e-2,
        -9.33259480895457427372e-4,
    ]
)
# the far tails, z in [8, 64)
_P2 = np.array(
    [
        3.23774891776946035970e0,
        6.91522889068984211695e0,
        3.93881025292474443415e0,
        1.33303460815807542389e0,
        2.01485389549179081538e-1,
        1.23716634817820021358e-2,
        3.01581553508235416007e-4,
        2.65806974686737550832e-6,
        6.23974539184983293730e-9,
    ]
)
_Q2 = np.array(
    [
        6.02427039364742014255e0,
        3.67983563856160859403e0,
        1.37702099489081330271e0,
        2.16236993594496635890e-1,
        1.34204006088543189037e-2,
        3.28014464682127739104e-4,
        2.89247864745380683936e-6,
        6.79019408009981274425e-9,
    ]
)


@numba.njit(inline="always")
def _polynomial(x, coefficients):
    """sum c_i x^(n-i) by Horner's rule, the highest power first."""
    value = coefficients[0]
    for c in coefficients[1:]:
        value = value * x + c
    return value


@numba.njit(inline="always")
def _monic(x, coefficients):
    """`_polynomial` with a leading coefficient 1 not stored."""
    value = x + coefficients[0]
    for c in coefficients[1:]:
        value = value * x + c
    return value


@numba.njit(inline="always")
def inverse_normal_cdf(y0):
    """x with Phi(x) = y0, for y0 in [0, 1] (-inf at 0, +inf at 1)."""
    if y0 == 0.0:
        return -np.inf
    if y0 == 1.0:
        return np.inf
    y, upper = y0, False
    if y > 1.0 - _EXP_MINUS_2:  # the upper tail, by symmetry
        y, upper = 1.0 - y, True
    if y > _EXP_MINUS_2:
        y = y - 0.5
        y2 = y * y
        x = y + y * (y2 * _polynomial(y2, _P0) / _monic(y2, _Q0))
        return x * _ROOT_2PI
    x = np.sqrt(-2.0 * np.log(y))
    x0 = x - np.log(x) / x
    z = 1.0 / x
    if x < 8.0:
        x1 = z * _polynomial(z, _P1) / _monic(z, _Q1)
    else:
        x1 = z * _polynomial(z, _P2) / _monic(z, _Q2)
    x = x0 - x1
    return x if upper else -x
