"""Observables: the hedging index and the posture on Kuik's hedging spectrum."""

from __future__ import annotations

import numpy as np

from sim.kernels import compiled, jit

# Kuik (2008, 2016): from balancing through hedging to bandwagoning. Here the poles are the
# two great powers: code 0 is full alignment with the pole at -1, code 4 with the pole at +1.
POSTURES = ("anchored_minus", "leaning_minus", "hedging", "leaning_plus", "anchored_plus")


@jit
def alignment(security: float, economic: float) -> float:
    """The mean alignment m = (s + e) / 2 of a state's two dimensions."""
    return (security + economic) / 2.0


@compiled(["float64(float64, float64)"], vectorize=True)
def hedging_index(security, economic):
    """1 when equidistant (0, 0) or split between the poles (+1, -1); 0 when fully aligned
    with one pole on both dimensions: 1 - |s + e| / 2."""
    return 1.0 - abs(security + economic) / 2.0


@compiled(["float64(float64, float64)"], vectorize=True)
def mean_alignment(security, economic):
    return alignment(security, economic)


@compiled(["int8(float64, float64, float64, float64)"], vectorize=True)
def posture_code(security, economic, low, high):
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


def posture(security, economic, thresholds=(0.2, 0.6)):
    """Posture code 0..4 (int8) from the mean alignment m = (s + e) / 2:
    |m| <= a hedging; a < |m| <= b leaning; |m| > b anchored (balancing or bandwagoning).
    One compiled pass over the values (NumPy's masks took five)."""
    low, high = thresholds
    return posture_code(security, economic, float(low), float(high))


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


def posture_shares(codes: np.ndarray, axis: int = 0) -> np.ndarray:
    """Share of each posture along `axis` (posture becomes the last axis)."""
    one_hot = codes[..., None] == np.arange(len(POSTURES))
    return one_hot.mean(axis=axis)


def export_orientation(us_share, china_share):
    """Observable proxy of economic alignment: (US share - China share) / (US + China)."""
    us, cn = np.asarray(us_share, dtype=float), np.asarray(china_share, dtype=float)
    return (us - cn) / (us + cn)
