"""Typed parameters of the model and their validation.

The dataclasses here are the schema: Hydra registers them as structured configs (so a
misspelt key fails at load) and the engine reads them directly. Every numeric leaf may be a
scalar or a NumPy array over runs, which is what makes a sweep one vectorised call.

A field's allowed range sits in its metadata; `validate` checks every leaf against it and
raises `ParamError`, whose message is one line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional  # noqa: UP035 (OmegaConf needs typing generics)

import numpy as np

UNIT = (0.0, 1.0)
SIGNED = (-1.0, 1.0)
NONNEG = (0.0, float("inf"))
POSITIVE = (1e-9, float("inf"))

CAMPS = ("progressive", "conservative")
EVENT_KINDS = (
    "missile_test",
    "nuclear_test",
    "coercion",
    "tariff_shock",
    "taiwan_crisis",
    "summit",
    "election",
    "history_dispute",
)
DECISION_RULES = ("partial", "logit")


class ParamError(ValueError):
    """A parameter outside what the model allows: one line, key, value and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key} = {_show(value)}: {allowed}")


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array{list(value.shape)}"
    return repr(value)


def ranged(default: Any, allowed: tuple[float, float], doc: str = "") -> Any:
    """A field with a default, an allowed closed range and a one-line meaning."""
    return field(default=default, metadata={"range": allowed, "doc": doc})


# --------------------------------------------------------------------------- pressures
@dataclass
class Pressures:
    """The seven exogenous pressures of MODEL.md, each in [0, 1]; scenarios schedule them."""

    rivalry: float = ranged(0.7, UNIT, "intensity of US-China strategic competition")
    dprk_threat: float = ranged(0.6, UNIT, "baseline North Korean threat")
    china_coercion: float = ranged(0.5, UNIT, "China's readiness to punish alignment with the US")
    us_reliability: float = ranged(0.6, UNIT, "credibility of the US commitment (1 = ironclad)")
    us_trade_pressure: float = ranged(0.5, UNIT, "US tariffs and demands on allies' economies")
    russia_dprk: float = ranged(0.6, UNIT, "Russian backing for North Korea")
    taiwan_risk: float = ranged(0.3, UNIT, "likelihood scale of a Taiwan contingency")


PRESSURE_KEYS = tuple(f.name for f in dataclasses.fields(Pressures))

# Which great power's lever each pressure sets (the rest of the levers come from the world).
PRESSURE_LEVERS = {
    "us_reliability": ("USA", "reliability"),
    "us_trade_pressure": ("USA", "trade_pressure"),
    "china_coercion": ("CHN", "coercion"),
}


# --------------------------------------------------------------------------- weights
@dataclass
class Weights:
    """Weight of each named utility term (MODEL.md's ten mechanisms; #2 has two terms)."""

    protection: float = ranged(1.2, NONNEG, "1. balance of threat: protection from the patron")
    abandonment: float = ranged(0.8, NONNEG, "2a. doubt about the patron one leans on")
    entrapment: float = ranged(0.8, NONNEG, "2b. cost of being dragged into a US-China war")
    economic: float = ranged(1.0, NONNEG, "3. concave gains from both great powers' markets")
    coercion: float = ranged(1.0, NONNEG, "4. exposure to punishment through dependence")
    trade_pressure: float = ranged(
        0.6, NONNEG, "5. tariffs and demands on a rival-oriented economy"
    )
    consistency: float = ranged(0.8, NONNEG, "6. cost of a security-economy gap under rivalry")
    autonomy: float = ranged(
        1.0, NONNEG, "7. self-reliant defence: pays under threat, costs budget"
    )
    domestic: float = ranged(0.6, NONNEG, "8. distance from the government's ideal point")
    neighbours: float = ranged(0.3, NONNEG, "9. agreement with cooperating neighbours")
    inertia: float = ranged(0.5, NONNEG, "10. cost of changing course")


WEIGHT_KEYS = tuple(f.name for f in dataclasses.fields(Weights))


# --------------------------------------------------------------------------- decision
@dataclass
class Decision:
    """How a middle power turns utilities into a choice (bounded rationality)."""

    rule: str = field(default="partial", metadata={"choices": DECISION_RULES})
    adjustment_half_life: float = ranged(
        0.5, POSITIVE, "years to close half the gap to the best response (partial rule)"
    )
    noise: float = ranged(0.06, NONNEG, "std of decision noise per sqrt(year) (partial rule)")
    temperature: float = ranged(0.02, POSITIVE, "logit temperature in utility units (logit rule)")
    grid: int = ranged(21, (3, 201), "options per dimension (logit rule)")
    economic_stickiness: float = ranged(
        6.0,
        NONNEG,
        "inertia of economic orientation relative to security (supply chains move slowly)",
    )
    autonomy_stickiness: float = ranged(
        3.0, NONNEG, "inertia of autonomy relative to security (procurement takes years)"
    )


# --------------------------------------------------------------------------- dynamics
@dataclass
class Dynamics:
    """Great-power levers, the challenger's threat and the memory of shocks."""

    responsive: bool = field(
        default=True, metadata={"doc": "levers respond to the middle powers (red lines, spiral)"}
    )
    threat_half_life: float = ranged(0.5, POSITIVE, "years for the threat to close half the gap")
    spiral: float = ranged(0.3, NONNEG, "threat added by neighbours' alignment with its adversary")
    trade_response: float = ranged(
        0.4, NONNEG, "trade pressure added per unit of rival orientation"
    )
    restriction_half_life: float = ranged(0.5, POSITIVE, "years for a trade restriction to halve")
    restriction_loss: float = ranged(
        0.5, UNIT, "share of a market's gains lost under full restriction"
    )
    derisk_learning: float = ranged(1.0, NONNEG, "weight of remembered restrictions (de-risking)")
    memory_half_life: float = ranged(8.0, POSITIVE, "years for the memory of coercion to halve")
    shock_half_life: float = ranged(
        0.75, POSITIVE, "years for reliability and Taiwan shocks to halve"
    )
    cooperation_half_life: float = ranged(3.0, POSITIVE, "years for neighbour ties to recover half")
    diversification: float = ranged(1.0, NONNEG, "concavity of economic gains (why hedging pays)")


# --------------------------------------------------------------------------- events
@dataclass
class EventRates:
    """Stochastic events per year (Poisson rates; at most one of a kind per step)."""

    missile_test: float = ranged(3.0, NONNEG, "North Korean missile tests")
    nuclear_test: float = ranged(0.1, NONNEG, "North Korean nuclear tests")
    coercion: float = ranged(0.05, NONNEG, "coercion episodes per middle power, besides red lines")
    tariff_shock: float = ranged(0.2, NONNEG, "tariff shocks per middle power")
    taiwan_crisis: float = ranged(0.05, NONNEG, "Taiwan Strait crises")
    summit: float = ranged(0.3, NONNEG, "summits of a middle power with a great power")
    history_dispute: float = ranged(0.2, NONNEG, "history disputes per pair of neighbours")


@dataclass
class EventSizes:
    """What one event of magnitude 1 does."""

    missile_test: float = ranged(0.05, UNIT, "jump of the challenger's threat")
    nuclear_test: float = ranged(0.2, UNIT, "jump of the challenger's threat")
    coercion: float = ranged(1.0, UNIT, "restriction imposed (times the coercer's readiness)")
    tariff_shock: float = ranged(0.5, UNIT, "restriction imposed by the tariff-setter")
    tariff_doubt: float = ranged(0.1, UNIT, "fall of the tariff-setter's reliability")
    taiwan_crisis: float = ranged(0.5, UNIT, "jump of Taiwan risk (and of rivalry, halved)")
    summit: float = ranged(0.1, UNIT, "reliability gained, threat or restriction eased")
    history_dispute: float = ranged(0.3, UNIT, "cooperation lost between the two neighbours")


@dataclass
class Events:
    rates: EventRates = field(default_factory=EventRates)
    sizes: EventSizes = field(default_factory=EventSizes)


# --------------------------------------------------------------------------- world
@dataclass
class GreatPower:
    """One of the two poles. `pole` is +1 or -1: where full alignment with it lies."""

    name: str = ""
    pole: int = field(default=1, metadata={"choices": (1, -1)})
    capability: float = ranged(1.0, POSITIVE, "military capability (e.g. SIPRI spending, US$bn)")
    reliability: float = ranged(0.5, UNIT, "credibility of the protection it offers")
    coercion: float = ranged(0.0, UNIT, "readiness to punish alignment with its rival")
    trade_pressure: float = ranged(0.0, UNIT, "tariffs and demands on rival-oriented economies")
    inducement: float = ranged(0.0, UNIT, "extra market gains it offers (access, tourism)")
    source: str = ""


@dataclass
class Ideal:
    security: float = ranged(0.0, SIGNED, "ideal security alignment")
    economic: float = ranged(0.0, SIGNED, "ideal economic alignment")


@dataclass
class Election:
    next: str = ""  # ISO date of the next scheduled election; "" = none in the horizon
    term_years: float = ranged(5.0, POSITIVE, "years between elections")
    p_switch: float = ranged(0.5, UNIT, "probability the other camp wins")


@dataclass
class MiddlePower:
    """A state that chooses its security, economic and autonomy positions every step."""

    name: str = ""
    security: float = ranged(0.0, SIGNED, "initial security alignment")
    economic: float = ranged(0.0, SIGNED, "initial economic alignment (export orientation)")
    autonomy: float = ranged(0.2, UNIT, "initial self-reliant defence")
    exports: Dict[str, float] = field(
        default_factory=dict, metadata={"range": UNIT, "doc": "share of exports per great power"}
    )
    threat_exposure: float = ranged(1.0, UNIT, "exposure to the challenger's threat")
    taiwan_exposure: float = ranged(0.5, UNIT, "exposure to a Taiwan war (bases, proximity)")
    defence_cost: float = ranged(1.0, POSITIVE, "budget cost of autonomy")
    red_lines: Dict[str, float] = field(
        default_factory=dict,
        metadata={"range": SIGNED, "doc": "coercer -> alignment with its rival that triggers it"},
    )
    government: str = field(default="conservative", metadata={"choices": CAMPS})
    ideals: Dict[str, Ideal] = field(default_factory=dict)  # camp -> ideal point
    election: Election = field(default_factory=Election)
    neighbours: Dict[str, float] = field(
        default_factory=dict, metadata={"range": UNIT, "doc": "neighbour code -> cooperation"}
    )
    source: str = ""


@dataclass
class Challenger:
    """A hostile state (North Korea) whose threat makes protection from `adversary` valuable."""

    name: str = ""
    adversary: str = "USA"  # the great power its hostility targets
    threat: float = ranged(0.6, UNIT, "initial threat level")
    source: str = ""


@dataclass
class Backer:
    """A state backing the challenger (Russia): its backing raises the threat."""

    name: str = ""
    backs: str = "PRK"
    backing_effect: float = ranged(0.5, NONNEG, "threat added at full backing (of the room left)")
    source: str = ""


@dataclass
class World:
    name: str = ""
    description: str = ""
    great_powers: Dict[str, GreatPower] = field(default_factory=dict)
    middle_powers: Dict[str, MiddlePower] = field(default_factory=dict)
    challengers: Dict[str, Challenger] = field(default_factory=dict)
    backers: Dict[str, Backer] = field(default_factory=dict)
    focus: str = "KOR"  # the state the summary and the "why" panel are about


# --------------------------------------------------------------------------- scenario
@dataclass
class PressureChange:
    """From `date` on, `pressure` takes `value` (until the next change of it)."""

    date: str = ""
    pressure: str = ""
    value: float = 0.0
    note: str = ""


@dataclass
class ScheduledEvent:
    """An event on a date. `target` is the state it concerns; `partner` the other side."""

    date: str = ""
    kind: str = ""
    target: str = ""
    partner: str = ""
    magnitude: float = 1.0
    camp: str = ""  # elections: the camp that wins ("" = drawn)
    note: str = ""


@dataclass
class Scenario:
    name: str = "custom"
    description: str = ""
    start: str = "2025-07-01"
    steps: int = ranged(40, (1, 10_000), "number of steps after the initial state")
    step_months: int = ranged(3, (1, 12), "months per step")
    schedule: List[PressureChange] = field(default_factory=list)
    events: List[ScheduledEvent] = field(default_factory=list)


@dataclass
class Metrics:
    posture_thresholds: List[float] = field(default_factory=lambda: [0.2, 0.6])


@dataclass
class Params:
    world: World = field(default_factory=World)
    scenario: Scenario = field(default_factory=Scenario)
    pressures: Pressures = field(default_factory=Pressures)
    weights: Weights = field(default_factory=Weights)
    decision: Decision = field(default_factory=Decision)
    dynamics: Dynamics = field(default_factory=Dynamics)
    events: Events = field(default_factory=Events)
    metrics: Metrics = field(default_factory=Metrics)


# --------------------------------------------------------------------------- helpers
def get_path(params: Any, key: str) -> Any:
    """The value at a dotted key ("pressures.rivalry", "world.middle_powers.KOR.security")."""
    node = params
    for part in key.split("."):
        if isinstance(node, dict):
            if part not in node:
                raise ParamError(key, None, f"no such key; '{part}' is not one of {sorted(node)}")
            node = node[part]
        elif dataclasses.is_dataclass(node) and part in {f.name for f in dataclasses.fields(node)}:
            node = getattr(node, part)
        else:
            raise ParamError(key, None, f"no such parameter ('{part}' is not a field here)")
    return node


def with_values(params: Params, values: dict[str, Any]) -> Params:
    """A copy of `params` with the dotted keys set (scalars or arrays over runs)."""
    out = params
    for key, value in values.items():
        get_path(out, key)  # fails with a clear line for an unknown key
        out = _replace(out, key.split("."), value)
    return out


def _replace(node: Any, parts: list[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    child = node[head] if isinstance(node, dict) else getattr(node, head)
    new_child = _replace(child, rest, value) if rest else value
    if isinstance(node, dict):
        return {**node, head: new_child}
    return dataclasses.replace(node, **{head: new_child})


def numeric_leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    """Every numeric leaf by dotted key (what a sweep may vary)."""
    out: dict[str, Any] = {}
    if dataclasses.is_dataclass(node):
        items = [(f.name, getattr(node, f.name)) for f in dataclasses.fields(node)]
    elif isinstance(node, dict):
        items = list(node.items())
    else:
        return out
    for name, value in items:
        key = f"{prefix}{name}"
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float, np.ndarray, np.number)):
            out[key] = value
        else:
            out.update(numeric_leaves(value, key + "."))
    return out


def to_plain(node: Any) -> Any:
    """Params as plain Python (lists for arrays): for JSON, netCDF attrs and config files."""
    if dataclasses.is_dataclass(node):
        return {f.name: to_plain(getattr(node, f.name)) for f in dataclasses.fields(node)}
    if isinstance(node, dict):
        return {k: to_plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [to_plain(v) for v in node]
    if isinstance(node, np.ndarray):
        return node.tolist()
    if isinstance(node, np.generic):
        return node.item()
    return node


def from_plain(data: dict[str, Any]) -> Params:
    """Params from the plain form `to_plain` writes (the inverse, for saved configs)."""
    return _build(Params, data, "")


def _build(cls: type, data: Any, prefix: str) -> Any:
    import typing

    if not isinstance(data, dict):
        raise ParamError(
            prefix.rstrip(".") or "params", data, f"expected a mapping for {cls.__name__}"
        )
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names
    if unknown:
        key = f"{prefix}{sorted(unknown)[0]}"
        raise ParamError(key, data[sorted(unknown)[0]], f"unknown key; allowed: {sorted(names)}")
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _build_typed(hints[name], value, f"{prefix}{name}.")
    return cls(**kwargs)


def _build_typed(hint: Any, value: Any, prefix: str) -> Any:
    import typing

    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, prefix)
    if origin in (dict, Dict):
        return {k: _build_typed(args[1], v, f"{prefix}{k}.") for k, v in (value or {}).items()}
    if origin in (list, List):
        return [_build_typed(args[0], v, f"{prefix}{i}.") for i, v in enumerate(value or [])]
    if origin is Optional:
        return value
    if isinstance(value, list):
        return np.asarray(value, dtype=float)
    return value


# --------------------------------------------------------------------------- validation
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate(params: Params, runs: int | None = None) -> Params:
    """Check every leaf against its range and every cross-reference; return params or raise."""
    _check_ranges(params, "", runs)
    _check_world(params.world)
    _check_scenario(params)
    thresholds = params.metrics.posture_thresholds
    if len(thresholds) != 2 or not 0 < thresholds[0] < thresholds[1] < 1:
        raise ParamError("metrics.posture_thresholds", thresholds, "two numbers 0 < a < b < 1")
    return params


def _check_ranges(node: Any, prefix: str, runs: int | None) -> None:
    for f in dataclasses.fields(node):
        key, value = f"{prefix}{f.name}", getattr(node, f.name)
        if dataclasses.is_dataclass(value):
            _check_ranges(value, key + ".", runs)
        elif isinstance(value, dict):
            for name, item in value.items():
                if dataclasses.is_dataclass(item):
                    _check_ranges(item, f"{key}.{name}.", runs)
                else:
                    _check_number(f"{key}.{name}", item, f.metadata.get("range", UNIT), runs)
        elif "choices" in f.metadata:
            if value not in f.metadata["choices"]:
                raise ParamError(key, value, f"must be one of {list(f.metadata['choices'])}")
        elif "range" in f.metadata:
            _check_number(key, value, f.metadata["range"], runs)
            if f.type in ("int", int) and not _is_integer(value):
                raise ParamError(key, value, "must be a whole number")


def _is_integer(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_number(key: str, value: Any, allowed: tuple[float, float], runs: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.ndarray, np.number)):
        raise ParamError(key, value, f"must be a number in [{allowed[0]}, {allowed[1]}]")
    array = np.asarray(value, dtype=float)
    if array.ndim > 1 or (array.ndim == 1 and runs is not None and array.shape[0] != runs):
        raise ParamError(key, value, f"must be a scalar or an array of one value per run ({runs})")
    low, high = allowed
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
    for code, ch in world.challengers.items():
        _check_ref(f"world.challengers.{code}.adversary", ch.adversary, world.great_powers)
    for code, bk in world.backers.items():
        _check_ref(f"world.backers.{code}.backs", bk.backs, world.challengers)
    for code, mp in world.middle_powers.items():
        key = f"world.middle_powers.{code}"
        for gp in mp.exports:
            _check_ref(f"{key}.exports.{gp}", gp, world.great_powers)
        for gp in mp.red_lines:
            _check_ref(f"{key}.red_lines.{gp}", gp, world.great_powers)
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
        if event.kind in ("coercion", "tariff_shock", "election", "history_dispute", "summit"):
            if event.target not in world.middle_powers:
                raise ParamError(
                    f"{key}.target",
                    event.target,
                    f"a {event.kind} needs a middle power: {sorted(world.middle_powers)}",
                )
        if event.kind in ("coercion", "tariff_shock") and event.partner not in world.great_powers:
            raise ParamError(
                f"{key}.partner",
                event.partner,
                f"the great power imposing it: {sorted(world.great_powers)}",
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
