"""The utility a middle power sees in an option (security s, economic e, autonomy a).

The equations, one function per mechanism of MODEL.md, are in `sim.kernels` (compiled, shared
by the engine and the Mesa agents: they exist once); here is what the rest of the code reads:
the decision `Context`, and the terms (`TERMS`, `term_values`) and their weighted sum
(`utility`) at options of any shape, with the weights of `conf` (`weights.*`). Every function
broadcasts: options carry a trailing axis of candidates, context arrays broadcast against it,
and any leading axes (runs, states) pass through.

Shapes: options `s, e, a` are (..., K); state context is (..., 1); great-power context has a
pole axis, (..., P, 1), summed inside the term. A pole has a sign (+1 or -1): full security
alignment with it is s = sign, full economic orientation to it is e = sign. Nothing here
knows which pole is the US: swapping the poles mirrors every choice.

Every term is at most quadratic in each of s, e and a taken alone (bilinear across them), so
a state's best response along one dimension is the vertex of a parabola (see `decision`).
"""

from __future__ import annotations

import functools
import operator
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np

from sim import kernels
from sim.arrays import caches_of


class Context(NamedTuple):
    """What a middle power knows when it decides (all arrays broadcast as described above)."""

    # state-level, (..., 1)
    threat: np.ndarray  # challenger's threat times this state's exposure
    rivalry: np.ndarray  # effective US-China rivalry
    taiwan: np.ndarray  # effective Taiwan risk times this state's exposure
    defence_cost: np.ndarray  # budget cost of autonomy
    diversification: np.ndarray  # concavity of economic gains
    ideal_security: np.ndarray  # the government's ideal point
    ideal_economic: np.ndarray
    neighbour_ties: np.ndarray  # sum of cooperation with neighbours
    neighbour_alignment: np.ndarray  # cooperation-weighted sum of neighbours' security
    last_security: np.ndarray  # the state's own position at the last step
    last_economic: np.ndarray
    last_autonomy: np.ndarray
    economic_stickiness: np.ndarray  # inertia of each dimension relative to security
    autonomy_stickiness: np.ndarray
    appeasement: np.ndarray  # value of aligning with a great power that threatens (bandwagoning)
    consent_complement: np.ndarray  # how much a patron's consent makes autonomy a complement
    # per great power, (..., P, 1)
    sign: np.ndarray  # the pole of each great power (+1 or -1)
    protector: np.ndarray  # 1 for the great power the challenger threatens, else 0
    capability: np.ndarray  # share of the two great powers' military capability
    reliability: np.ndarray  # credibility of its commitment (pressures and shocks)
    market: np.ndarray  # realised value of its market (exports, inducement, restriction)
    coercion: np.ndarray  # readiness to punish plus restriction in force
    memory: np.ndarray  # remembered restrictions (drives de-risking)
    trade_pressure: np.ndarray  # tariffs and demands on economies oriented to its rival
    military: np.ndarray  # its military pressure on this state (baseline, lever, rivalry)
    consent: np.ndarray  # its consent to this state's self-reliance (submarines, enrichment)


def aligned(sign, x):
    """Share of alignment with the pole of `sign`: 1 at x = sign, 0 at x = -sign (arrays;
    the equation is `sim.kernels.aligned`)."""
    return kernels.aligned_everywhere(sign, x)


class Option:
    """Candidate positions (s, e, a), arrays of one shape (..., K) (`ctx`, unused, is
    accepted for the callers that pass the context along)."""

    def __init__(self, s: np.ndarray, e: np.ndarray, a: np.ndarray, ctx: Context | None = None):
        self.s, self.e, self.a = s, e, a


def broadcast_view(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """`np.broadcast_to(x, shape)`, a read-only view. A one-value `x` (a run's weight, a
    scalar) is viewed with every stride 0 directly: the same view (values, strides, flags)
    at a third of `np.broadcast_to`'s cost, which the Mesa layer, at one run, pays about a
    thousand times a run."""
    if x.size == 1 and x.ndim <= len(shape):
        view = np.ndarray(shape, x.dtype, x, 0, (0,) * len(shape))
        view.setflags(False)  # write=False, by position: `sim.arrays.frozen`'s way
        return view
    return np.broadcast_to(x, shape)


_STATE_FIELDS_OF = operator.attrgetter(*kernels.STATE_FIELDS)
_POLE_FIELDS_OF = operator.attrgetter(*kernels.POLE_FIELDS)
_FLOAT = np.dtype(np.float64)


def _float_array(x) -> np.ndarray:
    """`np.asarray(x, dtype=np.float64)`, `x` itself without a call where it is one already."""
    return x if type(x) is np.ndarray and x.dtype is _FLOAT else np.asarray(x, dtype=np.float64)


@functools.lru_cache(maxsize=256)
def broadcast_shape(shapes: frozenset) -> tuple[int, ...]:
    """`np.broadcast_shapes` of distinct `shapes`, kept: a step asks for the same few shapes
    every time, and NumPy's costs some microseconds a call (it builds arrays to broadcast)."""
    return np.broadcast_shapes(*shapes)


def kernel_context(
    ctx: Context,
    weights,
    shape: tuple[int, ...] = (),
    per_option: bool = False,
    laid: dict | None = None,
):
    """`ctx` and `weights` as the kernels of `sim.kernels` read them: (state fields, pole
    fields, weights, the decisions' shape). A decision is an entry of `shape` broadcast with
    the fields; `per_option`: every option (the trailing axis of the state fields, (..., K)) is
    a decision of its own, otherwise the trailing option axis of length 1 is dropped. The
    decisions come out on two axes, (I, J): broadcast views, no copies, where they already
    are two.

    `laid`: a cache the caller keeps with its `weights` (the engine's, with the world): the
    weights are the same arrays at every step, so their views are made once and reused while
    `weights` is the same object (a view follows its array's values). At one run (a Mesa
    step) that is a fifth of this function's cost."""

    laid_context = None if laid is None or per_option else laid.get("context")
    if laid_context is not None and laid_context[0] is ctx and shape in ((), laid_context[3]):
        # laid out by its maker (`lay_context`): its views, if the weights lie over them too
        hit = laid.get("weights")
        lead = laid_context[3]
        if hit is not None and hit[0] is weights and not hit[1] and hit[3] == {lead}:
            laid_weights = hit[4]
            wts = laid_weights.get(lead) or laid_weights.setdefault(lead, tuple(hit[2]))
            return laid_context[1], laid_context[2], wts, lead

    def state_field(x):
        x = _float_array(x)
        return x if per_option or x.ndim == 0 else x[..., 0]

    # the fields read in one call each (`operator.attrgetter`), not one `getattr` a field
    if per_option:
        state = [_float_array(x) for x in _STATE_FIELDS_OF(ctx)]
        poles = [np.moveaxis(_float_array(x), -2, -1) for x in _POLE_FIELDS_OF(ctx)]
    else:  # (..., 1) -> (...) and (..., P, 1) -> (..., P); a float array's view inline (the
        # usual case: a call of `state_field` a field cost a quarter of this function)
        state = [
            x[..., 0] if type(x) is np.ndarray and x.dtype is _FLOAT and x.ndim else state_field(x)
            for x in _STATE_FIELDS_OF(ctx)
        ]
        poles = [
            (x if type(x) is np.ndarray and x.dtype is _FLOAT else _float_array(x))[..., 0]
            for x in _POLE_FIELDS_OF(ctx)
        ]
    hit = None if laid is None else laid.get("weights")
    if hit is None or hit[0] is not weights or hit[1] != per_option:
        wts = [state_field(getattr(weights, name)) for name in kernels.TERM_NAMES]
        hit = (weights, per_option, wts, {x.shape for x in wts}, {})
        if laid is not None:
            laid["weights"] = hit
    wts, weight_shapes, laid_weights = hit[2], hit[3], hit[4]
    pole_shapes = {x.shape for x in poles}
    P = max([s[-1] for s in pole_shapes])
    # the distinct shapes only, their broadcast kept (`broadcast_shape`)
    shapes = {x.shape for x in state}
    shapes.update(weight_shapes, [s[:-1] for s in pole_shapes])
    shapes.add(shape)
    lead = broadcast_shape(frozenset(shapes))

    def flat(x, tail=()):
        if x.shape != lead + tail:
            x = broadcast_view(x, lead + tail)
        return x if len(lead) == 2 else x.reshape((-1, lead[-1] if lead else 1) + tail)

    if len(lead) == 2:  # the usual case: a field already of the decisions' shape is itself
        by_pole = lead + (P,)
        state = tuple([x if x.shape == lead else flat(x) for x in state])
        poles = tuple([x if x.shape == by_pole else flat(x, (P,)) for x in poles])
    else:
        state = tuple([flat(x) for x in state])
        poles = tuple([flat(x, (P,)) for x in poles])
    return (
        state,
        poles,
        laid_weights.get(lead) or laid_weights.setdefault(lead, tuple(flat(x) for x in wts)),
        lead,
    )


def lay_context(ctx: Context, laid: dict, state: tuple, poles: tuple, lead: tuple[int, int]):
    """Keep in `laid` (the cache `kernel_context` is given) the kernels' views of `ctx`,
    made by its maker, which knows their shapes: its state fields (`kernels.STATE_FIELDS`,
    each a float64 array (R, M') on the decisions' two axes `lead`) and its pole fields
    (`kernels.POLE_FIELDS`, each (R, M', P)), what `kernel_context` would make of them (the
    field without its trailing axis of length 1, broadcast where it is not of that shape).
    `kernel_context(ctx, weights, laid=laid)` then returns them for this `ctx` (the same
    object) instead of checking and viewing its 26 fields again: at one run, 21 us a step
    against 1."""
    laid["context"] = (ctx, state, poles, lead)


def kernel_views_of(w) -> dict:
    """The cache of the decisions' kernel views kept with the world `w` (`kernel_context`'s
    `laid`: its weights' views, and the context laid out by `lay_context`)."""
    return caches_of(w, "_kernel_weights")


def laid_context(ctx: Context, laid: dict) -> tuple | None:
    """The kernels' views of `ctx` laid out by its maker (`lay_context`): (state fields,
    pole fields, the decisions' two axes), or None if `ctx` is not the context laid."""
    hit = laid.get("context")
    return hit[1:] if hit is not None and hit[0] is ctx else None


def _on_two_axes(x, lead):
    x = np.broadcast_to(np.asarray(x, dtype=np.float64), lead)
    return x if len(lead) == 2 else x.reshape((-1, lead[-1] if lead else 1))


def term_values(s, e, a, ctx: Context, weights) -> dict[str, np.ndarray]:
    """Each weighted term at the options: what the "why" panel reads. `weights` holds one
    value per term, scalars or arrays shaped (runs, 1, 1) to broadcast over states and options."""
    shape = np.broadcast_shapes(np.shape(s), np.shape(e), np.shape(a))
    state, poles, wts, lead = kernel_context(ctx, weights, shape, per_option=True)
    options = [_on_two_axes(x, lead) for x in (s, e, a)]
    out = np.empty((len(kernels.TERM_NAMES),) + options[0].shape)
    kernels.terms_kernel(*options, state, poles, wts, out)
    return {name: out[k].reshape(lead) for k, name in enumerate(kernels.TERM_NAMES)}


def utility(s, e, a, ctx: Context, weights) -> np.ndarray:
    """Total utility of the options: the weighted sum of the terms, in a fixed order."""
    shape = np.broadcast_shapes(np.shape(s), np.shape(e), np.shape(a))
    state, poles, wts, lead = kernel_context(ctx, weights, shape, per_option=True)
    options = [_on_two_axes(x, lead) for x in (s, e, a)]
    out = np.empty(options[0].shape)
    kernels.utility_kernel(*options, state, poles, wts, out)
    return out.reshape(lead)


UNWEIGHTED = SimpleNamespace(**dict.fromkeys(kernels.TERM_NAMES, 1.0))


def _term(name: str):
    def value(x: Option, ctx: Context) -> np.ndarray:
        return term_values(x.s, x.e, x.a, ctx, UNWEIGHTED)[name]

    value.__name__ = value.__qualname__ = name
    value.__doc__ = f"The unweighted term `sim.kernels.{name}` at the options `x`."
    return value


# Each term unweighted at the options, by name (the equations: `sim.kernels`).
TERMS = {name: _term(name) for name in kernels.TERM_NAMES}
(
    protection,
    abandonment,
    entrapment,
    economic,
    coercion,
    trade_pressure,
    consistency,
    autonomy,
    domestic,
    neighbours,
    inertia,
    great_power_threat,
) = TERMS.values()


# What each term reads of an option (`sim.kernels.READS`): (s)ecurity, (e)conomic, (a)utonomy.
READS = kernels.READS

# The kernels read the context's fields by position.
assert Context._fields == kernels.STATE_FIELDS + kernels.POLE_FIELDS
