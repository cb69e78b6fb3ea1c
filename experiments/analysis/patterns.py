"""Pattern targets from dated episodes (issue 12): functions of a simulated trajectory that say,
run by run, whether the episode's pattern appears.

All three episodes fall in the TEST period (after 2014): they may be reported, never fitted
(`FITTED = False`; a calibration must not read them). Each returns a `Pattern`: a bool per run
and the numbers it was judged on, so a report can say how often and by how much.

- THAAD 2016-17: during China's retaliation Seoul concedes a little on security (the "three
  noes": security falls, by at most `LITTLE`), and China lifts most of its restriction after
  (by mid-2018 under half of its 2017 peak).
- Japan's 2019 export restrictions cut the Seoul-Tokyo tie (by at least `CUT`) without a turn
  to China (neither security nor economic alignment falls by more than `LITTLE` over the year).
- Camp David 2023 lifts the tie (by at least `CUT` within the quarter after the summit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

FITTED = False  # test-period episodes: reported, never fitted
LITTLE = 0.2  # "a little" on the [-1, 1] scale of alignment
CUT = 0.05  # a visible change of a tie on its [0, 1] scale


@dataclass
class Pattern:
    name: str
    holds: np.ndarray  # (run,) bool
    measured: dict[str, np.ndarray]  # name -> (run,) the numbers judged

    @property
    def share(self) -> float:
        """Share of runs in which the pattern appears."""
        return float(np.mean(self.holds))


def at(ds: xr.Dataset, name: str, state: str, date: str, **sel) -> np.ndarray:
    """(run,) the variable at the last recorded state dated on or before `date`."""
    times = pd.DatetimeIndex(ds["time"].values)
    k = int(np.searchsorted(times, pd.Timestamp(date), side="right")) - 1
    if k < 0:
        raise ValueError(f"{date}: before the trajectory's first date {times[0].date()}")
    return ds[name].sel(state=state, **sel).isel(step=k).values


def between(ds: xr.Dataset, name: str, state: str, first: str, last: str, **sel) -> np.ndarray:
    """(run, steps) the variable at the states dated in [first, last]."""
    times = pd.DatetimeIndex(ds["time"].values)
    mask = (times >= pd.Timestamp(first)) & (times <= pd.Timestamp(last))
    return ds[name].sel(state=state, **sel).values[:, mask]


def thaad(ds: xr.Dataset, state: str = "KOR") -> Pattern:
    before = at(ds, "security", state, "2016-10-01")
    during = between(ds, "security", state, "2017-04-01", "2018-01-01").mean(axis=1)
    peak = between(ds, "restriction", state, "2017-04-01", "2018-01-01", great_power="CHN").max(
        axis=1
    )
    after = at(ds, "restriction", state, "2018-07-01", great_power="CHN")
    concession = before - during
    lifted = after <= 0.5 * peak
    holds = (concession > 0) & (concession <= LITTLE) & (peak > 0) & lifted
    return Pattern(
        "THAAD 2016-17: a little security conceded, most restrictions lifted after",
        holds,
        {"security_conceded": concession, "restriction_peak": peak, "restriction_mid_2018": after},
    )


def japan_2019(ds: xr.Dataset, state: str = "KOR") -> Pattern:
    tie_before = at(ds, "ties", state, "2019-07-01")
    tie_low = between(ds, "ties", state, "2019-10-01", "2020-07-01").min(axis=1)
    turn = {
        name: at(ds, name, state, "2019-07-01") - at(ds, name, state, "2020-07-01")
        for name in ("security", "economic")
    }
    cut = tie_before - tie_low
    holds = (cut >= CUT) & (turn["security"] <= LITTLE / 4) & (turn["economic"] <= LITTLE / 4)
    return Pattern(
        "Japan 2019: the Seoul-Tokyo tie cut without a turn to China",
        holds,
        {
            "tie_cut": cut,
            "security_toward_china": turn["security"],
            "economic_toward_china": turn["economic"],
        },
    )


def camp_david(ds: xr.Dataset, state: str = "KOR") -> Pattern:
    lift = at(ds, "ties", state, "2023-10-01") - at(ds, "ties", state, "2023-07-01")
    return Pattern("Camp David 2023 lifts the Seoul-Tokyo tie", lift >= CUT, {"tie_lift": lift})


EPISODES = (thaad, japan_2019, camp_david)


def patterns(ds: xr.Dataset, state: str = "KOR") -> list[Pattern]:
    """Every episode's pattern in a trajectory covering 2016-2023 (history_2000_2025)."""
    return [episode(ds, state) for episode in EPISODES]
