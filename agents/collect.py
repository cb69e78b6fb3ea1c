"""The model's Mesa DataCollector: the same numbers as `to_dataset()`, as pandas tables.

Model table (one row per step, from step 0): threat, `rivalry_in_force` and
`taiwan_risk_in_force` (pressure plus crisis shock; not named like the pressures, which
`mesa.batch_run` puts in the same row when it sweeps them), `pressure.<name>` for the seven
pressures, `events.<kind>` for the events of the step.
Agent table (index Step, AgentID): code, role, then the attributes of each role — middle
powers: security, economic, autonomy, government, hedging, posture, restriction_by_<great
power>; great powers: reliability; the challenger: threat. A column that does not apply to a
role is None. Reporters are module functions, not lambdas, so batch_run can pickle them.

A middle power's hedging, posture and restrictions are its row of every middle power's
computed together once a step (`GeopoliticsModel.middle_power_readings`: one call of each
function, not one per agent and column); its other columns are its attributes.
"""

from __future__ import annotations

from functools import partial

from mesa import DataCollector

from sim.params import EVENT_KINDS, PRESSURE_KEYS

MIDDLE_POWER_COLUMNS = ("security", "economic", "autonomy", "government", "hedging", "posture")
READINGS = ("hedging", "posture")  # of MIDDLE_POWER_COLUMNS: computed, not held


def _pressure(model, name: str) -> float:
    return float(model.pressure(name)[0])


def _events(model, kind: str) -> int:
    return int(model.event_counts[EVENT_KINDS.index(kind)])


def _reading(agent, column: str):
    """A middle power's `hedging` or `posture` (the same number as the attribute), read from
    every middle power's computed together; None for the other roles."""
    if agent.role != "middle_power":
        return None
    return agent.model.middle_power_readings()[column][agent.index]


def _restriction_by(agent, pole: int):
    """The restriction great power `pole` (its index) imposes on a middle power now (one
    item of its `restrictions`, without building the dict)."""
    if agent.role != "middle_power":
        return None
    return agent.model.middle_power_readings()["restriction"][agent.index][pole]


def make_datacollector(model) -> DataCollector:
    model_reporters = {
        "threat": "threat",
        "rivalry_in_force": "rivalry",
        "taiwan_risk_in_force": "taiwan_risk",
    }
    model_reporters.update(
        {f"pressure.{name}": partial(_pressure, name=name) for name in PRESSURE_KEYS}
    )
    model_reporters.update({f"events.{kind}": partial(_events, kind=kind) for kind in EVENT_KINDS})
    agent_reporters = {"code": "code", "role": "role"}
    agent_reporters.update({name: [getattr, [name, None]] for name in MIDDLE_POWER_COLUMNS})
    agent_reporters.update({name: [_reading, [name]] for name in READINGS})
    agent_reporters["reliability"] = [getattr, ["reliability", None]]
    agent_reporters["threat"] = [getattr, ["threat", None]]
    agent_reporters.update(
        {f"restriction_by_{gp}": [_restriction_by, [p]] for p, gp in enumerate(model.pole_codes)}
    )
    return DataCollector(model_reporters=model_reporters, agent_reporters=agent_reporters)
