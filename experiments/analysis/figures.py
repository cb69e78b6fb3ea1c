"""The analyses' figures: Sobol' bars and PRIM trade-offs (the calibration's and the replay's
are in posterior_figures.py)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

S1_COLOUR, ST_COLOUR = "#4c72b0", "#dd8452"


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
