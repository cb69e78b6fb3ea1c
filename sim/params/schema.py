"""The schema of the model's parameters: typed dataclasses, each field with its allowed range.

Hydra registers these as structured configs (so a misspelt key fails at load) and the engine
reads them directly. Every numeric leaf may be a scalar or a NumPy array over runs, which is
what makes a sweep one vectorised call. The schema holds types, ranges and meanings; the
values come from `conf/`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, List  # noqa: UP035 (OmegaConf needs typing generics)

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
    "pledge",
)


DECISION_RULES = ("partial", "logit")


# How the great powers and the challenger behave (issue 11): they choose (`strategic`), follow
# the reaction rules of before (`responsive`), or hold what the scenario schedules (`scheduled`).
GREAT_POWER_MODES = ("strategic", "responsive", "scheduled")
CHALLENGER_MODES = ("strategic", "responsive")


# A great power's levers toward each middle power (every lever exists for every great power;
# what differs is a bound of 0 in the world file), and its one lever on the challenger.
LEVERS = ("commitment", "inducement", "coercion", "tariff", "consent", "military")
RESTRAINT = "restraint"


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
    china_military: float = ranged(
        0.3, UNIT, "China's baseline military pressure (grey zone, Yellow Sea, Taiwan drills)"
    )


PRESSURE_KEYS = tuple(f.name for f in dataclasses.fields(Pressures))


# Which great power's lever each pressure sets (the rest of the levers come from the world).
PRESSURE_LEVERS = {
    "us_reliability": ("USA", "reliability"),
    "us_trade_pressure": ("USA", "trade_pressure"),
    "china_coercion": ("CHN", "coercion"),
    "china_military": ("CHN", "military"),
}


# --------------------------------------------------------------------------- weights
@dataclass
class Weights:
    """Weight of each named utility term (MODEL.md's ten mechanisms; #2 has two terms)."""

    protection: float = ranged(2.5, NONNEG, "1. balance of threat: protection from the patron")
    abandonment: float = ranged(0.8, NONNEG, "2a. doubt about the patron one leans on")
    entrapment: float = ranged(0.8, NONNEG, "2b. cost of being dragged into a US-China war")
    economic: float = ranged(1.0, NONNEG, "3. concave gains from both great powers' markets")
    coercion: float = ranged(1.0, NONNEG, "4. exposure to punishment through dependence")
    trade_pressure: float = ranged(
        0.6, NONNEG, "5. tariffs and demands on a rival-oriented economy"
    )
    consistency: float = ranged(0.5, NONNEG, "6. cost of a security-economy gap under rivalry")
    autonomy: float = ranged(
        1.0, NONNEG, "7. self-reliant defence: pays under threat, costs budget"
    )
    domestic: float = ranged(0.6, NONNEG, "8. distance from the government's ideal point")
    neighbours: float = ranged(0.3, NONNEG, "9. agreement with cooperating neighbours")
    inertia: float = ranged(0.5, NONNEG, "10. cost of changing course")
    great_power_threat: float = ranged(
        2.5, NONNEG, "11. balance of threat against a great power's military pressure"
    )


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

    great_powers: str = field(
        default="strategic",
        metadata={
            "choices": GREAT_POWER_MODES,
            "doc": "great powers choose their levers, follow reaction rules, or hold the schedule",
        },
    )
    challenger: str = field(
        default="strategic",
        metadata={"choices": CHALLENGER_MODES, "doc": "the challenger chooses, or follows a rule"},
    )
    threat_half_life: float = ranged(0.5, POSITIVE, "years for the threat to close half the gap")
    spiral: float = ranged(0.1, NONNEG, "threat added by neighbours' alignment with its adversary")
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
    bandwagon: float = ranged(
        0.25, NONNEG, "appeasement yield: value of aligning with the great power that threatens"
    )
    consent_complement: float = ranged(
        1.0, NONNEG, "self-reliance with the patron's consent complements the alliance"
    )
    commitment_gain: float = ranged(
        0.2, UNIT, "reliability gained per unit of commitment lever above its 2025 level"
    )
    attention_drain: float = ranged(
        0.4, UNIT, "share of reliability a Taiwan crisis of size 1 draws away (dual contingency)"
    )
    pledge_value: float = ranged(
        0.2, NONNEG, "market value added per unit of investment pledged to a great power"
    )
    pledge_half_life: float = ranged(5.0, POSITIVE, "years for a pledge to be half drawn down")
    pledge_signal: float = ranged(
        0.2, UNIT, "alignment the great powers read into a unit of pledge"
    )


# --------------------------------------------------------------------------- opinion
@dataclass
class Opinion:
    """Public favourability toward each great power: how it moves, and how it sets the odds
    of an election switching camps."""

    half_life_up: float = ranged(3.0, POSITIVE, "years for favourability to recover half the gap")
    half_life_down: float = ranged(0.25, POSITIVE, "years for favourability to fall half the gap")
    coercion: float = ranged(0.6, NONNEG, "favourability lost per remembered restriction-year")
    tariff: float = ranged(0.2, NONNEG, "favourability lost per unit of tariff in force")
    election: float = ranged(
        20.0, NONNEG, "log-odds of a switch per unit of favourability gained by the challenger camp"
    )


# --------------------------------------------------------------------------- observation
@dataclass
class Observation:
    """How the observables are read off the model's states (issue 12; `sim/observables.py`):
    export and outward-FDI orientation (structure and policy apart), defence spending."""

    market_elasticity: float = ranged(
        1.0, NONNEG, "elasticity of a great power's export share to its import demand"
    )
    export_policy: float = ranged(
        1.0, NONNEG, "log US/China export ratio per unit of policy orientation"
    )
    export_half_life: float = ranged(
        1.5, POSITIVE, "years for export orientation to close half the gap to its target"
    )
    tariff_rate: float = ranged(0.4167, UNIT, "tariff rate per unit of the tariff lever")
    trade_elasticity: float = ranged(4.0, NONNEG, "elasticity of exports to 1 + the tariff rate")
    fdi_market_elasticity: float = ranged(
        1.0, NONNEG, "elasticity of a great power's FDI share to its import demand"
    )
    fdi_policy: float = ranged(1.0, NONNEG, "log US/China FDI ratio per unit of policy orientation")
    fdi_half_life: float = ranged(
        1.0, POSITIVE, "years for FDI orientation to close half the gap to its target"
    )
    tariff_jumping: float = ranged(
        1.0, NONNEG, "elasticity of FDI toward a tariff-setter to 1 + its tariff rate"
    )
    pledge_draw: float = ranged(1.0, NONNEG, "log FDI share gained per unit of pledge outstanding")
    inducement_draw: float = ranged(
        1.0, NONNEG, "log FDI share gained per unit of inducement (subsidies, market access)"
    )
    defence_per_autonomy: float = ranged(
        2.0, NONNEG, "defence spending (% of GDP) per unit of autonomy"
    )
    defence_per_threat: float = ranged(
        0.5, NONNEG, "defence spending (% of GDP) per unit of the threat faced"
    )
    market_growth: Dict[str, float] = field(
        default_factory=dict,
        metadata={
            "range": (-0.5, 0.5),
            "doc": "great power -> yearly growth of its imports after the last year of data",
        },
    )


# --------------------------------------------------------------------------- strategy
@dataclass
class Strategy:
    """How the great powers choose their levers (`dynamics.great_powers: strategic`)."""

    stake: float = ranged(10.0, POSITIVE, "value of a middle power's full alignment (units)")
    inertia: float = ranged(1.0, NONNEG, "cost of changing a lever, relative to its cost")
    review_months: int = ranged(6, (1, 12), "months between reviews of the levers")
    noise: float = ranged(0.0, NONNEG, "std of a lever's noise per review (partial rule)")
    temperature: float = ranged(0.01, POSITIVE, "logit temperature (logit rule)")
    grid: int = ranged(5, (2, 51), "levels per lever (logit rule)")
    own_threat: float = ranged(
        0.5, NONNEG, "cost to the challenger's adversary of a unit of provocation"
    )
    stability: float = ranged(0.2, NONNEG, "cost to every great power of a unit of provocation")
    second_front: float = ranged(
        0.5, NONNEG, "value of provocation to the adversary's rival, times Taiwan risk"
    )


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
    summit: float = ranged(0.15, UNIT, "reliability gained, threat or restriction eased")
    history_dispute: float = ranged(0.3, UNIT, "cooperation lost between the two neighbours")


@dataclass
class Events:
    rates: EventRates = field(default_factory=EventRates)
    sizes: EventSizes = field(default_factory=EventSizes)


# --------------------------------------------------------------------------- world
@dataclass
class LeverSpec:
    """One lever of a great power: its 2025 level, its bound and what it costs to use."""

    initial: float = ranged(0.0, SIGNED, "level in 2025 (clipped to the bound)")
    max: float = ranged(0.0, UNIT, "bound (times the disposition for coercion and tariff)")
    cost: float = ranged(1.0, POSITIVE, "cost of a unit of the lever, squared")


@dataclass
class Aims:
    """What a great power wants of a middle power: weights of security and economic alignment."""

    security: float = ranged(0.5, UNIT, "weight of security alignment in its aim")
    economic: float = ranged(0.5, UNIT, "weight of economic alignment in its aim")


@dataclass
class GreatPower:
    """One of the two poles. `pole` is +1 or -1: where full alignment with it lies."""

    name: str = ""
    pole: int = field(default=1, metadata={"choices": (1, -1)})
    capability: float = ranged(1.0, POSITIVE, "military capability (e.g. SIPRI spending, US$bn)")
    reliability: float = ranged(0.5, UNIT, "credibility of the protection it offers")
    coercion: float = ranged(0.0, UNIT, "readiness to punish alignment with its rival")
    trade_pressure: float = ranged(0.0, UNIT, "tariffs and demands on rival-oriented economies")
    military: float = ranged(0.0, UNIT, "baseline military pressure on the middle powers")
    levers: Dict[str, LeverSpec] = field(default_factory=dict)  # lever -> its bounds and cost
    aims: Aims = field(default_factory=Aims)
    deal: float = ranged(0.0, NONNEG, "cost to it of a unit of tariff on a unit of pledge")
    source: str = ""


@dataclass
class Ideal:
    security: float = ranged(0.0, SIGNED, "ideal security alignment")
    economic: float = ranged(0.0, SIGNED, "ideal economic alignment")
    neighbours: float = ranged(1.0, NONNEG, "weight the camp gives its ties with neighbours")
    engagement: float = ranged(0.0, UNIT, "dialogue the camp offers the challenger")


@dataclass
class Favourability:
    """A public's favourability toward a great power (share favourable)."""

    start: float = ranged(0.5, UNIT, "share favourable at the start")
    baseline: float = ranged(0.5, UNIT, "share favourable it returns to without events")


@dataclass
class Election:
    next: str = ""  # ISO date of the next scheduled election; "" = none in the horizon
    term_years: float = ranged(5.0, POSITIVE, "years between elections")
    p_switch: float = ranged(0.5, UNIT, "probability the other camp wins")


@dataclass
class ObservedStart:
    """What is observed of a middle power at the scenario's start: the observables' anchor."""

    export_orientation: float = ranged(0.0, SIGNED, "(US - China)/(US + China) of exports")
    fdi_orientation: float = ranged(0.0, SIGNED, "(US - China)/(US + China) of outward FDI")
    defence_spending: float = ranged(2.0, (0.0, 100.0), "military expenditure, % of GDP")


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
    memory: Dict[str, float] = field(
        default_factory=dict,
        metadata={"range": NONNEG, "doc": "great power -> remembered restriction at the start"},
    )
    opinion: Dict[str, Favourability] = field(default_factory=dict)  # great power -> its image
    importance: float = ranged(1.0, NONNEG, "weight of this state in the great powers' aims")
    military_exposure: float = ranged(
        1.0, UNIT, "exposure to great powers' military pressure (proximity, bases)"
    )
    observed: ObservedStart = field(default_factory=ObservedStart)
    source: str = ""


@dataclass
class Challenger:
    """A hostile state (North Korea) whose threat makes protection from `adversary` valuable."""

    name: str = ""
    adversary: str = "USA"  # the great power its hostility targets
    threat: float = ranged(0.6, UNIT, "initial threat level")
    provocation: float = ranged(0.3, SIGNED, "initial choice: -1 dialogue, 0 hold, +1 provoke")
    hostility: float = ranged(0.0, (-10.0, 10.0), "baseline incentive to provoke")
    spiral: float = ranged(0.4, NONNEG, "incentive per unit of alliance tightening")
    opportunity: float = ranged(0.5, NONNEG, "incentive per unit of Taiwan risk times doubt")
    restraint_response: float = ranged(0.5, NONNEG, "incentive lost per unit of restraint")
    summit_response: float = ranged(2.0, NONNEG, "incentive lost per unit of summit momentum")
    engagement_response: float = ranged(
        0.2, NONNEG, "incentive lost per unit of dialogue its neighbours' governments offer"
    )
    cost: float = ranged(0.5, POSITIVE, "cost of provocation, squared")
    inertia: float = ranged(0.5, NONNEG, "cost of changing course, squared")
    threat_effect: float = ranged(0.15, UNIT, "threat target added per unit of provocation")
    noise: float = ranged(0.2, NONNEG, "std of its choice per sqrt(year)")
    leverage: Dict[str, float] = field(
        default_factory=dict,
        metadata={"range": UNIT, "doc": "great power -> leverage of its restraint"},
    )
    outside_option: float = ranged(
        0.5, UNIT, "share of the patrons' leverage lost at full backing by its backers"
    )
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
class LeverChange:
    """From `date` on, great power `great_power` sets `lever` toward `state` to `value`."""

    date: str = ""
    great_power: str = ""
    state: str = ""
    lever: str = ""
    value: float = 0.0
    note: str = ""


@dataclass
class MarketYear:
    """One year's market size: each great power's import demand (US$ bn), from data."""

    year: int = 0
    imports: Dict[str, float] = field(default_factory=dict)
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
    levers: List[LeverChange] = field(default_factory=list)
    markets: List[MarketYear] = field(default_factory=list)  # composed from data by experiments/


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
    strategy: Strategy = field(default_factory=Strategy)
    opinion: Opinion = field(default_factory=Opinion)
    observation: Observation = field(default_factory=Observation)
    events: Events = field(default_factory=Events)
    metrics: Metrics = field(default_factory=Metrics)
