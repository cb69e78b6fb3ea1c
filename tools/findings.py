"""The README's findings, re-derived from runs: `python tools/findings.py --write`.

Every number the README states about what the model says comes from here, from seeded runs
of the engine; the sentences are written so that they stay true whichever way the numbers
come out. `--check` (what tests/test_findings.py runs) exits 1 when the README's block is not
what the model says now, so a change of the model cannot leave the README behind.

The findings block sits between the markers below in README.md and is also written, with
the commands behind it, to docs/findings.md.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from experiments import compose  # noqa: E402
from sim import simulate, with_values  # noqa: E402
from sim.metrics import labels_of, posture_shares  # noqa: E402

START, END = "<!-- FINDINGS:START -->", "<!-- FINDINGS:END -->"
README, PAGE = ROOT / "README.md", ROOT / "docs" / "findings.md"
SEED = 20250604
RUNS = 1000  # the default experiment's
PAIRED_RUNS = 200  # the property tests' size: same seed, same events, two levels
GRID_LEVELS, GRID_RUNS = 11, 20  # the outcome-space plane


@dataclass
class Finding:
    title: str
    text: str
    how: str  # the runs behind it, for docs/findings.md


def _labels(ds) -> list[str]:
    return labels_of(ds["posture"])


def _percent(x: float) -> str:
    return f"{100 * x:.0f}%" if x >= 0.005 or x == 0 else "under 1%"


def where_seoul_ends() -> Finding:
    params = compose([])
    ds = simulate(params, runs=RUNS, seed=SEED)
    kor = ds.sel(state="KOR")
    shares = posture_shares(kor["posture"].values[:, -1])
    labels = _labels(ds)
    order = np.argsort(-shares)
    parts = [f"{labels[i]} in {_percent(shares[i])}" for i in order if shares[i] > 0]
    absent = [labels[i] for i in range(len(labels)) if shares[i] == 0]
    horizon = str(ds["time"].values[-1])[:7]
    text = (
        f"Under `{params.scenario.name}`, by {horizon} Seoul is {', '.join(parts)} of "
        f"{RUNS:,} runs" + (f"; never {', '.join(absent)}." if absent else ".")
    )
    return Finding(
        "Where Seoul ends",
        text,
        f"`hedgesim run` (scenario `{params.scenario.name}`, {RUNS:,} runs, seed {SEED})",
    )


def the_alliance_by_2028() -> Finding:
    params = compose([])
    ds = simulate(params, runs=RUNS, seed=SEED)
    kor = ds.sel(state="KOR")
    years = ds["time"].values.astype("datetime64[Y]").astype(int) + 1970
    start, later = int(np.argmax(years >= years[0])), int(np.argmax(years >= 2028))
    s0 = float(np.median(kor["security"].values[:, start]))
    s1 = float(np.median(kor["security"].values[:, later]))
    china = list(ds["great_power"].values).index("CHN") if "great_power" in ds.coords else 1
    r0 = float(np.mean(kor["restriction"].values[:, start, china]))
    r1 = float(np.mean(kor["restriction"].values[:, later, china]))
    verdict = "no weaker" if s1 >= s0 - 0.005 else "weaker"
    a0, a1 = (float(np.median(kor["autonomy"].values[:, i])) for i in (start, -1))
    e0, e1 = (float(np.median(kor["economic"].values[:, i])) for i in (start, -1))
    text = (
        f"Seoul's median security alignment is {s0:+.2f} in {years[start]} and {s1:+.2f} in "
        f"{years[later]}: the alliance is {verdict} by then. China's mean restriction on "
        f"Seoul goes from {r0:.2f} to {r1:.2f}. By {years[-1]} the median economy is at "
        f"{e1:+.2f} (from {e0:+.2f}) and autonomy at {a1:.2f} (from {a0:.2f}); no observed "
        "series disciplines autonomy yet (defence spending is issue 12's)."
    )
    return Finding(
        "The alliance by 2028",
        text,
        f"the same {RUNS:,} runs; medians over runs at the first step of each year",
    )


def rivalry_and_the_middle_way() -> Finding:
    base = compose(["scenario=baseline"])
    gaps = []
    for rivalry in (0.2, 0.9):
        params = with_values(base, {"pressures.rivalry": np.full(PAIRED_RUNS, rivalry)})
        ds = simulate(params, runs=PAIRED_RUNS, seed=SEED).sel(state="KOR")
        gaps.append(np.abs(ds["security"].values[:, -1] - ds["economic"].values[:, -1]))
    change = gaps[1] - gaps[0]
    mean, se = float(change.mean()), float(change.std(ddof=1) / np.sqrt(PAIRED_RUNS))
    direction = "narrows" if mean < 0 else "widens"
    text = (
        f"From rivalry 0.2 to 0.9 the gap between Seoul's security and economic alignment "
        f"after ten years {direction} by {abs(mean):.2f} on average (standard error "
        f"{se:.3f}; {int((change < 0).sum())} of {PAIRED_RUNS} paired runs narrower)."
    )
    return Finding(
        "Rivalry and the middle way",
        text,
        f"scenario `baseline`, {PAIRED_RUNS} runs at each level with the same seed and events",
    )


def the_outcome_space() -> Finding:
    base = compose(["scenario=baseline"])
    levels = np.linspace(0.0, 1.0, GRID_LEVELS)
    reliability, coercion = (np.repeat(g.ravel(), GRID_RUNS) for g in np.meshgrid(levels, levels))
    runs = reliability.size
    params = with_values(
        base, {"pressures.us_reliability": reliability, "pressures.china_coercion": coercion}
    )
    ds = simulate(params, runs=runs, seed=SEED, variables=("security", "economic", "autonomy"))
    labels = _labels(ds)
    codes = ds["posture"].sel(state="KOR").values[:, -1].reshape(-1, GRID_RUNS)
    counts = np.stack([(codes == k).sum(axis=1) for k in range(len(labels))], axis=1)
    modal = counts.argmax(axis=1)
    cell_reliability = reliability[::GRID_RUNS]
    parts = []
    for k, label in enumerate(labels):
        cells = modal == k
        if cells.any():
            low, high = cell_reliability[cells].min(), cell_reliability[cells].max()
            span = f"{low:.1f}" if low == high else f"{low:.1f}–{high:.1f}"
            parts.append(
                f"{label} in {int(cells.sum())} of {modal.size} cells (US reliability {span})"
            )
    reached = [labels[k] for k in range(len(labels)) if counts[:, k].sum() > 0]
    text = (
        "Over US reliability × China's coercion disposition (each 0 to 1), Seoul's most "
        f"common posture after ten years is {'; '.join(parts)}. Reached in at least one run: "
        f"{', '.join(reached)}."
    )
    return Finding(
        "The outcome space",
        text,
        f"scenario `baseline`, an {GRID_LEVELS}×{GRID_LEVELS} grid, {GRID_RUNS} runs a cell",
    )


def _modal_plane(base, x_key: str, y_key: str):
    """Seoul's modal 2035 posture over a GRID_LEVELS x GRID_LEVELS plane of two pressures."""
    levels = np.linspace(0.0, 1.0, GRID_LEVELS)
    x, y = (np.repeat(g.ravel(), GRID_RUNS) for g in np.meshgrid(levels, levels))
    params = with_values(base, {x_key: x, y_key: y})
    ds = simulate(params, runs=x.size, seed=SEED, variables=("security", "economic", "autonomy"))
    codes = ds["posture"].sel(state="KOR").values[:, -1].reshape(-1, GRID_RUNS)
    security = ds["security"].sel(state="KOR").values[:, -1].reshape(-1, GRID_RUNS).mean(axis=1)
    return _labels(ds), codes, x[::GRID_RUNS], y[::GRID_RUNS], security


def military_pressure() -> Finding:
    base = compose(["scenario=baseline"])
    labels, codes, rivalry, military, security = _modal_plane(
        base, "pressures.rivalry", "pressures.china_military"
    )
    modal = np.stack([(codes == k).sum(axis=1) for k in range(len(labels))], axis=1).argmax(1)
    found = sorted({labels[k] for k in modal})
    low = security[military == 0.0].mean()
    high = security[military == 1.0].mean()
    moves = "moves toward" if high > low else "does not move toward"
    reading = (
        "it balances against a threatening China"
        if high > low
        else "it does not balance against a threatening China"
    )
    text = (
        "Over rivalry × China's military pressure (each 0 to 1), Seoul's most common posture "
        f"after ten years is {', '.join(found)}; from no military pressure to the most, its mean "
        f"security alignment {moves} the US ({low:+.2f} to {high:+.2f}, averaged over "
        f"rivalry): {reading} at the scenario's US reliability."
    )
    return Finding(
        "A threatening China",
        text,
        f"scenario `baseline`, an {GRID_LEVELS}×{GRID_LEVELS} grid, {GRID_RUNS} runs a cell "
        "(`hedgesim sweep sweep=rivalry_military_grid` draws it)",
    )


# What the China-side corner of the plane needs: US reliability 0.1 with China at its most
# coercive and most threatening, and each assumption that holds Seoul to the US taken away.
CORNER = {
    "pressures.us_reliability": 0.1,
    "pressures.china_coercion": 0.9,
    "pressures.china_military": 0.7,
}
WITHOUT = {
    "the model as sourced": {},
    "no US consent to self-reliance": {"dynamics.consent_complement": 0.0},
    "both camps' ideal points at the middle": {
        f"world.middle_powers.KOR.ideals.{camp}.{dim}": 0.0
        for camp in ("progressive", "conservative")
        for dim in ("security", "economic")
    },
    "no consent, no domestic term, bandwagoning as strong as balancing": {
        "dynamics.consent_complement": 0.0,
        "weights.domestic": 0.0,
        "dynamics.bandwagon": 1.0,
    },
}


def what_keeps_seoul_off_chinas_side() -> Finding:
    base = compose(["scenario=baseline"])
    rows = []
    for name, changes in WITHOUT.items():
        values = {k: np.full(PAIRED_RUNS, v) for k, v in {**CORNER, **changes}.items()}
        ds = simulate(with_values(base, values), runs=PAIRED_RUNS, seed=SEED)
        shares = posture_shares(ds["posture"].sel(state="KOR").values[:, -1])
        labels = _labels(ds)
        china_side, hedging = shares[0] + shares[1], shares[2]
        rows.append(
            f"{name}: {_percent(china_side)} {labels[1].split('-')[0]}-side, "
            f"{_percent(hedging)} hedging"
        )
    text = (
        "Even with US reliability at 0.1 and China at coercion 0.9 and military pressure 0.7, "
        "the shares of runs ending on China's side or hedging are — "
        + "; ".join(rows)
        + ". The China-side and hedging regions of the planes above open only as these "
        "assumptions are taken away."
    )
    return Finding(
        "What keeps Seoul off China's side",
        text,
        f"scenario `baseline` at that corner, {PAIRED_RUNS} runs per line, same seed",
    )


FINDINGS = (
    where_seoul_ends,
    the_alliance_by_2028,
    rivalry_and_the_middle_way,
    the_outcome_space,
    military_pressure,
    what_keeps_seoul_off_chinas_side,
)


def block(findings: list[Finding]) -> str:
    lines = [START, "<!-- written by tools/findings.py from seeded runs; do not edit by hand -->"]
    lines += [f"- **{f.title}.** {f.text}" for f in findings]
    return "\n".join(lines + [END])


def page(findings: list[Finding]) -> str:
    lines = [
        "# What the model says",
        "",
        "Re-derived from seeded runs by `python tools/findings.py --write` (default world; the",
        "README shows the same block). Each finding, the runs behind it:",
        "",
    ]
    for f in findings:
        lines += [f"## {f.title}", "", f.text, "", f"*Runs:* {f.how}.", ""]
    lines += [
        "## The two planes, drawn",
        "",
        "Seoul's modal posture after ten years (`baseline`, 50 runs a cell). Redraw them with",
        "`hedgesim sweep sweep=NAME scenario=baseline` and `hedgesim plot store=...`.",
        "",
        "![US reliability x China's coercion](figures/phase_reliability_coercion.png)",
        "",
        "![Rivalry x China's military pressure](figures/phase_rivalry_military.png)",
        "",
    ]
    return "\n".join(lines)


def replace_block(text: str, new: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + new + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README and docs/findings.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the README is stale")
    args = parser.parse_args(argv)
    findings = [derive() for derive in FINDINGS]
    readme = README.read_text()
    updated = replace_block(readme, block(findings))
    if args.write:
        README.write_text(updated)
        PAGE.write_text(page(findings))
    elif args.check:
        if updated != readme or PAGE.read_text() != page(findings):
            print("README findings are stale: run `python tools/findings.py --write`")
            return 1
    else:
        print(block(findings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
