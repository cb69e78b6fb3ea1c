"""An agent's numbers as its part of the model's world now.

The model holds the world of its run as one `sim.dynamics.State` of (1, ...) arrays,
`model.now`: the engine's functions read and change it whole, as the engine's step does for
a batch. An agent's numeric attributes are its part of those arrays, read and written
through the descriptors here:

    class MiddlePower(mesa.Agent):
        security = Part("security", "row")     # float: model.now.security[0, index]
        memory = Part("memory", "row", number=False)  # (P,) view: model.now.memory[0, index]

A number reads as a Python float and writes the array's element; an array reads as a view of
the agent's row (middle powers: `[0, index]`) or column (great powers: `[0, :, index]`) of
the world now, so writing into it (`gp.restriction[i] = ...`) writes the world, and
assigning it (`gp.restriction = ...`) copies the values in. A view follows the world as it
changes: copy it to keep the numbers of a moment.
"""

from __future__ import annotations

PLACES = {
    "run": lambda index: 0,  # a (1,) array: the run's one value
    "row": lambda index: (0, index),  # (1, M, ...) or (1, P, ...): the agent's row
    "column": lambda index: (0, slice(None), index),  # (1, M, P, ...): a great power's column
}


class Part:
    """An attribute of an agent that is its part of field `field` of the model's world now
    (`model.now`): a float (`number`) or a view of its part of the array."""

    def __init__(self, field: str, place: str, *, number: bool = True):
        self.field, self.place, self.number = field, PLACES[place], number

    def _at(self, agent):
        return self.place(getattr(agent, "index", None))

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(agent.model.now, self.field)[self._at(agent)]
        return float(value) if self.number else value

    def __set__(self, agent, value) -> None:
        getattr(agent.model.now, self.field)[self._at(agent)] = value
