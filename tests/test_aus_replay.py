"""Canberra as a test country (issue 12, item 5): its data, its dated scenario and its replay.

Australia is never fitted: its export orientation is scored with Seoul's fitted behaviour
(`calibrated=kor_2000_2014`) from its own 2005 position, through China's 2020-23 coercion
(conf/scenario/history_aus_2005_2025.yaml, dated from data/aus_events.csv)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scenario_comments import cited_lines, entry_comments

from experiments import compose, replay
from experiments.analysis.observed import all_series, read_table
from experiments.resources import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_FILE = ROOT / "conf" / "scenario" / "history_aus_2005_2025.yaml"
EXPORTS = ["aus_exports_2000_2014.csv", "aus_exports_2015_2024.csv"]
EVENTS = DATA_DIR / "aus_events.csv"
CONFIDENCE = {"high", "medium", "low", "estimate"}  # data/README.md

pytestmark = pytest.mark.usefixtures("restore_logging")  # tests/conftest.py


@pytest.fixture(scope="module")
def canberra():
    return compose(["scenario=history_aus_2005_2025"])


@pytest.mark.parametrize("name", EXPORTS)
def test_every_row_is_sourced_and_its_derived_shares_match_its_levels(name):
    table = read_table(DATA_DIR / name)
    assert set(table["confidence"]) <= CONFIDENCE
    assert table["source"].str.len().gt(20).all()  # a page or a derivation, never blank
    figures = table[["china_aud_bn", "us_aud_bn", "china_share_pct", "us_share_pct"]]
    assert figures.notna().any(axis=1).all()  # no row without a figure
    # where a level and the total of the same row are given, the share is level / total
    for pole in ("china", "us"):
        full = table.dropna(subset=[f"{pole}_aud_bn", "total_aud_bn", f"{pole}_share_pct"])
        np.testing.assert_allclose(
            100 * full[f"{pole}_aud_bn"] / full["total_aud_bn"],
            full[f"{pole}_share_pct"],
            atol=0.05,
        )
    assert table["period"].str.fullmatch(r"(FY\d{4}-\d{2}|CY\d{4})").all()


def test_the_orientation_reads_shares_or_else_levels():
    observed = all_series("export_orientation", "AUS")
    assert list(observed.index) == [2005, 2013, 2016, 2021, 2022, 2023, 2024]
    assert observed[2005] == pytest.approx((8.5 - 9.4) / (8.5 + 9.4))  # shares
    assert observed[2016] == pytest.approx((21 - 94) / (21 + 94))  # levels, no total known


def test_canberra_starts_from_its_2005_position(canberra):
    aus = canberra.world.middle_powers["AUS"]
    start = all_series("export_orientation", "AUS")[2005]
    assert aus.observed.export_orientation == pytest.approx(start, abs=0.005)
    assert aus.economic == pytest.approx(start, abs=0.005)
    assert canberra.scenario.start == "2005-01-01" and canberra.world.name == "indo_pacific_2025"


def cited_entries() -> list[tuple[str, set[int]]]:
    """(date, lines of aus_events.csv cited) of every scenario entry whose comment cites that
    file."""
    return [
        (date, cited_lines(comment))
        for date, comment in entry_comments(SCENARIO_FILE)
        if "aus_events.csv" in comment
    ]


def test_each_canberra_entry_cites_a_dated_line_and_every_line_is_cited(canberra):
    text = EVENTS.read_text().splitlines()
    dated = {i + 1: row.split(",")[0] for i, row in enumerate(text) if row[:1].isdigit()}
    record = read_table(EVENTS)
    assert record["source"].str.len().gt(10).all()
    entries = cited_entries()
    cited = set()
    for date, lines in entries:
        assert lines, f"{date}: cites no line"
        day = dt.date.fromisoformat(date)
        assert any(
            abs(day - dt.date.fromisoformat(dated[n])) <= dt.timedelta(days=7) for n in lines
        ), f"{date} cites {lines}"
        cited |= lines
    assert cited == set(dated)
    aus_events = [e for e in canberra.scenario.events if e.target == "AUS"]
    assert {e.kind for e in aus_events} == {"election", "summit", "coercion"}
    assert sum(e.kind == "coercion" and e.date.startswith("2020") for e in aus_events) == 3


def test_the_replay_scores_canberra_without_fitting(tmp_path, capsys):
    folder = tmp_path / "out"
    replay.main(
        [
            "scenario=history_aus_2005_2025",
            "calibrated=kor_2000_2014",
            "analysis.state=AUS",
            "runs=8",
            "analysis.draws=4",
            "figures=false",
            "progress=false",
            f"hydra.run.dir={folder}",
        ]
    )
    out = capsys.readouterr().out
    assert "AUS (a test country: never fitted)" in out
    errors = pd.read_csv(folder / "errors.csv").set_index("observable")
    assert list(errors.index) == ["export_orientation"]
    row = errors.loc["export_orientation"]
    assert (row["in_sample_years"], row["out_of_sample_years"]) == (2, 5)
    assert 0 < row["out_of_sample_rmse"] < 2
    years = pd.read_csv(folder / "replay_years.csv")
    export = years[years["observable"] == "export_orientation"].set_index("year")
    assert export.index.min() == 2005 and export.index.max() == 2025
    # the 2005 median sits at Canberra's observed start (the observable's anchor)
    assert export.loc[2005, "median"] == pytest.approx(export.loc[2005, "observed"], abs=0.05)


def test_canberra_needs_its_world(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        replay.main(["analysis.state=AUS", "runs=2", f"hydra.run.dir={tmp_path / 'out'}"])
    assert exit_info.value.code == 2
    assert not (tmp_path / "out").exists()
