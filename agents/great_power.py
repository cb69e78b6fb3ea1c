"""A great power (USA, CHN): one of the two poles middle powers align with.

Its levers — reliability of its commitment, readiness to coerce, trade pressure, inducement —
come from the world file, with the pressures that set them (`us_reliability`,
`china_coercion`, `us_trade_pressure`) and its reliability shock (summits raise it, its own
tariffs on allies lower it). It holds the trade restriction it imposes on each middle power:
coercion episodes (`press`), tariff shocks, red lines crossed (`enforce_red_lines`), eased
by summits (`welcome_summit`), fading with time (`recover`). Every change is a function of
`sim.dynamics`, called for this great power's column.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import dynamics


class GreatPower(mesa.Agent):
    """A pole: +1 (the US in the default world) or -1 (China)."""

    role = "great_power"

    def __init__(self, model, code: str):
        super().__init__(model)
        w = model.world
        self.code = code
        self.index = w.poles.index(code)  # its column in the world's arrays
        self.columns = slice(self.index, self.index + 1)
        self.name = model.params.world.great_powers[code].name
        self.pole = int(w.sign[self.index])
        self.capability = float(w.capability[0, self.index])  # share of the two's capability
        self.reliability_shock = 0.0
        self.restriction = np.zeros(len(w.middle))  # imposed on each middle power

    # ------------------------------------------------------------------ readable state
    def _lever(self, name: str) -> float:
        return float(self.model.levers[name][0, self.index])

    @property
    def reliability(self) -> float:
        """Credibility of its commitment in force (pressure or world file, plus shocks)."""
        return self._lever("reliability")

    @property
    def coercion(self) -> float:
        return self._lever("coercion")

    @property
    def trade_pressure(self) -> float:
        return self._lever("trade_pressure")

    @property
    def inducement(self) -> float:
        return self._lever("inducement")

    @property
    def restrictions(self) -> dict[str, float]:
        return dict(zip(self.model.state_codes, map(float, self.restriction), strict=True))

    def _readiness(self) -> np.ndarray:
        return self.model.levers["coercion"][:, self.columns]  # (1, 1)

    # ------------------------------------------------------------------ events
    def coerce(self, target, magnitude: float) -> None:
        """A scheduled coercion episode against a middle power."""
        i = target.index
        lever = self.model.levers["coercion"][:, self.index]
        self.restriction[i] = dynamics.coerce(
            self.model.world, self.restriction[i : i + 1], lever, magnitude
        )[0]

    def impose_tariff(self, target, magnitude: float) -> None:
        """A scheduled tariff shock on a middle power."""
        i = target.index
        restriction, shock = dynamics.tariff(
            self.model.world,
            self.restriction[i : i + 1],
            np.array([self.reliability_shock]),
            magnitude,
        )
        self.restriction[i], self.reliability_shock = restriction[0], float(shock[0])

    def press(self, k: int) -> None:
        """Stochastic coercion episodes and tariff shocks of step k on every middle power."""
        w, keys, levers = self.model.world, self.model.keys, self.model.levers
        restriction, episodes = dynamics.coercion_episodes(
            w,
            self.restriction[None, :, None],
            self._readiness(),
            keys.coercion[:, :, self.columns],
            k,
        )
        restriction, shock, tariffs = dynamics.tariff_shocks(
            w,
            restriction,
            np.array([[self.reliability_shock]]),
            levers["trade_pressure"][:, self.columns],
            keys.tariff[:, :, self.columns],
            k,
        )
        self.restriction, self.reliability_shock = restriction[0, :, 0], float(shock[0, 0])
        self.model.count("coercion", int(episodes.sum()))
        self.model.count("tariff_shock", int(tariffs.sum()))

    def welcome_summit(self, i: int, happens: np.ndarray, magnitude: float) -> None:
        """A summit with middle power i (if `happens`): credibility up, restriction eased."""
        shock, restriction = dynamics.summit_with_pole(
            self.model.world,
            np.array([self.reliability_shock]),
            self.restriction[i : i + 1],
            happens,
            magnitude,
        )
        self.reliability_shock, self.restriction[i] = float(shock[0]), restriction[0]

    def settle(self) -> None:
        self.restriction = dynamics.settle_restriction(self.restriction)

    # ------------------------------------------------------------------ responses
    def enforce_red_lines(self, security_before: np.ndarray, security_after: np.ndarray) -> None:
        """Strike middle powers whose alignment with its rival crossed its red line this step
        (securities are (1, M): before and after their choices)."""
        if not self.model.world.dynamics.responsive:
            return
        restriction, crossed = dynamics.red_lines(
            self.model.world,
            self.restriction[None, :, None],
            self._readiness(),
            security_before,
            security_after,
            self.columns,
        )
        self.restriction = restriction[0, :, 0]
        self.model.count("coercion", int(crossed.sum()))

    def recover(self) -> None:
        """Restrictions wear off and shocks to its credibility fade."""
        w = self.model.world
        self.restriction = dynamics.restrictions_fade(w, self.restriction[None, :, None])[0, :, 0]
        self.reliability_shock = float(
            dynamics.shocks_fade(w, np.array([[self.reliability_shock]]))[0, 0]
        )

    def __repr__(self) -> str:
        return f"GreatPower({self.code}: pole {self.pole:+d}, reliability {self.reliability:.2f})"
