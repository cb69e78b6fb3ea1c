"""A great power (USA, CHN): one of the two poles middle powers align with.

Its dispositions — reliability of its commitment, readiness to coerce, trade pressure, baseline
military pressure — come from the world file, with the pressures that set them
(`us_reliability`, `china_coercion`, `us_trade_pressure`, `china_military`) and its
reliability shock (summits raise it). It holds its levers toward each middle power
(`levers`, one row per middle power, LEVERS in order: commitment, inducement, coercion, tariff,
consent, military) and its restraint of the challenger; in the `strategic` mode it chooses
them on review steps (`step`, from the middle powers' last decisions and where they are
heading; committed in `advance`, synchronously). It holds the trade restriction it imposes
by events on each middle power: coercion episodes (`press`, responsive mode), red lines
crossed (`enforce_red_lines`, responsive), eased by summits (`welcome_summit`), fading with
time (the step's aftermath, computed by the model for every agent at once). Every change is
a function of `sim.dynamics`, called for this great power's column.

Its numbers are its part of the model's world now (`model.now`, a `sim.dynamics.State` of
(1, ...) arrays; `agents.parts`): floats for its `reliability_shock` and `restraint`, views
of its column for its `restriction` (M,) and `levers` (M, K).
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.parts import Part
from sim import dynamics
from sim.influence import K
from sim.params import LEVERS


class GreatPower(mesa.Agent):
    """A pole: +1 (the US in the default world) or -1 (China)."""

    role = "great_power"

    # its part of the model's world now (`agents.parts`): its column of the arrays over
    # middle powers and great powers, its element of those over great powers
    reliability_shock = Part("reliability_shock", "in_row")
    restraint = Part("restraint", "in_row")  # of the challenger (+), or encouragement (-)
    restriction = Part("restriction", "in_column", number=False)  # (M,) by events on each
    levers = Part("levers", "in_column", number=False)  # (M, K) toward each middle power

    def __init__(self, model, code: str):
        super().__init__(model)
        w = model.world
        self.code = code
        self.index = w.poles.index(code)  # its column in the world's arrays
        self.columns = slice(self.index, self.index + 1)
        # where its parts of the world now are (`agents.parts`): its element of the arrays
        # over great powers, its column of those over middle powers and great powers
        self.in_row, self.in_column = (0, self.index), (0, slice(None), self.index)
        self.name = model.params.world.great_powers[code].name
        self.pole = int(w.sign[self.index])
        self.capability = float(w.capability[0, self.index])  # share of the two's capability
        self._chosen = None  # levers and restraint chosen this step, committed in `advance`

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
    def levers_in_force(self) -> dict[str, dict[str, float]]:
        """Its levers toward each middle power, capped by the bounds in force."""
        caps = self.model.pressure_dispositions(self.model._pressures)[1][0, self.index]
        held = np.minimum(self.levers, caps)
        return {
            code: dict(zip(LEVERS, map(float, row), strict=True))
            for code, row in zip(self.model.state_codes, held, strict=True)
        }

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
        """A scheduled tariff shock on a middle power: its tariff lever rises (when the great
        powers hold levers), or a restriction and a reliability shock (responsive)."""
        i = target.index
        w = self.model.world
        if w.great_powers_hold_levers:
            cap = self.model.pressure_dispositions(self.model._pressures)[1]
            self.levers[i, K["tariff"]] = dynamics.tariff_on_lever(
                self.levers[i : i + 1, K["tariff"]],
                cap[:, self.index, K["tariff"]],
                w.sizes.tariff_shock,
                magnitude,
            )[0]
            return
        restriction, shock = dynamics.tariff(
            self.model.world,
            self.restriction[i : i + 1],
            np.array([self.reliability_shock]),
            magnitude,
        )
        self.restriction[i], self.reliability_shock = restriction[0], float(shock[0])

    def press(self, k: int) -> None:
        """Stochastic coercion episodes and tariff shocks of step k on every middle power
        (responsive mode; otherwise its levers replace them)."""
        w, keys, levers = self.model.world, self.model.keys, self.model.levers
        if w.great_powers_hold_levers:
            return
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
        if self.model.world.great_powers_hold_levers:
            self.levers[i, K["coercion"]] = dynamics.coercion_eased(
                self.levers[i : i + 1, K["coercion"]], happens, magnitude
            )[0]

    # ------------------------------------------------------------------ responses
    def enforce_red_lines(self, security_before: np.ndarray, security_after: np.ndarray) -> None:
        """Strike middle powers whose alignment with its rival crossed its red line this step
        (securities are (1, M): before and after their choices)."""
        if self.model.world.great_powers_hold_levers:
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

    def step(self) -> None:
        """Choose next step's levers and restraint (strategic mode, on review steps) from the
        world as the middle powers decided in it and where they are heading: its column of
        the great powers' choice made together (`model.great_power_choices`, from
        `sim.dynamics.great_powers_decide`, its own random streams)."""
        m = self.model
        levers, restraint = m.great_power_choices
        chosen = levers[0, :, self.index]
        seat = m.seat_choice(self.code) if m._seats else None
        if self.code in m._seats:  # role play: a student's levers replace what they name
            toward = seat[0] if seat else m.focus
            i = m.state_codes.index(toward)
            chosen = chosen.copy()  # may be a view of `m.before`, which the "why" reads
            own = chosen[i].copy()
            for name, value in (seat[1] if seat else {}).items():
                chosen[i, K[name]] = value
            m.seat_moved(self.code, toward, own, chosen[i])
        self._chosen = (chosen, float(restraint[0, self.index]))

    def advance(self) -> None:
        """Commit the choice of `step` (synchronous: every agent chose from the same state).
        (Then its restrictions wear off and the shocks to its credibility fade: its column
        of the step's aftermath, which the model computes for every agent at once and writes
        into the world now.)"""
        self.levers, self.restraint = self._chosen
        self._chosen = None

    def __repr__(self) -> str:
        return f"GreatPower({self.code}: pole {self.pole:+d}, reliability {self.reliability:.2f})"
