"""The replay's figure says which years were fitted for the state it shows: Seoul's years up to
the end of the fit period, and none of a test country's (Tokyo, Canberra: never fitted)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from experiments.analysis.posterior_figures import bands_figure, fitted_years

FIT_UNTIL = 2014
YEARS = list(range(2010, 2021))


def yearly_table() -> pd.DataFrame:
    """One observable over 2010-2020, observed in 2011, 2013 (fit period) and 2016, 2019."""
    observed = {2011: -0.3, 2013: -0.4, 2016: -0.5, 2019: -0.6}
    return pd.DataFrame(
        {
            "observable": "export_orientation",
            "year": YEARS,
            "median": np.linspace(-0.2, -0.5, len(YEARS)),
            "q05": np.linspace(-0.3, -0.6, len(YEARS)),
            "q95": np.linspace(-0.1, -0.4, len(YEARS)),
            "observed": [observed.get(y, np.nan) for y in YEARS],
        }
    )


@pytest.fixture
def figure():
    figures = {}

    def draw(fitted_state: bool):
        fig = bands_figure(
            yearly_table(),
            ["export_orientation"],
            FIT_UNTIL,
            errors={"export_orientation": (0.11, 0.22)},
            fitted_state=fitted_state,
        )
        figures[fitted_state] = fig
        return fig

    yield draw
    for fig in figures.values():
        plt.close(fig)


def test_only_a_fitted_state_has_fitted_years():
    years = pd.Series(YEARS)
    assert years[fitted_years(years, FIT_UNTIL, True)].tolist() == list(range(2010, 2015))
    assert not fitted_years(years, FIT_UNTIL, False).any()


def legend_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def plotted_years(fig, label: str) -> list[int]:
    """The years with an observation drawn under the legend entry `label`."""
    (line,) = [line for line in fig.axes[0].get_lines() if line.get_label() == label]
    x, y = line.get_data()
    return [int(year) for year, value in zip(x, y, strict=True) if not np.isnan(value)]


def shaded_span(fig) -> tuple[float, float]:
    (span,) = fig.axes[0].patches  # axvspan: the shaded test years
    left, right = (span.get_x(), span.get_x() + span.get_width())
    return left, right


def test_a_fitted_state_shows_its_fit_and_test_years_apart(figure):
    fig = figure(fitted_state=True)
    assert legend_texts(fig) == ["5-95%", "median", "observed (fit)", "observed (test)"]
    assert plotted_years(fig, "observed (fit)") == [2011, 2013]
    assert plotted_years(fig, "observed (test)") == [2016, 2019]
    assert shaded_span(fig) == (FIT_UNTIL + 0.5, 2020.5)
    assert "RMSE fit 0.11, test 0.22" in fig.axes[0].get_ylabel()


def test_a_test_country_has_no_fit_year_in_legend_shading_or_errors(figure):
    fig = figure(fitted_state=False)
    texts = legend_texts(fig)
    assert not any("fit)" in t for t in texts)
    assert texts == ["5-95%", "median", "observed (test: never fitted)"]
    assert plotted_years(fig, "observed (test: never fitted)") == [2011, 2013, 2016, 2019]
    assert shaded_span(fig) == (2009.5, 2020.5)  # every year a test year
    label = fig.axes[0].get_ylabel()
    assert "fit " not in label and "RMSE to 2014 0.11, after 0.22" in label
    assert "every year a test year" in fig.axes[0].get_xlabel()
