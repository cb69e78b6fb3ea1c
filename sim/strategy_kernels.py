"""The great powers' review and Pyongyang's choice, compiled (Numba): each equation once.

The scalar equations of `sim.influence` (a lever's pull on a middle power's utility slope)
and `sim.strategy` (the great powers' forecast, the slope and curvature of their objective
in each lever and in their restraint, the challenger's incentive) are written here once, as
`jit` functions. `review_kernel` runs the great powers' review (`expect`, `lever_review`,
`restraint_review`) several runs at once (below, "SIMD"); `challenger_kernel` Pyongyang's
choice, tiled the same way. The "why" panel and the tests call the same scalar
functions through `pulls_kernel`, `forecast_kernel` and the elementwise (`vectorize=True`)
wrappers at the end, so the engine and the Mesa layer compute the same numbers.

The numbers are those of the NumPy expressions these replaced, to the last bit: operations
in the same order, sums over the great powers from the first (`sim.arrays.total`), or, for
NumPy's own `.sum(axis=-1)` over a contiguous axis, the first plus the rest added from 0.0.

Layout (as `sim.kernels`): tuples of read-only arrays, runs first, broadcast views allowed.
- `u` per run (R,), in the order of `RUN_FIELDS`;
- `s` per middle power (R, M), `STATE_FIELDS`;
- `q` per pair (middle power, great power) (R, M, P), `PAIR_FIELDS`; `b` their flags, `FLAGS`;
- `g` per great power (R, P), `POLE_FIELDS`;
- `lv` per great power and lever (R, P, K), `LEVER_FIELDS`.

SIMD (as `sim.kernels`' partial kernel): the review runs four runs at once in the vector
registers (AVX2), bit-identical to one at a time: each lane does the scalar arithmetic in
the same order (no `fastmath`), no sum crosses lanes. LLVM vectorizes a loop over runs whose
body is straight-line code over contiguous arrays of known strides, so the kernel
- copies a tile of `TILE` runs into scratch arrays of constant shape, one middle power at a
  time (its axis of length 1: the equations' reads of a run are then adjacent), the number
  of great powers a constant of the compiled kernel (`_tiled_review_kernel`, one per count);
- runs one loop over the tile's runs per step: what a great power expects of the middle
  power (`expect`, into one scratch array), its review of each lever slot some run may use
  (`lever_review`), its restraint (`restraint_review`, from what it expects of every middle
  power); the slots, great powers and middle powers are the loops around them;
- computes both sides of a choice and selects one where a branch would divide (`answer`,
  `restraint_effect`, the noise and the tariff's deal in `lever_review`), with NumPy's error
  model (a division carries no check for zero).
A world's parameters the same in every run are read from one place (`once_per_run`). The
review of a 16,384-run block of a pressures chunk (two middle powers, two great powers):
3.9 -> 2.6 ms with its inputs in the second-level cache, 4.3 -> 3.8 ms from memory (the
copies into the tile are reads the review did anyway); in the engine, with the parameters
read once, 0.14 -> 0.09 CPU-s per 25,000-run chunk.
"""

from __future__ import annotations

import functools
import operator
from types import SimpleNamespace

import numpy as np
from numba import types

from sim.arrays import caches_of, frozen, rows_of, same_objects, shape_of
from sim.compiling import tile_run
from sim.kernels import (
    IN1,
    IN2,
    IN3,
    IN4,
    adjust,
    compiled,
    jit,
    run_tile_holds,
    tile_holds,
    vertex,
)
from sim.kernels import POLE_FIELDS as KERNEL_POLE_FIELDS
from sim.kernels import STATE_FIELDS as KERNEL_STATE_FIELDS
from sim.params import LEVERS
from sim.random import normal_scratch, normals_into
from sim.utility import broadcast_view, kernel_views_of, laid_context

FLAT = 1e-9  # a curvature above -FLAT: the middle power does not answer along that dimension

COMMITMENT, INDUCEMENT, COERCION, TARIFF, CONSENT, MILITARY = range(6)
assert LEVERS == ("commitment", "inducement", "coercion", "tariff", "consent", "military")

RUN_FIELDS = (
    "stake",
    "inertia",
    "noise",
    "own_threat",
    "stability",
    "second_front",
    "pledge_signal",
    "commitment_gain",
    "tariff_doubt",
    "restriction_loss",
    "rivalry",  # the disposition in force (the stake), not the context's field
    "taiwan",
    "russia_dprk",
    "restraint_response",
    "challenger_cost",
    "challenger_inertia",
    "threat_effect",
    "outside_option",
)
(
    STAKE,
    INERTIA,
    NOISE,
    OWN_THREAT,
    STABILITY,
    SECOND_FRONT,
    PLEDGE_SIGNAL,
    COMMITMENT_GAIN,
    TARIFF_DOUBT,
    RESTRICTION_LOSS,
    RIVALRY,
    TAIWAN,
    RUSSIA_DPRK,
    RESTRAINT_RESPONSE,
    CHALLENGER_COST,
    CHALLENGER_INERTIA,
    THREAT_EFFECT,
    OUTSIDE_OPTION,
) = range(len(RUN_FIELDS))
STATE_FIELDS = (
    "threat",
    "rivalry",
    "last_security",
    "last_economic",
    "last_autonomy",
    "appeasement",
    "consent_complement",
    "protection",  # the weights of the utility terms the pulls read
    "abandonment",
    "great_power_threat",
    "coercion",
    "economic",
    "trade_pressure",
    "military_exposure",
    "importance",
    "threat_exposure",
    "target_security",  # the middle powers' `Response`
    "target_economic",
    "curvature_security",
    "curvature_economic",
)
(
    S_THREAT,
    S_RIVALRY,
    LAST_SECURITY,
    LAST_ECONOMIC,
    LAST_AUTONOMY,
    APPEASEMENT,
    CONSENT_COMPLEMENT,
    W_PROTECTION,
    W_ABANDONMENT,
    W_GREAT_POWER_THREAT,
    W_COERCION,
    W_ECONOMIC,
    W_TRADE_PRESSURE,
    MILITARY_EXPOSURE,
    IMPORTANCE,
    THREAT_EXPOSURE,
    TARGET_SECURITY,
    TARGET_ECONOMIC,
    CURVATURE_SECURITY,
    CURVATURE_ECONOMIC,
) = range(len(STATE_FIELDS))
PAIR_FIELDS = (
    "sign",  # the context's
    "protector",
    "capability",
    "military",
    "reliability",  # `sim.influence.Pairs`
    "restriction",
    "inducement",
    "exports",
    "pledge",
)
(
    Q_SIGN,
    Q_PROTECTOR,
    Q_CAPABILITY,
    Q_MILITARY,
    Q_RELIABILITY,
    Q_RESTRICTION,
    Q_INDUCEMENT,
    Q_EXPORTS,
    Q_PLEDGE,
) = range(len(PAIR_FIELDS))
FLAGS = ("reliability_interior", "military_interior", "coercion_binds")
RELIABILITY_INTERIOR, MILITARY_INTERIOR, COERCION_BINDS = range(len(FLAGS))
POLE_FIELDS = (
    "sign",  # the world's
    "protector",
    "aims_security",
    "aims_economic",
    "deal",
    "restraint_cost",
    "restraint_max",
    "leverage",
    "restraint",  # in force
    "capability",
)
(
    SIGN,
    PROTECTOR,
    AIMS_SECURITY,
    AIMS_ECONOMIC,
    DEAL,
    RESTRAINT_COST,
    RESTRAINT_MAX,
    LEVERAGE,
    RESTRAINT,
    CAPABILITY,
) = range(len(POLE_FIELDS))
LEVER_FIELDS = ("cost", "cap")
LEVER_COST, LEVER_CAP = range(len(LEVER_FIELDS))


def flag(x):
    """A boolean mask as a factor, as NumPy multiplies by one."""
    return 1.0 if x else 0.0


flag = jit(flag)


# ----------------------------------------------------------------------------- the pulls
# `sim.influence`: G_xk = dA_x / dL_k, the change of a middle power's utility slope along
# security (x = s) and economic alignment (x = e) per unit of great power p's lever k.
@jit
def pair_totals(q, r, i):
    """Middle power i's sums over the great powers in run r, the same for each of them: the
    military pressure it faces, and the protection backed by reliability and capability
    (sign x reliability x capability), each summed from the first great power on."""
    military, backed = 0.0, 0.0
    for o in range(q[Q_SIGN].shape[2]):
        military = q[Q_MILITARY][r, i, o] if o == 0 else military + q[Q_MILITARY][r, i, o]
        by = q[Q_SIGN][r, i, o] * q[Q_RELIABILITY][r, i, o] * q[Q_CAPABILITY][r, i, o]
        backed = by if o == 0 else backed + by
    return military, backed


@jit
def reliability_value(u, s, q, r, i, p, everyone):
    """dA_s / dr_p over sign_p / 2: what a unit of p's reliability is worth to the slope of
    security alignment (protection, abandonment, the balance of threat against the others);
    `everyone`: the military pressure of every great power on i (`pair_totals`)."""
    return (
        s[W_PROTECTION][r, i]
        * s[S_THREAT][r, i]
        * q[Q_PROTECTOR][r, i, p]
        * q[Q_CAPABILITY][r, i, p]
        + s[W_ABANDONMENT][r, i] * (1.0 - s[LAST_AUTONOMY][r, i])
        + s[W_GREAT_POWER_THREAT][r, i]
        * q[Q_CAPABILITY][r, i, p]
        * (everyone - q[Q_MILITARY][r, i, p])
    )


@jit
def pair_pulls(u, s, q, b, r, i, p, totals):
    """(G_s, G_e) of great power p's levers toward middle power i in run r, each a tuple in
    the order of LEVERS; `totals`: i's sums over the great powers (`pair_totals`)."""
    military, everyone = totals
    sign = q[Q_SIGN][r, i, p]
    half_sign = sign / 2.0  # d(share of p)/dx
    rivalry_scale = 0.5 + 0.5 * s[S_RIVALRY][r, i]
    exports = q[Q_EXPORTS][r, i, p]
    loss = u[RESTRICTION_LOSS][r]
    security_share = (1.0 + sign * s[LAST_SECURITY][r, i]) / 2.0
    economic_share = (1.0 + sign * s[LAST_ECONOMIC][r, i]) / 2.0
    binds = flag(b[COERCION_BINDS][r, i, p])
    w_coercion, w_economic = s[W_COERCION][r, i], s[W_ECONOMIC][r, i]
    reliability_pull = (
        half_sign
        * reliability_value(u, s, q, r, i, p, military)
        * flag(b[RELIABILITY_INTERIOR][r, i, p])
    )
    # military: theta_p = exposure (1/2 + rivalry/2) clip(base + lever); its pull on security
    # is toward the others' protection (balancing) and toward p itself (appeasement)
    others = everyone - sign * q[Q_RELIABILITY][r, i, p] * q[Q_CAPABILITY][r, i, p]
    g_s = (
        u[COMMITMENT_GAIN][r] * reliability_pull,
        0.0,
        w_coercion * economic_share * half_sign * binds,
        -u[TARIFF_DOUBT][r] * reliability_pull,
        s[W_ABANDONMENT][r, i] * s[CONSENT_COMPLEMENT][r, i] * s[LAST_AUTONOMY][r, i] * half_sign,
        s[W_GREAT_POWER_THREAT][r, i]
        * s[MILITARY_EXPOSURE][r, i]
        * rivalry_scale
        * 0.5
        * (others + s[APPEASEMENT][r, i] * sign)
        * flag(b[MILITARY_INTERIOR][r, i, p]),
    )
    g_e = (
        0.0,
        w_economic * exports * (1.0 - loss * q[Q_RESTRICTION][r, i, p]) * half_sign,
        -half_sign
        * (
            w_coercion * (1.0 - security_share)
            + w_economic * loss * exports * (1.0 + q[Q_INDUCEMENT][r, i, p])
        )
        * binds,
        s[W_TRADE_PRESSURE][r, i] * rivalry_scale * half_sign,
        0.0,
        0.0,
    )
    return g_s, g_e


@jit
def threat_pull(u, s, q, g, r, i):
    """dA_s / d(the challenger's threat) of middle power i: protection's slope per unit of the
    threat (before the state's exposure)."""
    worth = 0.0  # NumPy's sum over the great powers: the first plus the rest from 0.0
    for o in range(1, g[SIGN].shape[1]):
        worth += (
            g[PROTECTOR][r, o]
            * q[Q_RELIABILITY][r, i, o]
            * g[CAPABILITY][r, o]
            * g[SIGN][r, o]
            / 2.0
        )
    first = (
        g[PROTECTOR][r, 0] * q[Q_RELIABILITY][r, i, 0] * g[CAPABILITY][r, 0] * g[SIGN][r, 0] / 2.0
    )
    return s[W_PROTECTION][r, i] * s[THREAT_EXPOSURE][r, i] * (first + worth)


# ----------------------------------------------------------------------------- the forecast
@jit
def answer(curvature):
    """How far a middle power's target moves per unit of slope, 1 / (-2 B); 0 where its
    utility is flat along the dimension."""
    flat = curvature > -FLAT
    slope = 1.0 / (-2.0 * curvature if not flat else 1.0)  # no division by 0: a select
    return 0.0 if flat else slope


@jit
def stake(u, s, r, i):
    """St_i: what middle power i's full alignment is worth to a great power."""
    return u[STAKE][r] * s[IMPORTANCE][r, i] * (0.5 + 0.5 * u[RIVALRY][r])


@jit
def alignment(u, s, q, g, r, i, p):
    """alpha_hat: the share of middle power i aligned with great power p where it is heading,
    its pledges read as a signal of alignment ("a kind of 'pledge of allegiance'", 001)."""
    heading = g[AIMS_SECURITY][r, p] * s[TARGET_SECURITY][r, i]
    heading = heading + g[AIMS_ECONOMIC][r, p] * s[TARGET_ECONOMIC][r, i]
    pledged = 0.0  # NumPy's sum over the great powers: the first plus the rest from 0.0
    for o in range(1, g[SIGN].shape[1]):
        pledged += q[Q_PLEDGE][r, i, o] * g[SIGN][r, o]
    pledged = q[Q_PLEDGE][r, i, 0] * g[SIGN][r, 0] + pledged
    signal = u[PLEDGE_SIGNAL][r] * pledged
    return (1.0 + g[SIGN][r, p] * (heading + signal)) / 2.0


@jit
def gain(sign, aims_security, aims_economic, g_s, g_e, answer_security, answer_economic):
    """d alpha_hat / d L: the pulls moved into the middle power's targets, as a share."""
    shift = aims_security * g_s * answer_security
    shift = shift + aims_economic * g_e * answer_economic
    return sign * shift / 2.0


# ----------------------------------------------------------------------------- V_p in a lever
@jit
def alignment_part(stake, alignment, gain):
    """2 St (1 - alpha_hat) d alpha_hat / d L: what moving the middle power toward p is worth."""
    return 2.0 * stake * (1.0 - alignment) * gain


@jit
def cost_part(cost, now):
    """-2 c L^t: the running cost's slope at the lever (or restraint) in force."""
    return -2.0 * cost * now


@jit
def deal_part(deal, pledge):
    """-deal x pledge: a tariff's threat to the investment pledged to p."""
    return -(deal * pledge)


@jit
def lever_curvature(stake, gain, cost, inertia):
    """The coefficient of t^2 of V_p in a lever: the middle power's answer and the costs."""
    return -stake * (gain * gain) - cost * (1.0 + inertia)


# ----------------------------------------------------------------------------- restraint
@jit
def restraint_effect(u, g, r, p, strategic):
    """d y* / d restraint_p, minus: how far a unit of p's restraint lowers the challenger's
    next choice (its leverage, eroded by the backers' outside option); 0 unless it chooses
    (computed and not selected then: a select, not a branch)."""
    eroded = 1.0 - u[OUTSIDE_OPTION][r] * u[RUSSIA_DPRK][r]
    effect = (u[RESTRAINT_RESPONSE][r] * g[LEVERAGE][r, p] * eroded) / (
        2.0 * (u[CHALLENGER_COST][r] + u[CHALLENGER_INERTIA][r])
    )
    return effect if strategic else 0.0


@jit
def cost_of_provocation(u, g, r, p):
    """What a unit of the challenger's provocation costs great power p: its own threat (the
    adversary's), instability, and a second front in a Taiwan crisis (its rival's)."""
    protectors = 0.0  # NumPy's sum: the first plus the rest from 0.0
    for o in range(1, g[PROTECTOR].shape[1]):
        protectors += g[PROTECTOR][r, o]
    rival_of_adversary = (g[PROTECTOR][r, 0] + protectors) - g[PROTECTOR][r, p]
    return (
        u[OWN_THREAT][r] * g[PROTECTOR][r, p]
        + u[STABILITY][r]
        - u[SECOND_FRONT][r] * u[TAIWAN][r] * rival_of_adversary
    )


# ----------------------------------------------------------------------------- kernels
F = types.float64
RUNS = types.UniTuple(types.Array(F, 1, "A", readonly=True), len(RUN_FIELDS))
STATES = types.UniTuple(types.Array(F, 2, "A", readonly=True), len(STATE_FIELDS))
PAIRS = types.UniTuple(types.Array(F, 3, "A", readonly=True), len(PAIR_FIELDS))
PAIR_FLAGS = types.UniTuple(types.Array(types.boolean, 3, "A", readonly=True), len(FLAGS))
POLES = types.UniTuple(types.Array(F, 2, "A", readonly=True), len(POLE_FIELDS))
LEVER_ARRAYS = types.UniTuple(types.Array(F, 3, "A", readonly=True), len(LEVER_FIELDS))
INT1 = types.Array(types.int64, 1, "A", readonly=True)
BOOL2 = types.Array(types.boolean, 2, "A", readonly=True)
OUT2, OUT3, OUT4 = types.Array(F, 2, "C"), types.Array(F, 3, "C"), types.Array(F, 4, "C")


@compiled([types.void(RUNS, STATES, PAIRS, PAIR_FLAGS, OUT4, OUT4)])
def pulls_kernel(u, s, q, b, g_s, g_e):
    """g_s, g_e[r, i, p, k]: the pulls of every pair's levers (`sim.influence.lever_pulls`)."""
    for r in range(g_s.shape[0]):
        for i in range(g_s.shape[1]):
            totals = pair_totals(q, r, i)
            for p in range(g_s.shape[2]):
                pulls_s, pulls_e = pair_pulls(u, s, q, b, r, i, p, totals)
                for k in range(len(pulls_s)):
                    g_s[r, i, p, k] = pulls_s[k]
                    g_e[r, i, p, k] = pulls_e[k]


@compiled([types.void(RUNS, STATES, PAIRS, POLES, INT1, IN3, IN3, OUT4)])
def forecast_kernel(u, s, q, g, slot_poles, g_s, g_e, out):
    """out[0:3, r, i, a]: alpha_hat, St_i and d alpha_hat / d L of middle power i for lever
    slot a (great power `slot_poles[a]`), from its pulls g_s, g_e (R, M, A)."""
    for r in range(g_s.shape[0]):
        for i in range(g_s.shape[1]):
            answers = answer(s[CURVATURE_SECURITY][r, i]), answer(s[CURVATURE_ECONOMIC][r, i])
            for a in range(g_s.shape[2]):
                p = slot_poles[a]
                out[0, r, i, a] = alignment(u, s, q, g, r, i, p)
                out[1, r, i, a] = stake(u, s, r, i)
                out[2, r, i, a] = gain(
                    g[SIGN][r, p],
                    g[AIMS_SECURITY][r, p],
                    g[AIMS_ECONOMIC][r, p],
                    g_s[r, i, a],
                    g_e[r, i, a],
                    answers[0],
                    answers[1],
                )


@jit
def lever_review(u, q, g, r, i, p, k, expected, now, cost, hi, shock, noisy):
    """Great power p's review of lever k toward middle power i in run r, at the lever in force
    `now` (running cost `cost`, bound `hi`): the `partial` rule's choice (the clipped vertex,
    plus noise `shock` if `noisy`), the slope and the curvature of V_p. `expected[f, r]`:
    what p expects of i (`expect`). Selects, not branches (module docstring, "SIMD")."""
    answer_s, answer_e = expected[0, r], expected[1, r]
    st, alpha = expected[2, r], expected[3, r]
    moved = gain(
        g[SIGN][r, p],
        g[AIMS_SECURITY][r, p],
        g[AIMS_ECONOMIC][r, p],
        expected[5 + k, r],
        expected[5 + len(LEVERS) + k, r],
        answer_s,
        answer_e,
    )
    slope = alignment_part(st, alpha, moved) + cost_part(cost, now)
    dealt = slope + deal_part(g[DEAL][r, p], q[Q_PLEDGE][r, i, p])
    slope = dealt if k == TARIFF else slope
    curvature = lever_curvature(st, moved, cost, u[INERTIA][r])
    chosen = vertex(slope, curvature, now, 0.0, hi)
    noised = adjust(now, chosen, 1.0, u[NOISE][r], shock, 0.0, hi)
    return (noised if noisy else chosen), slope, curvature


@jit
def expect(u, s, q, b, g, r, i, p, expected):
    """What great power p expects of middle power i in run r, into `expected[f, r]` in the
    order `lever_review` and `restraint_review` read it: i's answer along security and
    economic alignment, its stake, its alignment with p, the threat's pull on it, then the
    pulls of p's levers on its slope along security (`LEVERS`) and along economic alignment."""
    expected[0, r] = answer(s[CURVATURE_SECURITY][r, i])
    expected[1, r] = answer(s[CURVATURE_ECONOMIC][r, i])
    expected[2, r] = stake(u, s, r, i)
    expected[3, r] = alignment(u, s, q, g, r, i, p)
    expected[4, r] = threat_pull(u, s, q, g, r, i)
    pulls_s, pulls_e = pair_pulls(u, s, q, b, r, i, p, pair_totals(q, r, i))
    for k in range(len(LEVERS)):
        expected[5 + k, r] = pulls_s[k]
        expected[5 + len(LEVERS) + k, r] = pulls_e[k]


EXPECTED = 5 + 2 * len(LEVERS)  # the numbers `expect` writes


@jit
def restraint_review(u, g, r, p, expected, strategic, shock, noisy):
    """Great power p's review of its restraint in run r: the `partial` rule's choice, the slope
    and the curvature of V_p at the restraint in force; `expected[i, f, r]`: what p expects
    of middle power i (`expect`), the middle powers summed from the first."""
    effect = restraint_effect(u, g, r, p, strategic)
    # a unit of restraint lowers y* by `effect`, the threat target by threat_effect times that
    dthreat = -u[THREAT_EFFECT][r] * effect
    sign, aims_s = g[SIGN][r, p], g[AIMS_SECURITY][r, p]
    slope, curvature = 0.0, 0.0
    for i in range(expected.shape[0]):
        answer_s, st = expected[i, 0, r], expected[i, 2, r]
        alpha, pull = expected[i, 3, r], expected[i, 4, r]
        g_s = pull * dthreat
        moved = sign * aims_s * g_s * answer_s / 2.0
        part = alignment_part(st, alpha, moved)
        slope = part if i == 0 else slope + part
        part = st * (moved * moved)
        curvature = part if i == 0 else curvature + part
    cost, now = g[RESTRAINT_COST][r, p], g[RESTRAINT][r, p]
    slope = slope + u[STAKE][r] * cost_of_provocation(u, g, r, p) * effect - 2.0 * cost * now
    curvature = -curvature - cost * (1.0 + u[INERTIA][r])
    bound = g[RESTRAINT_MAX][r, p]
    chosen = vertex(slope, curvature, now, -bound, bound)
    noised = adjust(now, chosen, 1.0, u[NOISE][r], shock, -bound, bound)
    return (noised if noisy else chosen), slope, curvature


# Runs the review a tile at a time (module docstring, "SIMD"): the inputs of 64 runs of a
# middle power and the great powers' expectations stay in the first-level cache.
TILE = 64

# The review's kernel takes the world's fields as blocks and the step's apart
# (`review_tables`): the step's run fields (rivalry, Taiwan, backing, `RUN_FIELDS` from
# RIVALRY), state fields (the first `SEEN` of `STATE_FIELDS`, what the middle powers saw,
# then their targets and curvatures from TARGET_SECURITY) and pole field (the restraint).
SEEN = 7
RUN_STEP = types.UniTuple(IN1, RUSSIA_DPRK + 1 - RIVALRY)
STATE_STEP = types.UniTuple(IN2, SEEN + len(STATE_FIELDS) - TARGET_SECURITY)


def _tiled_review_kernel(poles: int, middle: int):
    """The review kernel for `poles` great powers and `middle` middle powers in the world
    (module docstring, "SIMD"):
    per tile of runs, the fields of the runs and great powers, then of each middle power in
    turn, are copied into contiguous scratch arrays of constant shape (`tile_holds`: a field
    the same for every run or middle power is copied once); what each great power under review
    expects of the middle power, then its review of each lever slot that some run of the
    block may use, are loops over the tile's runs (the vectorized loops); the restraints
    last, from what each great power expects of every middle power. (`poles` and `middle` are
    constants of the compiled closure, so the restraint's sum over the middle powers is
    unrolled and its loop over runs vectorized too; Numba's disk cache keys a closure by its
    constants.)"""
    run_fields, state_fields, pair_fields = len(RUN_FIELDS), len(STATE_FIELDS), len(PAIR_FIELDS)
    flags, pole_fields, levers_n = len(FLAGS), len(POLE_FIELDS), len(LEVERS)
    assert (pole_fields, pair_fields, flags) == (10, 9, 3)  # the tuples of views below

    def kernel(
        u_block,
        u_step,
        s_block,
        s_step,
        q,
        b,
        g_block,
        restraint_now,
        lv,
        held_levers,
        pole_ids,
        active,
        strategic,
        noisy,
        slopes,
        lever_shock,
        restraint_shock,
        levers,
        lever_slope,
        lever_curvature_out,
        restraint,
        restraint_slope,
        restraint_curvature,
    ):
        runs, reviewing = levers.shape[0], levers.shape[2]
        # a tile's inputs, the runs first as the equations read them (the middle power's
        # axis of length 1: one middle power at a time), the flags as factors. A field per
        # great power is stored the runs last (`*_rows`) and read through its transpose (a
        # tuple of views, Fortran order): a great power's numbers for the tile's runs are
        # adjacent, so the loops over runs load them whole instead of every `poles`-th
        # number (the review of a 16,384-run block 3.9 -> 3.5 ms)
        u_tile = np.empty((run_fields, TILE))
        s_tile = np.empty((state_fields, TILE, 1))
        g_rows = np.empty((pole_fields, poles, TILE))
        q_rows = np.empty((pair_fields, poles, 1, TILE))
        b_rows = np.empty((flags, poles, 1, TILE))
        gr, qr = g_rows, q_rows
        g_tile = (gr[0].T, gr[1].T, gr[2].T, gr[3].T, gr[4].T)
        g_tile = (*g_tile, gr[5].T, gr[6].T, gr[7].T, gr[8].T, gr[9].T)
        q_tile = (qr[0].T, qr[1].T, qr[2].T, qr[3].T, qr[4].T, qr[5].T, qr[6].T, qr[7].T, qr[8].T)
        b_tile = (b_rows[0].T, b_rows[1].T, b_rows[2].T)
        # the levers' inputs and outputs, and the expectations, the runs last
        lv_tile = np.empty((len(LEVER_FIELDS), poles, levers_n, TILE))
        held_tile = np.empty((middle, poles, levers_n, TILE))
        shock_tile = np.zeros((middle, reviewing, levers_n, TILE))
        out_tile = np.empty((3, middle, reviewing, levers_n, TILE))
        expected = np.empty((reviewing, middle, EXPECTED, TILE))
        restraint_tile = np.empty((4, TILE))  # shock, choice, slope, curvature
        for start in range(0, runs, TILE):
            n = min(TILE, runs - start)
            # the world's run fields (the rows of its block), then the step's
            for f in range(run_fields - len(u_step)):
                x1 = u_block[f]
                if not run_tile_holds(x1.strides, start):
                    at = f if f < RIVALRY else f + len(u_step)
                    for t in range(n):
                        u_tile[at, t] = x1[tile_run(start, t)]
            for f in range(len(u_step)):
                x1 = u_step[f]
                if not run_tile_holds(x1.strides, start):
                    for t in range(n):
                        u_tile[RIVALRY + f, t] = x1[tile_run(start, t)]
            for f in range(pole_fields - 1):  # the world's, then the restraint in force
                x2 = g_block[f]
                if not run_tile_holds(x2.strides, start):
                    at = f if f < RESTRAINT else f + 1
                    for t in range(n):
                        for p in range(poles):
                            g_rows[at, p, t] = x2[tile_run(start, t), p]
            if not run_tile_holds(restraint_now.strides, start):
                for t in range(n):
                    for p in range(poles):
                        g_rows[RESTRAINT, p, t] = restraint_now[tile_run(start, t), p]
            for f in range(len(LEVER_FIELDS)):
                x3 = lv[f]
                if not run_tile_holds(x3.strides, start):
                    for t in range(n):
                        for p in range(poles):
                            for k in range(levers_n):
                                lv_tile[f, p, k, t] = x3[tile_run(start, t), p, k]
            for t in range(n):
                for i in range(middle):
                    for p in range(poles):
                        for k in range(levers_n):
                            held_tile[i, p, k, t] = held_levers[tile_run(start, t), i, p, k]
            if noisy:
                for t in range(n):
                    for i in range(middle):
                        for c in range(reviewing):
                            for k in range(levers_n):
                                shock_tile[i, c, k, t] = lever_shock[tile_run(start, t), i, c, k]
            for i in range(middle):
                for f in range(state_fields - len(s_step)):  # the world's, then the step's
                    x2 = s_block[f]
                    if not tile_holds(x2.strides, start, i, middle):
                        for t in range(n):
                            s_tile[SEEN + f, t, 0] = x2[tile_run(start, t), i]
                for f in range(len(s_step)):
                    x2 = s_step[f]
                    if not tile_holds(x2.strides, start, i, middle):
                        at = f if f < SEEN else f + state_fields - len(s_step)
                        for t in range(n):
                            s_tile[at, t, 0] = x2[tile_run(start, t), i]
                for f in range(pair_fields):
                    x3 = q[f]
                    if not tile_holds(x3.strides, start, i, middle):
                        for t in range(n):
                            for p in range(poles):
                                q_rows[f, p, 0, t] = x3[tile_run(start, t), i, p]
                for f in range(flags):
                    xb = b[f]
                    if not tile_holds(xb.strides, start, i, middle):
                        for t in range(n):
                            for p in range(poles):
                                b_rows[f, p, 0, t] = flag(xb[tile_run(start, t), i, p])
                for c in range(reviewing):
                    p = pole_ids[c]
                    expects = expected[c, i]
                    for t in range(n):  # vectorized
                        expect(u_tile, s_tile, q_tile, b_tile, g_tile, t, 0, p, expects)
                    for k in range(levers_n):
                        if not active[c, k]:  # bounded at 0 in every run: 0
                            for t in range(n):
                                for o in range(3):
                                    out_tile[o, i, c, k, t] = 0.0
                            continue
                        for t in range(n):  # vectorized
                            chosen, slope, curvature = lever_review(
                                u_tile,
                                q_tile,
                                g_tile,
                                t,
                                0,
                                p,
                                k,
                                expects,
                                held_tile[i, p, k, t],
                                lv_tile[LEVER_COST, p, k, t],
                                lv_tile[LEVER_CAP, p, k, t],
                                shock_tile[i, c, k, t],
                                noisy,
                            )
                            out_tile[0, i, c, k, t] = chosen
                            out_tile[1, i, c, k, t] = slope
                            out_tile[2, i, c, k, t] = curvature
            for t in range(n):
                for i in range(middle):
                    for c in range(reviewing):
                        for k in range(levers_n):
                            levers[tile_run(start, t), i, c, k] = out_tile[0, i, c, k, t]
            if slopes:
                for t in range(n):
                    for i in range(middle):
                        for c in range(reviewing):
                            for k in range(levers_n):
                                lever_slope[tile_run(start, t), i, c, k] = out_tile[1, i, c, k, t]
                                lever_curvature_out[tile_run(start, t), i, c, k] = out_tile[
                                    2, i, c, k, t
                                ]
            for c in range(reviewing):
                p = pole_ids[c]
                for t in range(n):
                    restraint_tile[0, t] = restraint_shock[tile_run(start, t), c]
                for t in range(n):
                    chosen, slope, curvature = restraint_review(
                        u_tile, g_tile, t, p, expected[c], strategic, restraint_tile[0, t], noisy
                    )
                    restraint_tile[1, t] = chosen
                    restraint_tile[2, t] = slope
                    restraint_tile[3, t] = curvature
                for t in range(n):
                    restraint[tile_run(start, t), c] = restraint_tile[1, t]
                if slopes:
                    for t in range(n):
                        restraint_slope[tile_run(start, t), c] = restraint_tile[2, t]
                        restraint_curvature[tile_run(start, t), c] = restraint_tile[3, t]

    signature = types.void(
        IN2,
        RUN_STEP,
        IN3,
        STATE_STEP,
        PAIRS,
        PAIR_FLAGS,
        IN3,
        IN2,
        LEVER_ARRAYS,
        IN4,
        INT1,
        BOOL2,
        types.boolean,
        types.boolean,
        types.boolean,
        IN4,
        IN2,
        OUT4,
        OUT4,
        OUT4,
        OUT2,
        OUT2,
        OUT2,
    )
    return compiled([signature], lazy=False, error_model="numpy")(kernel)


_review_kernels = functools.cache(_tiled_review_kernel)


def compiled_review(poles: int, middle: int):
    """The compiled review kernel for `poles` great powers and `middle` middle powers in the
    world, called as `review_kernel` (which looks it up at every call)."""
    return _review_kernels(poles, middle)


def review_kernel(u, s, q, b, g, *rest):
    """`review_kernel(u, s, q, b, g, lv, held_levers, pole_ids, active, strategic, noisy,
    slopes, lever_shock, restraint_shock, levers, lever_slope, lever_curvature_out,
    restraint, restraint_slope, restraint_curvature)`: the great powers `pole_ids` (P',)
    review their levers toward every middle power and their restraint: the slope and
    curvature of V_p at the levers in force `held_levers` (R, M, P, K) into `lever_slope`,
    `lever_curvature_out` (R, M, P', K), and the `partial` rule's choice (the clipped
    vertex, plus noise `lever_shock` if `noisy`) into `levers`; the same for the restraint
    (R, P'). The slopes and curvatures are written only if `slopes` (the logit rule draws
    from them), else those arrays may be empty. Slots not `active` (P', K) (bounded at 0 in
    every run) are 0. The kernel compiled for the numbers of great and middle powers in the
    world (`_tiled_review_kernel`), which takes the tables as `review_tables` lays them: the
    world's fields of `u`, `s`, `g` stacked here into their blocks."""
    kernel = _review_kernels(g[SIGN].shape[1], s[S_THREAT].shape[1])
    u_block = _stacked(u[:RIVALRY] + u[RUSSIA_DPRK + 1 :])
    s_block = _stacked(s[SEEN:TARGET_SECURITY])
    g_block = _stacked(g[:RESTRAINT] + g[RESTRAINT + 1 :])
    step_u, step_s = u[RIVALRY : RUSSIA_DPRK + 1], s[:SEEN] + s[TARGET_SECURITY:]
    kernel(u_block, step_u, s_block, step_s, q, b, g_block, g[RESTRAINT], *rest)


def _stacked(xs) -> np.ndarray:
    """Arrays of one shape as the rows of one read-only block."""
    block = np.stack(xs)
    return read_only(block, block.shape)


# ----------------------------------------------------------------------------- elementwise
@compiled(["float64(float64)"], vectorize=True)
def answer_everywhere(curvature):
    return answer(curvature)


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def alignment_part_everywhere(stake, alignment, gain):
    return alignment_part(stake, alignment, gain)


@compiled(["float64(float64, float64)"], vectorize=True)
def cost_part_everywhere(cost, now):
    return cost_part(cost, now)


@compiled(["float64(float64, float64)"], vectorize=True)
def deal_part_everywhere(deal, pledge):
    return deal_part(deal, pledge)


@compiled(["float64(float64, float64, float64, float64)"], vectorize=True)
def lever_curvature_everywhere(stake, gain, cost, inertia):
    return lever_curvature(stake, gain, cost, inertia)


# ----------------------------------------------------------------------------- the challenger
INCENTIVE_PARTS = (
    "hostility",
    "alliance_tightening",
    "backing",
    "opportunity",
    "restraint",
    "summits",
    "engagement",
)
CHALLENGER_FIELDS = (  # per run (R,)
    "hostility",
    "spiral",
    "backing_effect",
    "opportunity",
    "restraint_response",
    "summit_response",
    "engagement_response",
    "outside_option",
    "cost",
    "inertia",
    "noise",
    "russia_dprk",
    "taiwan",
    "momentum",
    "last",  # its last choice y_t
)
(
    C_HOSTILITY,
    C_SPIRAL,
    C_BACKING_EFFECT,
    C_OPPORTUNITY,
    C_RESTRAINT_RESPONSE,
    C_SUMMIT_RESPONSE,
    C_ENGAGEMENT_RESPONSE,
    C_OUTSIDE_OPTION,
    C_COST,
    C_INERTIA,
    C_NOISE,
    C_RUSSIA_DPRK,
    C_TAIWAN,
    C_MOMENTUM,
    C_LAST,
) = range(len(CHALLENGER_FIELDS))
AROUND = ("security", "commitment", "reliability", "engagement", "exposure")  # (R, M)
A_SECURITY, A_COMMITMENT, A_RELIABILITY, A_ENGAGEMENT, A_EXPOSURE = range(len(AROUND))


@jit
def toward(x):
    """`np.maximum(x, 0.0)` of one number (NaN and -0.0 pass through, as NumPy's)."""
    return x if (x >= 0.0 or x != x) else 0.0


@jit
def lean(adversary_sign, security, commitment):
    """Half a middle power's security alignment with the challenger's adversary (toward it
    only) plus half the adversary's commitment signals to it."""
    return 0.5 * (toward(adversary_sign * security) + commitment)


@jit
def exposure_mean(exposure, values, r):
    """The mean of `values[r]` (M,) weighted by the middle powers' exposure to the threat
    `exposure[r]` (M,), in run r."""
    weighted, weights = 0.0, 0.0
    for i in range(values.shape[1]):  # from the first, as `sim.arrays.total`
        part = exposure[r, i] * values[r, i]
        weighted = part if i == 0 else weighted + part
        weights = exposure[r, i] if i == 0 else weights + exposure[r, i]
    return weighted / (weights if weights >= 1e-12 or weights != weights else 1e-12)


@jit
def incentive_parts(c, r, tightening, reliability, restraint, engagement):
    """The parts of the challenger's incentive z to provoke, in the order of
    `INCENTIVE_PARTS`: `tightening` the alliance's (`lean`), `reliability` its adversary's
    mean reliability, `restraint` the great powers' leverage times restraint, summed."""
    eroded = 1.0 - c[C_OUTSIDE_OPTION][r] * c[C_RUSSIA_DPRK][r]
    return (
        c[C_HOSTILITY][r],
        c[C_SPIRAL][r] * tightening,
        c[C_BACKING_EFFECT][r] * c[C_RUSSIA_DPRK][r],
        c[C_OPPORTUNITY][r] * c[C_TAIWAN][r] * (1.0 - reliability),
        -c[C_RESTRAINT_RESPONSE][r] * eroded * restraint,
        -c[C_SUMMIT_RESPONSE][r] * c[C_MOMENTUM][r],
        -c[C_ENGAGEMENT_RESPONSE][r] * engagement,
    )


@jit
def leverage_applied(leverage, restraint, r):
    """The great powers' restraint weighted by their leverage on the challenger (NumPy's sum:
    the first plus the rest from 0.0)."""
    rest = 0.0
    for p in range(1, leverage.shape[1]):
        rest += leverage[r, p] * restraint[r, p]
    return leverage[r, 0] * restraint[r, 0] + rest


@jit
def provocation_choice(c, r, incentive, noise_scale, shock):
    """Pyongyang's provocation y in [-1, 1]: U(y) = z y - cost y^2 - inertia (y - y_t)^2, the
    clipped vertex plus noise."""
    last = c[C_LAST][r]
    slope = incentive - 2.0 * c[C_COST][r] * last
    curvature = -(c[C_COST][r] + c[C_INERTIA][r])
    target = vertex(slope, curvature, last, -1.0, 1.0)
    return adjust(last, target, 1.0, c[C_NOISE][r] * noise_scale, shock, -1.0, 1.0)


CHALLENGER = types.UniTuple(types.Array(F, 1, "A", readonly=True), len(CHALLENGER_FIELDS))
OWN_FIELDS = C_RUSSIA_DPRK  # its own parameters, the first of `CHALLENGER_FIELDS`
# the four of the step (`CHALLENGER_FIELDS` after its own): backing, Taiwan, momentum, last
CHALLENGER_STEP = types.UniTuple(IN1, len(CHALLENGER_FIELDS) - OWN_FIELDS)
AROUND_ARRAYS = types.UniTuple(types.Array(F, 2, "A", readonly=True), len(AROUND))
OUT1 = types.Array(F, 1, "C")
KEYS1 = types.Array(types.uint64, 1, "A", readonly=True)  # a stream's keys, (R,)


def _tiled_challenger_kernel(states: int, poles: int):
    """The challenger's kernel for `states` middle powers and `poles` great powers (constants
    of the compiled closure), tiled as the review (module docstring, "SIMD"): a tile of runs'
    inputs copied into contiguous scratch arrays (a field the same in every run once), the
    choices made in one loop over the tile's runs (the vectorized loop), then copied out.
    The tile's shocks are drawn in it from their keys (`sim.random.normals_into`, what
    `normal_at` draws). (A block of 4,096 runs of two middle powers, its own parameters read
    once where the same in every run, `once_per_run`: 0.116-0.18 -> 0.058 ms.)"""
    fields, around = len(CHALLENGER_FIELDS), len(AROUND)

    def kernel(own, step, a, leverage, restraint, adversary_sign, noise_scale, keys, counter, out):
        runs = out.shape[0]
        c_tile = np.empty((fields, TILE))
        a_tile = np.empty((around, TILE, states))
        leans = np.empty((TILE, states))
        leverage_tile = np.empty((TILE, poles))
        restraint_tile = np.empty((TILE, poles))
        key_tile = np.empty(TILE, dtype=np.uint64)
        shock_tile = np.empty(TILE)
        scratch = normal_scratch(TILE)
        out_tile = np.empty(TILE)
        for start in range(0, runs, TILE):
            n = min(TILE, runs - start)
            for f in range(fields):  # its own parameters' rows, then the step's fields
                x1 = own[f] if f < OWN_FIELDS else step[f - OWN_FIELDS]
                if not run_tile_holds(x1.strides, start):
                    for t in range(n):
                        c_tile[f, t] = x1[tile_run(start, t)]
            for f in range(around):
                x2 = a[f]
                if not run_tile_holds(x2.strides, start):
                    for t in range(n):
                        for i in range(states):
                            a_tile[f, t, i] = x2[tile_run(start, t), i]
            for x2, tile in ((leverage, leverage_tile), (restraint, restraint_tile)):
                if not run_tile_holds(x2.strides, start):
                    for t in range(n):
                        for p in range(poles):
                            tile[t, p] = x2[tile_run(start, t), p]
            for t in range(n):
                key_tile[t] = keys[tile_run(start, t)]
            normals_into(key_tile[:n], counter, shock_tile, scratch)  # the shocks
            exposure = a_tile[A_EXPOSURE]
            for t in range(n):  # the vectorized loop: straight-line, over runs
                for i in range(states):
                    leans[t, i] = lean(
                        adversary_sign, a_tile[A_SECURITY, t, i], a_tile[A_COMMITMENT, t, i]
                    )
                parts = incentive_parts(
                    c_tile,
                    t,
                    exposure_mean(exposure, leans, t),
                    exposure_mean(exposure, a_tile[A_RELIABILITY], t),
                    leverage_applied(leverage_tile, restraint_tile, t),
                    exposure_mean(exposure, a_tile[A_ENGAGEMENT], t),
                )
                z = 0.0  # Python's sum of the parts: from 0
                for k in range(len(parts)):
                    z = z + parts[k]
                out_tile[t] = provocation_choice(c_tile, t, z, noise_scale, shock_tile[t])
            for t in range(n):
                out[tile_run(start, t)] = out_tile[t]

    signature = types.void(
        IN2, CHALLENGER_STEP, AROUND_ARRAYS, IN2, IN2, F, F, KEYS1, types.uint64, OUT1
    )
    return compiled([signature], lazy=False, error_model="numpy")(kernel)


_challenger_kernels = functools.cache(_tiled_challenger_kernel)


def compiled_challenger(states: int, poles: int):
    """The compiled challenger's kernel for `states` middle and `poles` great powers, called
    as `challenger_kernel` (which looks it up at every call)."""
    return _challenger_kernels(states, poles)


def challenger_kernel(
    own, step, a, leverage, restraint, adversary_sign, noise_scale, keys, counter, out
):
    """out[r]: Pyongyang's choice in run r, from its own parameters `own` (the rows of
    `challenger_own_block`, the first of `CHALLENGER_FIELDS`) and the step's `step` (the
    rest of them, (R,) each), the middle powers' new security and the adversary's
    commitment to them, its reliability toward them and their governments' engagement (`a`,
    (R, M), in the order of `AROUND`, then their exposure to the threat), the great powers'
    leverage and restraint (R, P) and the shocks, the standard normal draws of its stream
    `keys` (R,) at `counter` (`sim.random.step_counter` of the step: what
    `normal_at(keys, step)` draws); the kernel compiled for the numbers of middle and great
    powers (`_tiled_challenger_kernel`)."""
    kernel = _challenger_kernels(a[A_SECURITY].shape[1], leverage.shape[1])
    kernel(own, step, a, leverage, restraint, adversary_sign, noise_scale, keys, counter, out)


@compiled([types.void(IN2, IN2, OUT1)])
def exposure_mean_kernel(exposure, values, out):
    """out[r]: `exposure_mean` of run r."""
    for r in range(out.shape[0]):
        out[r] = exposure_mean(exposure, values, r)


@compiled([types.void(CHALLENGER, IN1, IN1, IN2, IN2, IN1, OUT2)])
def incentive_kernel(c, tightening, reliability, leverage, restraint, engagement, out):
    """out[n, r]: part n of the challenger's incentive in run r (`incentive_parts`)."""
    for r in range(out.shape[1]):
        parts = incentive_parts(
            c,
            r,
            tightening[r],
            reliability[r],
            leverage_applied(leverage, restraint, r),
            engagement[r],
        )
        for n in range(len(parts)):
            out[n, r] = parts[n]


@compiled(["float64(float64, float64, float64)"], vectorize=True)
def lean_everywhere(adversary_sign, security, commitment):
    return lean(adversary_sign, security, commitment)


def challenger_table(w, russia_dprk, taiwan, momentum, last, runs: int):
    """The challenger's per-run inputs (`CHALLENGER_FIELDS`), read-only views: its own
    parameters (read once per world, `challenger_own`), then the four of the step."""
    step = [0.0 if x is None else x for x in (russia_dprk, taiwan, momentum, last)]
    return challenger_own(w, runs) + views(step, (runs,))


# The challenger's own parameters, the first of `CHALLENGER_FIELDS`, where they lie in the world
CHALLENGER_OWN = (
    "challenger_params.hostility",
    "challenger_params.spiral",
    "backing_effect",
    "challenger_params.opportunity",
    "challenger_params.restraint_response",
    "challenger_params.summit_response",
    "challenger_params.engagement_response",
    "challenger_params.outside_option",
    "challenger_params.cost",
    "challenger_params.inertia",
    "challenger_params.noise",
)
_CHALLENGER_OWN_OF = operator.attrgetter(*CHALLENGER_OWN)


def challenger_own(w, runs: int) -> tuple:
    """The challenger's own parameters, the first of `CHALLENGER_FIELDS`, read-only views over
    `runs` runs: the rows of `challenger_own_block`."""
    return tuple(challenger_own_block(w, runs))


def challenger_own_block(w, runs: int) -> np.ndarray:
    """The challenger's own parameters as the rows of one read-only block (11, R), kept with
    the world (`world_views`): what its kernel takes (`own_block`)."""
    return world_views(w, ("challenger", runs), lambda: own_block(_CHALLENGER_OWN_OF(w), runs))


def own_block(own: tuple, runs: int) -> np.ndarray:
    """The challenger's parameters `own` over `runs` runs as the rows of one read-only block
    (len(own), R) (`block_of`). One array for eleven: Numba unboxes each array it is passed
    (some 0.14 us), so at one run the challenger's choice
    (`sim.dynamics.challenger_decides`) 17.0-17.5 -> 15.6-16.0 us."""
    return block_of(own, (runs,))


def block_of(xs, shape: tuple[int, ...]) -> np.ndarray:
    """A world's parameters `xs`, each broadcast to `shape` (runs first), as the rows of one
    read-only block (len(xs), *shape), what a kernel takes as one array instead of one per
    parameter: viewed with stride 0 over the runs (the first run's values for every run)
    where every run holds the same bits of every one, as `once_per_run` views each (a
    parameter that varies over the runs of a chunk lays them all out over the runs)."""
    block = rows_of(xs, shape)
    bits = block.view(np.uint64)  # the bits: -0.0 is not 0.0, a NaN is itself
    if shape[0] > 1 and (bits == bits[:, :1]).all():
        block = block[:, :1].copy()  # the first run's alone, not the block of every run
    return read_only(block, (len(xs), *shape))


def world_views(w, key, make, sources: tuple = ()):
    """`make()`, what the kernels read of the world that no step changes (read-only views,
    blocks), kept with the world under `key`. The world's own fields are bound once and
    never changed in place (`sim.world.CompiledWorld`): made of those alone, it is made once
    per world, without a check of its arrays at each call (four a step at one run, some 2%
    of a Mesa run), and shared by the world's copies for its other runs, which hold the same
    arrays (`one_run_world`; a key names what depends on their number of runs). `sources`:
    what else `make` reads (arrays a step passes), recognised by identity: made again if
    another is passed."""
    cache = caches_of(w, "_world_views")
    hit = cache.get(key)
    # (the same tuple, most often the empty one, without a test of its arrays)
    if hit is None or (hit[0] is not sources and not same_objects(hit[0], sources)):
        hit = cache[key] = (sources, make())
    return hit[1]


# ----------------------------------------------------------------------------- the inputs
# The dtypes the kernels take, by the type `read_only` is asked for: NumPy keeps one dtype
# object per built-in type, so an array of it is recognised by identity.
_DTYPES = {t: np.dtype(t) for t in (np.float64, np.int64, np.uint64, bool, np.bool_)}
_FLOAT64 = _DTYPES[np.float64]


def read_only(x, shape, dtype=np.float64) -> np.ndarray:
    """`x` broadcast to `shape`, a read-only view (the one type of array the kernels take)."""
    expected = _FLOAT64 if dtype is np.float64 else _DTYPES.get(dtype)
    if type(x) is np.ndarray and x.dtype is expected and x.shape == shape:
        # the usual case at one run: an array of the kernel's shape and dtype (a frozen
        # array, a cache's view: itself; a state's own array: a read-only view of it; a
        # step's groups of fields pass through `views`, which tests the first in line)
        if x.flags.writeable:
            x = x.view()
            x.setflags(False)  # write=False, by position: `sim.arrays.frozen`'s way
        return x
    x = np.asarray(x, dtype=dtype)
    if x.shape != shape:
        return broadcast_view(x, shape)
    if not x.flags.writeable:  # read-only already (a cache's, a view made before): itself
        return x
    x = x.view()  # as a broadcast view is, at a fifth of `np.broadcast_to`'s cost
    x.setflags(False)  # write=False, by position: `sim.arrays.frozen`'s way
    return x


def once_per_run(x, shape) -> np.ndarray:
    """`read_only(x, shape)` of a world's parameter, viewed with stride 0 over the runs (the
    first run's values for every run) where every run holds the same bits: a parameter
    expanded over the runs of a chunk that varies others (a sweep over the pressures). The
    same numbers; the kernels read it from one place instead of once per run (the review
    reads some 1.3 KB a run, half of it such parameters, and is bound by memory)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim and x.shape[0] > 1 and x.strides[0] != 0:
        bits = x.view(np.uint64)  # the bits: -0.0 is not 0.0, a NaN is itself
        if (bits == bits[:1]).all():
            x = x[:1]
    return read_only(x, shape)


_ZERO = np.zeros(())  # what `tables` reads for a field not given (read only)
frozen(_ZERO)

CONTEXT_FIELDS = STATE_FIELDS[:7] + PAIR_FIELDS[:4]
_ZERO_CONTEXT = SimpleNamespace(**dict.fromkeys(CONTEXT_FIELDS, _ZERO))  # every field 0
# where the context fields `tables` reads lie among the kernels' views of a laid-out context
# (`sim.utility.lay_context`: `sim.kernels.STATE_FIELDS` and `POLE_FIELDS` in order)
_SEEN_STATE = tuple(KERNEL_STATE_FIELDS.index(name) for name in STATE_FIELDS[:7])
_SEEN_POLES = tuple(KERNEL_POLE_FIELDS.index(name) for name in PAIR_FIELDS[:4])
PAIRS_READ = ("reliability", "restriction", "inducement") + FLAGS
_ZERO_PAIRS = SimpleNamespace(**dict.fromkeys(PAIRS_READ, _ZERO))  # the pulls without pairs


def tables(
    w,
    ctx,
    pairs,
    response=None,
    dispositions=None,
    pressures=None,
    pledge=None,
    restraint=None,
    fixed=None,
):
    """The kernels' inputs (u, s, q, b, g) for the runs of world `w`: what the middle
    powers see `ctx` (`sim.utility.Context`, runs first), what the levers make of each pair
    `pairs` (`sim.influence.Pairs`), the middle powers' `response`, the `dispositions` and
    `pressures` in force, the pledges (R, M, P) and the restraint in force (R, P). Only the
    pulls are read without the optional ones (read as 0). Read-only views, no copies. The
    world's own part is `fixed_views(w, R, M, P)`, or `fixed` where the caller keeps it."""
    u_step, s_step, q, b, restraint, fixed = _step_tables(
        w, ctx, pairs, response, dispositions, pressures, pledge, restraint, fixed
    )
    u = fixed.u_head + u_step + fixed.u_tail
    s = s_step[:SEEN] + fixed.s + s_step[SEEN:]
    g = fixed.g_head + (restraint,) + fixed.g_tail
    return u, s, q, b, g


def review_tables(
    w, ctx, pairs, response, dispositions, pressures, pledge, restraint, fixed=None, trusted=False
) -> tuple:
    """`tables` as the review's kernel takes them (`review_kernel`): the world's run, state
    and pole fields each one block (`fixed_views`), the step's apart: (u_block, the step's
    run fields, s_block, the step's state fields, q, b, g_block, the restraint in force).
    Three arrays for the world's 33 fields: Numba unboxes each array it is passed (some
    0.14 us), so at one run a review step 40.9-41.1 -> 35.7-36.7 us. `trusted`: see
    `_step_tables`."""
    u_step, s_step, q, b, restraint, fixed = _step_tables(
        w, ctx, pairs, response, dispositions, pressures, pledge, restraint, fixed, trusted
    )
    return fixed.u_block, u_step, fixed.s_block, s_step, q, b, fixed.g_block, restraint


def _step_tables(
    w, ctx, pairs, response, dispositions, pressures, pledge, restraint, fixed, trusted=False
):
    """The step's part of `tables` (the world's is `fixed`): the run fields of the step (the
    rivalry and Taiwan risk in force, the backing), the state fields (what the middle powers
    saw, then their targets and curvatures), the pair fields and flags, the restraint in
    force; and `fixed`. `trusted`: `pairs`, `response`, `dispositions`, `pressures` and
    `pledge` are a state's own and what the engine's observe phase made of it, whose context
    it laid out (`sim.dynamics.great_powers_decide` from the engine's step or the Mesa
    model's): each field of the kernel's shape and dtype, as every test of `views` would
    find it, so passed as it is (some thirty tests a review step, 1.5% of a Mesa run)."""
    runs, middle, poles = shape_of(pledge if pairs is None else pairs.reliability)
    if ctx is None:  # the forecast reads no context: every field 0
        ctx = _ZERO_CONTEXT
    if pairs is None:
        pairs = _ZERO_PAIRS
    if fixed is None:
        fixed = fixed_views(w, runs, middle, poles)
    dispositions = _NONE if dispositions is None else dispositions
    pressures = _NONE if pressures is None else pressures

    # The fields of a step by `views`, a group at a time: some thirty fields a review step,
    # where a call per field cost more than the views themselves.
    by_run, by_state, by_pair = (runs,), (runs, middle), (runs, middle, poles)
    u_step = (
        dispositions.get("rivalry"),
        dispositions.get("taiwan_risk"),
        pressures.get("russia_dprk"),
    )
    laid = None if ctx is _ZERO_CONTEXT else laid_context(ctx, kernel_views_of(w))
    laid_out = laid is not None and laid[2] == by_state  # the engine's context, laid out
    if laid_out:
        seen, ctx_poles = _SEEN_STATE_OF(laid[0]), _SEEN_POLES_OF(laid[1])
    else:
        seen, ctx_poles = _CONTEXT_STATE_OF(ctx), _CONTEXT_POLES_OF(ctx)
    # what the middle powers saw, then their targets and curvatures; what each pair saw,
    # what the levers make of it, the pledges; the pairs' flags
    s_step = seen + (_NO_RESPONSE if response is None else tuple(response))
    by_pairs = ctx_poles + (pairs.reliability, pairs.restriction, pairs.inducement, pledge)
    b = (pairs.reliability_interior, pairs.military_interior, pairs.coercion_binds)
    if not (trusted and laid_out and response is not None):  # one `views` per shape
        u_step = views(u_step, by_run, fallback=_zero_or_view)
        s_step = views(s_step, by_state, fallback=_field_view)
        by_pairs = views(by_pairs, by_pair, fallback=_field_view)
        b = views(b, by_pair, bool)
        restraint = _zero_or_view(restraint, (runs, poles))
    q = by_pairs[:-1] + (fixed.exports, by_pairs[-1])
    return u_step, s_step, q, b, restraint, fixed


def _zero_or_view(x, shape, dtype=np.float64) -> np.ndarray:
    """`read_only(x, shape)`, 0 where `x` is None (a field not given)."""
    return read_only(_ZERO if x is None else x, shape, dtype)


def _field_view(x, shape, dtype=np.float64) -> np.ndarray:
    """A field of `tables` per middle power (R, M) or per pair (R, M, P), as `shape` says: a
    context field (with its trailing axis of length 1), a weight, an array, or None (0)."""
    if x is None:
        x = _ZERO
    elif type(x) is not np.ndarray:
        x = np.asarray(x, dtype=np.float64)
    return read_only(x[..., 0] if x.ndim == len(shape) + 1 else x, shape)


_NONE: dict = {}  # no dispositions or pressures given: every one read as 0 (never written)
_NO_RESPONSE = (None,) * 4  # no response given: its targets and curvatures read as 0
# the context's fields `tables` reads where it is not laid out (`STATE_FIELDS[:7]`, then the
# pole fields `PAIR_FIELDS[:4]`), and where they lie among the views of a laid-out one
_CONTEXT_STATE_OF = operator.attrgetter(*CONTEXT_FIELDS[:SEEN])
_CONTEXT_POLES_OF = operator.attrgetter(*CONTEXT_FIELDS[SEEN:])
_SEEN_STATE_OF = operator.itemgetter(*_SEEN_STATE)
_SEEN_POLES_OF = operator.itemgetter(*_SEEN_POLES)


def views(xs, shape: tuple[int, ...], dtype=np.float64, fallback=read_only) -> tuple:
    """Each of `xs` as the review's and the challenger's kernels take it, a tuple: an array of
    the kernel's dtype and shape (most of a step's at one run) as it is, after one test in
    line, not a call (0.5 -> 0.2 us a field, some thirty fields a review step), and
    `fallback(x, shape, dtype)` of any other. A writable one (the Mesa model's world now,
    changed in place) is passed as it is too: those kernels are compiled for read-only
    arrays by their signatures, and Numba takes a writable array for a read-only one as a
    safe conversion, the same machine code without a view (a view per field cost 0.5 us,
    six or seven a step at one run)."""
    kind = _DTYPES[dtype]
    return tuple(
        [
            x
            if type(x) is np.ndarray and x.dtype is kind and x.shape == shape
            else fallback(x, shape, dtype)
            for x in xs
        ]
    )


# The world's own parameters `tables` reads (the same every step), by where they lie in it:
# the run fields without the three of the step (rivalry, Taiwan, backing), the state fields
# after the context's, the exports, the great powers' fields without the restraint in force.
_FIXED_RUN = (
    "strategy.stake",
    "strategy.inertia",
    "strategy.noise",
    "strategy.own_threat",
    "strategy.stability",
    "strategy.second_front",
    "dynamics.pledge_signal",
    "dynamics.commitment_gain",
    "sizes.tariff_doubt",
    "dynamics.restriction_loss",
    "challenger_params.restraint_response",
    "challenger_params.cost",
    "challenger_params.inertia",
    "challenger_params.threat_effect",
    "challenger_params.outside_option",
)
_FIXED_STATE = (
    "weights.protection",
    "weights.abandonment",
    "weights.great_power_threat",
    "weights.coercion",
    "weights.economic",
    "weights.trade_pressure",
    "military_exposure",
    "importance",
    "threat_exposure",
)
_FIXED_POLE = (
    "sign",
    "protector",
    "aims",
    "deal",
    "restraint_cost",
    "restraint_max",
    "leverage",
    "capability",
)
FIXED_SOURCES = (*_FIXED_RUN, *_FIXED_STATE, "exports", *_FIXED_POLE)  # where, in the world
_FIXED_SOURCES_OF = operator.attrgetter(*FIXED_SOURCES)
_U_HEAD = RUN_FIELDS.index("rivalry")  # the run fields before the three of the step


def fixed_views(w, runs: int, middle: int, poles: int) -> SimpleNamespace:
    """The parts of `tables` that are the world's own parameters (the same every step), read
    once per world and shape (`world_views`, its sources gathered in one call, not one by
    one: at one run, 7 -> 3 us a review): the run, state and pole fields each the rows of
    one block (`block_of`: `u_block` (15, R), `s_block` (9, R, M), `g_block` (9, R, P)), which
    the review's kernel takes whole (`review_tables`), and their rows split where the
    step's go (`u_head` + the step's + `u_tail`, `g_head` + the restraint in force +
    `g_tail`) for `tables`."""
    run_count, state_count = len(_FIXED_RUN), len(_FIXED_STATE)

    def state(x):  # a weight (R, 1, 1) or an array (R, M)
        x = np.asarray(x, dtype=np.float64)
        return x[..., 0] if x.ndim == 3 else x

    def make():
        sources = _FIXED_SOURCES_OF(w)
        u = block_of(sources[:run_count], (runs,))
        s = block_of(
            [state(x) for x in sources[run_count : run_count + state_count]], (runs, middle)
        )
        exports, *g = sources[run_count + state_count :]
        aims = np.asarray(g[2], dtype=np.float64)
        g = block_of((g[0], g[1], aims[..., 0], aims[..., 1], *g[3:]), (runs, poles))
        return SimpleNamespace(
            u_block=u,
            s_block=s,
            g_block=g,
            u_head=tuple(u[:_U_HEAD]),
            u_tail=tuple(u[_U_HEAD:]),
            s=tuple(s),
            exports=once_per_run(exports, (runs, middle, poles)),
            g_head=tuple(g[:RESTRAINT]),
            g_tail=tuple(g[RESTRAINT:]),
        )

    return world_views(w, ("tables", runs, middle, poles), make)
