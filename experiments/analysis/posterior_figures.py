"""The calibration's figures: the posterior's pairs plot and the posterior-predictive bands of
each observable (the fit years for the calibration; fit and test years for the replay)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from experiments.analysis.observed import observable  # noqa: E402

BAND, MEDIAN, OBSERVED = "#9ecae1", "#08519c", "#222222"


def short_key(key: str) -> str:
    return key.replace("world.middle_powers.", "").replace(".", ".\n", 1)


def plot_pairs(posterior, priors, path: Path) -> None:
    """The weighted posterior: each parameter's histogram on the diagonal, each pair's
    particles below it (darker: more weight); every axis spans its uniform prior, so a
    parameter squeezed against an edge, or left spread over its whole range, shows."""
    keys = [p.key for p in priors]
    limits = {p.key: (p.low, p.high) for p in priors}
    n = len(keys)
    weights = posterior.weights / posterior.weights.max()
    fig, axes = plt.subplots(n, n, figsize=(1.7 * n + 1, 1.7 * n + 1), squeeze=False)
    for i, row_key in enumerate(keys):
        for j, col_key in enumerate(keys):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            x = posterior.particles[col_key].to_numpy()
            if i == j:
                ax.hist(x, bins=20, range=limits[col_key], weights=posterior.weights, color=BAND)
                ax.set_yticks([])
            else:
                y = posterior.particles[row_key].to_numpy()
                colours = np.zeros((len(x), 4))
                colours[:, 2], colours[:, 3] = 0.5, 0.15 + 0.85 * weights
                ax.scatter(x, y, s=5, c=colours, linewidths=0)
                ax.set_ylim(limits[row_key])
            ax.set_xlim(limits[col_key])
            ax.tick_params(labelsize=6)
            if i == n - 1:
                ax.set_xlabel(short_key(col_key), fontsize=7)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(short_key(row_key), fontsize=7)
            elif j > 0:
                ax.set_yticklabels([])
    fig.suptitle(
        f"posterior of {n} parameters (ABC-SMC, {posterior.generations} generations, "
        f"{len(x)} particles); axes span the uniform priors",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_fit(table: pd.DataFrame, targets, path: Path, title: str = "") -> None:
    """Per observable: the posterior-predictive median and 5-95% of each observed fit year
    against the observation."""
    names = [t.name for t in targets]
    fig, axes = plt.subplots(1, len(names), figsize=(4.6 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        rows = table[table["observable"] == name]
        ax.errorbar(
            rows["year"],
            rows["median"],
            yerr=[rows["median"] - rows["q05"], rows["q95"] - rows["median"]],
            fmt="o",
            color=MEDIAN,
            ecolor=BAND,
            elinewidth=4,
            label="model: median, 5-95%",
        )
        ax.plot(rows["year"], rows["observed"], "s", color=OBSERVED, label="observed")
        ax.set_title(observable(name).label, fontsize=9)
        ax.set_xlabel("year")
    axes[0][0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fitted_years(years: pd.Series, fit_until: int, fitted_state: bool) -> pd.Series:
    """Which of `years` the calibration fitted for the state shown: those up to `fit_until` for
    a fitted state (Seoul); none for a test country (Tokyo, Canberra), whose every year is a
    test year: the split at `fit_until` then only marks the end of Seoul's fit period."""
    return (years <= fit_until) & fitted_state


def bands_figure(
    table: pd.DataFrame,
    names: Sequence[str],
    fit_until: int,
    title: str = "",
    errors: dict[str, tuple[float, float]] | None = None,
    fitted_state: bool = True,
) -> Figure:
    """Per observable (or alignment): the yearly median and 5-95% band over posterior draws
    x replicates, the observations (filled: fit years; open: test years) and the test years
    shaded. For a test country (`fitted_state` false) every year is a test year: every
    observation open, every year shaded, and the errors split at `fit_until` labelled by
    period, not as fit and test."""
    fig, axes = plt.subplots(
        len(names), 1, figsize=(9, 2.5 * len(names) + 0.6), sharex=True, squeeze=False
    )
    for ax, name in zip(axes[:, 0], names, strict=True):
        rows = table[table["observable"] == name]
        ax.fill_between(rows["year"], rows["q05"], rows["q95"], color=BAND, label="5-95%")
        ax.plot(rows["year"], rows["median"], color=MEDIAN, label="median")
        fit = fitted_years(rows["year"], fit_until, fitted_state)
        if fitted_state:
            ax.plot(
                rows["year"][fit],
                rows["observed"][fit],
                "o",
                color=OBSERVED,
                label="observed (fit)",
            )
        ax.plot(
            rows["year"][~fit],
            rows["observed"][~fit],
            "o",
            mfc="white",
            color=OBSERVED,
            label="observed (test)" if fitted_state else "observed (test: never fitted)",
        )
        first_test = fit_until + 0.5 if fitted_state else rows["year"].min() - 0.5
        ax.axvspan(first_test, rows["year"].max() + 0.5, color="#eeeeee", zorder=0)
        if not fitted_state:  # where errors.csv splits the years: the end of Seoul's fit period
            ax.axvline(fit_until + 0.5, color="#999999", linestyle=":", linewidth=1)
        label = (
            observable(name).label
            if name not in ("security", "economic", "autonomy")
            else f"{name} alignment"
        )
        if errors and name in errors:
            inside, outside = errors[name]
            if fitted_state:
                before = "no fit year" if np.isnan(inside) else f"fit {inside:.3g}"
                label += f"\nRMSE {before}, test {outside:.3g}"
            else:
                before = "none" if np.isnan(inside) else f"{inside:.3g}"
                label += f"\nRMSE to {fit_until} {before}, after {outside:.3g}\n(never fitted)"
        ax.set_ylabel(label, fontsize=8)
    axes[0, 0].legend(fontsize=7, ncol=4, loc="best")
    axes[-1, 0].set_xlabel(
        f"year (shaded: test years after {fit_until}, never fitted)"
        if fitted_state
        else f"year (shaded: every year a test year, never fitted; dotted: the end of the "
        f"calibration's fit period, {fit_until})"
    )
    fig.suptitle(textwrap.fill(title, 100), fontsize=9)
    fig.tight_layout()
    return fig


def plot_bands(
    table: pd.DataFrame,
    names: Sequence[str],
    fit_until: int,
    path: Path,
    title: str = "",
    errors: dict[str, tuple[float, float]] | None = None,
    fitted_state: bool = True,
) -> None:
    """`bands_figure`, saved to `path`."""
    fig = bands_figure(table, names, fit_until, title, errors, fitted_state)
    fig.savefig(path, dpi=110)
    plt.close(fig)
