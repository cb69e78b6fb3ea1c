"""A sweep of the default world (lee_2025 in east_asia_2025, 40 quarterly steps) at several
sizes: wall time, throughput and peak memory of the whole `python -m experiments.sweep`
command (its Dask workers included), the store written to a temporary folder.

    python benchmarks/bench_sweep.py                                   # 10^4 and 10^5 runs
    python benchmarks/bench_sweep.py --runs 1000000 --executor dask --workers 2
    python benchmarks/bench_sweep.py --runs 10000 100000 1000000 --chunk-runs 25000

The design is `pressures_lhs` (all seven pressures) with 10 runs per point, so a size of N
runs is N/10 Latin-hypercube points. Memory should stay flat as N grows: a chunk is the unit
of work and of memory, and only the chunks in flight are held. Targets (issue 4): 10^6 runs
in at most 60 s on the 2-core machine, peak memory under 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import load, machine, measured_sweep  # noqa: E402

STEPS = 40
MIDDLE_POWERS = 2  # KOR and JPN in east_asia_2025: the agents that choose every step


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--executor", choices=["inprocess", "dask"], default="inprocess")
    parser.add_argument("--workers", type=int, default=2, help="Dask LocalCluster workers")
    parser.add_argument("--chunk-runs", type=int, default=25_000)
    parser.add_argument("--json", type=Path, help="append the results to this JSON-lines file")
    parser.add_argument(
        "--cpu-only",
        action="store_true",
        help="sample CPU times alone, not memory (the least disturbed wall time; peaks 0)",
    )
    args = parser.parse_args()

    print(
        f"# sweep benchmark: {machine()}; executor {args.executor}"
        + (f" ({args.workers} workers)" if args.executor == "dask" else "")
        + f", chunks of {args.chunk_runs} runs"
    )
    print(
        "| runs | wall time (s) | CPU time (s) | runs/s | agent-steps/s | peak PSS (MB) | peak RSS (MB) | load before/after |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for runs in args.runs:
        result = measured_sweep(
            runs,
            f"sweep.chunk_runs={args.chunk_runs}",
            executor=args.executor,
            workers=args.workers,
            memory=not args.cpu_only,
        )
        if result.returncode != 0:
            print(f"sweep of {runs} runs failed: {result.stderr.strip()[-500:]}", file=sys.stderr)
            return 1
        agent_steps = runs * STEPS * MIDDLE_POWERS / result.seconds
        print(
            f"| {runs:,} | {result.seconds:.1f} | {result.cpu_seconds:.1f} | {runs / result.seconds:,.0f} | "
            f"{agent_steps:,.0f} | "
            f"{result.peak_pss_mb:,.0f} | {result.peak_rss_mb:,.0f} | "
            f"{load(result.load_before)} / {load(result.load_after)} |",
            flush=True,
        )
        if args.json:
            with args.json.open("a") as out:
                out.write(
                    json.dumps(
                        {
                            "benchmark": "sweep",
                            "runs": runs,
                            "executor": args.executor,
                            "workers": args.workers,
                            "chunk_runs": args.chunk_runs,
                            "seconds": result.seconds,
                            "cpu_seconds": result.cpu_seconds,
                            "peak_pss_mb": result.peak_pss_mb,
                            "peak_rss_mb": result.peak_rss_mb,
                            "load_before": result.load_before,
                            "load_after": result.load_after,
                            "machine": machine(),
                        }
                    )
                    + "\n"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
