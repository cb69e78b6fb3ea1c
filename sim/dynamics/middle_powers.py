"""Middle powers: their ties, elections and summits, what they see, what they decide, what they remember.

Rows: the middle powers asked about (all in the engine, one for a MiddlePower agent), as a
slice or index into the world's state axis; arrays about them are (R, M', ...)."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np

from sim.arrays import SHORT, frozen, shape_of, total
from sim.decision import Choice, Response, laid_decisions, logit_response, partial_response
from sim.dynamics.clock import (
    EVERY,
    decay,
    fade,
    governing,
    governing_of,
    per_world,
    relaxed,
    spread,
    steady_chance,
)
from sim.influence import Pairs
from sim.kernels import clip, compiled, jit
from sim.random import Draws, uniform_at
from sim.strategy_kernels import once_per_run
from sim.utility import Context, aligned, broadcast_view, kernel_views_of, lay_context
from sim.world import CompiledWorld


# ----------------------------------------------------------------------------- middle powers
# Rows: the middle powers asked about (all in the engine, one for a MiddlePower agent), as a
# slice or index into the world's state axis; arrays about them are (R, M', ...).
def summit_with_neighbour(w: CompiledWorld, tie: np.ndarray, magnitude: float) -> np.ndarray:
    """A scheduled summit of two neighbours strengthens their tie (both directions)."""
    return tie + w.sizes.summit * magnitude


def history_dispute(w: CompiledWorld, tie: np.ndarray, happens, magnitude: float) -> np.ndarray:
    """A scheduled history dispute weakens a tie (both directions)."""
    loss = np.where(happens, w.sizes.history_dispute * magnitude, 0.0)
    return np.clip(tie - loss, 0.0, 1.0)


def summit_draws(w: CompiledWorld, keys: np.ndarray, partner_keys: np.ndarray, k: int):
    """Stochastic summits of step k: (whether, partner) each (R, M'); the partner is a great
    power's index, or len(poles) for the challenger."""
    summit = uniform_at(keys, k) < steady_chance(w, w.rates.summit)[:, None]
    partner = _summit_partner(uniform_at(partner_keys, k), len(w.poles))
    return summit, partner


@jit
def summit_partner(u, poles):
    """A summit's partner from its uniform draw: each great power (0 .. poles - 1) or the
    challenger (`poles`) with equal chance."""
    return np.int64(np.floor(u * (poles + 1)))


@compiled(["int64(float64, int64)"], vectorize=True)
def _summit_partner(u, poles):
    return summit_partner(u, poles)


def linked_neighbours(w: CompiledWorld, rows=EVERY) -> np.ndarray:
    """(R, M', M): the pairs of neighbours with a tie in the world file, each once (the row
    first in code order): the pairs a history dispute can strike. Read only, once per world
    (the Mesa model draws its disputes with this every step)."""
    linked = per_world(
        w, "_linked", w.cooperation, lambda: (w.cooperation > 0) & _after(w.cooperation.shape[-1])
    )
    return linked[:, rows]


@functools.lru_cache(maxsize=16)
def _after(states: int) -> np.ndarray:
    """(M, M): whether state j comes after state i in code order, `np.triu(..., k=1)` of
    every pair (read only), once per number of states (NumPy's `triu` of a world's ties
    costs 20 us, building its mask)."""
    after = np.triu(np.ones((states, states), dtype=bool), k=1)
    frozen(after)
    return after


def history_disputes(w: CompiledWorld, keys: np.ndarray, k: int, rows=EVERY) -> np.ndarray:
    """Stochastic history disputes of step k (R, M', M): each linked pair of neighbours is
    drawn once, by the one first in code order (the row)."""
    linked = linked_neighbours(w, rows)
    return linked & (uniform_at(keys, k) < steady_chance(w, w.rates.history_dispute)[:, None, None])


def ties_after_disputes(
    w: CompiledWorld, ties: np.ndarray, drawn: np.ndarray, drawn_by_others: np.ndarray
) -> np.ndarray:
    """Ties (R, M', M) after this step's disputes: those the row drew (`drawn`) and those its
    neighbours drew with it (`drawn_by_others`, the transposed draws)."""
    return _tie_after_disputes(ties, drawn, drawn_by_others, w.sizes.history_dispute[:, None, None])


@jit
def tie_after_disputes(tie, drawn, drawn_by_other, size):
    """A tie after a dispute drawn by either side this step (each costs `size`)."""
    return clip(tie - (size if drawn else 0.0) - (size if drawn_by_other else 0.0), 0.0, 1.0)


@compiled(["float64(float64, boolean, boolean, float64)"], vectorize=True)
def _tie_after_disputes(tie, drawn, drawn_by_other, size):
    return tie_after_disputes(tie, drawn, drawn_by_other, size)


def settle_ties(ties: np.ndarray) -> np.ndarray:
    return np.clip(ties, 0.0, 1.0)


def middle_power_context(
    w: CompiledWorld,
    levers: dict[str, np.ndarray],
    *,
    threat: np.ndarray,
    security: np.ndarray,
    economic: np.ndarray,
    autonomy: np.ndarray,
    camp: np.ndarray,
    pairs: Pairs,
    memory: np.ndarray,
    pledge: np.ndarray,
    ties: np.ndarray,
    neighbour_security: np.ndarray,
    rows=EVERY,
    trusted: bool = False,
) -> Context:
    """What middle powers `rows` see when they decide: their own last position (R, M'), the
    challenger's threat (R,), the great powers' dispositions in force (`effective_levers`),
    what their levers make of each pair (`sim.dynamics.levers.pairs`: reliability, military
    threat, restriction in force, ...) and their memory (R, M', P), their ties (R, M', M) and
    every state's last security (R, M). State-level fields come out (R, M', 1),
    per-great-power ones (R, M', P, 1).

    `trusted`: the arrays are a state's own, as the engine and the Mesa model make them
    (float64, C-contiguous, the threat and the dispositions (R,) or (R, P), every middle
    power): read as they are, without the checks and copies that make any other arrays
    so (`sim.dynamics.step.observe`; at one run, some microseconds a step)."""
    dyn = w.dynamics
    restriction = pairs.restriction
    runs, states, poles = restriction.shape
    fixed = _fixed_context(w, rows, restriction.shape)

    if not w.great_powers_hold_levers:  # the old reaction rule: pressure on rival orientation
        rival_orientation = aligned(-fixed["sign"][..., 0], economic[..., None])  # (R, M', P)
        trade_pressure = np.broadcast_to(
            levers["trade_pressure"][:, None, :], restriction.shape
        ) + (
            dyn.trade_response[:, None, None] * levers["rivalry"][:, None, None] * rival_orientation
        )
    else:  # the tariff lever in force
        trade_pressure = pairs.trade_pressure

    def ideal(table):  # the governing camp's ideal point, (R, M', 1)
        if rows is EVERY:
            return governing_of(w, table, camp)
        return governing(table[:, rows], camp)

    if rows is EVERY:
        neighbours, ideal_security, ideal_economic = _ideals(w, camp)
    else:
        neighbours, ideal_security, ideal_economic = (
            ideal(w.ideal_neighbours),
            ideal(w.ideal_security),
            ideal(w.ideal_economic),
        )
    if ties.shape[-1] < SHORT:  # summed in the kernel, left to right as `total` sums
        ties_total = aligned_total = _no_sums(runs)
    else:
        ties_total = total(ties, axis=-1)
        aligned_total = total(ties * neighbour_security[:, None, :], axis=-1)
    taiwan_risk, coercion = levers["taiwan_risk"], levers["coercion"]
    if not trusted:  # the kernel reads rows of contiguous arrays, the per-run ones (R,)
        threat, taiwan_risk = _per_run(threat, runs), _per_run(taiwan_risk, runs)
        c = np.ascontiguousarray  # (no copy of an array that is)
        neighbours, ties, neighbour_security = c(neighbours), c(ties), c(neighbour_security)
        restriction, pledge, coercion, memory = c(restriction), c(pledge), c(coercion), c(memory)
    # threat, taiwan, neighbour ties and alignment (R, M', 1), then market, coercion, memory
    # and trade pressure (R, M', P, 1): the rows of two blocks, each C-contiguous as the
    # kernel reads it (two allocations a step instead of eight; two arrays handed over)
    by_state, by_pole = np.empty((4, runs, states, 1)), np.empty((4, runs, states, poles, 1))
    threat_exposure, taiwan_exposure, exports = _exposures(w, rows)
    summed = ties_total.shape[1] > 0
    context_kernel(states, poles, 0 if summed else ties.shape[2], summed)(
        threat,
        threat_exposure,
        taiwan_risk,
        taiwan_exposure,
        neighbours,
        ties,
        neighbour_security,
        ties_total,
        aligned_total,
        exports,
        pairs.inducement,
        dyn.restriction_loss,
        restriction,
        dyn.pledge_value,
        pledge,
        coercion,
        dyn.derisk_learning,
        memory,
        trade_pressure,
        by_state,
        by_pole,
    )
    frozen(by_state, by_pole)  # no one changes a context: `read_only` passes it as it is
    out = (*by_state, *by_pole)  # the fields: the blocks' rows, read only as they are
    f = fixed
    # positional, in the order of `Context._fields` (a call with 26 keywords cost more)
    ctx = Context(
        out[0],  # threat
        levers["rivalry"][:, None, None],
        out[1],  # taiwan
        f["defence_cost"],
        f["diversification"],
        ideal_security,
        ideal_economic,
        out[2],  # neighbour_ties
        out[3],  # neighbour_alignment
        security[..., None],  # last_security (R, M') -> (R, M', 1)
        economic[..., None],
        autonomy[..., None],
        f["economic_stickiness"],
        f["autonomy_stickiness"],
        f["appeasement"],
        f["consent_complement"],
        f["sign"],
        f["protector"],
        f["capability"],
        pairs.reliability[..., None],  # (R, M', P) -> (R, M', P, 1)
        out[4],  # market
        out[5],  # coercion
        out[6],  # memory
        out[7],  # trade_pressure
        pairs.military[..., None],
        pairs.consent[..., None],
    )
    if rows is EVERY:
        sources = (security, economic, autonomy, pairs.reliability, pairs.military, pairs.consent)
        lay = _lay_trusted if trusted else _lay_for_kernels
        lay(w, ctx, fixed, (by_state, by_pole), sources, (runs, states), restriction.shape)
    return ctx


def _ideals(w: CompiledWorld, camp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The governing camps' ideal points (R, M, 1) of every middle power, as to their
    neighbours, security and economic alignment (`governing_of` of `w.ideal_neighbours`,
    `w.ideal_security`, `w.ideal_economic`, bound once with the world): kept together while
    the camps are the same read-only array (they change at elections only), one look-up a
    step instead of three."""
    hit = w.__dict__.get("_ideals")
    if hit is not None and hit[0] is camp:
        return hit[1]
    tables = (w.ideal_neighbours, w.ideal_security, w.ideal_economic)
    ideals = tuple([governing_of(w, table, camp) for table in tables])
    if not camp.flags.writeable:  # (a writeable array may change: not kept)
        w.__dict__["_ideals"] = (camp, ideals)
    return ideals


@functools.lru_cache(maxsize=16)
def _no_sums(runs: int) -> np.ndarray:
    """(R, 0): the ties' sums the context's kernel is not given (it sums them itself), one
    array per number of runs (holding nothing, it is shared; writeable, as the kernel's
    compiled specialisation takes it)."""
    return np.empty((runs, 0))


def _lay_for_kernels(
    w: CompiledWorld, ctx: Context, fixed: dict, blocks: tuple, sources: tuple, lead, by_pole
) -> None:
    """The kernels' views of the engine's context `ctx` (`_lay_trusted`), laid only where
    every field is a float64 array of the decisions' shape (`kernel_context` converts and
    broadcasts others itself)."""
    last_s, last_e, last_a, reliability, military, consent = sources
    ideal_s, ideal_e = ctx.ideal_security, ctx.ideal_economic
    for x in (ideal_s, ideal_e, last_s, last_e, last_a, reliability, military, consent):
        if type(x) is not np.ndarray or x.dtype is not _FLOAT64:
            return
    if ctx.rivalry.dtype is not _FLOAT64:
        return
    if not (
        ideal_s.shape[:-1] == ideal_e.shape[:-1] == last_s.shape == last_e.shape
        == last_a.shape == lead
    ):  # fmt: skip
        return
    if not (reliability.shape == military.shape == consent.shape == by_pole):
        return
    _lay_trusted(w, ctx, fixed, blocks, sources, lead, by_pole)


def _lay_trusted(
    w: CompiledWorld, ctx: Context, fixed: dict, blocks: tuple, sources: tuple, lead, by_pole
) -> None:
    """The kernels' views of the engine's context `ctx` (`sim.utility.lay_context`), made
    here where their shapes are known: the fields the context's kernel wrote (the rows of
    its `blocks`), the arrays the others view (`sources`: the last positions (R, M) and the
    pairs' reliability, military pressure and consent (R, M, P), themselves), the others
    without their axis of length 1, the rivalry laid over the middle powers; those that no
    step changes (`fixed`) once per world. Every field a float64 array of the decisions'
    shape (`_lay_for_kernels` checks it)."""
    f = fixed_kernel_views(w, fixed, lead, by_pole)
    last_s, last_e, last_a, reliability, military, consent = sources
    threat, taiwan, ties, alignment = blocks[0][..., 0]  # (R, M) each
    market, coercion, memory, trade_pressure = blocks[1][..., 0]  # (R, M, P) each
    state = (
        threat,
        _laid(ctx.rivalry, lead),
        taiwan,
        f["defence_cost"],
        f["diversification"],
        ctx.ideal_security[..., 0],
        ctx.ideal_economic[..., 0],
        ties,
        alignment,
        last_s,
        last_e,
        last_a,
        f["economic_stickiness"],
        f["autonomy_stickiness"],
        f["appeasement"],
        f["consent_complement"],
    )
    poles = (
        f["sign"],
        f["protector"],
        f["capability"],
        reliability,
        market,
        coercion,
        memory,
        trade_pressure,
        military,
        consent,
    )
    lay_context(ctx, kernel_views_of(w), state, poles, lead)


def fixed_kernel_views(w: CompiledWorld, fixed: dict, lead, by_pole) -> dict[str, np.ndarray]:
    """The kernels' views of the context's fields that no step changes (`fixed`, of
    `_fixed_context`), each without its axis of length 1 over the decisions' two axes `lead`
    (R, M) or the pairs `by_pole` (R, M, P): once per world."""
    cached = w.__dict__.get("_fixed_kernel_views")
    if cached is None or cached[0] is not fixed or cached[1] != lead:
        views = {name: _laid(x, lead if x.ndim == 3 else by_pole) for name, x in fixed.items()}
        cached = w.__dict__["_fixed_kernel_views"] = (fixed, lead, views)
    return cached[2]


def _laid(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A context field (..., 1) as the kernels read it (`sim.utility.kernel_context`)."""
    x = x[..., 0]
    return x if x.shape == shape else broadcast_view(x, shape)


_FLOAT64 = np.dtype(np.float64)


def _exposures(w: CompiledWorld, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The middle powers' exposure to the threat and to Taiwan risk and their exports of
    `rows`, contiguous as the context's kernel reads them: for every middle power once per
    world, like the rest of what no step changes (`_fixed_context`)."""
    cached = w.__dict__.get("_exposures") if rows is EVERY else None
    if cached is None:
        cached = tuple(
            np.ascontiguousarray(x[:, rows])
            for x in (w.threat_exposure, w.taiwan_exposure, w.exports)
        )
        if rows is EVERY:
            w.__dict__["_exposures"] = cached
    return cached


def _per_run(x: np.ndarray, runs: int) -> np.ndarray:
    """A per-run array (R,) as the kernels read it (contiguous), or a one-value one over the runs."""
    if shape_of(x) == (runs,):
        return np.ascontiguousarray(x)
    return np.ascontiguousarray(np.broadcast_to(x, (runs,)))


@jit
def exposed(level, exposure):
    """A danger to the whole region (the challenger's threat, Taiwan risk) as a middle
    power feels it: the level times its exposure."""
    return level * exposure


@jit
def coercion_felt(readiness, restriction):
    """A great power's coercion as a middle power sees it: its readiness to punish plus the
    restriction in force."""
    return readiness + restriction


@jit
def derisking(learning, memory):
    """What remembered restrictions weigh in a decision: the memory times the learning."""
    return learning * memory


@functools.cache
def context_kernel(states: int, poles: int, others: int, summed: bool):
    """The kernel of `middle_power_context`'s fields a step changes, for `states` middle
    powers, `poles` great powers, `others` neighbours and ties summed or not, all constants
    of the compiled closure: the loops over a run's pairs are unrolled and the branch on
    `summed` is gone (about 2.3 times as fast as with the counts read from the arrays: 1.36
    -> 0.57 ms a step of 25,000 runs of two states and two great powers; 0.30 ms with a loop
    over runs a field; Numba's disk cache keys a closure by its constants). Run by run, every
    array C-contiguous (a run's pairs (state, great power) are read as one row; the levers'
    `inducement` and `trade_pressure` too, laid out by the pairs' kernel, `levers_read`).
    Ties are summed over neighbours left to right (`sim.arrays.total`), or given summed
    (`ties_total`, `aligned_total`, (R, M'); empty when not). It writes the rows of two
    blocks: `by_state` (4, R, M', 1), the threat, Taiwan, neighbour ties and alignment, and
    `by_pole` (4, R, M', P, 1), the market, coercion, memory and trade pressure."""
    cells = states * poles

    def kernel(
        threat,
        threat_exposure,
        taiwan_risk,
        taiwan_exposure,
        neighbours,
        ties,
        neighbour_security,
        ties_total,
        aligned_total,
        exports,
        inducement,
        restriction_loss,
        restriction,
        pledge_value,
        pledge,
        coercion,
        derisk_learning,
        memory,
        trade_pressure,
        by_state,
        by_pole,
    ):
        runs = restriction.shape[0]
        neighbours_ = neighbours.reshape(runs, states)
        exports_ = exports.reshape(runs, cells)
        restriction_, pledge_ = restriction.reshape(runs, cells), pledge.reshape(runs, cells)
        memory_ = memory.reshape(runs, cells)
        # the fields written: the rows of the two blocks (`middle_power_context`)
        threat_out = by_state[0].reshape(runs, states)
        taiwan_out = by_state[1].reshape(runs, states)
        ties_out = by_state[2].reshape(runs, states)
        aligned_out = by_state[3].reshape(runs, states)
        market_out = by_pole[0].reshape(runs, cells)
        coercion_out = by_pole[1].reshape(runs, cells)
        memory_out = by_pole[2].reshape(runs, cells)
        trade_out = by_pole[3].reshape(runs, cells)
        # one loop over runs a field: each reads and writes a few arrays only (one loop doing
        # every field of a run took about 1.8 times as long, 0.54 -> 0.30 ms at 25,000 runs)
        for r in range(runs):
            for i in range(states):
                threat_out[r, i] = exposed(threat[r], threat_exposure[r, i])
        for r in range(runs):
            for i in range(states):
                taiwan_out[r, i] = exposed(taiwan_risk[r], taiwan_exposure[r, i])
        for r in range(runs):
            for i in range(states):
                if summed:
                    tied = ties_total[r, i]
                else:
                    tied = ties[r, i, 0]
                    for j in range(1, others):
                        tied = tied + ties[r, i, j]
                ties_out[r, i] = neighbours_[r, i] * tied
        for r in range(runs):
            for i in range(states):
                if summed:
                    aligned_ = aligned_total[r, i]
                else:
                    aligned_ = ties[r, i, 0] * neighbour_security[r, 0]
                    for j in range(1, others):
                        aligned_ = aligned_ + ties[r, i, j] * neighbour_security[r, j]
                aligned_out[r, i] = neighbours_[r, i] * aligned_
        for r in range(runs):
            for i in range(states):
                for p in range(poles):
                    c = i * poles + p
                    market_out[r, c] = market_value(
                        exports_[r, c],
                        inducement[r, i, p],
                        restriction_loss[r],
                        restriction_[r, c],
                        pledge_value[r],
                        pledge_[r, c],
                    )
        for r in range(runs):
            for i in range(states):
                for p in range(poles):
                    c = i * poles + p
                    coercion_out[r, c] = coercion_felt(coercion[r, p], restriction_[r, c])
        for r in range(runs):
            for c in range(cells):
                memory_out[r, c] = derisking(derisk_learning[r], memory_[r, c])
        for r in range(runs):
            for i in range(states):
                for p in range(poles):
                    trade_out[r, i * poles + p] = clip(trade_pressure[r, i, p], 0.0, 1.0)

    return compiled(None, lazy=False, error_model="numpy")(kernel)


@jit
def market_value(exports, inducement, loss, restriction, pledge_value, pledge):
    """The realised value of a great power's market: the share of exports to it, raised by
    its inducements, cut by its restrictions in force (`loss` a unit), plus the pledge
    outstanding to it (turning from a pledgee costs the pledge)."""
    return exports * (1.0 + inducement) * (1.0 - loss * restriction) + pledge_value * pledge


@compiled(["float64(float64, float64, float64, float64, float64, float64)"], vectorize=True)
def _market(exports, inducement, loss, restriction, pledge_value, pledge):
    return market_value(exports, inducement, loss, restriction, pledge_value, pledge)


def _fixed_context(w: CompiledWorld, rows, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """The fields of `middle_power_context` that no step changes, for middle powers `rows`
    and pairs of `shape` (R, M', P): state-level ones (R, M', 1), per-great-power ones
    (R, M', P, 1) (read-only views). For every middle power (the engine) they are laid over
    the middle powers and kept with the world: the kernels then read them without a
    broadcast of their own at every step."""
    cached = w.__dict__.get("_fixed_context")
    if rows is EVERY and cached is not None and cached[0] == shape:
        return cached[1]
    dyn, d = w.dynamics, w.decision
    if rows is EVERY:  # a parameter the same in every run read from one place (`once_per_run`)
        by_state = shape[:2] + (1,)
        state = lambda x: once_per_run(x[:, None, None], by_state)  # noqa: E731
        pole = lambda x: once_per_run(np.broadcast_to(x, shape), shape)[..., None]  # noqa: E731
        defence_cost = once_per_run(w.defence_cost[..., None], by_state)
    else:
        by_state = (shape[0], 1, 1)
        state = lambda x: np.broadcast_to(x[:, None, None], by_state)  # noqa: E731
        pole = lambda x: np.broadcast_to(x, shape)[..., None]  # noqa: E731
        defence_cost = w.defence_cost[:, rows][..., None]
    fixed = dict(
        defence_cost=defence_cost,
        diversification=state(dyn.diversification),
        economic_stickiness=state(d.economic_stickiness),
        autonomy_stickiness=state(d.autonomy_stickiness),
        appeasement=state(dyn.bandwagon),
        consent_complement=state(dyn.consent_complement),
        sign=pole(w.sign),
        protector=pole(w.protector),
        capability=pole(w.capability[:, None, :]),
    )
    if rows is EVERY:
        w.__dict__["_fixed_context"] = (shape, fixed)
    return fixed


def decide(w: CompiledWorld, ctx: Context, k: int, keys: np.ndarray) -> tuple[Choice, Response]:
    """New positions of the middle powers in `ctx` (keys: their decision streams of security,
    economic and autonomy, (3, R, M')),
    and where they were heading (what the great powers forecast from)."""
    d = w.decision
    laid = kernel_views_of(w)  # their views, `kernel_context`
    if d.rule == "logit":
        weights = _laid_weights(w, np.shape(ctx.last_security))
        uniforms = Choice(*(uniform_at(key, k) for key in keys))
        temperature = d.temperature[:, None, None]
        return logit_response(ctx, weights, temperature, d.grid, uniforms, laid)
    shape = shape_of(ctx.last_security)
    rule = laid.get("partial_rule")
    if rule is None or rule[0] != shape:
        # the rule's speed and noise, the same at every step: once per world (its parameters
        # are bound once, and read from one place where the same in every run,
        # `once_per_run`), kept with the weights laid over `shape` (a step then looks up none
        # of them: 3 us of a Mesa step's 10)
        speed = per_world(
            w,
            "_speed",
            d.adjustment_half_life,
            lambda: _per_run_column(1.0 - decay(w, d.adjustment_half_life)),
        )
        noise = per_world(
            w, "_noise", d.noise, lambda: _per_run_column(d.noise * np.sqrt(w.dt_years))
        )
        weights = _laid_weights(w, shape)
        rule = laid["partial_rule"] = (shape, weights, speed, noise)
    # a context its maker laid out, with the rule and keys laid out before: the kernel's
    decided = laid_decisions(ctx, rule[1], rule[2], rule[3], keys, k, laid)
    if decided is not None:
        return decided[0], decided[2]
    shocks = Draws(keys, k)  # the three streams (3, R, M'), drawn in the kernel
    return partial_response(ctx, rule[1], rule[2], rule[3], shocks, laid)


def _per_run_column(x: np.ndarray) -> np.ndarray:
    """A per-run parameter (R,) as a column (R, 1), read from one place where every run has
    the same (`once_per_run`)."""
    return once_per_run(x[:, None], (len(x), 1))


def _laid_weights(w: CompiledWorld, shape: tuple[int, ...]) -> SimpleNamespace:
    """The weights (R, 1, 1) over the decisions' state-level `shape` (R, M', 1), read-only
    views kept with the world: the kernels read them without a broadcast at every step, and
    a weight the same in every run from one place (`once_per_run`)."""
    cached = w.__dict__.get("_laid_weights")
    if cached is None or cached[0] != shape:
        laid = {k: once_per_run(v, shape) for k, v in vars(w.weights).items()}
        cached = w.__dict__["_laid_weights"] = (shape, SimpleNamespace(**laid))
    return cached[1]


def pledges_drawn_down(w: CompiledWorld, pledge: np.ndarray) -> np.ndarray:
    """Pledges (R, M', P) are invested over time: what is outstanding halves in
    `dynamics.pledge_half_life` years."""
    return fade(w, pledge, w.dynamics.pledge_half_life)


def pledged(pledge: np.ndarray, magnitude: float) -> np.ndarray:
    """A pledge event: the outstanding pledge is at least its magnitude (pledges do not add)."""
    return np.maximum(pledge, magnitude)


def remember(w: CompiledWorld, memory: np.ndarray, restriction: np.ndarray) -> np.ndarray:
    """Restrictions wear off; what they cost is remembered for much longer (de-risking)."""
    kept = spread(w, decay(w, w.dynamics.memory_half_life), memory.shape)
    return _remembered(memory, kept, restriction, w.dt_years)


@jit
def remembered(memory, kept, restriction, dt_years):
    """Memory after a step: the share `kept` of it, plus the restriction-years of the step."""
    return memory * kept + restriction * dt_years


@compiled(["float64(float64, float64, float64, float64)"], vectorize=True)
def _remembered(memory, kept, restriction, dt_years):
    return remembered(memory, kept, restriction, dt_years)


def ties_recover(w: CompiledWorld, ties: np.ndarray, rows=EVERY) -> np.ndarray:
    """Ties (R, M', M) relax toward the world file's baseline."""
    baseline = w.cooperation[:, rows]
    kept = spread(w, decay(w, w.dynamics.cooperation_half_life), np.shape(ties))
    return relaxed(ties, baseline, kept)
