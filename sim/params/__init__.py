"""Typed parameters of the model: the schema (`schema`), its checks (`validation`) and the
parameters as a tree of dotted keys (`tree`)."""

from sim.errors import ParamError  # noqa: F401
from sim.params.schema import (  # noqa: F401
    CAMPS,
    DECISION_RULES,
    EVENT_KINDS,
    NONNEG,
    POSITIVE,
    PRESSURE_KEYS,
    PRESSURE_LEVERS,
    SIGNED,
    UNIT,
    WEIGHT_KEYS,
    Backer,
    Challenger,
    Decision,
    Dynamics,
    Election,
    EventRates,
    Events,
    EventSizes,
    GreatPower,
    Ideal,
    Metrics,
    MiddlePower,
    Params,
    PressureChange,
    Pressures,
    Scenario,
    ScheduledEvent,
    Weights,
    World,
    ranged,
)
from sim.params.tree import (  # noqa: F401
    from_plain,
    get_path,
    numeric_leaves,
    to_plain,
    with_values,
)
from sim.params.validation import ISO_DATE, validate  # noqa: F401
