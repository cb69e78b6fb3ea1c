"""The observables the calibration fits and the replay scores: each one a simulated variable
of a state and an observed series by year, split into fit years and test years.

An observable is named once here, with
- the model side: a variable of the engine's Dataset (sim/observables.py, in the observed
  units) and a selection (e.g. the great power a favourability is about);
- the data side: the file of its fit years (2000-2014) and the file of its test years
  (2015 on), physically apart, so that the calibration path can be held to opening only the
  first (tests/test_analysis_calibrate.py audits the files it opens).

`fit_series` is the only loader the calibration uses; it refuses a year after `FIT_UNTIL` with
one line (`TestYearError`). `held_out_series` is for the replay and the forecast's scoring only.
Adding an observable is one entry of `OBSERVABLES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from experiments.resources import DATA_DIR
from sim.errors import HedgesimError
from sim.metrics import export_orientation
from sim.observables import NEEDS as OBSERVABLE_NEEDS

# The last year any calibration may read: the fit period is 2000-2014, the years after
# it are test data only (no parameter, prior, start value or structural input is set from them).
FIT_UNTIL = 2014


class TestYearError(HedgesimError):
    """The calibration asked for a year it must not see (a test year)."""

    __test__ = False  # a name pytest would otherwise collect


class ObservableError(HedgesimError):
    """An observable that is not known, or whose model variable the engine does not record."""


def read_table(path: Path) -> pd.DataFrame:
    """A data file: '#' lines are its header notes and sources."""
    return pd.read_csv(path, comment="#")


# A file may give the two destinations in levels (one currency) where no total is known: the
# orientation is scale-free, so (US - China)/(US + China) of the levels is that of the shares.
LEVELS = ("us_aud_bn", "china_aud_bn")  # Australia's exports, A$ bn (data/aus_exports_*.csv)


def orientation_of(table: pd.DataFrame) -> pd.Series:
    """(US - China) / (US + China) of the years with both shares (exports or outward FDI), or,
    where a share is missing, both levels."""
    us, china = table["us_share_pct"], table["china_share_pct"]
    if set(LEVELS) <= set(table.columns):
        from_levels = us.isna() | china.isna()
        us = us.where(~from_levels, table[LEVELS[0]])
        china = china.where(~from_levels, table[LEVELS[1]])
    known = us.notna() & china.notna()
    values = export_orientation(us[known].astype(float), china[known].astype(float))
    return pd.Series(np.asarray(values), index=table.loc[known, "year"].astype(int).to_numpy())


def column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    """The years with a value in column `name`."""

    def read(table: pd.DataFrame) -> pd.Series:
        table = table.dropna(subset=[name])
        return pd.Series(
            table[name].astype(float).to_numpy(), index=table["year"].astype(int).to_numpy()
        )

    return read


@dataclass(frozen=True)
class Observable:
    name: str
    label: str  # for figures and logs, with the unit
    variable: str  # the engine's Dataset variable (of the state observed)
    # state -> (fit file, test file) under data/: the fit years only (<= FIT_UNTIL) and the
    # test years only (> FIT_UNTIL)
    files: dict[str, tuple[str, str]]
    read: Callable[[pd.DataFrame], pd.Series]
    select: dict[str, str] = field(default_factory=dict)  # e.g. {"great_power": "USA"}
    needs: tuple[str, ...] = ()  # the recorded variables it is computed from (default: variable)

    def recorded(self) -> tuple[str, ...]:
        return self.needs or (self.variable,)

    def fit_file(self, state: str = "KOR") -> str:
        return self.files_of(state)[0]

    def files_of(self, state: str) -> tuple[str, str]:
        if state not in self.files:
            raise ObservableError(
                f"observable {self.name!r}: no observed series of {state!r}; of {', '.join(self.files)}"
            )
        return self.files[state]

    def simulated(self, ds: xr.Dataset, state: str) -> xr.DataArray:
        """The model's value of this observable in `state` at every (run, step)."""
        if self.variable not in ds:
            raise ObservableError(
                f"observable {self.name!r}: the engine's dataset has no variable {self.variable!r}"
            )
        return ds[self.variable].sel(state=state, **self.select)


# The model side is sim/observables.py (issue 12): each observable a dataset variable computed
# from recorded trajectories (NEEDS), in the observed units (orientation, % of GDP, %).
OBSERVABLES: dict[str, Observable] = {
    o.name: o
    for o in [
        Observable(
            name="export_orientation",
            label="export orientation (US - China)/(US + China)",
            variable="export_orientation",
            # fit years: the sourced shares; test years: the yearly levels (mixed confidence).
            # Japan and Australia are test countries: their fit-period files are never read by
            # a calibration. Australia's series starts in 2005 (goods and services, A$).
            files={
                "KOR": ("kor_trade_2000_2014.csv", "kor_exports_2015_2025.csv"),
                "JPN": ("jpn_exports_2000_2014.csv", "jpn_exports_2015_2024.csv"),
                "AUS": ("aus_exports_2000_2014.csv", "aus_exports_2015_2024.csv"),
            },
            read=orientation_of,
            needs=OBSERVABLE_NEEDS["export_orientation"],
        ),
        Observable(
            name="fdi_orientation",
            label="outward-FDI orientation (US - China)/(US + China)",
            variable="fdi_orientation",
            files={"KOR": ("kor_fdi_2000_2014.csv", "kor_fdi_2015_2024.csv")},
            read=orientation_of,
            needs=OBSERVABLE_NEEDS["fdi_orientation"],
        ),
        Observable(
            name="defence_spending",
            label="military expenditure (% of GDP)",
            variable="defence_spending",
            files={"KOR": ("kor_defence_2000_2014.csv", "kor_defence_2015_2024.csv")},
            read=column("milex_pct_gdp"),
            needs=OBSERVABLE_NEEDS["defence_spending"],
        ),
        Observable(
            name="favourability_usa",
            label="favourable view of the US (%)",
            variable="favourability",
            files={"KOR": ("kor_opinion_2000_2014.csv", "kor_opinion_2015_2023.csv")},
            read=column("us_favourable_pct"),
            select={"great_power": "USA"},
            needs=OBSERVABLE_NEEDS["favourability"],
        ),
        Observable(
            name="favourability_chn",
            label="favourable view of China (%)",
            variable="favourability",
            files={"KOR": ("kor_opinion_2000_2014.csv", "kor_opinion_2015_2023.csv")},
            read=column("china_favourable_pct"),
            select={"great_power": "CHN"},
            needs=OBSERVABLE_NEEDS["favourability"],
        ),
    ]
}


def observable(name: str) -> Observable:
    try:
        return OBSERVABLES[name]
    except KeyError:
        raise ObservableError(
            f"observable = {name!r}: not known; known: {', '.join(OBSERVABLES)}"
        ) from None


def fit_series(name: str, first: int, last: int, state: str = "KOR") -> pd.Series:
    """The observed values of `name` in `state` for the fit years first..last, read from its
    fit file only. A year after FIT_UNTIL is refused: it is test data."""
    if last > FIT_UNTIL:
        raise TestYearError(
            f"analysis.fit_until = {last}: {last} is a test year; the calibration may read "
            f"{FIT_UNTIL} at the latest"
        )
    fit_file = observable(name).fit_file(state)
    series = observable(name).read(read_table(DATA_DIR / fit_file))
    if (series.index > FIT_UNTIL).any():  # a fit file that holds a test year is a bad file
        raise TestYearError(
            f"data/{fit_file}: holds years after {FIT_UNTIL} ({int(series.index.max())}); "
            "a fit file holds fit years only"
        )
    return series[(series.index >= first) & (series.index <= last)].rename(name)


def held_out_series(name: str, state: str = "KOR") -> pd.Series:
    """The observed test years of `name` in `state` (replay and scoring only, never the
    calibration)."""
    obs = observable(name)
    series = obs.read(read_table(DATA_DIR / obs.files_of(state)[1]))
    return series[series.index > FIT_UNTIL].rename(name)


def all_series(name: str, state: str = "KOR") -> pd.Series:
    """Fit and test years of `name` in `state` together (the replay's markers)."""
    return pd.concat(
        [fit_series(name, 0, FIT_UNTIL, state), held_out_series(name, state)]
    ).sort_index()
