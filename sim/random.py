"""Counter-based random numbers.

Every draw is a pure function of (seed, run, step, state, stream): a SplitMix64 hash of
those five integers. A run's randomness therefore does not depend on which other runs share
its batch, on chunking, on the executor, or on the order of states in the world file.
No global or stateful generator is used anywhere in the model.
"""

from __future__ import annotations

import functools
import math
from enum import IntEnum
from typing import NamedTuple

import numba
import numpy as np

from sim.arrays import frozen
from sim.compiling import compiled, tile_run

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


# ----------------------------------------------------------------------------- normal draws
# The inverse of the standard normal CDF, a port of Cephes' `ndtri` as SciPy 1.18.1 computes
# `scipy.special.ndtri` (scipy/xsf, include/xsf/cephes/ndtri.h and polevl.h; Cephes Math
# Library 2.1, Stephen L. Moshier): the same coefficients, branches and order of operations,
# so the same numbers to the last bit (tests/test_random.py checks ~10^7 values against
# SciPy). That needs no `fastmath` (no reassociation, no fused multiply-add) and `math.log`
# compiled to a call of the C library's `log`, the one SciPy calls (Numba without SVML).
# Compiled here so that the draws are hashed and inverted in one pass over the keys.

# central range, |p - 0.5| <= 0.5 - exp(-2): x / sqrt(2 pi) = w + w^3 P0(w^2) / Q0(w^2)
_P0 = (
    -5.99633501014107895267e1,
    9.80010754185999661536e1,
    -5.66762857469070293439e1,
    1.39312609387279679503e1,
    -1.23916583867381258016e0,
)
_Q0 = (  # leading coefficient 1 omitted
    1.95448858338141759834e0,
    4.67627912898881538453e0,
    8.63602421390890590575e1,
    -2.25462687854119370527e2,
    2.00260212380060660359e2,
    -8.20372256168333339912e1,
    1.59056225126211695515e1,
    -1.18331621121330003142e0,
)
# tails, z = sqrt(-2 log p) in [2, 8): p in (exp(-32), exp(-2)]
_P1 = (
    4.05544892305962419923e0,
    3.15251094599893866154e1,
    5.71628192246421288162e1,
    4.40805073893200834700e1,
    1.46849561928858024014e1,
    2.18663306850790267539e0,
    -1.40256079171354495875e-1,
    -3.50424626827848203418e-2,
    -8.57456785154685413611e-4,
)
_Q1 = (
    1.57799883256466749731e1,
    4.53907635128879210584e1,
    4.13172038254672030440e1,
    1.50425385692907503408e1,
    2.50464946208309415979e0,
    -1.42182922854787788574e-1,
    -3.80806407691578277194e-2,
    -9.33259480895457427372e-4,
)
# far tails, z >= 8: p <= exp(-32)
_P2 = (
    3.23774891776946035970e0,
    6.91522889068984211695e0,
    3.93881025292474443415e0,
    1.33303460815807542389e0,
    2.01485389549179081538e-1,
    1.23716634817820021358e-2,
    3.01581553508235416007e-4,
    2.65806974686737550832e-6,
    6.23974539184983293730e-9,
)
_Q2 = (
    6.02427039364742014255e0,
    3.67983563856160859403e0,
    1.37702099489081330271e0,
    2.16236993594496635890e-1,
    1.34204006088543189037e-2,
    3.28014464682127739104e-4,
    2.89247864745380683936e-6,
    6.79019408009981274425e-9,
)
_EXP_MINUS_2 = 0.13533528323661269189
_SQRT_2PI = 2.506628274631000502415765284811045253007


@numba.njit(inline="always")
def polynomial(x, coefficients):
    """Horner's rule from the highest power down (Cephes' `polevl`)."""
    total = coefficients[0]
    for k in range(1, len(coefficients)):
        total = total * x + coefficients[k]
    return total


@numba.njit(inline="always")
def monic_polynomial(x, coefficients):
    """`polynomial` with a leading coefficient 1 that `coefficients` omit (Cephes' `p1evl`)."""
    total = x + coefficients[0]
    for k in range(1, len(coefficients)):
        total = total * x + coefficients[k]
    return total


@numba.njit(inline="always")
def reflected(p):
    """Cephes' reduction to the lower half: whether p is in the upper tail, and the p or
    1 - p whose inverse (the sign restored at the end) is computed."""
    upper = p > 1.0 - _EXP_MINUS_2
    return upper, 1.0 - p if upper else p


@numba.njit(inline="always")
def central(y):
    """The inverse for y above exp(-2) (reflected): x / sqrt(2 pi) = w + w^3 P0(w^2) / Q0(w^2),
    w = y - 0.5. Straight-line, so a loop of it runs in the vector registers."""
    w = y - 0.5
    w2 = w * w
    x = w + w * (w2 * polynomial(w2, _P0) / monic_polynomial(w2, _Q0))
    return x * _SQRT_2PI


@numba.njit(inline="always")
def inverse_normal_cdf(p):
    """The x at which the standard normal CDF is p: -inf at 0, inf at 1, NaN outside [0, 1]."""
    if p == 0.0:
        return -math.inf
    if p == 1.0:
        return math.inf
    if p < 0.0 or p > 1.0:
        return math.nan
    upper, y = reflected(p)
    if y > _EXP_MINUS_2:
        return central(y)
    z = tail_depth(math.log(y))
    x = near_tail(z, math.log(z)) if z < 8.0 else far_tail(z, math.log(z))
    return x if upper else -x


# The tails: z = sqrt(-2 log y), x = z - log(z) / z - P(1/z) / (z Q(1/z)), in parts so that a
# loop over the tails runs every part but the two logarithms (calls of the C library's `log`)
# in the vector registers (`_normals`).
@numba.njit(inline="always")
def tail_depth(log_y):
    """z = sqrt(-2 log y) of a reflected p in the tails, from its log."""
    return math.sqrt(-2.0 * log_y)


@numba.njit(inline="always")
def near_tail(z, log_z):
    """The inverse (before the sign) for z in [2, 8), from z and its log."""
    leading = z - log_z / z
    inverse = 1.0 / z
    return leading - inverse * polynomial(inverse, _P1) / monic_polynomial(inverse, _Q1)


@numba.njit(inline="always")
def far_tail(z, log_z):
    """The inverse (before the sign) for z >= 8, from z and its log."""
    leading = z - log_z / z
    inverse = 1.0 / z
    return leading - inverse * polynomial(inverse, _P2) / monic_polynomial(inverse, _Q2)


@compiled(["float64(float64)"], vectorize=True)
def inverse_normal_cdf_everywhere(p):
    return inverse_normal_cdf(p)


# The draws in tiles. Drawn one at a time, each draw would branch between the central range
# and the tails, and with about a quarter of the draws in the tails at random the branch is
# mispredicted often enough to make the port slower than SciPy's. Per tile instead
# (`normals_into`): the uniforms, then the central formula for every draw (straight-line:
# LLVM runs it in the vector registers, the same operations per lane, so the same numbers),
# then `inverse_normal_cdf` again for the draws in the tails only, gathered into a
# contiguous list (no branch on the data), in its parts: the two logarithms are calls of
# the C library's, one loop each, and the square root and the polynomials run in the vector
# registers (a quarter of the draws are in the tails; 11.3 -> 8.7 ns a draw of 24,576, as
# one call of `inverse_normal_cdf` per tail). A kernel that consumes draws makes them where
# it uses them with the same function (the middle powers' `partial` kernel, the challenger's):
# the same numbers as `normal_at`, without an array of draws written and read back.
NORMAL_TILE = 256  # draws a tile: its arrays, 10 KB, stay in the first-level cache


@numba.njit(inline="always")
def normal_scratch(size):
    """The working arrays of `normals_into` for tiles of `size` draws: the uniforms,
    the draws, the indices of the draws in the tails, their uniforms and draws, and log y
    (then log z) and z of the tails."""
    return (
        np.empty(size),
        np.empty(size),
        np.empty(size, dtype=np.int64),
        np.empty(size),
        np.empty(size),
        np.empty(size),
        np.empty(size),
    )


@numba.njit(inline="always")
def normals_into(keys, counter, out, scratch):
    """out[t] = the standard normal draw of (keys[t], counter), `inverse_normal_cdf` of
    `uniform_of`, for every t: in tiles of the size of `scratch` (`normal_scratch`)."""
    size = scratch[0].shape[0]
    for start in range(0, keys.shape[0], size):
        _normal_tile(keys, counter, start, min(size, keys.shape[0] - start), out, scratch)


@numba.njit(inline="always")
def _normal_tile(keys, counter, start, n, out, scratch):
    """`normals_into` for the tile of `n` keys from `start`."""
    uniforms, normals, tails, tail_uniforms, tail_normals, logs, depths = scratch
    for t in range(n):
        uniforms[t] = uniform_of(keys[tile_run(start, t)], counter)
    for t in range(n):
        _, y = reflected(uniforms[t])
        normals[t] = central(y)  # the tails' numbers replaced below
    count = 0
    for t in range(n):
        _, y = reflected(uniforms[t])
        tails[count] = t  # kept only if the draw is in the tails
        count += not (y > _EXP_MINUS_2)
    for k in range(count):
        tail_uniforms[k] = uniforms[tails[k]]
    # `inverse_normal_cdf` of the tails in its parts, a loop each: the logarithms are calls,
    # the rest runs in the vector registers (`logs` holds log y, then log z)
    for k in range(count):
        _, y = reflected(tail_uniforms[k])
        logs[k] = math.log(y)
    for k in range(count):
        depths[k] = tail_depth(logs[k])
    for k in range(count):
        logs[k] = math.log(depths[k])
    for k in range(count):
        upper, _ = reflected(tail_uniforms[k])
        x = near_tail(depths[k], logs[k])
        tail_normals[k] = x if upper else -x
    for k in range(count):  # z >= 8 (p below exp(-32)): hardly ever
        if depths[k] >= 8.0:
            upper, _ = reflected(tail_uniforms[k])
            x = far_tail(depths[k], logs[k])
            tail_normals[k] = x if upper else -x
    for k in range(count):
        normals[tails[k]] = tail_normals[k]
    for t in range(n):
        out[tile_run(start, t)] = normals[t]


@compiled(
    [
        numba.types.void(
            numba.types.Array(numba.types.uint64, 1, "C", readonly=True),
            numba.types.uint64,
            numba.types.Array(numba.types.float64, 1, "C"),
        )
    ],
    error_model="numpy",  # a division by zero is IEEE's (as in C), not a check and a raise
)
def _normals(keys, counter, out):
    normals_into(keys, counter, out, normal_scratch(NORMAL_TILE))


def _u64(value) -> np.ndarray:
    return np.asarray(value, dtype=np.int64).astype(np.uint64)


def stream_keys(seed: int, runs: np.ndarray, states: np.ndarray, stream: int) -> np.ndarray:
    """The step-independent part of the key, shaped by broadcasting runs against states."""
    return run_stream_keys(run_keys(seed, runs), states, stream)


def run_keys(seed: int, runs: np.ndarray) -> np.ndarray:
    """The part of the key that every stream of a run shares: (seed, run) mixed."""
    with np.errstate(over="ignore"):
        key = _mix(_u64(seed) + np.uint64(_GOLDEN))
    return _mix(key ^ _u64(runs))


def run_stream_keys(run_key: np.ndarray, states, stream: int | None = None) -> np.ndarray:
    """`stream_keys` from the runs' shared part (`run_keys`), computed once for every stream;
    `states` are the stream's tags already (`stream_tag`) if no `stream` is given."""
    tags = states if stream is None else stream_tag(states, stream)
    return _mix(run_key ^ tags)


def stream_tag(states, stream: int) -> np.ndarray:
    """What a stream's key mixes with the run's: its states' keys and the stream's number."""
    return _u64(states) * np.uint64(64) + np.uint64(int(stream))


@functools.lru_cache(maxsize=4096)
def step_counter(step: int) -> np.uint64:
    """The counter of step `step` in every stream: step x golden ratio, modulo 2**64 (in
    Python's integers, which neither overflow nor need NumPy's error state switched). Kept
    per step: a step asks for its counter several times (a NumPy scalar, immutable), and
    making one costs 0.6 us, reading it kept 0.1 us."""
    return np.uint64((int(step) * _GOLDEN) % 2**64)


def uniform_at(keys: np.ndarray, step: int) -> np.ndarray:
    """Uniform numbers in (0, 1) for one step from precomputed stream keys."""
    return _uniform(keys, step_counter(step))


def normal_at(keys: np.ndarray, step: int) -> np.ndarray:
    """Standard normal numbers by inverting the CDF of `uniform_at` (one uniform each): the
    uniform and its inverse in one compiled pass, `scipy.special.ndtri(uniform_at(keys,
    step))` to the bit."""
    drawn = np.empty(np.shape(keys))
    _normals(np.ascontiguousarray(keys).reshape(-1), step_counter(step), drawn.reshape(-1))
    frozen(drawn)  # new draws no one changes: the kernels take them as they are
    return drawn


class Draws(NamedTuple):
    """`normal_at(keys[d], step)` for each d, not drawn yet: for a kernel that draws them where
    it uses them (`sim.decision.partial_response`), the same numbers."""

    keys: np.ndarray  # (D, ...): the stream keys of each of D draws
    step: int
