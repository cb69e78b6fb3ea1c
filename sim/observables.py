"""Observables: what can be measured of a middle power, apart from the policy it chooses
(issue 12; docs/model.md §7.10).

The policy orientation `economic` is what a government chooses; where its exports and its
outward investment go is *structure and policy together*: the size of each great power's
market (its import demand, exogenous, yearly, from data), the policy orientation, the
restrictions in force and the tariffs. Each observable is a pure, vectorised function of a
recorded trajectory (runs first, then steps); `observe` computes them all for the engine and
for the Mesa layer alike, so the two record the same numbers. None feeds back into a decision.

Export (and FDI) orientation is a stock that closes a share of the gap to a gravity-style
target every step (partial adjustment, half-life in years). The target is written in the log
ratio of the two great powers' shares, z = log(S_+ / S_-), so that the orientation
(S_+ - S_-)/(S_+ + S_-) = tanh(z / 2) stays in (-1, 1); it is anchored at the state's observed
orientation at the scenario's start (`world.middle_powers.<code>.observed`): only changes of
market size, policy, restrictions and tariffs since the start move it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numba import types

from sim import libm
from sim.compiling import compiled
from sim.errors import ParamError
from sim.kernels import IN1, IN2, IN3
from sim.params import LEVERS, Params

# The dataset's dims of each observable, and the recorded variables it is computed from.
DIMS = {
    "export_orientation": ("run", "step", "state"),
    "fdi_orientation": ("run", "step", "state"),
    "defence_spending": ("run", "step", "state"),
    "favourability": ("run", "step", "state", "great_power"),
}
NEEDS = {
    "export_orientation": ("economic", "restriction", "lever"),
    "fdi_orientation": ("economic", "restriction", "lever", "pledge"),
    "defence_spending": ("autonomy", "threat"),
    "favourability": ("opinion",),
}
DESCRIBED = {
    "export_orientation": dict(
        long_name="export orientation (US - China)/(US + China) of exports", units="-1..1"
    ),
    "fdi_orientation": dict(
        long_name="outward-FDI orientation (US - China)/(US + China)", units="-1..1"
    ),
    "defence_spending": dict(long_name="military expenditure (SIPRI basis)", units="% of GDP"),
    "favourability": dict(long_name="share favourable toward the great power", units="%"),
}
TARIFF = LEVERS.index("tariff")
INDUCEMENT = LEVERS.index("inducement")
SMALLEST_SHARE = 1e-9  # a market fully closed: its share's log stays finite


@dataclass
class ObservationInputs:
    """The observation parameters of a block of runs, as arrays (built by `compile_observation`)."""

    sign: np.ndarray  # (P,) pole of each great power
    dt_years: float
    log_market: np.ndarray  # (R, T+1, P) log import demand in force at each step
    start_export: np.ndarray  # (R, M) observed orientation at the start
    start_fdi: np.ndarray  # (R, M)
    start_defence: np.ndarray  # (R, M) % of GDP
    threat_exposure: np.ndarray  # (R, M)
    restriction_loss: np.ndarray  # (R,) dynamics.restriction_loss
    p: dict[str, np.ndarray]  # observation.* -> (R,)


def market_years(dates: list[dt.date]) -> np.ndarray:
    """The calendar year whose market is in force at each step: the year the step's period
    ends in, as `annual_mean` counts it (the state dated 1 January closes the year before)."""
    return np.array([(d - dt.timedelta(days=1)).year for d in dates])


def market_path(
    years: np.ndarray, data_years: np.ndarray, imports: np.ndarray, growth: np.ndarray
) -> np.ndarray:
    """Import demand (R, T+1, P) at each step's year: the data's value of that year (the
    latest earlier one in a gap); before the first year, the first year's (no history is
    invented); after the last year, the last value grown by `growth` (R, P) a year, the
    scenario's stated assumption. `imports` is (R, Y, P) for the sorted `data_years`."""
    if data_years.size == 0:  # no data: a constant market, grown from the start year
        base = np.ones(growth.shape)[:, None, :]
        ahead = np.maximum(years - years[0], 0)[None, :, None]
        return base * libm.power(1.0 + growth[:, None, :], ahead)
    k = np.clip(np.searchsorted(data_years, years, side="right") - 1, 0, None)
    ahead = np.maximum(years - data_years[-1], 0)[None, :, None]
    return imports[:, k, :] * libm.power(1.0 + growth[:, None, :], ahead)


def compile_observation(
    params: Params,
    runs: Callable[[object], np.ndarray],
    dates: list[dt.date],
    middle: tuple[str, ...],
    poles: tuple[str, ...],
    sign: np.ndarray,
    threat_exposure: np.ndarray,
) -> ObservationInputs:
    """The observation parameters for a block of runs; `runs(value)` gives a value per run."""
    o = params.observation
    markets = sorted(params.scenario.markets, key=lambda m: m.year)
    for entry in markets:
        for p in poles:
            value = entry.imports.get(p)
            if value is None or not np.all(np.asarray(value, dtype=float) > 0):
                raise ParamError(
                    f"scenario.markets[year={entry.year}].imports.{p}",
                    value,
                    "a positive import demand (US$ bn) for every great power",
                )
    data_years = np.array([m.year for m in markets], dtype=int)
    if len(set(data_years.tolist())) != len(data_years):
        raise ParamError("scenario.markets", data_years.tolist(), "each year once")
    imports = (
        np.stack([np.stack([runs(m.imports[p]) for p in poles], axis=-1) for m in markets], axis=1)
        if markets
        else np.zeros((len(runs(0.0)), 0, len(poles)))
    )
    growth = np.stack([runs(o.market_growth.get(p, 0.0)) for p in poles], axis=-1)
    mps = [params.world.middle_powers[m] for m in middle]
    start = lambda attr: np.stack([runs(getattr(mp.observed, attr)) for mp in mps], axis=-1)  # noqa: E731
    names = [
        "market_elasticity", "export_policy", "export_half_life", "tariff_rate",
        "trade_elasticity", "fdi_market_elasticity", "fdi_policy", "fdi_half_life",
        "tariff_jumping", "pledge_draw", "inducement_draw", "defence_per_autonomy",
        "defence_per_threat",
    ]  # fmt: skip
    years = market_years(dates)
    if all(np.ndim(v) == 0 for v in _market_values(markets, o, poles)):
        # the same markets in every run (all but a sweep of them): one run's path, shared
        one = libm.log(market_path(years, data_years, imports[:1], growth[:1]))
        log_market = np.broadcast_to(one, (imports.shape[0],) + one.shape[1:])
    else:
        log_market = libm.log(market_path(years, data_years, imports, growth))
    return ObservationInputs(
        sign=sign,
        dt_years=params.scenario.step_months / 12.0,
        log_market=log_market,
        start_export=start("export_orientation"),
        start_fdi=start("fdi_orientation"),
        start_defence=start("defence_spending"),
        threat_exposure=threat_exposure,
        restriction_loss=runs(params.dynamics.restriction_loss),
        p={name: runs(getattr(o, name)) for name in names},
    )


def _market_values(markets, observation, poles):
    """Every parameter a run's market path is computed from (import demands, growth rates)."""
    for entry in markets:
        yield from (entry.imports[p] for p in poles)
    yield from (observation.market_growth.get(p, 0.0) for p in poles)


# ----------------------------------------------------------------------------- equations
def orientation_of(log_ratio: np.ndarray) -> np.ndarray:
    """(S_+ - S_-)/(S_+ + S_-) from z = log(S_+/S_-): tanh(z/2)."""
    return libm.tanh(log_ratio / 2.0)


def log_ratio_of(orientation: np.ndarray) -> np.ndarray:
    """The inverse: z = 2 artanh(o), finite for |o| < 1 (clipped just inside)."""
    return 2.0 * libm.arctanh(np.clip(orientation, -1.0 + 1e-12, 1.0 - 1e-12))


def pole_sum(sign: np.ndarray, per_pole: np.ndarray) -> np.ndarray:
    """sum_p sigma_p x_p over the last axis: log(S_+/S_-) from each pole's log share."""
    return (per_pole * sign).sum(axis=-1)


def export_pull(ob: ObservationInputs, economic, restriction, tariff) -> np.ndarray:
    """z_X (R, T+1, M) up to a constant: log(S_US/S_CN) of exports, gravity-style,
    log S_p = eps log M_p + k_e sigma_p e / 2 + log(1 - l R_p) - theta log(1 + r tau_p)."""
    p = ob.p
    r = lambda name: p[name][:, None, None]  # noqa: E731
    size = r("market_elasticity")[..., None] * ob.log_market[:, :, None, :]
    access = libm.log(
        np.maximum(1.0 - ob.restriction_loss[:, None, None, None] * restriction, SMALLEST_SHARE)
    )
    tariffs = -r("trade_elasticity")[..., None] * libm.log1p(r("tariff_rate")[..., None] * tariff)
    return pole_sum(ob.sign, size + access + tariffs) + r("export_policy") * economic


def fdi_pull(ob: ObservationInputs, economic, restriction, tariff, pledge, inducement):
    """z_F (R, T+1, M) up to a constant: as exports, but tariffs draw investment to the
    tariff-setter (tariff-jumping), and pledges and inducements (CHIPS/IRA-style subsidies,
    market access) draw it: log S_p += +phi log(1 + r tau_p) + pi_P P_p + pi_I iota_p."""
    p = ob.p
    r = lambda name: p[name][:, None, None, None]  # noqa: E731
    size = r("fdi_market_elasticity") * ob.log_market[:, :, None, :]
    access = libm.log(
        np.maximum(1.0 - ob.restriction_loss[:, None, None, None] * restriction, SMALLEST_SHARE)
    )
    jumping = r("tariff_jumping") * libm.log1p(r("tariff_rate") * tariff)
    drawn = r("pledge_draw") * pledge + r("inducement_draw") * inducement
    return (
        pole_sum(ob.sign, size + access + jumping + drawn)
        + p["fdi_policy"][:, None, None] * economic
    )


def partial_adjustment(start: np.ndarray, target: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """x_0 = start; x_t = target_t + kept (x_{t-1} - target_t): the stock closes the share
    1 - kept of its gap each step. `target` (R, T+1, M), `kept` (R,)."""
    out = np.empty_like(target)
    out[:, 0] = start
    for k in range(1, target.shape[1]):
        out[:, k] = target[:, k] + kept[:, None] * (out[:, k - 1] - target[:, k])
    return out


def anchored_orientation(ob, pull: np.ndarray, start: np.ndarray, half_life: np.ndarray):
    """The stock of orientation: its target tanh((z_0 + z_t - z_(t=0)) / 2), z_0 the observed
    start, adjusted with `half_life` years."""
    target = orientation_of(log_ratio_of(start)[:, None, :] + pull - pull[:, :1])
    kept = libm.power(0.5, ob.dt_years / half_life)
    return partial_adjustment(start, target, kept)


def defence_spending(ob: ObservationInputs, autonomy, threat) -> np.ndarray:
    """% of GDP (R, T+1, M): D_0 + d_a (a_t - a_0) + d_theta eps_i (theta_t - theta_0), >= 0,
    in one compiled pass (`_defence_kernel`, the equation written there): NumPy's passes made
    five temporaries of the trajectory's size, about 4% of a 25,000-run `sim.simulate`."""
    as_float = lambda x: np.asarray(x, dtype=np.float64)  # noqa: E731 (no copy if it is)
    p = ob.p
    autonomy = as_float(autonomy)
    out = np.empty_like(autonomy)  # laid out as the trajectory is (steps first, the engine's)
    _defence_kernel(
        as_float(ob.start_defence),
        as_float(ob.threat_exposure),
        as_float(p["defence_per_autonomy"]),
        as_float(p["defence_per_threat"]),
        autonomy,
        as_float(threat),
        out,
    )
    return out


@compiled([types.void(IN2, IN2, IN1, IN1, IN3, IN2, types.float64[:, :, :])])
def _defence_kernel(start, exposure, per_autonomy, per_threat, autonomy, threat, out):
    """`defence_spending` of run r, step t, state i: the threat faced is the state's exposure
    times the threat, its change since the start weighed by d_theta, the change of autonomy
    by d_a; floored at 0 as `np.maximum(x, 0.0)` floors (a NaN stays NaN). Steps outermost:
    a trajectory is recorded steps first (the engine's runs-last record, swapped)."""
    runs, steps, states = out.shape
    for t in range(steps):
        for r in range(runs):
            for i in range(states):
                faced, faced_0 = exposure[r, i] * threat[r, t], exposure[r, i] * threat[r, 0]
                armed = per_autonomy[r] * (autonomy[r, t, i] - autonomy[r, 0, i])
                spent = start[r, i] + (armed + per_threat[r] * (faced - faced_0))
                out[r, t, i] = spent if spent >= 0.0 or spent != spent else 0.0


def favourability_pct(opinion: np.ndarray) -> np.ndarray:
    """Pew's measure, % favourable: the opinion state (share favourable) times 100."""
    return 100.0 * opinion


def observe(ob: ObservationInputs, traj: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every observable whose recorded inputs are in `traj` (a sweep may record fewer)."""
    have = lambda name: all(v in traj for v in NEEDS[name])  # noqa: E731
    if not traj:
        return {}
    steps = next(iter(traj.values())).shape[1]  # a Mesa model part-way: the steps done
    ob = dataclasses.replace(ob, log_market=ob.log_market[:, :steps])
    out = {}
    if have("export_orientation") or have("fdi_orientation"):
        tariff = traj["lever"][..., TARIFF]
    if have("export_orientation"):
        pull = export_pull(ob, traj["economic"], traj["restriction"], tariff)
        out["export_orientation"] = anchored_orientation(
            ob, pull, ob.start_export, ob.p["export_half_life"]
        )
    if have("fdi_orientation"):
        pull = fdi_pull(
            ob,
            traj["economic"],
            traj["restriction"],
            tariff,
            traj["pledge"],
            traj["lever"][..., INDUCEMENT],
        )
        out["fdi_orientation"] = anchored_orientation(ob, pull, ob.start_fdi, ob.p["fdi_half_life"])
    if have("defence_spending"):
        out["defence_spending"] = defence_spending(ob, traj["autonomy"], traj["threat"])
    if have("favourability"):
        out["favourability"] = favourability_pct(traj["opinion"])
    return out
