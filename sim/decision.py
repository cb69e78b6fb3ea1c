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

from sim import kernels, libm
from sim.arrays import frozen, same_objects, shape_of
from sim.kernels import LOWER, UPPER  # bounds of (security, economic, autonomy)  # noqa: F401
from sim.random import Draws, step_counter
from sim.utility import Context, broadcast_shape, broadcast_view, kernel_context


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
    vertex clipped to the bounds when the parabola is concave, otherwise the better bound
    (`sim.kernels.vertex`, elementwise)."""
    return kernels.vertex_everywhere(slope, curvature, current, lo, hi)


def adjust(current, target, speed, noise_scale, shock, lo, hi):
    """Partial adjustment: close a share `speed` of the gap to `target`, plus noise
    (`sim.kernels.adjust`, elementwise)."""
    return kernels.adjust_everywhere(current, target, speed, noise_scale, shock, lo, hi)


def logit_pick(u_rows, levels, temperature, uniforms):
    """Draw one of `levels` (axis 0 of `u_rows`, the utility at each) with probabilities
    proportional to exp(u / temperature), by inverting the cumulative weights at `uniforms`."""
    weight = libm.exp((u_rows - u_rows.max(axis=0, keepdims=True)) / temperature)
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
def _partial(
    ctx: Context, weights, speed, noise_scale, shocks, laid: dict | None = None
) -> tuple[Choice, Choice, Response]:
    """`sim.kernels.partial_kernel` for the decisions of `ctx` (its leading axes): the new
    positions, the best responses and the `Response` (`shocks`: a `Choice` of shocks, or
    `Draws` for the kernel to draw them, `sim.kernels.partial_kernel_drawing`; `laid`: the
    caller's cache of its weights' views, `sim.utility.kernel_context`)."""
    drawn = type(shocks) is Draws
    if drawn and laid is not None:  # the engine's step: its call laid out before (`_drawn`)
        decisions = laid_decisions(ctx, weights, speed, noise_scale, shocks.keys, shocks.step, laid)
        if decisions is not None:
            return decisions
    # the decisions' shape: of the same arrays at every step of a world where the kernel
    # draws (the rule's speed and noise, the keys), kept with their views (`laid`)
    sources = (speed, noise_scale, shocks.keys) if drawn else ()
    known = None if laid is None or not drawn else laid.get("shape")
    if known is not None and same_objects(known[0], sources):
        shape = known[1]
    else:
        shocks_shapes = [shocks.keys.shape[1:]] if drawn else [np.shape(x) for x in shocks]
        # the distinct shapes only (np.broadcast_shapes costs per argument)
        shape = broadcast_shape(
            frozenset([shape_of(x) for x in (speed, noise_scale)] + shocks_shapes)
        )
        if laid is not None and drawn:
            laid["shape"] = (sources, shape)
    state, poles, wts, lead = kernel_context(ctx, weights, shape, laid=laid)
    two_axes = state[0].shape

    def flat(x, dtype=np.float64):  # the kernel reads decisions on two axes, read-only
        x = np.asarray(x, dtype=dtype)
        if x.shape != lead:
            return broadcast_view(x, lead).reshape(two_axes)
        if x.shape == two_axes and not x.flags.writeable:  # read only already: itself
            return x
        x = x.reshape(two_axes)  # a new view: its flag leaves the caller's array alone
        frozen(x)
        return x

    # the rule's speed and noise are the same arrays at every step of a world: viewed once
    hit = None if laid is None else laid.get("rule")
    if hit is None or hit[0] is not speed or hit[1] is not noise_scale or hit[2] != lead:
        hit = (speed, noise_scale, lead, flat(speed), flat(noise_scale))
        if laid is not None:
            laid["rule"] = hit
    out = np.empty((8,) + two_axes)
    if drawn:  # the keys too are the same array at every step: viewed once
        keys = None if laid is None else laid.get("keys")
        if keys is None or keys[0] is not shocks.keys or keys[1] != lead:
            keys = (shocks.keys, lead, tuple([flat(x, np.uint64) for x in shocks.keys]))
            if laid is not None:
                laid["keys"] = keys
        counter = step_counter(shocks.step)
        kernels.partial_kernel_drawing(state, poles, wts, *hit[3:], keys[2], counter, out)
        context = None if laid is None else laid.get("context")
        if context is not None and context[0] is ctx and context[3] == lead == two_axes:
            # the context laid out by its maker, read as laid (`kernel_context`): the next
            # step's call, with the same rule, keys and weights, goes straight to the kernel
            ready = (wts, *hit[3:], keys[2])
            laid["drawing"] = (speed, noise_scale, shocks.keys, weights, lead, ready)
    else:
        kernels.partial_kernel(state, poles, wts, *hit[3:], *[flat(x) for x in shocks], out)
    frozen(out)
    if lead != two_axes:
        out = out.reshape((8,) + lead)
    return _decisions_of(out)


def laid_decisions(
    ctx: Context, weights, speed, noise_scale, keys, step: int, laid: dict
) -> tuple[Choice, Choice, Response] | None:
    """`_partial`'s decisions of `ctx` drawn from `keys` at `step`, straight from its kernel
    (`_drawn`) where `ctx` was laid out by its maker and `_partial` laid out this rule, these
    keys and weights before (`laid`, the world's cache of them); None where not."""
    ready, context = laid.get("drawing"), laid.get("context")
    if (
        ready is not None
        and context is not None
        and context[0] is ctx
        and ready[0] is speed
        and ready[1] is noise_scale
        and ready[2] is keys
        and ready[3] is weights
        and ready[4] == context[3]
    ):
        return _drawn(ready[5], context, step)
    return None


def _drawn(ready: tuple, context: tuple, step: int) -> tuple[Choice, Choice, Response]:
    """`_partial` of a context laid out by its maker (`sim.utility.lay_context`) with a rule,
    keys and weights whose kernel views `_partial` made before (`ready`: the weights', the
    speed's, the noise's and the keys' views): the kernel called with them directly, none of
    the checks and views of a first call (at one run, a Mesa step: 18-19 -> 15-17 us on a
    loaded machine; the rest is mostly Numba's dispatch of the kernel's 47 arrays)."""
    wts, speed, noise_scale, keys = ready
    lead = context[3]
    out = np.empty((8,) + lead)
    counter = step_counter(step)
    state, poles = context[1], context[2]
    kernels.partial_kernel_drawing(state, poles, wts, speed, noise_scale, keys, counter, out)
    frozen(out)
    return _decisions_of(out)


def _decisions_of(out: np.ndarray) -> tuple[Choice, Choice, Response]:
    """The partial rule's kernel's eight rows of `out` in one pass: the new position, the best
    response along each dimension, the curvatures along security and economic alignment."""
    s, e, a, best_s, best_e, best_a, curvature_s, curvature_e = out
    moved, best = Choice(s, e, a), Choice(best_s, best_e, best_a)
    return moved, best, Response(best_s, best_e, curvature_s, curvature_e)


def best_response(ctx: Context, weights) -> Choice:
    """Exact best response along each dimension, the others held at their last values.

    The utility along a dimension is a parabola u(c + t) = u(c) + slope t + curvature t^2,
    so seven evaluations (the current position c, and c - 1 and c + 1 along each dimension)
    determine all three exactly. The best response is the vertex clipped to the bounds when
    the parabola is concave, otherwise the better bound (`sim.kernels.partial_kernel`).
    """
    return _partial(ctx, weights, 0.0, 0.0, (0.0, 0.0, 0.0))[1]


def partial_response(
    ctx: Context, weights, speed, noise_scale, shocks: Choice | Draws, laid: dict | None = None
) -> tuple[Choice, Response]:
    """`partial_adjustment` and the `Response` it was heading for (`shocks`: their values,
    or `Draws` of them, drawn where the kernel uses them; `laid`: the caller's cache of its
    weights' views, `sim.utility.kernel_context`)."""
    moved, _, response = _partial(ctx, weights, speed, noise_scale, shocks, laid)
    return moved, response


def partial_adjustment(ctx: Context, weights, speed, noise_scale, shocks: Choice) -> Choice:
    """Close a share `speed` of the gap to the best response, plus noise (std `noise_scale`)."""
    return partial_response(ctx, weights, speed, noise_scale, shocks)[0]


def utility_rows(
    ctx: Context, weights, levels, relative: bool, laid: dict | None = None
) -> np.ndarray:
    """Utility at row 0 (the current position) and at `levels[d]` along each dimension d
    (security, economic, autonomy) with the other two held, in that order: (1 + sum of
    len(levels[d]), ...) over the decisions of `ctx`. `relative`: levels are moves from the
    current position, not values. `laid`: the caller's cache of its weights' views
    (`sim.utility.kernel_context`)."""
    state, poles, wts, lead = kernel_context(ctx, weights, laid=laid)
    levels = [np.asarray(x, dtype=np.float64) for x in levels]
    out = np.empty((1 + sum(len(x) for x in levels),) + state[0].shape)
    kernels.rows_kernel(*levels, relative, state, poles, wts, out)
    return out.reshape(out.shape[:1] + lead)


def logit_response(
    ctx: Context, weights, temperature, grid: int, uniforms: Choice, laid: dict | None = None
) -> tuple[Choice, Response]:
    """`logit_choice` and the `Response`: the best response and curvature along security and
    economic alignment, exact from three rows of the grid (the utility is a parabola)."""
    levels = [np.linspace(lo, hi, grid) for lo, hi in zip(LOWER, UPPER, strict=True)]
    u = utility_rows(ctx, weights, levels, relative=False, laid=laid)  # (1 + 3 grid, ...)
    temperature = np.asarray(temperature)
    if temperature.ndim:  # shaped like a state field of the context, (..., 1)
        temperature = temperature[..., 0]
    chosen, targets, curvatures = [], [], []
    for d in range(3):
        ud = u[1 + d * grid : 1 + (d + 1) * grid]
        chosen.append(logit_pick(ud, levels[d], temperature, np.asarray(uniforms[d])))
        if d < 2:
            rows = (0, grid // 2, grid - 1)
            x = [levels[d][j] for j in rows]
            slope, curvature = parabola_through(x, [ud[j] for j in rows])
            targets.append(vertex(slope, curvature, x[1], LOWER[d], UPPER[d]))
            curvatures.append(curvature)
    return Choice(*chosen), Response(*targets, *curvatures)


def logit_choice(ctx: Context, weights, temperature, grid: int, uniforms: Choice) -> Choice:
    """Draw each dimension's new value from the logit probabilities over `grid` options."""
    return logit_response(ctx, weights, temperature, grid, uniforms)[0]
