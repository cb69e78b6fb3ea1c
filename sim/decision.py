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

from sim.utility import Context, utility

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


def best_response(ctx: Context, weights) -> Choice:
    """Exact best response along each dimension, the others held at their last values.

    The utility along a dimension is a parabola u(c + t) = u(c) + slope t + curvature t^2,
    so seven evaluations (the current position c, and c - 1 and c + 1 along each dimension)
    determine all three exactly. The best response is the vertex clipped to the bounds when
    the parabola is concave, otherwise the better bound.
    """
    current = (ctx.last_security, ctx.last_economic, ctx.last_autonomy)  # (..., 1)
    offsets = np.zeros((3, 7))
    for d in range(3):
        offsets[d, 1 + 2 * d], offsets[d, 2 + 2 * d] = -1.0, 1.0
    u = utility(*(x + step for x, step in zip(current, offsets, strict=True)), ctx, weights)
    at_current = u[..., 0]
    best = []
    for d, (lo, hi) in enumerate(zip(LOWER, UPPER, strict=True)):
        c = current[d][..., 0]
        slope = (u[..., 2 + 2 * d] - u[..., 1 + 2 * d]) / 2.0
        curvature = (u[..., 2 + 2 * d] - 2.0 * at_current + u[..., 1 + 2 * d]) / 2.0
        gain_at_hi = slope * (hi - c) + curvature * (hi - c) ** 2
        gain_at_lo = slope * (lo - c) + curvature * (lo - c) ** 2
        concave = curvature < -1e-12
        vertex = c - slope / np.where(concave, 2.0 * curvature, -1.0)
        better_bound = np.where(gain_at_hi >= gain_at_lo, hi, lo)
        best.append(np.where(concave, np.clip(vertex, lo, hi), better_bound))
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
