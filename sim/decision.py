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

from sim.options import like_state_field, per_decision, runs_first, utilities_along
from sim.utility import Context

# bounds of (security, economic, autonomy)
LOWER = (-1.0, -1.0, 0.0)
UPPER = (1.0, 1.0, 1.0)


class Choice(NamedTuple):
    security: np.ndarray
    economic: np.ndarray
    autonomy: np.ndarray


class Response(NamedTuple):
    """Where a decision was heading along security and economic alignment: the target (the
    best response) and the curvature of the utility there (the coefficient of t^2). What the
    great powers forecast a middle power's answer to a lever from (`sim.strategy`)."""

    target_security: np.ndarray
    target_economic: np.ndarray
    curvature_security: np.ndarray
    curvature_economic: np.ndarray


# One unit either side of the current position along each dimension: with the current
# position, the seven evaluations of `best_response`.
STEP = np.array([-1.0, 1.0])


# ----------------------------------------------------------------------------- shared rules
# Every agent that chooses (middle powers, great powers, the challenger) has an objective at
# most quadratic in each of its choices; these three functions turn it into a move.
def vertex(slope, curvature, current, lo, hi):
    """Best value of u(current + t) = u(current) + slope t + curvature t^2 on [lo, hi]: the
    vertex clipped to the bounds when the parabola is concave, otherwise the better bound."""
    concave = curvature < -1e-12
    if np.all(concave):  # the usual case, and the same numbers as the general one
        return np.clip(current - slope / (2.0 * curvature), lo, hi)
    gain_at_hi = slope * (hi - current) + curvature * (hi - current) ** 2
    gain_at_lo = slope * (lo - current) + curvature * (lo - current) ** 2
    top = current - slope / np.where(concave, 2.0 * curvature, -1.0)
    better_bound = np.where(gain_at_hi >= gain_at_lo, hi, lo)
    return np.where(concave, np.clip(top, lo, hi), better_bound)


def adjust(current, target, speed, noise_scale, shock, lo, hi):
    """Partial adjustment: close a share `speed` of the gap to `target`, plus noise."""
    return np.clip(current + speed * (target - current) + noise_scale * shock, lo, hi)


def logit_pick(u_rows, levels, temperature, uniforms):
    """Draw one of `levels` (axis 0 of `u_rows`, the utility at each) with probabilities
    proportional to exp(u / temperature), by inverting the cumulative weights at `uniforms`."""
    weight = np.exp((u_rows - u_rows.max(axis=0, keepdims=True)) / temperature)
    cumulative = np.cumsum(weight, axis=0)
    threshold = uniforms * cumulative[-1:]
    index = np.minimum((cumulative < threshold).sum(axis=0), len(levels) - 1)
    levels = np.asarray(levels)
    if levels.ndim == 1:  # the same levels for every decision
        return levels[index]
    return np.take_along_axis(levels, index[None], axis=0)[0]


def parabola_through(x, u):
    """Slope at x[1] and curvature of the parabola through three points (x_j, u_j), exact for
    a utility quadratic along the dimension."""
    d01, d12 = (u[1] - u[0]) / (x[1] - x[0]), (u[2] - u[1]) / (x[2] - x[1])
    curvature = (d12 - d01) / (x[2] - x[0])
    return d01 + curvature * (x[1] - x[0]), curvature


# ----------------------------------------------------------------------------- middle powers
def _best_response(ctx: Context, weights) -> tuple[Choice, Response]:
    leading = np.ndim(ctx.last_security) - 1
    u = utilities_along(ctx, weights, (STEP, STEP, STEP), relative=True)  # (7, ..., runs)
    current = (ctx.last_security, ctx.last_economic, ctx.last_autonomy)
    at_current = u[0]
    best, curvatures = [], []
    for d, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True)):
        c = per_decision(current[d][..., 0], leading)
        slope = (u[2 + 2 * d] - u[1 + 2 * d]) / 2.0
        curvature = (u[2 + 2 * d] - 2.0 * at_current + u[1 + 2 * d]) / 2.0
        best.append(runs_first(vertex(slope, curvature, c, lo, hi), leading))
        curvatures.append(runs_first(curvature, leading))
    return Choice(*best), Response(best[0], best[1], curvatures[0], curvatures[1])


def best_response(ctx: Context, weights) -> Choice:
    """Exact best response along each dimension, the others held at their last values.

    The utility along a dimension is a parabola u(c + t) = u(c) + slope t + curvature t^2,
    so seven evaluations (the current position c, and c - 1 and c + 1 along each dimension)
    determine all three exactly. The best response is the vertex clipped to the bounds when
    the parabola is concave, otherwise the better bound. (Computed with the runs last, see
    `sim.options`; returned with the runs first, as everywhere else.)
    """
    return _best_response(ctx, weights)[0]


def partial_response(
    ctx: Context, weights, speed, noise_scale, shocks: Choice
) -> tuple[Choice, Response]:
    """`partial_adjustment` and the `Response` it was heading for."""
    target, response = _best_response(ctx, weights)
    last = (ctx.last_security[..., 0], ctx.last_economic[..., 0], ctx.last_autonomy[..., 0])
    moved = [
        adjust(x, x_star, speed, noise_scale, eps, lo, hi)
        for x, x_star, eps, lo, hi in zip(last, target, shocks, LOWER, UPPER, strict=True)
    ]
    return Choice(*moved), response


def partial_adjustment(ctx: Context, weights, speed, noise_scale, shocks: Choice) -> Choice:
    """Close a share `speed` of the gap to the best response, plus noise (std `noise_scale`)."""
    return partial_response(ctx, weights, speed, noise_scale, shocks)[0]


def logit_response(
    ctx: Context, weights, temperature, grid: int, uniforms: Choice
) -> tuple[Choice, Response]:
    """`logit_choice` and the `Response`: the best response and curvature along security and
    economic alignment, exact from three rows of the grid (the utility is a parabola)."""
    leading = np.ndim(ctx.last_security) - 1
    levels = [np.linspace(lo, hi, grid) for lo, hi in zip(LOWER, UPPER, strict=True)]
    u = utilities_along(ctx, weights, levels, relative=False)  # (1 + 3 grid, ..., runs)
    temperature = like_state_field(temperature, leading)
    chosen, targets, curvatures = [], [], []
    for d in range(3):
        ud = u[1 + d * grid : 1 + (d + 1) * grid]
        pick = logit_pick(ud, levels[d], temperature, per_decision(uniforms[d], leading))
        chosen.append(runs_first(pick, leading))
        if d < 2:
            rows = (0, grid // 2, grid - 1)
            x = [levels[d][j] for j in rows]
            slope, curvature = parabola_through(x, [ud[j] for j in rows])
            best = vertex(slope, curvature, x[1], LOWER[d], UPPER[d])
            targets.append(runs_first(best, leading))
            curvatures.append(runs_first(curvature, leading))
    return Choice(*chosen), Response(*targets, *curvatures)


def logit_choice(ctx: Context, weights, temperature, grid: int, uniforms: Choice) -> Choice:
    """Draw each dimension's new value from the logit probabilities over `grid` options."""
    return logit_response(ctx, weights, temperature, grid, uniforms)[0]
