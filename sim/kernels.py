"""The middle powers' utility and decision, compiled (Numba): each equation once, for every caller.

One function per mechanism of MODEL.md (the utility terms), the decision rules' vertex and
partial adjustment, and the kernels that loop over decisions with them. `sim.utility` (the
terms at any options: the "why" panel, the tests), `sim.decision` (both rules) and through
them the engine and the Mesa agents call these: the equations exist here and nowhere else.

Why compiled: a decision weighs seven options (the current position, one unit either side
along each dimension) with eleven terms over two great powers, about a thousand operations.
As NumPy passes over arrays of runs each of them streams a temporary through memory; here a
decision's options and terms stay in registers, one decision after another.

The numbers are those of the NumPy expressions they replaced, to the last bit: every
operation in the same order (sums over great powers left to right from the first), no
`fastmath` (so no reassociation and no fused multiply-add).

Layout. A decision is an entry (i, j) of two axes (runs and states in the engine; one entry
for a Mesa agent; sim.utility flattens other shapes to two axes). Its context is three tuples
of arrays, read-only views that may be broadcast (stride 0): the state fields of
`sim.utility.Context`, (I, J), in the order of `STATE_FIELDS`; the per-great-power fields,
(I, J, P), in the order of `POLE_FIELDS`; the weights of the terms, (I, J), in the order of
`TERM_NAMES`.

SIMD. The `partial` kernel (the engine's decisions, and the Mesa agents' at one run) runs
several runs at once in the vector registers (AVX2: four), bit-identical to one at a time:
LLVM vectorizes a loop whose body is straight-line code, and each lane does exactly the
scalar arithmetic (no `fastmath`: nothing is reassociated or contracted into an FMA, and no
sum crosses lanes). What that takes, and what would stop it:
- the number of great powers is a constant of the compiled kernel (one per count,
  `_tiled_partial_kernel`), passed to the terms as `poles`, so their loops over great powers
  are unrolled; the other kernels pass the count they find in the context;
- `vertex` and `clip` are selects, not branches: `vertex` computes both the clipped vertex
  and the better bound and picks one, the vertex divided by the same `2.0 * curvature` as
  when it was a branch (by -1.0 where the parabola is not concave and the bound is picked,
  so no lane divides by zero); the kernel's error model is NumPy's, so a division carries
  no check for zero (a branch) either;
- the context's arrays are views of any strides (often broadcast), which LLVM cannot
  vectorize over without a runtime check for every pair that might overlap. The kernel
  copies a tile of `TILE` runs of one state into contiguous scratch arrays of constant shape,
  decides the tile in a loop over its runs that reads and writes only those, then copies the
  results out. The copies are about half the kernel's time (they read the context from
  memory, which a decision at a time did too); the kernel runs about 2.5 times as fast as
  one decision at a time (118 -> 46 ns a decision, a block of 16,384 runs of two states).
  A field the same for every state, or for every run (a world's parameter viewed once,
  `sim.strategy_kernels.once_per_run`), is copied once, not per tile (`tile_holds`).

Compiling (`sim.compiling.compiled`): lazily on first use, cached on disk (`cache=True`: a
new process, a Dask worker, loads the machine code instead of compiling again); where no
cache directory is writable, compiled in memory in each process.
"""

from __future__ import annotations

import functools

import numba
import numpy as np
from numba import types

from sim.arrays import frozen
from sim.compiling import compiled, tile_run
from sim.random import NORMAL_TILE, normal_scratch, normals_into

STATE_FIELDS = (
    "threat",
    "rivalry",
    "taiwan",
    "defence_cost",
    "diversification",
    "ideal_security",
    "ideal_economic",
    "neighbour_ties",
    "neighbour_alignment",
    "last_security",
    "last_economic",
    "last_autonomy",
    "economic_stickiness",
    "autonomy_stickiness",
    "appeasement",
    "consent_complement",
)
(
    THREAT,
    RIVALRY,
    TAIWAN,
    DEFENCE_COST,
    DIVERSIFICATION,
    IDEAL_SECURITY,
    IDEAL_ECONOMIC,
    NEIGHBOUR_TIES,
    NEIGHBOUR_ALIGNMENT,
    LAST_SECURITY,
    LAST_ECONOMIC,
    LAST_AUTONOMY,
    ECONOMIC_STICKINESS,
    AUTONOMY_STICKINESS,
    APPEASEMENT,
    CONSENT_COMPLEMENT,
) = range(len(STATE_FIELDS))
POLE_FIELDS = (
    "sign",
    "protector",
    "capability",
    "reliability",
    "market",
    "coercion",
    "memory",
    "trade_pressure",
    "military",
    "consent",
)
(
    SIGN,
    PROTECTOR,
    CAPABILITY,
    RELIABILITY,
    MARKET,
    COERCION,
    MEMORY,
    TRADE_PRESSURE,
    MILITARY,
    CONSENT,
) = range(len(POLE_FIELDS))
TERM_NAMES = (
    "protection",
    "abandonment",
    "entrapment",
    "economic",
    "coercion",
    "trade_pressure",
    "consistency",
    "autonomy",
    "domestic",
    "neighbours",
    "inertia",
    "great_power_threat",
)

# bounds of (security, economic, autonomy)
LOWER = (-1.0, -1.0, 0.0)
UPPER = (1.0, 1.0, 1.0)

jit = numba.njit(inline="always")  # the scalar equations: compiled into the kernels that call them


# ----------------------------------------------------------------------------- shared
@jit
def aligned(sign, x):
    """Share of alignment with the pole of `sign`: 1 at x = sign, 0 at x = -sign."""
    return (1.0 + sign * x) / 2.0


@jit
def clip(x, lo, hi):
    """`np.clip` of one number (NaN passes through)."""
    return lo if x < lo else (hi if x > hi else x)


# ----------------------------------------------------------------------------- the terms
# Each term of a middle power's utility at an option (s, e, a), for decision (i, j) with state
# fields `c` and per-great-power fields `q`. A sum over great powers adds them left to right
# from the first. Every term is at most quadratic in each of s, e and a taken alone (bilinear
# across them), so a state's best response along one dimension is the vertex of a parabola.


# 1. Balance of threat (Walt 1987): protection is worth more the higher the threat and the
#    more reliable and capable the protector.
@jit
def protection(s, e, a, c, q, i, j, poles):
    total = 0.0
    for p in range(poles):
        worth = q[PROTECTOR][i, j, p] * q[RELIABILITY][i, j, p] * q[CAPABILITY][i, j, p]
        part = worth * aligned(q[SIGN][i, j, p], s)
        total = part if p == 0 else total + part
    return c[THREAT][i, j] * total


# 2a. Abandonment (Snyder 1984): leaning on a patron whose commitment is in doubt costs, less
#     so for a state that can defend itself; self-reliance the patron consents to pays with
#     the alliance (autonomy a complement: submarines "with the tacit approval of the US", 001),
#     without consent it substitutes for it.
@jit
def abandonment(s, e, a, c, q, i, j, poles):
    doubt = 0.0
    consent = 0.0
    for p in range(poles):
        share = aligned(q[SIGN][i, j, p], s)
        part = (1.0 - q[RELIABILITY][i, j, p]) * share
        doubt = part if p == 0 else doubt + part
        part = q[CONSENT][i, j, p] * share
        consent = part if p == 0 else consent + part
    consented = c[CONSENT_COMPLEMENT][i, j] * a * consent
    return consented - doubt * (1.0 - a)


# 2b. Entrapment (Snyder 1984): the deeper in either camp, the likelier to be dragged into a
#     US-China war; rivalry and Taiwan risk scale it. Convex in alignment.
@jit
def entrapment(s, e, a, c, q, i, j, poles):
    depth = 0.0
    for p in range(poles):
        share = aligned(q[SIGN][i, j, p], s)
        part = share * share
        depth = part if p == 0 else depth + part
    return -c[RIVALRY][i, j] * c[TAIWAN][i, j] * depth


# 3. Economic gains from both markets, concave so that diversification pays (the classic
#    hedge: prosperity from both).
@jit
def economic(s, e, a, c, q, i, j, poles):
    gains = 0.0
    squares = 0.0
    for p in range(poles):
        share = aligned(q[SIGN][i, j, p], e)
        part = q[MARKET][i, j, p] * share
        gains = part if p == 0 else gains + part
        part = share * share
        squares = part if p == 0 else squares + part
    return gains - 0.5 * c[DIVERSIFICATION][i, j] * squares


# 4. Coercion exposure (Hirschman 1945; Farrell & Newman 2019): punishment is expected in
#    proportion to dependence on the coercer times alignment with its rival (THAAD); the
#    memory of past restrictions makes dependence itself a risk (de-risking).
@jit
def coercion(s, e, a, c, q, i, j, poles):
    exposure = 0.0
    for p in range(poles):
        provocation = 1.0 - aligned(q[SIGN][i, j, p], s)  # alignment with its rival
        dependence = aligned(q[SIGN][i, j, p], e)
        part = dependence * (q[COERCION][i, j, p] * provocation + q[MEMORY][i, j, p])
        exposure = part if p == 0 else exposure + part
    return -exposure


# 5. Trade pressure: tariffs and demands on an economy oriented to the rival, scaled by
#    rivalry (the 2025 US tariffs and the investment pledge).
@jit
def trade_pressure(s, e, a, c, q, i, j, poles):
    pressure = 0.0
    for p in range(poles):
        toward_rival = 1.0 - aligned(q[SIGN][i, j, p], e)
        part = q[TRADE_PRESSURE][i, j, p] * toward_rival
        pressure = part if p == 0 else pressure + part
    return -(0.5 + 0.5 * c[RIVALRY][i, j]) * pressure


# 6. Consistency under rivalry: the gap between security and economic alignment costs more
#    as rivalry rises (no more "security from Washington, economy from Beijing").
@jit
def consistency(s, e, a, c, q, i, j, poles):
    gap = s - e
    return -c[RIVALRY][i, j] * (gap * gap)


# 7. Autonomy: self-reliant defence pays under threat, the challenger's and the great powers'
#    (internal balancing), and costs budget (its value under doubt enters through abandonment).
@jit
def autonomy(s, e, a, c, q, i, j, poles):
    military = 0.0
    for p in range(poles):
        military = q[MILITARY][i, j, p] if p == 0 else military + q[MILITARY][i, j, p]
    return (c[THREAT][i, j] + military) * a - c[DEFENCE_COST][i, j] * (a * a)


# 8. Domestic politics: the government's distance from its ideal point.
@jit
def domestic(s, e, a, c, q, i, j, poles):
    ds = s - c[IDEAL_SECURITY][i, j]
    de = e - c[IDEAL_ECONOMIC][i, j]
    return -(ds * ds) - de * de


# 9. Neighbours: agreeing with cooperating neighbours' security alignment pays (KOR-JPN, the
#    trilateral); history disputes lower the ties.
@jit
def neighbours(s, e, a, c, q, i, j, poles):
    return 0.5 * (c[NEIGHBOUR_TIES][i, j] + s * c[NEIGHBOUR_ALIGNMENT][i, j])


# 10. Inertia: changing course costs, and more so for trade and investment (supply chains)
#     and self-reliant defence (procurement) than for diplomatic alignment.
@jit
def inertia(s, e, a, c, q, i, j, poles):
    ds = s - c[LAST_SECURITY][i, j]
    de = e - c[LAST_ECONOMIC][i, j]
    da = a - c[LAST_AUTONOMY][i, j]
    return -(
        ds * ds
        + c[ECONOMIC_STICKINESS][i, j] * (de * de)
        + c[AUTONOMY_STICKINESS][i, j] * (da * da)
    )


# 11. Balance of threat against great powers (Walt 1987): a state under a great power's
#     military pressure gains from aligning with that power's rival, in proportion to the
#     rival's reliability and capability (balancing), or with the threatening power itself, in
#     proportion to the appeasement yield (bandwagoning, rarer). Summed per pole: pole p's
#     share is worth its protection against the others' threat plus appeasement of its own.
@jit
def great_power_threat(s, e, a, c, q, i, j, poles):
    everyone = 0.0
    for p in range(poles):
        everyone = q[MILITARY][i, j, p] if p == 0 else everyone + q[MILITARY][i, j, p]
    total = 0.0
    for p in range(poles):
        military = q[MILITARY][i, j, p]
        worth = q[RELIABILITY][i, j, p] * q[CAPABILITY][i, j, p] * (everyone - military)
        worth = worth + c[APPEASEMENT][i, j] * military
        part = worth * aligned(q[SIGN][i, j, p], s)
        total = part if p == 0 else total + part
    return total


@jit
def weighted_terms(s, e, a, c, q, w, i, j, poles):
    """Each term times its weight, in the order of `TERM_NAMES`."""
    return (
        w[0][i, j] * protection(s, e, a, c, q, i, j, poles),
        w[1][i, j] * abandonment(s, e, a, c, q, i, j, poles),
        w[2][i, j] * entrapment(s, e, a, c, q, i, j, poles),
        w[3][i, j] * economic(s, e, a, c, q, i, j, poles),
        w[4][i, j] * coercion(s, e, a, c, q, i, j, poles),
        w[5][i, j] * trade_pressure(s, e, a, c, q, i, j, poles),
        w[6][i, j] * consistency(s, e, a, c, q, i, j, poles),
        w[7][i, j] * autonomy(s, e, a, c, q, i, j, poles),
        w[8][i, j] * domestic(s, e, a, c, q, i, j, poles),
        w[9][i, j] * neighbours(s, e, a, c, q, i, j, poles),
        w[10][i, j] * inertia(s, e, a, c, q, i, j, poles),
        w[11][i, j] * great_power_threat(s, e, a, c, q, i, j, poles),
    )


@jit
def total_of(terms):
    """The weighted terms added in a fixed order (from 0.0, first to last)."""
    total = 0.0
    for k in range(len(terms)):
        total += terms[k]
    return total


@jit
def utility(s, e, a, c, q, w, i, j, poles):
    """Total utility of option (s, e, a): the weighted terms added in a fixed order."""
    return total_of(weighted_terms(s, e, a, c, q, w, i, j, poles))


# What each term reads of an option: (s)ecurity, (e)conomic alignment, (a)utonomy. A term
# is the same at two options that differ only in what it does not read (tests/test_utility.py
# checks every entry against the term itself), which `utility_along_*` use.
READS = {
    "protection": "s",
    "abandonment": "sa",
    "entrapment": "s",
    "economic": "e",
    "coercion": "se",
    "trade_pressure": "e",
    "consistency": "se",
    "autonomy": "a",
    "domestic": "se",
    "neighbours": "s",
    "inertia": "sea",
    "great_power_threat": "s",
}
assert tuple(READS) == TERM_NAMES


def _utility_along(d):
    """`utility` at an option that differs from the current position only along dimension
    d, given the weighted terms `here` at the current position: the terms that do not read d
    are taken from `here` (the same numbers), the others evaluated, all added in the order of
    `total_of`, so the total is the same to the bit. (`reads` is a constant of the compiled
    function: the terms it skips are not in its machine code.)"""
    reads = tuple("sea"[d] in READS[name] for name in TERM_NAMES)

    @jit
    def along_d(s, e, a, c, q, w, i, j, poles, here):
        total = 0.0
        total += w[0][i, j] * protection(s, e, a, c, q, i, j, poles) if reads[0] else here[0]
        total += w[1][i, j] * abandonment(s, e, a, c, q, i, j, poles) if reads[1] else here[1]
        total += w[2][i, j] * entrapment(s, e, a, c, q, i, j, poles) if reads[2] else here[2]
        total += w[3][i, j] * economic(s, e, a, c, q, i, j, poles) if reads[3] else here[3]
        total += w[4][i, j] * coercion(s, e, a, c, q, i, j, poles) if reads[4] else here[4]
        total += w[5][i, j] * trade_pressure(s, e, a, c, q, i, j, poles) if reads[5] else here[5]
        total += w[6][i, j] * consistency(s, e, a, c, q, i, j, poles) if reads[6] else here[6]
        total += w[7][i, j] * autonomy(s, e, a, c, q, i, j, poles) if reads[7] else here[7]
        total += w[8][i, j] * domestic(s, e, a, c, q, i, j, poles) if reads[8] else here[8]
        total += w[9][i, j] * neighbours(s, e, a, c, q, i, j, poles) if reads[9] else here[9]
        total += w[10][i, j] * inertia(s, e, a, c, q, i, j, poles) if reads[10] else here[10]
        total += (
            w[11][i, j] * great_power_threat(s, e, a, c, q, i, j, poles) if reads[11] else here[11]
        )
        return total

    return along_d


utility_along_security, utility_along_economic, utility_along_autonomy = (
    _utility_along(d) for d in range(3)
)


# ----------------------------------------------------------------------------- decision rules
# Every agent that chooses (middle powers, great powers, the challenger) has an objective at
# most quadratic in each of its choices; these turn it into a move.
@jit
def vertex(slope, curvature, current, lo, hi):
    """Best value of u(current + t) = u(current) + slope t + curvature t^2 on [lo, hi]: the
    vertex clipped to the bounds when the parabola is concave, otherwise the better bound.
    Both are computed and one selected, no branch: a loop of decisions vectorizes (module
    docstring, "SIMD"); the divisor where the bound is picked only keeps zero out of it."""
    concave = curvature < -1e-12
    divisor = 2.0 * curvature if concave else -1.0
    at_vertex = clip(current - slope / divisor, lo, hi)
    gain_at_hi = slope * (hi - current) + curvature * ((hi - current) * (hi - current))
    gain_at_lo = slope * (lo - current) + curvature * ((lo - current) * (lo - current))
    at_bound = hi if gain_at_hi >= gain_at_lo else lo
    return at_vertex if concave else at_bound


@jit
def adjust(current, target, speed, noise_scale, shock, lo, hi):
    """Partial adjustment: close a share `speed` of the gap to `target`, plus noise."""
    return clip(current + speed * (target - current) + noise_scale * shock, lo, hi)


@jit
def along(u_below, u_here, u_above):
    """Slope and curvature of the parabola through the utilities one unit below, at and one
    unit above the current position."""
    return (u_above - u_below) / 2.0, (u_above - 2.0 * u_here + u_below) / 2.0


# ----------------------------------------------------------------------------- kernels
F = types.float64
STATE = types.UniTuple(types.Array(F, 2, "A", readonly=True), len(STATE_FIELDS))
POLES = types.UniTuple(types.Array(F, 3, "A", readonly=True), len(POLE_FIELDS))
WEIGHTS = types.UniTuple(types.Array(F, 2, "A", readonly=True), len(TERM_NAMES))
# read-only arrays of any layout, by dimensions: what a kernel reads (every kernel names them here)
IN1, IN2 = types.Array(F, 1, "A", readonly=True), types.Array(F, 2, "A", readonly=True)
IN3, IN4 = types.Array(F, 3, "A", readonly=True), types.Array(F, 4, "A", readonly=True)
OUT2, OUT3 = types.Array(F, 2, "C"), types.Array(F, 3, "C")
SHOCKS = types.UniTuple(IN2, 3)  # of the partial rule's three dimensions, (I, J) each
KEYS = types.UniTuple(types.Array(types.uint64, 2, "A", readonly=True), 3)  # their keys


@compiled([types.void(IN2, IN2, IN2, STATE, POLES, WEIGHTS, OUT3)])
def terms_kernel(s, e, a, c, q, w, out):
    """out[k, i, j]: weighted term k at option (s, e, a)[i, j] of decision (i, j)."""
    poles = q[SIGN].shape[2]
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            terms = weighted_terms(s[i, j], e[i, j], a[i, j], c, q, w, i, j, poles)
            for k in range(len(terms)):
                out[k, i, j] = terms[k]


@compiled([types.void(IN2, IN2, IN2, STATE, POLES, WEIGHTS, OUT2)])
def utility_kernel(s, e, a, c, q, w, out):
    """out[i, j]: the utility of option (s, e, a)[i, j] of decision (i, j)."""
    poles = q[SIGN].shape[2]
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = utility(s[i, j], e[i, j], a[i, j], c, q, w, i, j, poles)


@compiled([types.void(IN1, IN1, IN1, types.boolean, STATE, POLES, WEIGHTS, OUT3)])
def rows_kernel(along_s, along_e, along_a, relative, c, q, w, out):
    """out[row, i, j]: utility at row 0, the current position, then at each level of
    `along_s`, `along_e`, `along_a` in turn with the other two dimensions held (levels are
    moves from the current position if `relative`, values otherwise)."""
    poles = q[SIGN].shape[2]
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            s, e, a = c[LAST_SECURITY][i, j], c[LAST_ECONOMIC][i, j], c[LAST_AUTONOMY][i, j]
            terms = weighted_terms(s, e, a, c, q, w, i, j, poles)
            out[0, i, j] = total_of(terms)
            row = 1
            for x in along_s:
                out[row, i, j] = utility_along_security(
                    s + x if relative else x, e, a, c, q, w, i, j, poles, terms
                )
                row += 1
            for x in along_e:
                out[row, i, j] = utility_along_economic(
                    s, e + x if relative else x, a, c, q, w, i, j, poles, terms
                )
                row += 1
            for x in along_a:
                out[row, i, j] = utility_along_autonomy(
                    s, e, a + x if relative else x, c, q, w, i, j, poles, terms
                )
                row += 1


@jit
def partial_decision(c, q, w, i, j, poles, rate, scale, shocks):
    """The `partial` rule for decision (i, j): the new (s, e, a), the best response (the
    vertex along each dimension, the others held) and the curvature along security and
    economic alignment. The utility along a dimension is a parabola, so the current position
    and one unit either side determine it exactly. The terms are evaluated once at the
    current position, then only those that read the dimension moved along (`READS`): 48 term
    evaluations a decision instead of 84, the same numbers."""
    here = (c[LAST_SECURITY][i, j], c[LAST_ECONOMIC][i, j], c[LAST_AUTONOMY][i, j])
    s, e, a = here
    terms = weighted_terms(s, e, a, c, q, w, i, j, poles)
    u_here = total_of(terms)
    # one unit below and above the current position along each dimension in turn
    below = (
        utility_along_security(s - 1.0, e, a, c, q, w, i, j, poles, terms),
        utility_along_economic(s, e - 1.0, a, c, q, w, i, j, poles, terms),
        utility_along_autonomy(s, e, a - 1.0, c, q, w, i, j, poles, terms),
    )
    above = (
        utility_along_security(s + 1.0, e, a, c, q, w, i, j, poles, terms),
        utility_along_economic(s, e + 1.0, a, c, q, w, i, j, poles, terms),
        utility_along_autonomy(s, e, a + 1.0, c, q, w, i, j, poles, terms),
    )
    slope_s, curvature_s = along(below[0], u_here, above[0])
    slope_e, curvature_e = along(below[1], u_here, above[1])
    slope_a, curvature_a = along(below[2], u_here, above[2])
    best_s = vertex(slope_s, curvature_s, s, LOWER[0], UPPER[0])
    best_e = vertex(slope_e, curvature_e, e, LOWER[1], UPPER[1])
    best_a = vertex(slope_a, curvature_a, a, LOWER[2], UPPER[2])
    return (
        adjust(s, best_s, rate, scale, shocks[0], LOWER[0], UPPER[0]),
        adjust(e, best_e, rate, scale, shocks[1], LOWER[1], UPPER[1]),
        adjust(a, best_a, rate, scale, shocks[2], LOWER[2], UPPER[2]),
        best_s,
        best_e,
        best_a,
        curvature_s,
        curvature_e,
    )


# Runs a tile of the `partial` kernels: the inputs of 64 runs of a state (about 27 KB at two
# great powers) and the outputs stay in the first-level cache between the copy and the compute.
TILE = 64


@jit
def run_tile_holds(strides, start):
    """Whether the tile of runs from `start` already holds a field (of `strides`, runs
    first): the tile of the previous runs copied the same numbers, the field being the same
    in every run (stride 0: a world's parameter, `sim.strategy_kernels.once_per_run`)."""
    return start > 0 and strides[0] == 0


@jit
def tile_holds(strides, start, j, states):
    """Whether the tile already holds a field (of `strides`, runs and states first) for the
    tile of runs from `start` of state j: the tile before it (the previous state's, or the
    last one's of the previous runs) copied the same numbers, the field being the same for
    every state (stride 0) or, from one tile of runs to the next, for every run and state (a
    world's parameter the same in every run, `sim.strategy_kernels.once_per_run`)."""
    if j > 0:
        return strides[1] == 0
    return run_tile_holds(strides, start) and (strides[1] == 0 or states == 1)


def _tiled_partial_kernel(poles: int):
    """The `partial` kernel for `poles` great powers (module docstring, "SIMD"): a tile of
    runs of one state at a time is copied into contiguous scratch arrays of constant shape
    (so LLVM sees their strides and that they do not overlap), decided in a loop over the
    tile's runs (the vectorized loop), and copied out. The shocks are given, or `drawn` in
    the tile from their keys (`sim.random.normals_into`, what `normal_at` draws: no array of
    draws written to memory and read back). (`poles` is a constant of the compiled closure;
    Numba's disk cache keys a closure by its constants, one entry a count.)"""
    state_fields, pole_fields, term_names = len(STATE_FIELDS), len(POLE_FIELDS), len(TERM_NAMES)

    def kernel(c, q, w, speed, noise_scale, shocks, keys, counter, drawn, out):
        runs, states = out.shape[1], out.shape[2]
        # the tile's context with the decision axes (run in the tile, 0): what the terms read
        c_tile = np.empty((state_fields, TILE, 1))
        q_tile = np.empty((pole_fields, TILE, 1, poles))
        w_tile = np.empty((term_names, TILE, 1))
        rule_tile = np.empty((5, TILE))  # speed, noise scale, shocks (s, e, a)
        out_tile = np.empty((8, TILE))
        # where drawn: the tile's keys and shocks, by dimension, state and run in the tile
        key_tile = np.empty(3 * states * TILE if drawn else 0, dtype=np.uint64)
        shock_tile = np.empty(key_tile.shape[0])
        scratch = normal_scratch(NORMAL_TILE)
        for start in range(0, runs, TILE):
            n = min(TILE, runs - start)
            if drawn:  # every state's shocks, from their keys at this step's counter
                for d in range(3):
                    for j in range(states):
                        for t in range(n):
                            key_tile[(d * states + j) * n + t] = keys[d][tile_run(start, t), j]
                drawing = 3 * states * n
                normals_into(key_tile[:drawing], counter, shock_tile[:drawing], scratch)
            for j in range(states):
                # a field the same for every state or run is copied once (`tile_holds`)
                for f in range(state_fields):
                    x = c[f]
                    if not tile_holds(x.strides, start, j, states):
                        for t in range(n):
                            c_tile[f, t, 0] = x[tile_run(start, t), j]
                for f in range(pole_fields):
                    x3 = q[f]
                    if not tile_holds(x3.strides, start, j, states):
                        for t in range(n):
                            for p in range(poles):
                                q_tile[f, t, 0, p] = x3[tile_run(start, t), j, p]
                for f in range(term_names):
                    x = w[f]
                    if not tile_holds(x.strides, start, j, states):
                        for t in range(n):
                            w_tile[f, t, 0] = x[tile_run(start, t), j]
                for f, x in enumerate((speed, noise_scale)):
                    if not tile_holds(x.strides, start, j, states):
                        for t in range(n):
                            rule_tile[f, t] = x[tile_run(start, t), j]
                for d in range(3):
                    if drawn:
                        for t in range(n):
                            rule_tile[2 + d, t] = shock_tile[(d * states + j) * n + t]
                    elif not tile_holds(shocks[d].strides, start, j, states):
                        for t in range(n):
                            rule_tile[2 + d, t] = shocks[d][tile_run(start, t), j]
                for t in range(n):  # the vectorized loop: straight-line, over runs
                    rate, scale = rule_tile[0, t], rule_tile[1, t]
                    shock = (rule_tile[2, t], rule_tile[3, t], rule_tile[4, t])
                    decided = partial_decision(
                        c_tile, q_tile, w_tile, t, 0, poles, rate, scale, shock
                    )
                    for k in range(8):
                        out_tile[k, t] = decided[k]
                for k in range(8):
                    for t in range(n):
                        out[k, tile_run(start, t), j] = out_tile[k, t]

    signature = [
        types.void(STATE, POLES, WEIGHTS, IN2, IN2, SHOCKS, KEYS, types.uint64, types.boolean, OUT3)
    ]
    return compiled(signature, lazy=False, error_model="numpy")(kernel)


_partial_kernels = functools.cache(_tiled_partial_kernel)


def partial_kernel(c, q, w, speed, noise_scale, shock_s, shock_e, shock_a, out):
    """The `partial` rule (`partial_decision`) for every decision (i, j): out[0:3] the new
    (s, e, a), out[3:6] the best response, out[6:8] the curvature along security and economic
    alignment; the kernel compiled for the number of great powers."""
    kernel = _partial_kernels(q[SIGN].shape[2])
    kernel(c, q, w, speed, noise_scale, (shock_s, shock_e, shock_a), _NO_KEYS, 0, False, out)


def partial_kernel_drawing(c, q, w, speed, noise_scale, keys, counter, out):
    """`partial_kernel` with the shocks drawn where they are used: the shock of dimension d
    of decision (i, j) is the standard normal draw of (keys[d][i, j], `counter`), what
    `sim.random.normal_at(keys[d], step)` draws (`counter`: `step_counter(step)`)."""
    kernel = _partial_kernels(q[SIGN].shape[2])
    kernel(c, q, w, speed, noise_scale, _NO_SHOCKS, keys, counter, True, out)


def _nothing(dtype) -> np.ndarray:
    """An empty read-only (0, 0) array: an argument the kernel does not read."""
    x = np.empty((0, 0), dtype)
    frozen(x)
    return x


# the shocks or keys of the `partial` kernel that it does not read (the other is given)
_NO_SHOCKS = (_nothing(np.float64),) * 3
_NO_KEYS = (_nothing(np.uint64),) * 3


# The shared rules for NumPy arrays of any shapes (the great powers' and the challenger's
# choices, `sim.strategy`), elementwise with broadcasting.
@compiled(["float64(float64, float64, float64, float64, float64)"], vectorize=True)
def vertex_everywhere(slope, curvature, current, lo, hi):
    return vertex(slope, curvature, current, lo, hi)


@compiled(
    ["float64(float64, float64, float64, float64, float64, float64, float64)"], vectorize=True
)
def adjust_everywhere(current, target, speed, noise_scale, shock, lo, hi):
    return adjust(current, target, speed, noise_scale, shock, lo, hi)


@compiled(["float64(float64, float64)"], vectorize=True)
def aligned_everywhere(sign, x):
    return aligned(sign, x)
