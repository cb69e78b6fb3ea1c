"""How a great power's levers move a middle power's answer: the cross-partials of the middle
power's utility slope with respect to each lever, in closed form.

A lever enters a middle power's context linearly (reliability, market, coercion, trade
pressure, military threat, consent; see `sim.dynamics.middle_power_context`), and every
utility term is at most quadratic in each of the state's own choices, so a lever shifts the
slope of the utility along security (A_s) and economic alignment (A_e) and leaves their
curvature alone. `lever_pulls` returns G_xk = dA_x / dL_k for every pair (state, great power)
and lever k; tests/test_influence.py checks every entry against finite differences of
`sim.utility.utility` through the context, so the equations here are those of `sim.utility`
differentiated, not a second model. All arrays runs first: (R, M, P) per pair. The equations
are compiled, `sim.strategy_kernels.pair_pulls`: the great powers' review reads them there.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.params import LEVERS
from sim.strategy_kernels import pulls_kernel, tables
from sim.utility import Context

K = {lever: k for k, lever in enumerate(LEVERS)}


class Pairs(NamedTuple):
    """What a great power's levers do to each middle power, per pair (R, M, P): the numbers of
    the context before they are broadcast over options, and where the clips bind."""

    reliability: np.ndarray  # effective reliability in [0, 1]
    reliability_interior: np.ndarray  # bool: the clip of reliability does not bind
    military: np.ndarray  # military threat theta_pi
    military_interior: np.ndarray  # bool: the clip of the military level does not bind
    restriction: np.ndarray  # restriction in force (events, or the coercion lever if higher)
    coercion_binds: np.ndarray  # bool: the coercion lever sets the restriction in force
    inducement: np.ndarray  # inducement lever in force
    trade_pressure: np.ndarray  # tariffs and demands in force
    consent: np.ndarray  # consent lever in force


def lever_pulls(w, ctx: Context, pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """(G_s, G_e), each (R, M, P, K): the change of the slope of a middle power's utility along
    security and economic alignment per unit of each great power's lever toward it
    (`sim.strategy_kernels.pair_pulls`, the equations; the engine's review reads the same)."""
    u, s, q, b, _ = tables(w, ctx, pairs)
    g_s = np.empty(np.shape(pairs.reliability) + (len(LEVERS),))
    g_e = np.empty_like(g_s)
    pulls_kernel(u, s, q, b, g_s, g_e)
    return g_s, g_e
