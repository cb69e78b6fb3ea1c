"""Decision rules: how a middle power turns the utilities of its options into a move.

Both rules are boundedly rational and vectorised over any leading axes (runs, states); both
judge each dimension given the state's current position in the other two (a coordinate-wise,
synchronous choice).

- `partial`: partial adjustment toward the best response plus noise. Because every utility
  term is at most quadratic in each dimension (see `utility`), the utility along a dimension
  is a parabola: evaluations at the current position and one unit either side give its
  vertex, the exact best response (clipped to the bounds; the better bound when the parabola
  is not concave).
- `logit`: a multinomial logit choice over a grid of options per dimension (McFadden;
  quantal response): P(option) is proportional to exp(U / temperature).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.utility import READS, TERMS, Context, Option, utility

# bounds of (security, economic, autonomy)
LOWER = (-1.0, -1.0, 0.0)
UPPER = (1.0, 1.0, 1.0)


class Choice(NamedTuple):
    security: np.ndarray
    economic: np.ndarray
    autonomy: np.ndarray


def _options_along(ctx: Context, dim: int, values: np.ndarray) -> list[np.ndarray]:
    """Options that vary dimension `dim` over `values` (..., K), the others at their last value."""
    current = [ctx.last_security, ctx.last_economic, ctx.last_autonomy]
    return [values if d == dim else np.broadcast_to(current[d], values.shape) for d in range(3)]


def _stack_dimensions(ctx: Context, per_dim_values: list[np.ndarray]) -> list[np.ndarray]:
    """All candidates of the three dimensions side by side on the option axis (one utility call)."""
    parts = [_options_along(ctx, d, v) for d, v in enumerate(per_dim_values)]
    return [np.concatenate([p[k] for p in parts], axis=-1) for k in range(3)]


# The star of options around the current position c: c itself (column 0), then c - 1 and
# c + 1 along security (1, 2), economic (3, 4) and autonomy (5, 6); one row per dimension.
STAR = np.zeros((3, 7))
for _d in range(3):
    STAR[_d, 1 + 2 * _d], STAR[_d, 2 + 2 * _d] = -1.0, 1.0


def _star_columns(reads: str) -> tuple[np.ndarray, np.ndarray]:
    """For a term reading the dimensions `reads`: the star's options it must be evaluated at
    (c and the moves along what it reads), and for each of the seven options, which of those
    it equals for that term (a move along a dimension it does not read changes nothing)."""
    moved = [d for d, name in enumerate("sea") if name in reads]
    columns = [0] + [c for d in moved for c in (1 + 2 * d, 2 + 2 * d)]
    same_as = [columns.index(c) if c in columns else 0 for c in range(STAR.shape[1])]
    leading = columns == list(range(len(columns)))  # a slice: a view, not a copy
    return (slice(0, len(columns)) if leading else np.array(columns)), np.array(same_as)


STAR_COLUMNS = {reads: _star_columns(reads) for reads in set(READS.values())}


def star_utilities(ctx: Context, weights) -> np.ndarray:
    """`utility` at the seven options of the star, with the same numbers, computed in the
    layout of `runs_last` as (7, ..., runs), and each term only at the options that differ in
    what it reads (`utility.READS`)."""
    leading = np.ndim(ctx.last_security) - 1
    ctx = runs_last(ctx)
    current = (ctx.last_security, ctx.last_economic, ctx.last_autonomy)  # (..., runs)
    shape = np.broadcast_shapes(*(x.shape for x in current))
    star = Option(
        *(x + STAR[d].reshape((-1,) + (1,) * len(shape)) for d, x in enumerate(current)), ctx
    )
    total = np.zeros(star.s.shape)
    reading: dict[str, Option] = {}  # the star's options that matter to a term, by READS
    for name, term in TERMS.items():
        columns, same_as = STAR_COLUMNS[READS[name]]
        if READS[name] not in reading:
            reading[READS[name]] = star.rows(columns)
        weight = _to_runs_last(getattr(weights, name), leading + 1, leading == 0)
        weighted = weight * term(reading[READS[name]], ctx)
        total += weighted if len(weighted) == len(same_as) else weighted[same_as]
    return total


POLE_FIELDS = frozenset(Context._fields[Context._fields.index("sign") :])


def runs_last(ctx: Context) -> Context:
    """The context with the runs axis moved from first to last, in place of the trailing
    option axis: state fields (runs, ..., 1) become (..., runs), great-power fields
    (runs, ..., P, 1) become (..., P, runs), contiguous. The terms broadcast the same way
    (options then go on a leading axis), but NumPy now works along rows of thousands of runs:
    with the small axes (states, poles, options) last, it loops over rows of two to seven
    elements, and that loop, not the arithmetic, is most of the cost. A context without
    leading axes (one decision) gets a runs axis of length 1."""
    leading = np.ndim(ctx.last_security) - 1  # the axes before the option axis
    return Context(
        **{
            name: _to_runs_last(x, leading + (2 if name in POLE_FIELDS else 1), leading == 0)
            for name, x in zip(Context._fields, ctx, strict=True)
        }
    )


def _to_runs_last(x, ndim: int, add_runs: bool) -> np.ndarray:
    """A field broadcastable to `ndim` axes, (runs, ..., 1), as (..., runs). An axis it is only
    broadcast along (a per-run weight over states, say) stays of length 1: no copy."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x
    x = x.reshape((1,) * (ndim - x.ndim + add_runs) + x.shape)[..., 0]
    spread = tuple(slice(0, 1) if stride == 0 else slice(None) for stride in x.strides)
    return np.ascontiguousarray(x[spread].transpose(tuple(range(1, x.ndim)) + (0,)))


def best_response(ctx: Context, weights) -> Choice:
    """Exact best response along each dimension, the others held at their last values.

    The utility along a dimension is a parabola u(c + t) = u(c) + slope t + curvature t^2,
    so seven evaluations (the current position c, and c - 1 and c + 1 along each dimension:
    the `STAR`) determine all three exactly. The best response is the vertex clipped to the
    bounds when the parabola is concave, otherwise the better bound. (Computed with the runs
    last, see `runs_last`; returned with the runs first, as everywhere else.)
    """
    leading = np.ndim(ctx.last_security) - 1
    u = star_utilities(ctx, weights)  # (7, ..., runs)
    current = (ctx.last_security, ctx.last_economic, ctx.last_autonomy)
    at_current = u[0]
    best = []
    for d, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True)):
        c = _to_runs_last(current[d], leading + 1, leading == 0)
        slope = (u[2 + 2 * d] - u[1 + 2 * d]) / 2.0
        curvature = (u[2 + 2 * d] - 2.0 * at_current + u[1 + 2 * d]) / 2.0
        gain_at_hi = slope * (hi - c) + curvature * (hi - c) ** 2
        gain_at_lo = slope * (lo - c) + curvature * (lo - c) ** 2
        concave = curvature < -1e-12
        vertex = c - slope / np.where(concave, 2.0 * curvature, -1.0)
        better_bound = np.where(gain_at_hi >= gain_at_lo, hi, lo)
        choice = np.where(concave, np.clip(vertex, lo, hi), better_bound)
        best.append(
            choice[..., 0] if leading == 0 else np.ascontiguousarray(np.moveaxis(choice, -1, 0))
        )
    return Choice(*best)


def partial_adjustment(ctx: Context, weights, speed, noise_scale, shocks: Choice) -> Choice:
    """Close a share `speed` of the gap to the best response, plus noise (std `noise_scale`)."""
    target = best_response(ctx, weights)
    last = (ctx.last_security[..., 0], ctx.last_economic[..., 0], ctx.last_autonomy[..., 0])
    moved = [
        np.clip(x + speed * (x_star - x) + noise_scale * eps, lo, hi)
        for x, x_star, eps, lo, hi in zip(last, target, shocks, LOWER, UPPER, strict=True)
    ]
    return Choice(*moved)


def logit_choice(ctx: Context, weights, temperature, grid: int, uniforms: Choice) -> Choice:
    """Draw each dimension's new value from the logit probabilities over `grid` options."""
    shape = np.broadcast_shapes(ctx.last_security.shape, ctx.threat.shape)[:-1]
    levels = [
        np.broadcast_to(np.linspace(lo, hi, grid), shape + (grid,))
        for lo, hi in zip(LOWER, UPPER, strict=True)
    ]
    s, e, a = _stack_dimensions(ctx, levels)
    u = utility(s, e, a, ctx, weights)
    chosen = []
    for d in range(3):
        ud = u[..., d * grid : (d + 1) * grid]
        weight = np.exp((ud - ud.max(axis=-1, keepdims=True)) / temperature)
        cumulative = np.cumsum(weight, axis=-1)
        threshold = uniforms[d][..., None] * cumulative[..., -1:]
        index = np.minimum((cumulative < threshold).sum(axis=-1), grid - 1)
        chosen.append(np.take_along_axis(levels[d], index[..., None], axis=-1)[..., 0])
    return Choice(*chosen)
