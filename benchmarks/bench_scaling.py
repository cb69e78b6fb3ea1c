"""How a sweep's time and memory scale with the number of runs and of middle powers: the whole
`python -m experiments.sweep sweep=pressures_lhs` command (Dask, two workers by default), at
10^4 to 3 x 10^6 runs of the default world, and at a fixed number of runs with 2, 3 and 6
middle powers (east_asia_2025, indo_pacific_2025, and benchmarks/conf/world/east_asia_6.yaml,
a benchmark world of four more). Wall and CPU time, peak memory (PSS) of the command's
process tree (`measure.py`); every point appended to `--json`, then plotted.

    python benchmarks/bench_scaling.py                       # the full set, ~10 min idle
    python benchmarks/bench_scaling.py --runs 10000 100000 --middle-power-runs 30000
    python benchmarks/bench_scaling.py --baseline ../baseline  # the previous release too
    python benchmarks/bench_scaling.py --plot-only benchmarks/results/scaling.jsonl

A sweep works chunk by chunk (25,000 runs) and writes each to its store, so its memory should
be flat in runs and its time linear. With `--baseline`, each point is measured for the
previous release's tree and this one, in alternating order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import ROOT, commit_of, load, machine, measured_sweep  # noqa: E402

BENCH_CONF = Path(__file__).resolve().parent / "conf"
WORLDS = {2: "east_asia_2025", 3: "indo_pacific_2025", 6: "east_asia_6"}
RUNS = [10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000]


def sweep(tree: Path, runs: int, world: str, workers: int, chunk_runs: int) -> dict:
    result = measured_sweep(
        runs,
        f"world={world}",
        f"sweep.chunk_runs={chunk_runs}",
        flags=("--config-dir", str(BENCH_CONF)),
        workers=workers,
        tree=tree,
    )
    if result.returncode != 0:
        raise RuntimeError(f"sweep of {runs} runs in {tree} failed: {result.stderr[-400:]}")
    return {
        "runs": runs,
        "world": world,
        "seconds": result.seconds,
        "cpu_seconds": result.cpu_seconds,
        "peak_pss_mb": result.peak_pss_mb,
        "peak_rss_mb": result.peak_rss_mb,
        "load_before": result.load_before[0],
        "load_after": result.load_after[0],
    }


def plot(records: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
    trees = sorted({r["tree"] for r in records}, key=lambda t: t != "this")
    styles = {"this": dict(color="C0", marker="o"), "previous": dict(color="C7", marker="s")}
    for tree in trees:
        style = styles.get(tree, {})
        by_runs = sorted(
            (r for r in records if r["tree"] == tree and r["series"] == "runs"),
            key=lambda r: r["runs"],
        )
        if by_runs:
            runs = [r["runs"] for r in by_runs]
            axes[0, 0].loglog(runs, [r["seconds"] for r in by_runs], label=f"{tree}: wall", **style)
            axes[0, 0].loglog(
                runs,
                [r["cpu_seconds"] for r in by_runs],
                label=f"{tree}: CPU",
                linestyle="--",
                **style,
            )
            axes[0, 1].semilogx(runs, [r["peak_pss_mb"] for r in by_runs], label=tree, **style)
        by_states = sorted(
            (r for r in records if r["tree"] == tree and r["series"] == "middle_powers"),
            key=lambda r: r["middle_powers"],
        )
        if by_states:
            states = [r["middle_powers"] for r in by_states]
            per_run = [1e6 * r["cpu_seconds"] / r["runs"] for r in by_states]
            axes[1, 0].plot(
                states, per_run, label=f"{tree} ({by_states[0]['runs']:,} runs)", **style
            )
            axes[1, 1].plot(states, [r["peak_pss_mb"] for r in by_states], label=tree, **style)
    if any(r["series"] == "runs" for r in records):
        runs = sorted({r["runs"] for r in records if r["series"] == "runs"})
        this = [r for r in records if r["series"] == "runs" and r["tree"] == trees[0]]
        top = max(this, key=lambda r: r["runs"])
        axes[0, 0].loglog(
            runs,
            [top["cpu_seconds"] * n / top["runs"] for n in runs],
            color="k",
            linewidth=0.6,
            label="linear in runs",
        )
    axes[0, 0].set(xlabel="runs", ylabel="seconds", title="Sweep time vs runs (2 middle powers)")
    axes[0, 1].set(xlabel="runs", ylabel="peak PSS (MB)", title="Sweep peak memory vs runs")
    axes[0, 1].set_ylim(bottom=0)
    axes[1, 0].set(
        xlabel="middle powers", ylabel="CPU µs per run", title="Sweep CPU time per run vs states"
    )
    axes[1, 1].set(xlabel="middle powers", ylabel="peak PSS (MB)", title="Peak memory vs states")
    axes[1, 1].set_ylim(bottom=0)
    for ax in axes.flat:
        ax.grid(True, which="both", alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    for ax in axes[1]:
        ax.set_xticks(sorted(WORLDS))
    fig.suptitle("hedgesim sweeps (pressures_lhs, Dask): scaling; " + machine(), fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, nargs="*", default=RUNS)
    parser.add_argument("--middle-power-runs", type=int, default=300_000)
    parser.add_argument("--middle-powers", type=int, nargs="*", default=sorted(WORLDS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-runs", type=int, default=25_000)
    parser.add_argument("--baseline", type=Path, help="also measure the previous release's tree")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/scaling.jsonl")
    parser.add_argument("--plot", type=Path, default=ROOT / "benchmarks/results/scaling.png")
    parser.add_argument("--plot-only", type=Path, help="redraw the plot from this JSON-lines file")
    args = parser.parse_args()

    if args.plot_only:
        plot([json.loads(line) for line in args.plot_only.read_text().splitlines()], args.plot)
        print(f"plot: {args.plot}")
        return 0
    unknown = sorted(set(args.middle_powers) - set(WORLDS))
    if unknown:
        print(
            f"error: --middle-powers = {unknown[0]}: choose from {sorted(WORLDS)}", file=sys.stderr
        )
        return 2
    trees = {"this": ROOT}
    if args.baseline:
        trees["previous"] = args.baseline.resolve()
    points = [("runs", n, WORLDS[2]) for n in args.runs]
    points += [("middle_powers", args.middle_power_runs, WORLDS[m]) for m in args.middle_powers]
    print(f"# sweep scaling: {machine()}; {args.workers} Dask workers, chunks of {args.chunk_runs}")
    print(
        "| tree | series | world | middle powers | runs | wall (s) | CPU (s) | CPU µs/run | peak PSS (MB) | load before/after |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    records = []
    for i, (series, runs, world) in enumerate(points):
        order = list(trees) if i % 2 == 0 else list(reversed(trees))
        for name in order:
            r = sweep(trees[name], runs, world, args.workers, args.chunk_runs)
            states = {v: k for k, v in WORLDS.items()}[world]
            r.update(tree=name, commit=commit_of(trees[name]), series=series, middle_powers=states)
            r.update(machine=machine())
            records.append(r)
            with args.json.open("a") as out:
                out.write(json.dumps(r) + "\n")
            print(
                f"| {name} | {series} | {world} | {states} | {runs:,} | {r['seconds']:.1f} | "
                f"{r['cpu_seconds']:.1f} | {1e6 * r['cpu_seconds'] / runs:.0f} | "
                f"{r['peak_pss_mb']:,.0f} | {r['load_before']:.1f} / {r['load_after']:.1f} |",
                flush=True,
            )
    # every point of the file, this call's and earlier ones' (a series measured in parts)
    plot([json.loads(line) for line in args.json.read_text().splitlines()], args.plot)
    print(f"# plot: {args.plot}; records appended to {args.json}; load now {load(os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
