"""The model's Mesa DataCollector: the same numbers as `to_dataset()`, as pandas tables.

Model table (one row per step, from step 0): threat, `rivalry_in_force` and
`taiwan_risk_in_force` (pressure plus crisis shock; not named like the pressures, which
`mesa.batch_run` puts in the same row when it sweeps them), `pressure.<name>` for the seven
pressures, `events.<kind>` for the events of the step.
Agent table (index Step, AgentID): code, role, then the attributes of each role — middle
powers: security, economic, autonomy, government, hedging, posture, restriction_by_<great
power>; great powers: reliability; the challenger: threat. A column that does not apply to a
role is missing: NaN, in `government` too (pandas reads it as missing in either kind of
column).

Both tables are read from rows gathered at once (`Rows`): before each collection the model
gathers the model table's row (name -> value) and every agent's values (a middle power's
government is its row of the model's world now, `model.now`; its positions, hedging, posture
and restrictions its column of every middle power's, computed together,
`GeopoliticsModel.middle_power_readings`, one compiled pass: `middle_power_numbers`; a great
power's reliability its element of the dispositions in force). The
model table's first column is read by a reporter, a partial of the row's `get`
(`Rows.model_reporter`), and the others are appended from the row to Mesa's store of the
model table (`RowsCollector`: what Mesa's `collect` would append, without its deep copy of
each number); an agent column's reporter is its dict's `__getitem__` (Mesa calls it with
the agent): no Python call per column, nor per agent and column. None is a lambda, so
batch_run can pickle them.
An agent a column does not apply to holds NaN there, not None: Mesa deep-copies every value
but a number, a string or a tuple (a None four times a collection at a run's six agents, some
1% of a Mesa run), and pandas reads both as missing (`isna`), in a column of numbers as in
`government`'s column of camps.
"""

from __future__ import annotations

import math
import operator
from functools import partial

import numpy as np
from mesa import DataCollector
from numba import types

from sim.dynamics.great_powers import suffered
from sim.dynamics.levers import lever_in_force
from sim.influence import K
from sim.kernels import IN2, IN3, IN4, OUT2, OUT3, compiled
from sim.metrics import hedging_of, posture_of
from sim.params import CAMPS, EVENT_KINDS, PRESSURE_KEYS

MIDDLE_POWER_COLUMNS = ("security", "economic", "autonomy", "government", "hedging", "posture")
# the rows of `middle_power_numbers`' block of numbers (then the restriction by each great power)
NUMBER_ROWS = ("security", "economic", "autonomy", "hedging")


# The model table's columns besides `pressure.<name>` and `events.<kind>`: the model's
# attributes they read.
MODEL_COLUMNS = {
    "threat": "threat",
    "rivalry_in_force": "rivalry",
    "taiwan_risk_in_force": "taiwan_risk",
}


class Rows:
    """The rows of one collection, gathered by `gather`: the model table's (`model_row`,
    column -> value, from the model's attributes) and the agent table's (`columns`,
    column -> {agent: value}, from the agents' attributes and the numbers
    `middle_power_readings` computes for all middle powers together)."""

    def __init__(self, model):
        self.model = model
        self.model_row: dict[str, float | int] = {}
        self.model_row_names = (
            *MODEL_COLUMNS,
            *(f"pressure.{name}" for name in PRESSURE_KEYS),
            *(f"events.{kind}" for kind in EVENT_KINDS),
        )
        columns = ("code", "role", *MIDDLE_POWER_COLUMNS, "reliability", "threat")
        columns += tuple(f"restriction_by_{gp}" for gp in model.pole_codes)
        self.columns: dict[str, dict] = {name: {} for name in columns}
        self._agents = ()  # the agents the columns hold a row for (`_rows_for`)
        self._camps_read = None  # the governing camps the government column was read from
        # what `gather` writes at every collection, named once
        self._pressure_columns = tuple(f"pressure.{name}" for name in PRESSURE_KEYS)
        self._pressures_read = None  # the arrays the row's pressures were read from
        self._event_columns = tuple(f"events.{kind}" for kind in EVENT_KINDS)
        # the cells (column, middle power) of the middle powers' block of numbers, in its
        # order: its rows' columns, and in each the middle powers in the world's order
        number_columns = tuple(self.columns[name] for name in NUMBER_ROWS) + tuple(
            self.columns[f"restriction_by_{gp}"] for gp in model.pole_codes
        )
        self._number_cells = tuple(
            (column, mp) for column in number_columns for mp in model._state_agents
        )

    def model_reporter(self, name: str):
        """Mesa's model reporter of a column: its value in the row, `partial(row.get, name)`,
        which Mesa calls with the model as `row.get(name, model)` (`gather` writes every
        name, so the model is never the value): Mesa's quickest form of reporter, a partial
        (it tests a reporter's kind in turn, and calls a partial with no list to unpack)."""
        return partial(self.model_row.get, name)

    def agent_reporters(self) -> dict:
        """Mesa's agent reporters: each column's `__getitem__`."""
        return {name: column.__getitem__ for name, column in self.columns.items()}

    def _rows_for(self, agents: tuple) -> None:
        """A row for every agent: its code and role, and every other column missing (NaN;
        `government` too) until `gather` writes the columns of its role."""
        for column in self.columns.values():
            column.clear()
            for agent in agents:
                column[agent] = math.nan
        for agent in agents:
            self.columns["code"][agent], self.columns["role"][agent] = agent.code, agent.role
        self._agents = agents
        self._camps_read = None

    def gather(self) -> None:
        """The model's and every agent's values now (the world at the end of the last step).
        (Its zips pair what is laid out together by construction, a table's names and the
        values of its row: without `strict`, whose keyword alone costs a zip 0.13 us, four
        times a collection: B905 is waived for them.)"""
        m, c, row = self.model, self.columns, self.model_row
        now, levers = m.now, m.levers
        for name, attribute in MODEL_COLUMNS.items():
            row[name] = getattr(m, attribute)
        # the pressures in force, read again only when one is replaced (their arrays are
        # never changed in place: `GeopoliticsModel._read_pressures`)
        if m._pressure_arrays is not self._pressures_read:
            row.update(zip(self._pressure_columns, m.pressures.values(), strict=True))
            self._pressures_read = m._pressure_arrays
        row.update(zip(self._event_columns, now.events[0].tolist()))  # noqa: B905
        agents = tuple(m.agents)
        if agents != self._agents:  # the first collection (or an agent added or removed)
            self._rows_for(agents)
        # the middle powers' numbers, a cell at a time: the readings' block, row by row (a
        # flat list, in the cells' order), then their postures (in the world's order)
        readings, mps = m.middle_power_readings(), m._state_agents
        for (column, mp), value in zip(self._number_cells, readings["numbers"]):  # noqa: B905
            column[mp] = value
        c["posture"].update(zip(mps, readings["posture"]))  # noqa: B905
        # the governments, read again only at a change of government: the camps are a
        # read-only array, replaced then (`GeopoliticsModel.govern`)
        if now.camp is not self._camps_read:
            camps = now.camp[0].tolist()
            c["government"].update(zip(mps, map(CAMPS.__getitem__, camps), strict=True))
            self._camps_read = now.camp if not now.camp.flags.writeable else None
        # the great powers' reliability in force (`GreatPower.reliability`), in their order
        reliability = levers["reliability"][0].tolist()
        c["reliability"].update(zip(m._pole_agents, reliability))  # noqa: B905
        c["threat"][m.challenger] = row["threat"]


class RowsCollector(DataCollector):
    """Mesa's DataCollector of the gathered rows (`Rows`), its model table written whole.

    The model table's first column is a reporter, which Mesa's `collect` reads as any other
    (and counts the collection, the steps `batch_run` reads); every other column's value is
    appended to Mesa's store of the model table (`model_vars`, column -> values, which
    `get_model_vars_dataframe` and `batch_run` read) straight from the row, the same
    values: Mesa's `collect` deep-copies each reporter's value (a float's or an int's copy
    is itself, 0.32 us) after testing the reporter's kind (0.17 us), 0.6 us a column, 10 us
    a collection of the 20 columns against 0.6 us written here (`collect` 41 us -> 18 us at
    a run's six agents). The agent table is Mesa's."""

    def __init__(self, rows: Rows):
        first, *written = rows.model_row_names
        super().__init__(
            model_reporters={first: rows.model_reporter(first)},
            agent_reporters=rows.agent_reporters(),
        )
        self.model_vars.update((name, []) for name in written)  # in the row's order
        self._row = rows.model_row
        self._written = tuple(self.model_vars[name] for name in written)
        self._values_of = operator.itemgetter(*written)

    def collect(self, model) -> None:
        """Mesa's collection (the first model column and the agent table), then the rest of
        the model row (gather it before)."""
        super().collect(model)
        for values, value in zip(self._written, self._values_of(self._row), strict=True):
            values.append(value)


def make_datacollector(model) -> tuple[RowsCollector, Rows]:
    """Mesa's DataCollector of the model and the rows it reads (gather them before each
    `collect`)."""
    rows = Rows(model)
    return RowsCollector(rows), rows


def middle_power_numbers(w, state, caps: np.ndarray, thresholds) -> tuple[np.ndarray, ...]:
    """Every middle power's numbers in `state` (one run), in one compiled pass: a block
    (4 + P, M) of its security, economic and autonomy positions, its hedging index and the
    restriction each great power imposes on it (the rows of `NUMBER_ROWS`, then one per great
    power), its posture code (M,), and the restrictions again as the world lays them out
    (1, M, P). A restriction is by events or, where higher and the great powers hold levers,
    by its coercion lever in force under the bounds `caps` (1, P, K). The numbers of
    `sim.metrics.hedging_index`, `sim.metrics.posture` and
    `sim.dynamics.restriction_in_force` of `in_force`, from their scalar equations (five
    calls of NumPy and Numba cost the DataCollector's rows about three times as much at a
    run's few middle powers); one block, so that the rows are one list of lists
    (`tolist`), each a column of the agent table."""
    states, poles = state.restriction.shape[1:]
    numbers, posture = np.empty((len(NUMBER_ROWS) + poles, states)), np.empty(states, np.int8)
    restriction = np.empty((1, states, poles))
    _readings_kernel(  # the arrays whole, as the state holds them: no view made of each
        state.security,
        state.economic,
        state.autonomy,
        float(thresholds[0]),
        float(thresholds[1]),
        state.restriction,
        state.levers,
        caps,
        K["coercion"],
        w.great_powers_hold_levers,
        numbers,
        posture,
        restriction,
    )
    return numbers, posture, restriction


@compiled(
    [
        types.void(
            IN2,
            IN2,
            IN2,
            types.float64,
            types.float64,
            IN3,
            IN4,
            IN3,
            types.int64,
            types.boolean,
            OUT2,
            types.int8[::1],
            OUT3,
        )
    ]
)
def _readings_kernel(
    security,
    economic,
    autonomy,
    low,
    high,
    restriction,
    levers,
    caps,
    lever,
    holding,
    numbers,
    posture,
    out,
):
    """`middle_power_numbers` of run 0 for each middle power i and great power j (`lever`:
    the coercion lever's index in `levers` and `caps`)."""
    for i in range(security.shape[1]):
        numbers[0, i] = security[0, i]
        numbers[1, i] = economic[0, i]
        numbers[2, i] = autonomy[0, i]
        numbers[3, i] = hedging_of(security[0, i], economic[0, i])
        posture[i] = posture_of(security[0, i], economic[0, i], low, high)
        for j in range(restriction.shape[2]):
            if holding:
                coercion = lever_in_force(levers[0, i, j, lever], caps[0, j, lever])
                out[0, i, j] = suffered(restriction[0, i, j], coercion)
            else:
                out[0, i, j] = restriction[0, i, j]
            numbers[4 + j, i] = out[0, i, j]
