"""Engine throughput in agent-steps per second (runs x steps x middle powers / second) of
the default world (lee_2025 in east_asia_2025, 40 quarterly steps) at 10^3 to 10^6 runs, on
one core, recording only what sweep summaries need (`variables=`), in chunks as a sweep runs
them (the 10^6 runs would not fit in memory as one batch of trajectories).

By default every run has its own values of the seven pressures (as in a sweep: the engine
then works on arrays over runs where it would otherwise broadcast scalars, which costs about
a third more); `--fixed` keeps the defaults for every run.

    python benchmarks/bench_throughput.py                        # 10^3, 10^4, 10^5 runs
    python benchmarks/bench_throughput.py --runs 1000 1000000
    python benchmarks/bench_throughput.py --fixed --all-variables

Cost should be linear in runs: agent-steps per second flat from 10^4 runs on (at 10^3 the
per-call overhead shows).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from experiments import compose  # noqa: E402
from sim import simulate, with_values  # noqa: E402
from sim.params import PRESSURE_KEYS  # noqa: E402

SUMMARY_VARIABLES = ("security", "economic", "autonomy", "threat")  # sweep defaults record these
CHUNK_RUNS = 25_000  # conf/sweep/settings/common.yaml: chunk_runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--chunk-runs", type=int, default=CHUNK_RUNS)
    parser.add_argument("--all-variables", action="store_true", help="record every variable")
    parser.add_argument("--fixed", action="store_true", help="the same parameters in every run")
    args = parser.parse_args()

    params = compose([])
    steps, states = params.scenario.steps, len(params.world.middle_powers)
    kwargs = {} if args.all_variables else {"variables": SUMMARY_VARIABLES}
    simulate(params, runs=10, seed=1, **kwargs)  # imports and first-call costs out of the way
    print(
        f"# engine throughput, one core: {steps} steps x {states} middle powers; "
        f"{'every variable' if args.all_variables else 'summary variables'}; "
        f"chunks of {args.chunk_runs} runs; load {os.getloadavg()[0]:.1f}"
    )
    print("| runs | seconds | runs/s | agent-steps/s |")
    print("|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    for runs in args.runs:
        seconds = 0.0
        for first in range(0, runs, args.chunk_runs):
            n = min(args.chunk_runs, runs - first)
            chunk = params
            if not args.fixed:
                chunk = with_values(
                    params, {f"pressures.{k}": rng.uniform(0, 1, n) for k in PRESSURE_KEYS}
                )
            started = time.perf_counter()
            simulate(chunk, runs=n, seed=1, first_run=first, **kwargs)
            seconds += time.perf_counter() - started
        print(
            f"| {runs:,} | {seconds:.2f} | {runs / seconds:,.0f} | {runs * steps * states / seconds:,.0f} |",
            flush=True,
        )
    print(f"# load after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
