"""Seoul's observed series, one per observable (issue 12), and the model's errors on each.

Each series is read from its two files, split by period (data/README.md): the fit years from
the `_2000_2014.csv` file, the test years from the `_2015_<year>.csv` file. `observed(name,
last=2014)` opens the fit-period file only, so a calibration that asks for the fit years never
reads a test year. Errors compare the model's yearly mean over runs (`annual_mean`) with the
observed years, in and out of sample; they are reported, the test years never fitted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from experiments.analysis.history import annual_mean, read_table
from experiments.resources import DATA_DIR
from sim.metrics import export_orientation

FIT_UNTIL = 2014


@dataclass(frozen=True)
class Series:
    """An observed series: the model variable it checks, its two files, how to read a value."""

    variable: str  # dataset variable
    files: tuple[str, str]  # (fit period, test period), in data/
    columns: tuple[str, ...]  # the columns read
    great_power: str | None = None  # for per-great-power variables (favourability)

    def values(self, table: pd.DataFrame) -> pd.Series:
        table = table.dropna(subset=list(self.columns))
        if len(self.columns) == 2:  # (us, china) -> orientation
            us, china = (table[c].to_numpy(float) for c in self.columns)
            values = export_orientation(us, china)
        else:
            values = table[self.columns[0]].to_numpy(float)
        return pd.Series(values, index=table["year"].astype(int).to_numpy())


SERIES = {
    "export_orientation": Series(
        "export_orientation",
        ("kor_trade_2000_2014.csv", "kor_exports_2015_2025.csv"),
        ("us_share_pct", "china_share_pct"),
    ),
    "fdi_orientation": Series(
        "fdi_orientation",
        ("kor_fdi_2000_2014.csv", "kor_fdi_2015_2024.csv"),
        ("us_share_pct", "china_share_pct"),
    ),
    "defence_spending": Series(
        "defence_spending",
        ("kor_defence_2000_2014.csv", "kor_defence_2015_2024.csv"),
        ("milex_pct_gdp",),
    ),
    "favourability_usa": Series(
        "favourability",
        ("kor_opinion_2000_2014.csv", "kor_opinion_2015_2023.csv"),
        ("us_favourable_pct",),
        "USA",
    ),
    "favourability_chn": Series(
        "favourability",
        ("kor_opinion_2000_2014.csv", "kor_opinion_2015_2023.csv"),
        ("china_favourable_pct",),
        "CHN",
    ),
}


def observed(name: str, last: int | None = None) -> pd.Series:
    """Observed values by year up to `last` (None: every year); the test-period file is opened
    only if `last` is None or after FIT_UNTIL."""
    series = SERIES[name]
    files = series.files[:1] if last is not None and last <= FIT_UNTIL else series.files
    values = pd.concat([series.values(read_table(DATA_DIR / f)) for f in files])
    return values if last is None else values[values.index <= last]


def errors(ds: xr.Dataset, state: str = "KOR", fit_until: int = FIT_UNTIL) -> pd.DataFrame:
    """Per observable: RMSE of the model's yearly mean against the observed years up to
    `fit_until` and after, and how many years each has."""
    times = ds["time"].values
    rows = []
    for name, series in SERIES.items():
        if series.variable not in ds:
            continue
        data = ds[series.variable].sel(state=state)
        if series.great_power is not None:
            data = data.sel(great_power=series.great_power)
        seen = observed(name)
        model = annual_mean(data.values.mean(axis=0), times, seen.index)
        gap = pd.Series(model - seen.to_numpy(), index=seen.index).dropna()
        row = {"observable": name}
        for label, part in (
            ("in", gap[gap.index <= fit_until]),
            ("out", gap[gap.index > fit_until]),
        ):
            row[f"rmse_{label}"] = float(np.sqrt(np.mean(part**2))) if len(part) else np.nan
            row[f"years_{label}"] = len(part)
        rows.append(row)
    return pd.DataFrame(rows)
