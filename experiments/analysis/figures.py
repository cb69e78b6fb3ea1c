"""The analyses' figures: Sobol' bars, PRIM trade-offs, calibration fit and history replay."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

S1_COLOUR, ST_COLOUR = "#4c72b0", "#dd8452"
US_COLOUR, CN_COLOUR = "#1f4e99", "#b22222"


def label(key: str) -> str:
    """'pressures.rivalry' -> 'rivalry'; 'weights.economic' -> 'economic (weight)'."""
    section, _, name = key.rpartition(".")
    if section == "weights":
        return f"{name} (weight)"
    if section == "pressures":
        return name
    return key


def plot_sobol(indices, path: Path) -> None:
    """One panel per outcome: S1 and ST of every input with their confidence intervals,
    inputs ordered by their largest total index over the outcomes."""
    outcomes = list(indices["outcome"].values)
    order = indices["ST"].max("outcome").to_series().sort_values().index
    y = np.arange(len(order))
    fig, axes = plt.subplots(
        1, len(outcomes), figsize=(4.2 * len(outcomes) + 1.5, 0.32 * len(order) + 1.8), sharey=True
    )
    axes = np.atleast_1d(axes)
    for ax, outcome in zip(axes, outcomes, strict=True):
        table = indices.sel(outcome=outcome).to_dataframe().loc[order]
        ax.barh(
            y + 0.2,
            table["ST"],
            0.4,
            xerr=table["ST_conf"],
            color=ST_COLOUR,
            label="total (ST)",
            capsize=2,
        )
        ax.barh(
            y - 0.2,
            table["S1"],
            0.4,
            xerr=table["S1_conf"],
            color=S1_COLOUR,
            label="first order (S1)",
            capsize=2,
        )
        ax.set_title(f"{indices.attrs.get('focus', '')} {outcome} at the horizon")
        ax.axvline(0, color="black", linewidth=0.6)
        if "noise" in indices and np.isfinite(float(indices["noise"].sel(outcome=outcome))):
            noise = float(indices["noise"].sel(outcome=outcome))
            ax.axvline(noise, color="grey", linestyle="--", linewidth=1)
            ax.text(
                noise + 0.01, -0.9, f"run-to-run noise {noise:.0%}", fontsize=7, color="dimgrey"
            )
        ax.set_xlim(
            min(-0.05, float(table["S1"].min()) - 0.05), max(1.0, float(table["ST"].max()) + 0.1)
        )
        ax.set_xlabel("share of variance")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, [label(k) for k in order])
    axes[-1].legend(loc="lower right", fontsize=8)
    level = indices.attrs.get("conf_level", 0.95)
    fig.suptitle(
        f"Sobol' indices, scenario {indices.attrs.get('scenario', '')}, calibrated={indices.attrs.get('calibrated', 'none')}: "
        f"{indices.attrs.get('points', '?')} points x "
        f"{indices.attrs.get('replicates', '?')} runs; bars ±{level:.0%} bootstrap interval",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_tradeoff(results: dict, path: Path, title: str = "") -> None:
    """One panel per outcome class: PRIM's peeling trajectory (coverage against density,
    coloured by the number of restricted inputs), the chosen box circled and spelt out."""
    classes = list(results)
    columns = 2 if len(classes) == 4 else len(classes)
    rows = -(-len(classes) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.0 * columns, 4.4 * rows), squeeze=False)
    for ax, name in zip(axes.flat, classes, strict=False):
        entry = results[name]
        ax.set_title(f"{name}: {entry['share']:.0%} of points", fontsize=10)
        ax.set_xlabel("coverage")
        ax.set_ylabel("density")
        ax.set_xlim(0, 1.05)
        ax.set_ylim(0, 1.05)
        ax.grid(alpha=0.3)
        if not entry["boxes"]:
            ax.text(
                0.5, 0.5, "no case of interest", ha="center", va="center", transform=ax.transAxes
            )
            continue
        first = entry["boxes"][0]
        t = first.trajectory
        points = ax.scatter(
            t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=14, zorder=2
        )
        ax.scatter(
            [first.coverage],
            [first.density],
            s=140,
            facecolors="none",
            edgecolors="red",
            linewidths=1.6,
            zorder=3,
        )
        ax.axhline(entry["share"], color="grey", linestyle=":", linewidth=1)
        rule = first.rule().replace(" and ", "\nand ")
        ax.text(
            0.03,
            0.03,
            rule,
            transform=ax.transAxes,
            fontsize=7.5,
            va="bottom",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
        )
        fig.colorbar(points, ax=ax, label="restricted inputs", shrink=0.8)
    for ax in axes.flat[len(classes) :]:
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def _observed(ax, observed: pd.Series, later: pd.Series | None) -> None:
    ax.plot(
        pd.to_datetime([f"{y}-07-01" for y in observed.index]),
        observed.values,
        "o",
        color="black",
        label="observed export orientation (fitted)",
        zorder=4,
    )
    if later is not None and len(later):
        ax.plot(
            pd.to_datetime([f"{y}-07-01" for y in later.index]),
            later.values,
            "o",
            mfc="white",
            color="black",
            label="observed, not fitted",
            zorder=4,
        )


def _band(ax, times, runs: np.ndarray, colour: str, name: str) -> None:
    """Mean and 10-90% band over runs (axis 0)."""
    low, high = np.quantile(runs, [0.1, 0.9], axis=0)
    ax.fill_between(times, low, high, color=colour, alpha=0.18, linewidth=0)
    ax.plot(times, runs.mean(axis=0), color=colour, label=name, linewidth=1.8)


def plot_calibration(
    times,
    economic_runs,
    observed: pd.Series,
    fit_window: tuple[int, int],
    path: Path,
    subtitle: str = "",
    fitted: str = "",
) -> None:
    """Model economic alignment (mean, 10-90% band of runs) against the fitted observations,
    with the fitted values spelt out."""
    times = pd.to_datetime(times)
    fig, ax = plt.subplots(figsize=(9, 4.6))
    _band(ax, times, economic_runs, US_COLOUR, "model: economic alignment (mean, 10-90% of runs)")
    _observed(ax, observed, None)
    ax.axvspan(pd.Timestamp(f"{fit_window[1] + 1}-01-01"), times[-1], color="grey", alpha=0.08)
    ax.text(
        pd.Timestamp(f"{fit_window[1] + 1}-02-01"),
        0.02,
        "not fitted",
        transform=ax.get_xaxis_transform(),
        fontsize=8,
        color="dimgrey",
    )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("economic alignment  (-1 China ... +1 US)")
    years = ", ".join(str(y) for y in observed.index)
    ax.set_title(
        f"Seoul calibrated to {fit_window[0]}-{fit_window[1]} (observed years {years})"
        + (f"\n{subtitle}" if subtitle else ""),
        fontsize=10,
    )
    if fitted:
        ax.text(
            0.98,
            0.97,
            fitted,
            transform=ax.transAxes,
            fontsize=7.5,
            va="top",
            ha="right",
            family="monospace",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "lightgrey"},
        )
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def plot_replay(
    times,
    security_runs,
    economic_runs,
    observed,
    later,
    events: pd.DataFrame,
    fit_until: int,
    path: Path,
    title: str,
    observable_runs=None,
) -> None:
    """Security and economic alignment 2000-2025 (and, given `observable_runs`, the model's
    observable export orientation, issue 12) against the observed export orientation;
    the fitted window unshaded, the years reached from the schedule alone shaded; the dated
    events numbered along the top and listed underneath."""
    times = pd.to_datetime(times)
    shown = events[
        (pd.to_datetime(events["date"]) >= times[0]) & (pd.to_datetime(events["date"]) <= times[-1])
    ]
    fig = plt.figure(figsize=(11, 6.6))
    ax = fig.add_axes((0.07, 0.33, 0.9, 0.6))
    ax.axvspan(pd.Timestamp(f"{fit_until + 1}-01-01"), times[-1], color="grey", alpha=0.08)
    ax.text(
        pd.Timestamp(f"{fit_until + 1}-03-01"),
        -1.04,
        "not fitted: reached from the schedule of events alone",
        fontsize=8,
        color="dimgrey",
    )
    _band(ax, times, security_runs, "#2a9d8f", "model: security alignment")
    _band(ax, times, economic_runs, US_COLOUR, "model: economic alignment")
    if observable_runs is not None:
        _band(ax, times, observable_runs, "#e76f51", "model: export orientation (observable)")
    _observed(ax, observed, later)
    for number, (_, event) in enumerate(shown.iterrows(), start=1):
        when = pd.Timestamp(event["date"])
        ax.axvline(when, color="grey", linewidth=0.5, alpha=0.5, zorder=1)
        ax.text(
            when,
            1.06 + 0.045 * (number % 2),
            str(number),
            fontsize=6.5,
            ha="center",
            color="dimgrey",
        )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylim(-1.1, 1.16)
    ax.set_ylabel("alignment  (-1 China ... +1 US)")
    ax.set_title(title, fontsize=10, pad=14)
    ax.legend(fontsize=8, loc="center right", bbox_to_anchor=(1.0, 0.7), ncols=2)
    ax.grid(alpha=0.3)
    listing = [
        f"{n:2d}  {pd.Timestamp(e['date']):%Y-%m}  {e['short']}"
        for n, (_, e) in enumerate(shown.iterrows(), start=1)
    ]
    columns = 3
    per_column = -(-len(listing) // columns)
    for c in range(columns):
        block = "\n".join(listing[c * per_column : (c + 1) * per_column])
        fig.text(
            0.07 + c * 0.31, 0.24, block, fontsize=7, va="top", family="monospace", color="dimgrey"
        )
    fig.savefig(path, dpi=130)
    plt.close(fig)
