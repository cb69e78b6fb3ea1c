"""One measurement in a fresh process, of whichever hedgesim tree is on PYTHONPATH: what
`benchmarks/compare.py` runs, alternately in the previous release's tree and this one. Prints
one JSON line. Uses only what both trees have (`experiments.compose`, `sim.simulate`,
`agents.GeopoliticsModel`), so it runs unchanged against either.

    python benchmarks/probe.py mesa --runs 20        # model time of 40-step Mesa runs
    python benchmarks/probe.py mesa --serve          # one Mesa run per line read (compare.py)
    python benchmarks/probe.py engine --runs 25000   # engine CPU time of one chunk of runs
    python benchmarks/probe.py decision decision.rule=logit   # ns per middle-power decision

CPU time is `time.process_time()` of this process: what the machine's other work disturbs
least (it still slows caches and shared cores, which is why compare.py alternates trees).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np

SUMMARY_VARIABLES = ("security", "economic", "autonomy", "threat")  # what a sweep records
PRESSURES = (  # sim.params.PRESSURE_KEYS, spelled out: the probe imports nothing it needn't
    "us_reliability",
    "china_coercion",
    "us_trade_pressure",
    "china_military",
    "dprk_threat",
    "russia_dprk",
    "taiwan_risk",
)


def agents_per_run(params) -> int:
    """Every agent of the world: middle powers, great powers, challengers, backers."""
    world = params.world
    return sum(
        len(group)
        for group in (world.middle_powers, world.great_powers, world.challengers, world.backers)
    )


def mesa(args) -> dict:
    """Model time of a full Mesa run (construction, every step, the recorded trajectories),
    the engine's own steps of one run (`engine_one_run`) and Mesa's own part of a run of
    the same shape (`mesa_floor`): what the Mesa layer adds lies between."""
    import agents
    from experiments import compose

    params = compose(args.overrides)
    steps = params.scenario.steps
    warm = agents.GeopoliticsModel(params, rng=args.seed, run=0)  # imports, kernels loaded
    warm.run_for(steps)
    warm.trajectories()  # the record's kernels too: the first timed run pays none of them
    times = [mesa_run(agents, params, args.seed, run) for run in range(args.runs)]
    return {
        "best_ms": 1e3 * min(times),
        "median_ms": 1e3 * statistics.median(times),
        "engine_best_ms": 1e3 * engine_one_run(params, args),
        "mesa_floor_ms": 1e3 * mesa_floor(warm, args.runs),
        "steps": steps,
        "agents": agents_per_run(params),
    }


def mesa_run(agents, params, seed: int, run: int) -> float:
    """CPU seconds of one full Mesa run: construction, every step, the trajectories."""
    started = time.process_time()
    model = agents.GeopoliticsModel(params, rng=seed, run=run)
    model.run_for(model.horizon)
    model.trajectories()
    return time.process_time() - started


def mesa_served(args) -> None:
    """Mesa runs on demand, for `compare.py mesa --lock-step`: after warm runs, prints
    `ready`, then for each line read from stdin two runs, printing the CPU seconds of the
    second (the first warms the caches the other tree's process has just used, as the runs
    of `mesa` follow one another). Two such processes, one per tree, run in turn: what the
    machine does to one tree's run it does to the other's, a few milliseconds apart, and
    the ratio of the pair keeps little of it."""
    import agents
    from experiments import compose

    params = compose(args.overrides)
    for run in range(3):  # imports, kernels loaded, the record's kernels: the first runs'
        mesa_run(agents, params, args.seed, run)
    print("ready", flush=True)
    for run, _ in enumerate(sys.stdin):
        mesa_run(agents, params, args.seed, run)
        print(mesa_run(agents, params, args.seed, run), flush=True)


def mesa_floor(model, runs: int) -> float:
    """Mesa's own part of a run (best CPU seconds over `runs`): a model of `model`'s agents
    (as many, plain `mesa.Agent`s) stepped as many steps by `run_for`, whose step only
    collects a row of as many columns (each model column a reporter's number, as Mesa's
    `collect` takes it, each agent column a number per agent): Mesa's clock, events and
    DataCollector, without any of the model's work. What a Mesa run of this shape costs
    whatever the model does."""
    import mesa

    steps = int(model.steps)
    model_columns = list(model.datacollector.model_vars)
    agent_columns = list(model.datacollector.agent_reporters)
    agents = len(model.agents)

    class Floor(mesa.Model):
        def __init__(self, seed):
            super().__init__(rng=seed)
            mesa.Agent.create_agents(self, agents)
            values = {agent: 0.5 for agent in self.agents}
            self.datacollector = mesa.DataCollector(
                model_reporters={name: (lambda m: 0.5) for name in model_columns},
                agent_reporters={name: values.__getitem__ for name in agent_columns},
            )
            self.datacollector.collect(self)

        def step(self):
            self.datacollector.collect(self)

    Floor(0).run_for(steps)
    times = []
    for run in range(runs):
        started = time.process_time()
        Floor(run).run_for(steps)
        times.append(time.process_time() - started)
    return min(times)


def engine_one_run(params, args) -> float:
    """The engine's own steps for one run (best CPU seconds over `args.runs` runs): what the
    Mesa layer's calls of the same functions cost at least, the same run done in one call
    of each function for every agent (`sim.dynamics.step`), no recording."""
    import numpy as np

    from sim import dynamics
    from sim.world import compile_world

    times = []
    for run in range(args.runs):
        started = time.process_time()
        w = compile_world(params, args.seed, np.array([run]), slice(0, 1))
        keys, state = dynamics.random_keys(w), dynamics.initial_state(w)
        for k in range(1, w.steps + 1):
            state = dynamics.step(w, state, k, keys)
        times.append(time.process_time() - started)
    return min(times)


def engine(args) -> dict:
    """CPU time of one chunk of runs of the engine, each run with its own pressures (as in a
    sweep), recording what a sweep records."""
    from experiments import compose
    from sim import simulate, with_values

    params = compose(args.overrides)
    rng = np.random.default_rng(0)
    chunk = with_values(
        params, {f"pressures.{name}": rng.uniform(0, 1, args.runs) for name in PRESSURES}
    )
    simulate(params, runs=300, seed=1, variables=SUMMARY_VARIABLES)  # first-call costs
    times = []
    for _ in range(args.repeat):
        started = time.process_time()
        simulate(chunk, runs=args.runs, seed=1, variables=SUMMARY_VARIABLES, params_attr=False)
        times.append(time.process_time() - started)
    seconds = min(times)
    run_steps = args.runs * params.scenario.steps
    return {
        "seconds": seconds,
        "agent_steps_per_s": run_steps * agents_per_run(params) / seconds,
        "middle_power_steps_per_s": run_steps * len(params.world.middle_powers) / seconds,
        "agents": agents_per_run(params),
    }


def decision(args) -> dict:
    """The middle powers' decision alone (`sim.dynamics.decide`: the context's draws and the
    compiled rule), nanoseconds of CPU per decision, best of `args.repeat` calls on a block of
    `args.runs` runs at step 1 of the world's start."""
    from experiments import compose
    from sim import dynamics
    from sim.world import compile_world

    params = compose(args.overrides)
    w = compile_world(params, args.seed, np.arange(args.runs), slice(0, args.runs))
    state, keys = dynamics.initial_state(w), dynamics.random_keys(w)
    ctx = dynamics.decision_context(w, state)
    dynamics.decide(w, ctx, 1, keys.decide)  # first-call costs
    times = []
    for _ in range(max(args.repeat, 20)):
        started = time.process_time()
        dynamics.decide(w, ctx, 1, keys.decide)
        times.append(time.process_time() - started)
    decisions = args.runs * len(w.middle)
    return {
        "ns_per_decision": 1e9 * min(times) / decisions,
        "median_ns_per_decision": 1e9 * statistics.median(times) / decisions,
        "rule": params.decision.rule,
    }


PROBES = {"mesa": mesa, "engine": engine, "decision": decision}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=list(PROBES))
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. scenario=thaad_2016")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=1, help="engine: best of this many")
    parser.add_argument("--seed", type=int, default=20250604)
    parser.add_argument("--serve", action="store_true", help="mesa: runs on demand (stdin)")
    args = parser.parse_args()
    if args.serve:
        if args.what != "mesa":
            parser.error(f"--serve is for `mesa`, not `{args.what}`")
        mesa_served(args)
        return 0
    if args.runs is None:
        args.runs = {"mesa": 20, "engine": 25_000, "decision": 4_096}[args.what]
    result = PROBES[args.what](args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
