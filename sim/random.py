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
from scipy.special import ndtri

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
    return run_stream_keys(run_keys(seed, runs), states, stream)


def run_keys(seed: int, runs: np.ndarray) -> np.ndarray:
    """The part of the key that every stream of a run shares: (seed, run) mixed."""
    with np.errstate(over="ignore"):
        key = _mix(_u64(seed) + np.uint64(_GOLDEN))
    return _mix(key ^ _u64(runs))


def run_stream_keys(run_key: np.ndarray, states: np.ndarray, stream: int) -> np.ndarray:
    """`stream_keys` from the runs' shared part (`run_keys`), computed once for every stream."""
    return _mix(run_key ^ (_u64(states) * np.uint64(64) + np.uint64(int(stream))))


def step_counter(step: int) -> np.uint64:
    """The counter of step `step` in every stream: step x golden ratio, modulo 2**64 (in
    Python's integers, which neither overflow nor need NumPy's error state switched)."""
    return np.uint64((int(step) * _GOLDEN) % 2**64)


def uniform_at(keys: np.ndarray, step: int) -> np.ndarray:
    """Uniform numbers in (0, 1) for one step from precomputed stream keys."""
    return _uniform(keys, step_counter(step))


def normal_at(keys: np.ndarray, step: int) -> np.ndarray:
    """Standard normal numbers by inverting the CDF of `uniform_at` (one uniform each)."""
    return ndtri(uniform_at(keys, step))
