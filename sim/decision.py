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


# One unit either side of the current position along each dimension: with the current
# position, the seven evaluations of `best_response`.
STEP = np.array([-1.0, 1.0])


def best_response(ctx: Context, weights) -> Choice:
    """Exact best response along each dimension, the others held at their last values.

    The utility along a dimension is a parabola u(c + t) = u(c) + slope t + curvature t^2,
    so seven evaluations (the current position c, and c - 1 and c + 1 along each dimension)
    determine all three exactly. The best response is the vertex clipped to the bounds when
    the parabola is concave, otherwise the better bound. (Computed with the runs last, see
    `sim.options`; returned with the runs first, as everywhere else.)
    """
    leading = np.ndim(ctx.last_security) - 1
    u = utilities_along(ctx, weights, (STEP, STEP, STEP), relative=True)  # (7, ..., runs)
    current = (ctx.last_security, ctx.last_economic, ctx.last_autonomy)
    at_current = u[0]
    best = []
    for d, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True)):
        c = per_decision(current[d][..., 0], leading)
        slope = (u[2 + 2 * d] - u[1 + 2 * d]) / 2.0
        curvature = (u[2 + 2 * d] - 2.0 * at_current + u[1 + 2 * d]) / 2.0
        gain_at_hi = slope * (hi - c) + curvature * (hi - c) ** 2
        gain_at_lo = slope * (lo - c) + curvature * (lo - c) ** 2
        concave = curvature < -1e-12
        vertex = c - slope / np.where(concave, 2.0 * curvature, -1.0)
        better_bound = np.where(gain_at_hi >= gain_at_lo, hi, lo)
        best.append(runs_first(np.where(concave, np.clip(vertex, lo, hi), better_bound), leading))
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
    leading = np.ndim(ctx.last_security) - 1
    levels = [np.linspace(lo, hi, grid) for lo, hi in zip(LOWER, UPPER, strict=True)]
    u = utilities_along(ctx, weights, levels, relative=False)  # (1 + 3 grid, ..., runs)
    temperature = like_state_field(temperature, leading)
    chosen = []
    for d in range(3):
        ud = u[1 + d * grid : 1 + (d + 1) * grid]
        weight = np.exp((ud - ud.max(axis=0, keepdims=True)) / temperature)
        cumulative = np.cumsum(weight, axis=0)
        threshold = per_decision(uniforms[d], leading) * cumulative[-1:]
        index = np.minimum((cumulative < threshold).sum(axis=0), grid - 1)
        chosen.append(runs_first(levels[d][index], leading))
    return Choice(*chosen)
