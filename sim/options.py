"""Runs-last layouts: arrays over decisions with the runs on the last axis, where NumPy runs
each operation along rows of thousands of runs rather than along the two to seven options,
poles or states (what `sim.influence` computes with), and `utilities_along`, the utilities of
`sim.decision.utility_rows` in that layout.
"""

from __future__ import annotations

import numpy as np

from sim.decision import utility_rows
from sim.utility import Context


def utilities_along(ctx: Context, weights, levels, relative: bool) -> np.ndarray:
    """Utility at row 0 (the current position) and at `levels[d]` along each dimension d
    (security, economic, autonomy), in that order: (1 + sum of len(levels[d]), ..., runs),
    laid out runs last (a context without leading axes gets a runs axis of length 1).
    `relative`: levels are moves from the current position, not values."""
    u = utility_rows(ctx, weights, levels, relative)
    return u[:, None] if u.ndim == 1 else np.ascontiguousarray(np.moveaxis(u, 1, -1))


def per_decision(x, leading: int) -> np.ndarray:
    """An array over decisions, (runs, ...), laid out as `utilities_along` returns them."""
    return like_state_field(np.asarray(x)[..., None], leading)


def like_state_field(x, leading: int) -> np.ndarray:
    """A scalar, or an array shaped like a state field of the context, (runs, ..., 1) (a
    weight, a temperature), laid out as `utilities_along` returns its rows."""
    return _to_runs_last(x, leading + 1, leading == 0)


def runs_first(x: np.ndarray, leading: int) -> np.ndarray:
    """Back from runs last: (..., runs) to (runs, ...); with no leading axes, the scalar."""
    return x[..., 0] if leading == 0 else np.ascontiguousarray(np.moveaxis(x, -1, 0))


def _to_runs_last(x, ndim: int, add_runs: bool) -> np.ndarray:
    """A field broadcastable to `ndim` axes, (runs, ..., 1), as (..., runs). An axis it is only
    broadcast along (a per-run weight over states, say) stays of length 1: no copy."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x
    x = x.reshape((1,) * (ndim - x.ndim + add_runs) + x.shape)[..., 0]
    spread = tuple(slice(0, 1) if stride == 0 else slice(None) for stride in x.strides)
    return np.ascontiguousarray(x[spread].transpose(tuple(range(1, x.ndim)) + (0,)))
