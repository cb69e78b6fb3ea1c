"""Observables: the hedging index and the posture on Kuik's hedging spectrum."""

from __future__ import annotations

import numpy as np
from numba import types

from sim.arrays import frozen
from sim.kernels import compiled, jit

# Kuik (2008, 2016): from balancing through hedging to bandwagoning. Here the poles are the
# two great powers: code 0 is full alignment with the pole at -1, code 4 with the pole at +1.
POSTURES = ("anchored_minus", "leaning_minus", "hedging", "leaning_plus", "anchored_plus")


@jit
def alignment(security: float, economic: float) -> float:
    """The mean alignment m = (s + e) / 2 of a state's two dimensions."""
    return (security + economic) / 2.0


@jit
def hedging_of(security: float, economic: float) -> float:
    """1 when equidistant (0, 0) or split between the poles (+1, -1); 0 when fully aligned
    with one pole on both dimensions: 1 - |s + e| / 2."""
    return 1.0 - abs(security + economic) / 2.0


@compiled(["float64(float64, float64)"], vectorize=True)
def hedging_index(security, economic):
    """`hedging_of` elementwise."""
    return hedging_of(security, economic)


@compiled(["float64(float64, float64)"], vectorize=True)
def mean_alignment(security, economic):
    return alignment(security, economic)


@jit
def posture_of(security, economic, low, high):
    """Posture code 0..4 of (s, e): |m| <= low hedging; low < |m| <= high leaning; |m| > high
    anchored (a NaN compares false with every threshold: 2)."""
    m = alignment(security, economic)
    code = 2
    if m > low:
        code = 3
    if m > high:
        code = 4
    if m < -low:
        code = 1
    if m < -high:
        code = 0
    return code


@compiled(["int8(float64, float64, float64, float64)"], vectorize=True)
def posture_code(security, economic, low, high):
    return posture_of(security, economic, low, high)


@compiled(
    [
        types.void(
            types.Array(types.float64, 1, "C", readonly=True),
            types.Array(types.float64, 1, "C", readonly=True),
            types.float64,
            types.float64,
            types.int8[::1],
        )
    ]
)
def posture_codes(security, economic, low, high, out):
    """out[t] = `posture_of` (s, e)[t]: a loop of its own, five times as fast as the ufunc
    `posture_code` on a chunk's trajectories (NumPy calls a ufunc's loop with its two
    thresholds as arrays of stride 0, which the loop cannot run in the vector registers)."""
    for t in range(security.shape[0]):
        out[t] = posture_of(security[t], economic[t], low, high)


def posture(security, economic, thresholds=(0.2, 0.6)):
    """Posture code 0..4 (int8) from the mean alignment m = (s + e) / 2:
    |m| <= a hedging; a < |m| <= b leaning; |m| > b anchored (balancing or bandwagoning).
    One compiled pass over the values (NumPy's masks took five)."""
    low, high = float(thresholds[0]), float(thresholds[1])
    s, e = np.asarray(security), np.asarray(economic)
    if s.shape == e.shape and s.ndim and s.dtype == e.dtype == np.float64:
        out = np.empty(s.shape, dtype=np.int8)
        posture_codes(_flat_read_only(s), _flat_read_only(e), low, high, out.reshape(-1))
        return out
    return posture_code(security, economic, low, high)


def _flat_read_only(x: np.ndarray) -> np.ndarray:
    """`x` as one read-only row (a view if C-ordered; the caller's array keeps its flag)."""
    x = np.ascontiguousarray(x).reshape(-1)  # a new view: its flag is its own
    frozen(x)
    return x


def flags(labels: list[str] | tuple[str, ...]) -> dict:
    """CF attributes of a variable of codes 0..n-1 (`flag_values`, `flag_meanings`): how a
    posture or a camp is labelled in every dataset, store and table (see `names`)."""
    return {"flag_values": list(range(len(labels))), "flag_meanings": " ".join(labels)}


def labels_of(variable) -> list[str]:
    """The labels of a coded variable (a DataArray with `flags` attributes), code by code."""
    return str(variable.attrs["flag_meanings"]).split()


def posture_labels(minus: str, plus: str) -> list[str]:
    """Readable names of the posture codes for a world whose poles are `minus` and `plus`."""
    return [
        f"{minus}-anchored",
        f"{minus}-leaning",
        "hedging",
        f"{plus}-leaning",
        f"{plus}-anchored",
    ]


def world_posture_labels(w) -> list[str]:
    """The posture codes' names in a compiled world `w`: its poles by the sign of their camp
    (`posture_labels`), the one naming the engine's Dataset, a sweep's summaries and the Mesa
    model use."""
    minus = w.poles[int(np.argmin(w.sign))]
    plus = w.poles[int(np.argmax(w.sign))]
    return posture_labels(minus, plus)


def posture_shares(codes: np.ndarray, axis: int = 0) -> np.ndarray:
    """Share of each posture along `axis` (posture becomes the last axis)."""
    one_hot = codes[..., None] == np.arange(len(POSTURES))
    return one_hot.mean(axis=axis)


def export_orientation(us_share, china_share):
    """Observable proxy of economic alignment: (US share - China share) / (US + China)."""
    us, cn = np.asarray(us_share, dtype=float), np.asarray(china_share, dtype=float)
    return (us - cn) / (us + cn)
