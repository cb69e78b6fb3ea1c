"""hedgesim's Mesa layer: readable state agents running the engine's equations, one run at a
time. See agents/API.md for what the dashboard and the experiments use."""

import logging

# Mesa logs every step at INFO under the "MESA" logger; keep that out of experiment logs.
for _name in ("MESA", "mesa"):
    logging.getLogger(_name).setLevel(logging.WARNING)

from agents.batch import simulate  # noqa: E402
from agents.challenger import Backer, Challenger  # noqa: E402
from agents.explain import Explanation  # noqa: E402
from agents.great_power import GreatPower  # noqa: E402
from agents.middle_power import MiddlePower  # noqa: E402
from agents.model import GeopoliticsModel  # noqa: E402

__all__ = [
    "Backer",
    "Challenger",
    "Explanation",
    "GeopoliticsModel",
    "GreatPower",
    "MiddlePower",
    "simulate",
]
