"""Observables: the hedging index and the posture on Kuik's hedging spectrum."""

from __future__ import annotations

import numpy as np

# Kuik (2008, 2016): from balancing through hedging to bandwagoning. Here the poles are the
# two great powers: code 0 is full alignment with the pole at -1, code 4 with the pole at +1.
POSTURES = ("anchored_minus", "leaning_minus", "hedging", "leaning_plus", "anchored_plus")


def hedging_index(security, economic):
    """1 when equidistant (0, 0) or split between the poles (+1, -1); 0 when fully aligned
    with one pole on both dimensions: 1 - |s + e| / 2."""
    return 1.0 - np.abs(np.asarray(security) + np.asarray(economic)) / 2.0


def mean_alignment(security, economic):
    return (np.asarray(security) + np.asarray(economic)) / 2.0


def posture(security, economic, thresholds=(0.2, 0.6)):
    """Posture code 0..4 from the mean alignment m = (s + e) / 2:
    |m| <= a hedging; a < |m| <= b leaning; |m| > b anchored (balancing or bandwagoning)."""
    low, high = thresholds
    m = mean_alignment(security, economic)
    code = np.full(m.shape, 2, dtype=np.int8)
    code[m > low] = 3
    code[m > high] = 4
    code[m < -low] = 1
    code[m < -high] = 0
    return code


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
