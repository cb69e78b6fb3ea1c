"""An agent's numbers as its part of the model's world now.

The model holds the world of its run as one `sim.dynamics.State` of (1, ...) arrays,
`model.now`: the engine's functions read and change it whole, as the engine's step does for
a batch. An agent's numeric attributes are its part of those arrays, read and written
through the descriptors here:

    class MiddlePower(mesa.Agent):
        security = Part("security", "in_row")  # float: model.now.security[agent.in_row]
        memory = Part("memory", "in_row", number=False)  # (P,) view of its row

        def __init__(self, model, code):
            ...
            self.in_row = (0, self.index)  # where its part is: run 0, its row

A number reads as a Python float and writes the array's element; an array reads as a view of
the agent's row (a middle power's `[0, index]`) or column (a great power's
`[0, :, index]`) of the world now, so writing into it (`gp.restriction[i] = ...`) writes
the world, and assigning it (`gp.restriction = ...`) copies the values in. A view follows
the world as it changes: copy it to keep the numbers of a moment.
"""

from __future__ import annotations


class Part:
    """An attribute of an agent that is its part of field `field` of the model's world now
    (`model.now`), at the index the agent holds in its attribute `place`: a float
    (`number`) or a view of its part of the array."""

    def __init__(self, field: str, place: str, *, number: bool = True):
        self.field, self.place, self.number = field, place, number

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = getattr(agent.model.now, self.field)[getattr(agent, self.place)]
        return float(value) if self.number else value

    def __set__(self, agent, value) -> None:
        getattr(agent.model.now, self.field)[getattr(agent, self.place)] = value
