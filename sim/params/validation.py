"""Checking parameters against the schema's ranges and the world's references.

`validate` checks every leaf and raises `ParamError`, whose message is one line naming the
key, the value and what is allowed."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import numpy as np

from sim.errors import ParamError
from sim.params.schema import (
    CAMPS,
    EVENT_KINDS,
    LEVERS,
    PRESSURE_KEYS,
    RESTRAINT,
    UNIT,
    Params,
    World,
)
from sim.params.tree import fields_of

# --------------------------------------------------------------------------- validation
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate(params: Params, runs: int | None = None, element: int | None = None) -> Params:
    """Check every leaf against its range and every cross-reference; return params or raise.
    `runs`: the number of values an array over runs must hold; `element`: a position every
    array over runs must hold a value at (a Mesa model's run, `agents.GeopoliticsModel`)."""
    _check_ranges(params, "", runs, element)
    _check_world(params.world)
    check_calendar(params)
    check_durations(params)
    _check_scenario(params)
    thresholds = params.metrics.posture_thresholds
    if len(thresholds) != 2 or not 0 < thresholds[0] < thresholds[1] < 1:
        raise ParamError("metrics.posture_thresholds", thresholds, "two numbers 0 < a < b < 1")
    return params


def _check_ranges(node: Any, prefix: str, runs: int | None, element: int | None = None) -> None:
    for f in fields_of(node):
        key, value = f"{prefix}{f.name}", getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            _check_ranges(value, key + ".", runs, element)
        elif isinstance(value, dict):
            for name, item in value.items():
                if dataclasses.is_dataclass(item):
                    _check_ranges(item, f"{key}.{name}.", runs, element)
                else:
                    allowed = f.metadata.get("range", UNIT)
                    _check_number(f"{key}.{name}", item, allowed, runs, element)
        elif "choices" in f.metadata:
            choices = list(f.metadata["choices"])
            if isinstance(value, np.ndarray):  # `in` would compare every run's value
                raise ParamError(key, value, f"must be one of {choices}, the same in every run")
            if value not in choices:
                raise ParamError(key, value, f"must be one of {choices}")
        elif "range" in f.metadata:
            _check_number(key, value, f.metadata["range"], runs, element)
            if f.type in ("int", int) and not _is_integer(value):
                raise ParamError(key, value, "must be a whole number")


def _is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_number(
    key: str, value: Any, allowed: tuple[float, float], runs: int | None, element: int | None = None
) -> None:
    low, high = allowed
    if type(value) in (int, float):  # the usual case, a plain number: no array made
        if not (math.isfinite(value) and low <= value <= high):
            raise ParamError(key, value, f"must be in [{low}, {high}]")
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, np.ndarray, np.number)):
        raise ParamError(key, value, f"must be a number in [{allowed[0]}, {allowed[1]}]")
    array = np.asarray(value, dtype=float)
    if array.ndim > 1 or (array.ndim == 1 and runs is not None and array.shape[0] != runs):
        raise ParamError(key, value, f"must be a scalar or an array of one value per run ({runs})")
    if element is not None and array.ndim == 1 and array.shape[0] <= element:
        raise ParamError(key, value, f"an array over runs needs a value for run element {element}")
    bad = ~np.isfinite(array) | (array < low) | (array > high)
    if np.any(bad):
        shown = value if array.ndim == 0 else float(array[np.argmax(bad)])
        raise ParamError(key, shown, f"must be in [{low}, {high}]")


def _check_world(world: World) -> None:
    from sim.codes import check_code

    codes: dict[str, str] = {}
    for group in ("great_powers", "middle_powers", "challengers", "backers"):
        for code in getattr(world, group):
            check_code(f"world.{group}.{code}", code)
            if code in codes:
                raise ParamError(
                    f"world.{group}.{code}", code, f"already listed in world.{codes[code]}"
                )
            codes[code] = group
    if sorted(world.great_powers) != ["CHN", "USA"]:
        raise ParamError(
            "world.great_powers",
            sorted(world.great_powers),
            "must be exactly the two poles USA and CHN",
        )
    poles = sorted(gp.pole for gp in world.great_powers.values())
    if poles != [-1, 1]:
        raise ParamError("world.great_powers.*.pole", poles, "one great power at +1 and one at -1")
    if not world.middle_powers:
        raise ParamError("world.middle_powers", {}, "at least one middle power is needed")
    if len(world.challengers) != 1:
        raise ParamError(
            "world.challengers", sorted(world.challengers), "exactly one challenger (e.g. PRK)"
        )
    if world.focus not in world.middle_powers:
        raise ParamError(
            "world.focus", world.focus, f"must be a middle power: {sorted(world.middle_powers)}"
        )
    for code, gp in world.great_powers.items():
        for lever, spec in gp.levers.items():
            key = f"world.great_powers.{code}.levers.{lever}"
            if lever not in (*LEVERS, RESTRAINT):
                raise ParamError(key, lever, f"no such lever; allowed: {[*LEVERS, RESTRAINT]}")
            if lever != RESTRAINT:
                _check_number(f"{key}.initial", spec.initial, UNIT, None)
    for code, ch in world.challengers.items():
        _check_ref(f"world.challengers.{code}.adversary", ch.adversary, world.great_powers)
        for gp in ch.leverage:
            _check_ref(f"world.challengers.{code}.leverage.{gp}", gp, world.great_powers)
    for code, bk in world.backers.items():
        _check_ref(f"world.backers.{code}.backs", bk.backs, world.challengers)
    for code, mp in world.middle_powers.items():
        key = f"world.middle_powers.{code}"
        for gp in mp.exports:
            _check_ref(f"{key}.exports.{gp}", gp, world.great_powers)
        for gp in mp.red_lines:
            _check_ref(f"{key}.red_lines.{gp}", gp, world.great_powers)
        for gp in mp.memory:
            _check_ref(f"{key}.memory.{gp}", gp, world.great_powers)
        for gp in mp.opinion:
            _check_ref(f"{key}.opinion.{gp}", gp, world.great_powers)
        for other in mp.neighbours:
            _check_ref(f"{key}.neighbours.{other}", other, world.middle_powers)
            if other == code:
                raise ParamError(
                    f"{key}.neighbours.{other}", other, "a state is not its own neighbour"
                )
        missing = [camp for camp in CAMPS if camp not in mp.ideals]
        extra = [camp for camp in mp.ideals if camp not in CAMPS]
        if missing or extra:
            raise ParamError(
                f"{key}.ideals", sorted(mp.ideals), f"must give exactly the camps {list(CAMPS)}"
            )
        if mp.election.next and not ISO_DATE.match(mp.election.next):
            raise ParamError(
                f"{key}.election.next", mp.election.next, "an ISO date YYYY-MM-DD or ''"
            )


def _check_ref(key: str, code: str, group: dict) -> None:
    if code not in group:
        raise ParamError(key, code, f"unknown state code; allowed: {sorted(group)}")


def _check_scenario(params: Params) -> None:
    from sim.calendar import parse_date, step_dates

    sc = params.scenario
    if not ISO_DATE.match(str(sc.start)):
        raise ParamError("scenario.start", sc.start, "an ISO date YYYY-MM-DD")
    parse_date("scenario.start", sc.start)
    dates = step_dates(sc.start, sc.steps, sc.step_months)
    horizon = dates[-1]
    world = params.world
    states = {**world.great_powers, **world.middle_powers, **world.challengers, **world.backers}
    for i, change in enumerate(sc.schedule):
        key = f"scenario.schedule[{i}]"
        when = parse_date(f"{key}.date", change.date)
        if when > horizon:
            raise ParamError(f"{key}.date", change.date, f"after the horizon {horizon}")
        if change.pressure not in PRESSURE_KEYS:
            raise ParamError(
                f"{key}.pressure", change.pressure, f"must be one of {list(PRESSURE_KEYS)}"
            )
        _check_number(f"{key}.value", change.value, UNIT, None)
    for i, event in enumerate(sc.events):
        key = f"scenario.events[{i}]"
        when = parse_date(f"{key}.date", event.date)
        if not dates[0] <= when < horizon:
            raise ParamError(
                f"{key}.date",
                event.date,
                f"must fall in [{dates[0]}, {horizon}), the scenario's span",
            )
        if event.kind not in EVENT_KINDS:
            raise ParamError(f"{key}.kind", event.kind, f"must be one of {list(EVENT_KINDS)}")
        _check_number(f"{key}.magnitude", event.magnitude, (-1.0, 1.0), None)
        for role in ("target", "partner"):
            code = getattr(event, role)
            if code and code not in states:
                raise ParamError(
                    f"{key}.{role}", code, f"unknown state code; allowed: {sorted(states)}"
                )
        if event.kind in (
            "coercion",
            "tariff_shock",
            "election",
            "history_dispute",
            "summit",
            "pledge",
        ):
            if event.target not in world.middle_powers:
                raise ParamError(
                    f"{key}.target",
                    event.target,
                    f"a {event.kind} needs a middle power: {sorted(world.middle_powers)}",
                )
        if (
            event.kind in ("coercion", "tariff_shock", "pledge")
            and event.partner not in world.great_powers
        ):
            raise ParamError(
                f"{key}.partner",
                event.partner,
                f"the great power imposing it (or pledged to): {sorted(world.great_powers)}",
            )
        if event.kind in ("summit", "history_dispute") and not event.partner:
            raise ParamError(
                f"{key}.partner", event.partner, "the other side of the event: a state code"
            )
        summit_partners = {**world.great_powers, **world.challengers, **world.middle_powers}
        if event.kind == "summit" and (
            event.partner not in summit_partners or event.partner == event.target
        ):
            raise ParamError(
                f"{key}.partner",
                event.partner,
                f"a great power, the challenger or another middle power: {sorted(summit_partners)}",
            )
        if event.kind == "history_dispute" and event.partner not in world.middle_powers:
            raise ParamError(
                f"{key}.partner", event.partner, f"a middle power: {sorted(world.middle_powers)}"
            )
        if event.camp and event.camp not in CAMPS:
            raise ParamError(f"{key}.camp", event.camp, f"one of {list(CAMPS)} or ''")
    for i, change in enumerate(sc.levers):
        key = f"scenario.levers[{i}]"
        when = parse_date(f"{key}.date", change.date)
        if when > horizon:
            raise ParamError(f"{key}.date", change.date, f"after the horizon {horizon}")
        _check_ref(f"{key}.great_power", change.great_power, world.great_powers)
        _check_ref(f"{key}.state", change.state, world.middle_powers)
        if change.lever not in LEVERS:
            raise ParamError(f"{key}.lever", change.lever, f"must be one of {list(LEVERS)}")
        _check_number(f"{key}.value", change.value, UNIT, None)


# --------------------------------------------------------------------------- calendar and run ids
# The Dataset's `time` coordinate is datetime64[ns]: 64-bit nanoseconds around 1970 hold the
# dates from 1677-09-21 to 2262-04-11 (numpy's documented range); a date outside wraps.
FIRST_DATE, LAST_DATE = "1677-09-22", "2262-04-10"
MAX_RUN_ID = 2**63  # run ids are int64 (the counter-based random keys take them as such)


def check_calendar(params: Params) -> None:
    """The start and the horizon fall within the dates a datetime64[ns] coordinate holds."""
    import datetime as dt

    from sim.calendar import parse_date

    sc = params.scenario
    if not ISO_DATE.match(str(sc.start)):
        raise ParamError("scenario.start", sc.start, "an ISO date YYYY-MM-DD")
    start = parse_date("scenario.start", sc.start)
    first, last = dt.date.fromisoformat(FIRST_DATE), dt.date.fromisoformat(LAST_DATE)
    if not first <= start <= last:
        raise ParamError(
            "scenario.start", sc.start, f"must fall in [{first}, {last}], the dates a dataset holds"
        )
    months = start.month - 1 + int(sc.steps) * int(sc.step_months)
    horizon_year = start.year + months // 12
    if (horizon_year, months % 12 + 1, min(start.day, 28)) > (last.year, last.month, last.day):
        raise ParamError(
            "scenario.steps",
            sc.steps,
            f"the horizon would pass {last}, the last date a dataset holds; start later or run fewer steps",
        )


def check_durations(params: Params) -> None:
    """Every election term is at least one step (a shorter one cannot move the calendar: the
    next election would fall in the same step forever) and ends within Python's calendar."""
    import datetime as dt

    step_years = int(params.scenario.step_months) / 12
    for code, mp in params.world.middle_powers.items():
        key = f"world.middle_powers.{code}.election.term_years"
        term = np.asarray(mp.election.term_years, dtype=float)
        if np.any(term < step_years):
            shown = float(term.min()) if term.ndim else mp.election.term_years
            raise ParamError(key, shown, f"must be at least one step ({step_years:g} years)")
        if np.any(term * 365.25 > (dt.date.max - dt.date(2262, 4, 11)).days):
            shown = float(term.max()) if term.ndim else mp.election.term_years
            raise ParamError(key, shown, "must end before the year 9999, where the calendar ends")


def check_run_ids(first_run: int, runs: int) -> None:
    """Run ids first_run .. first_run + runs - 1 fit in int64: past 2**63 they would wrap."""
    if int(first_run) + int(runs) > MAX_RUN_ID:
        raise ParamError(
            "first_run", int(first_run), f"first_run + runs ({int(runs)}) must be at most 2**63"
        )
