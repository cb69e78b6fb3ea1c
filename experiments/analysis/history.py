"""The observed record in data/: Seoul's export orientation, FDI and the dated events.

Export orientation, (US share - China share) / (US share + China share), is the model's
observable proxy of economic alignment (MODEL.md, "Observables"); it exists for the years in
which both shares are known.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.resources import DATA_DIR
from sim.metrics import export_orientation

TRADE = DATA_DIR / "kor_trade_2000_2014.csv"
TRADE_LATER = DATA_DIR / "kor_trade_2015_2024.csv"
FDI = DATA_DIR / "kor_fdi_2000_2014.csv"
EVENTS = DATA_DIR / "kor_events.csv"
PRESIDENTS = DATA_DIR / "kor_presidents.csv"


def read_table(path: Path) -> pd.DataFrame:
    """A data file: '#' lines are its header notes and sources."""
    return pd.read_csv(path, comment="#")


def orientation(path: Path = TRADE, first: int | None = None, last: int | None = None) -> pd.Series:
    """Observed export orientation by year, for the years in [first, last] with both shares."""
    table = read_table(path).dropna(subset=["china_share_pct", "us_share_pct"])
    if first is not None:
        table = table[table["year"] >= first]
    if last is not None:
        table = table[table["year"] <= last]
    values = export_orientation(
        table["us_share_pct"].to_numpy(), table["china_share_pct"].to_numpy()
    )
    return pd.Series(values, index=table["year"].astype(int).to_numpy(), name="export_orientation")


def events() -> pd.DataFrame:
    """The dated events with the line each has in data/kor_events.csv (1-based)."""
    table = read_table(EVENTS)
    lines = [i + 1 for i, text in enumerate(EVENTS.read_text().splitlines()) if text[:1].isdigit()]
    return table.assign(line=lines)


def presidents() -> pd.DataFrame:
    return read_table(PRESIDENTS)


def annual_mean(values: np.ndarray, times: np.ndarray, years) -> np.ndarray:
    """Mean over the steps that close the periods of each calendar year (the states dated
    Apr 1, Jul 1, Oct 1 of the year and Jan 1 of the next), along the last axis of `values`.
    Years the trajectory does not cover come out as NaN."""
    times = pd.DatetimeIndex(np.asarray(times))
    end_year = np.asarray((times - pd.Timedelta(days=1)).year)
    out = []
    for year in years:
        mask = end_year == year
        out.append(
            values[..., mask].mean(axis=-1) if mask.any() else np.full(values.shape[:-1], np.nan)
        )
    return np.stack(out, axis=-1)
