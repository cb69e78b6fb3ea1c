"""The history replay's scenario follows the record: every dated event of
data/kor_events.csv and every inauguration of data/kor_presidents.csv within its horizon is
scheduled, and acts at the step its date falls in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scenario_comments import entry_comments

import sim
from experiments import compose
from experiments.analysis.history import DATA_DIR, annual_mean, events, orientation, presidents
from sim.calendar import step_dates
from sim.params import PRESSURE_KEYS
from sim.world import change_step, event_step

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILE = ROOT / "conf" / "scenario" / "history_2000_2025.yaml"
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def history():
    return compose(["scenario=history_2000_2025"])


@pytest.fixture(scope="module")
def replayed(history):
    """One run of the scenario with stochastic events and the great powers' responses
    (red-line coercion) switched off, so that every event counted is a scheduled one."""
    quiet = sim.with_values(history, {f"events.rates.{k}": 0.0 for k in vars(history.events.rates)})
    quiet = sim.with_values(quiet, {"dynamics.great_powers": "scheduled"})  # no red-line coercion
    return sim.simulate(quiet, runs=1, seed=1)


def horizon(params) -> list[dt.date]:
    sc = params.scenario
    return step_dates(sc.start, sc.steps, sc.step_months)


def test_quarterly_from_2000_to_the_close_of_2025(history):
    dates = horizon(history)
    assert dates[0] == dt.date(2000, 1, 1)
    assert dates[-1] == dt.date(2026, 1, 1)  # the state at the close of 2025
    assert history.scenario.step_months == 3


def cited_entries() -> list[tuple[str, set[int], bool]]:
    """(date, lines of kor_events.csv cited, cites kor_presidents.csv) of every entry of the
    scenario file."""
    return [
        (
            date,
            {int(n) for n in re.findall(r"line (\d+)", comment)},
            "kor_presidents.csv" in comment,
        )
        for date, comment in entry_comments(SCENARIO_FILE)
    ]


def test_every_dated_event_in_the_horizon_is_scheduled(history):
    dates = horizon(history)
    scheduled = {e.date for e in history.scenario.events} | {
        c.date for c in history.scenario.schedule
    }
    record = events()
    within = record[pd.to_datetime(record["date"]).dt.date < dates[-1]]
    missing = [
        f"line {r.line}: {r.date} {r.description}"
        for r in within.itertuples()
        if r.date not in scheduled
    ]
    assert not missing, missing
    assert len(within) == len(record) - 1  # only 2026-01-26 falls after the horizon


def test_each_entry_cites_the_record_it_comes_from(history):
    record = events().set_index("line")
    inaugurations = set(presidents()["date"])
    entries = cited_entries()
    assert len(entries) == len(history.scenario.events) + len(history.scenario.schedule) + len(
        history.scenario.levers
    )
    for date, lines, from_presidents in entries:
        assert lines or from_presidents, f"{date}: no citation"
        if from_presidents:
            assert date in inaugurations, date
        for line in lines:
            # An entry sits within a week of the dated line it cites (Lee-Xi met three days
            # after the Trump-Lee summit that line 24 dates).
            gap = abs(dt.date.fromisoformat(date) - dt.date.fromisoformat(record.loc[line, "date"]))
            assert gap <= dt.timedelta(days=7), (
                f"{date} cites line {line} ({record.loc[line, 'date']})"
            )
    cited = set().union(*(lines for _, lines, _ in entries))
    assert cited == set(record.index) - {25}  # every line in the horizon is cited


def test_events_act_at_the_step_their_date_falls_in(history, replayed):
    dates = horizon(history)
    counts = replayed["events"].isel(run=0)
    expected = np.zeros(counts.shape, dtype=int)
    for event in history.scenario.events:
        k = event_step(dates, dt.date.fromisoformat(event.date))
        expected[k, list(counts["event"].values).index(event.kind)] += 1
    np.testing.assert_array_equal(counts.values, expected)
    # Spot check against the record: the THAAD retaliation (line 10) in the first quarter of 2017.
    k = event_step(dates, dt.date(2017, 3, 15))
    assert str(replayed["time"].values[k])[:10] == "2017-04-01"
    assert int(counts.sel(event="coercion")[k]) == 1


def test_pressures_change_at_the_step_of_their_date(history, replayed):
    dates = horizon(history)
    pressure = replayed["pressure"].isel(run=0)
    for change in history.scenario.schedule:
        k = change_step(dates, dt.date.fromisoformat(change.date))
        assert float(pressure.sel(pressure_name=change.pressure)[k]) == pytest.approx(
            change.value
        ), change.note
    # Before the first change, the levels of the scenario's `pressures:` hold.
    first = min(
        change_step(dates, dt.date.fromisoformat(c.date)) for c in history.scenario.schedule
    )
    for name in PRESSURE_KEYS:
        assert float(pressure.sel(pressure_name=name)[first - 1]) == getattr(
            history.pressures, name
        )


def test_governments_follow_the_inaugurations(history, replayed):
    dates = horizon(history)
    government = replayed["government"].sel(state="KOR").isel(run=0).values
    camps = ("progressive", "conservative")
    assert camps[government[0]] == "progressive"  # Kim Dae-jung in 2000
    for row in presidents().itertuples():
        k = event_step(dates, dt.date.fromisoformat(row.date))
        assert camps[government[k]] == row.camp, row.president


def test_seoul_starts_from_its_2000_state(history):
    kor = history.world.middle_powers["KOR"]
    assert kor.economic == pytest.approx(orientation(last=2002).loc[2002], abs=0.01)
    assert kor.government == "progressive"
    assert kor.election.next == ""  # every election of the period is scheduled


def test_observed_orientation_and_yearly_means():
    observed = orientation(first=2000, last=2014)
    assert list(observed.index) == [2002, 2005, 2011, 2012, 2013]
    assert observed.loc[2002] == pytest.approx((20.2 - 14.6) / (20.2 + 14.6))
    times = np.array(
        ["2000-01-01", "2000-04-01", "2000-07-01", "2000-10-01", "2001-01-01", "2001-04-01"],
        dtype="datetime64[ns]",
    )
    values = np.array([9.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    # The state dated 1 January closes the year before; a year without a step is NaN.
    np.testing.assert_allclose(
        annual_mean(values, times, [2000, 2001, 1999, 1998]), [2.5, 5.0, 9.0, np.nan]
    )


# Issue 12 split the shared series by period (fit 2000-2014, test 2015+) and added a
# confidence column; their figures stay those of the shared folder.
SPLIT = {
    "kor_trade_2000_2015.csv": ("kor_trade_2000_2014.csv", "kor_trade_2015_2024.csv"),
    "kor_defence.csv": ("kor_defence_2000_2014.csv", "kor_defence_2015_2024.csv"),
    "kor_opinion.csv": ("kor_opinion_2000_2014.csv", "kor_opinion_2015_2023.csv"),
    "kor_fdi_insample.csv": ("kor_fdi_2000_2014.csv", "kor_fdi_2015_2024.csv"),
}


def test_the_shared_data_are_copied_unchanged():
    if not SHARED.is_dir():
        pytest.skip("the shared data folder is not on this machine")
    for path in SHARED.glob("*.csv"):
        if path.name not in SPLIT:
            assert (DATA_DIR / path.name).read_bytes() == path.read_bytes(), path.name
            continue
        shared = pd.read_csv(path, comment="#").set_index("year")
        ours = pd.concat(
            [pd.read_csv(DATA_DIR / name, comment="#") for name in SPLIT[path.name]]
        ).set_index("year")
        for year, row in shared.iterrows():
            for column, value in row.items():
                if pd.isna(value) or column in ("source", "note"):
                    continue  # the FDI rows were merged with a fuller source note
                mine = ours.loc[year, column] if column in ours.columns else None
                assert mine == value, f"{path.name} {year} {column}: {mine} != {value}"
    assert "Sources" in (DATA_DIR / "README.md").read_text()
