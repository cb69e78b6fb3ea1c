"""Market size, composed from data for a scenario: the US's and China's import demand by year
(data/market_size_imports_*.csv; WDI TM.VAL.MRCH.CD.WT, US$ bn), as `scenario.markets`.

The series is split by period in two files. `market_table(last_year)` opens the test-period
file (2015 and later) only when `last_year` reaches into it: the calibration asks for the fit
years and never opens it; the replay asks for the years it scores and reads it as an input.
After the last year read, the scenario's stated growth rates (`observation.market_growth`)
extend the series (sim.observables.market_path)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from experiments.resources import DATA_DIR
from sim.params import MarketYear, Params

FIT_UNTIL = 2014  # the last year of the fit-period files (*_2000_2014.csv)
MARKETS_FIT = "market_size_imports_2000_2014.csv"
MARKETS_TEST = "market_size_imports_2015_2025.csv"


def market_table(last_year: int, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """year, USA, CHN (US$ bn) for every year of data up to `last_year`; the test-period
    file is opened only if `last_year` > FIT_UNTIL."""
    files = [data_dir / MARKETS_FIT] + ([data_dir / MARKETS_TEST] if last_year > FIT_UNTIL else [])
    table = pd.concat([pd.read_csv(path, comment="#") for path in files], ignore_index=True)
    table = table[table["year"] <= last_year]
    return pd.DataFrame(
        {
            "year": table["year"].astype(int),
            "USA": table["us_imports_bn"].astype(float),
            "CHN": table["china_imports_bn"].astype(float),
        }
    ).reset_index(drop=True)


def with_markets(params: Params, last_year: int, data_dir: Path = DATA_DIR) -> Params:
    """`params` whose scenario carries the yearly market sizes of the data up to `last_year`."""
    table = market_table(last_year, data_dir)
    markets = [
        MarketYear(year=int(row.year), imports={"USA": row.USA, "CHN": row.CHN}, note="data")
        for row in table.itertuples()
    ]
    return dataclasses.replace(
        params, scenario=dataclasses.replace(params.scenario, markets=markets)
    )
