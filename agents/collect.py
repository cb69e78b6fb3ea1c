"""The model's Mesa DataCollector: the same numbers as `to_dataset()`, as pandas tables.

Model table (one row per step, from step 0): threat, `rivalry_in_force` and
`taiwan_risk_in_force` (pressure plus crisis shock; not named like the pressures, which
`mesa.batch_run` puts in the same row when it sweeps them), `pressure.<name>` for the seven
pressures, `events.<kind>` for the events of the step.
Agent table (index Step, AgentID): code, role, then the attributes of each role — middle
powers: security, economic, autonomy, government, hedging, posture, restriction_by_<great
power>; great powers: reliability; the challenger: threat. A column that does not apply to a
role is missing (NaN in a column of numbers, None in `government`). Model reporters are
module functions, not lambdas, so batch_run can pickle them.

The agent table is read from one gathered table (`AgentRows`): before each collection the
model gathers every agent's values at once (a middle power's hedging, posture and
restrictions are its row of every middle power's, computed together,
`GeopoliticsModel.middle_power_readings`), and each column's reporter is its dict's
`__getitem__` (a reporter Mesa calls with the agent: no Python call per agent and column).
An agent a column of numbers does not apply to holds NaN there, not None: Mesa deep-copies
every value but a number, a string or a tuple, and pandas reads both as NaN in a column of
numbers (the same table).
"""

from __future__ import annotations

import math
from functools import partial

from mesa import DataCollector

from sim.params import EVENT_KINDS, PRESSURE_KEYS

MIDDLE_POWER_COLUMNS = ("security", "economic", "autonomy", "government", "hedging", "posture")


def _pressure(model, name: str) -> float:
    return float(model.pressure(name)[0])


def _events(model, index: int) -> int:
    return int(model.event_counts[index])


class AgentRows:
    """The agent table of one collection: column -> {agent: value}, gathered by `gather`
    from the agents (their attributes, the numbers `middle_power_readings` computes for all
    middle powers together)."""

    def __init__(self, model):
        self.model = model
        columns = ("code", "role", *MIDDLE_POWER_COLUMNS, "reliability", "threat")
        columns += tuple(f"restriction_by_{gp}" for gp in model.pole_codes)
        self.columns: dict[str, dict] = {name: {} for name in columns}
        self._agents = ()  # the agents the columns hold a row for (`_rows_for`)

    def reporters(self) -> dict:
        """Mesa's agent reporters: each column's `__getitem__`."""
        return {name: column.__getitem__ for name, column in self.columns.items()}

    def _rows_for(self, agents: tuple) -> None:
        """A row for every agent: its code and role, and every other column missing (NaN;
        None in `government`) until `gather` writes the columns of its role."""
        for name, column in self.columns.items():
            column.clear()
            missing = None if name == "government" else math.nan
            for agent in agents:
                column[agent] = missing
        for agent in agents:
            self.columns["code"][agent], self.columns["role"][agent] = agent.code, agent.role
        self._agents = agents

    def gather(self) -> None:
        """Every agent's values now (the world at the end of the last step)."""
        m, c = self.model, self.columns
        agents = tuple(m.agents)
        if agents != self._agents:  # the first collection (or an agent added or removed)
            self._rows_for(agents)
        readings = m.middle_power_readings()
        restriction_by = [c[f"restriction_by_{gp}"] for gp in m.pole_codes]
        for i, mp in enumerate(m._state_agents):
            c["security"][mp], c["economic"][mp] = mp.security, mp.economic
            c["autonomy"][mp], c["government"][mp] = mp.autonomy, mp.government
            c["hedging"][mp], c["posture"][mp] = readings["hedging"][i], readings["posture"][i]
            for column, value in zip(restriction_by, readings["restriction"][i], strict=True):
                column[mp] = value
        for gp in m._pole_agents:
            c["reliability"][gp] = gp.reliability
        c["threat"][m.challenger] = m.challenger.threat


def make_datacollector(model) -> tuple[DataCollector, AgentRows]:
    """Mesa's DataCollector of the model and the agent table its agent reporters read
    (gather it before each `collect`)."""
    model_reporters = {
        "threat": "threat",
        "rivalry_in_force": "rivalry",
        "taiwan_risk_in_force": "taiwan_risk",
    }
    model_reporters.update(
        {f"pressure.{name}": partial(_pressure, name=name) for name in PRESSURE_KEYS}
    )
    model_reporters.update(
        {f"events.{kind}": partial(_events, index=i) for i, kind in enumerate(EVENT_KINDS)}
    )
    rows = AgentRows(model)
    collector = DataCollector(model_reporters=model_reporters, agent_reporters=rows.reporters())
    return collector, rows
