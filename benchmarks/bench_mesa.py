"""Throughput of the two layers on the same scenario, in one process: agent-steps per second.

An agent-step is one agent (middle power, great power, challenger or backer) advanced one
step in one run; both layers simulate the same runs (the Mesa layer a prefix of the engine's
batch, which it must reproduce exactly: checked before timing). Each layer is timed as the
best of `--repeat` calls, so that a busy machine disturbs the result less.

    .venv/bin/python benchmarks/bench_mesa.py
    .venv/bin/python benchmarks/bench_mesa.py scenario=thaad_2016 decision.rule=logit --mesa-runs 50
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import agents
import sim
from experiments import compose


def best_time(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            names = [
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            ]
        return f"{names[0]} x {len(names)}"
    except (OSError, IndexError):
        return platform.processor() or platform.machine()


def agent_count(params) -> int:
    world = params.world
    return (
        len(world.middle_powers)
        + len(world.great_powers)
        + len(world.challengers)
        + len(world.backers)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. scenario=thaad_2016")
    parser.add_argument("--engine-runs", type=int, default=1000)
    parser.add_argument("--mesa-runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20250604)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    params = compose(args.overrides)
    steps = params.scenario.steps
    agents_per_run = agent_count(params)

    check = min(args.mesa_runs, args.engine_runs)
    engine_ds = sim.simulate(params, runs=check, seed=args.seed)
    mesa_ds = agents.simulate(params, runs=check, seed=args.seed)
    gap = max(
        float(np.max(np.abs(mesa_ds[v].values.astype(float) - engine_ds[v].values.astype(float))))
        for v in engine_ds.data_vars
    )
    assert gap <= 1e-12, f"the layers disagree by {gap}"

    engine_s = best_time(
        lambda: sim.simulate(params, runs=args.engine_runs, seed=args.seed), args.repeat
    )
    mesa_s = best_time(
        lambda: agents.simulate(params, runs=args.mesa_runs, seed=args.seed), args.repeat
    )
    engine_rate = args.engine_runs * steps * agents_per_run / engine_s
    mesa_rate = args.mesa_runs * steps * agents_per_run / mesa_s

    print(
        f"scenario {params.scenario.name}, world {params.world.name}, rule {params.decision.rule}: "
        f"{agents_per_run} agents, {steps} steps; layers agree to {gap:.1e}"
    )
    print(f"machine: {cpu_name()}, Python {platform.python_version()}, numpy {np.__version__}")
    print(
        f"engine (sim.simulate):   {args.engine_runs:6d} runs in {engine_s:8.3f} s  {engine_rate:14,.0f} agent-steps/s"
    )
    print(
        f"mesa (agents.simulate):  {args.mesa_runs:6d} runs in {mesa_s:8.3f} s  {mesa_rate:14,.0f} agent-steps/s"
    )
    print(f"engine / mesa: {engine_rate / mesa_rate:,.0f}x")


if __name__ == "__main__":
    main()
