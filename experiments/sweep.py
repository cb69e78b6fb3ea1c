"""Run a parameter sweep into a Zarr store, resumably.

    python -m experiments.sweep sweep=rivalry_threat_grid
    python -m experiments.sweep sweep=pressures_lhs sweep.store=results/lhs.zarr scenario=thaad_2016
    python -m experiments.sweep sweep=pressures_sobol sweep.executor=dask
    python -m experiments.sweep sweep=pressures_sobol sweep.executor=dask sweep.dask.address=tcp://10.0.0.5:8786

Every argument is a Hydra override (of the model's parameters, `seed`, or the `sweep.*`
settings of conf/sweep/NAME.yaml). Running the same command again after an interruption
(Ctrl-C, a crash, SIGKILL) computes only the chunks that are missing; a store that belongs to
another sweep or is damaged is refused with one line. Exit status: 0 done, 2 bad input or
unusable store, 130 interrupted (resumable).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from omegaconf import OmegaConf, open_dict

from experiments.config import (
    CONF_DIR,
    ConfigError,
    available,
    compose_config,
    explain,
    params_of,
    to_params,
)
from sim.params import ParamError
from sim.sweep.executors import executor
from sim.sweep.plan import SweepPlan, plan_sweep, scheduled_overrides
from sim.sweep.spec import SweepError, SweepSpec, parse_sweep
from sim.sweep.store import StoreError, open_store


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    try:
        spec, plan, progress = prepare(argv)
        for note in scheduled_overrides(plan):
            print(f"note: {note}", file=sys.stderr)
        return run(spec, plan, progress)
    except (ConfigError, SweepError, StoreError, ParamError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before the first chunk: nothing to lose
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return 130


def prepare(argv: list[str]) -> tuple[SweepSpec, SweepPlan, bool]:
    """Compose, validate and plan: everything that can be wrong is found before any output."""
    cfg = compose_config(_select_sweep(argv))
    if cfg.get("sweep") is None:
        raise ConfigError(
            f"sweep: choose a design with sweep=NAME; available: {', '.join(available('sweep'))}"
        )
    try:
        node = OmegaConf.to_container(cfg.sweep, resolve=True)
    except Exception as error:
        raise ConfigError(explain(error)) from None
    with open_dict(cfg):
        cfg.sweep = None  # validated here, by its own schema, not as model parameters
    config = to_params(cfg)
    spec = parse_sweep(node)
    plan = plan_sweep(spec, params_of(config), seed=config.seed)
    return spec, plan, bool(config.progress)


def _select_sweep(argv: list[str]) -> list[str]:
    """`sweep=NAME` picks conf/sweep/NAME.yaml. Unless the root config lists the group in its
    defaults, Hydra wants `+sweep=NAME` for that; accept both spellings."""
    if _sweep_in_defaults():
        return argv
    return ["+" + a if re.match(r"^sweep=", a) else a for a in argv]


def _sweep_in_defaults() -> bool:
    root = OmegaConf.load(CONF_DIR / "config.yaml")
    for entry in root.get("defaults", []):
        names = [entry] if isinstance(entry, str) else list(entry.keys())
        if any(str(n).split("@")[0].removeprefix("optional ").strip() == "sweep" for n in names):
            return True
    return False


def run(spec: SweepSpec, plan: SweepPlan, progress: bool) -> int:
    from tqdm.auto import tqdm

    started = time.perf_counter()
    with executor(spec) as compute, open_store(spec.store, plan) as store:
        todo = store.missing
        already = plan.runs - sum(_size(plan, k) for k in todo)
        bar = tqdm(
            total=plan.runs,
            initial=already,
            unit="run",
            unit_scale=True,
            desc=spec.name,
            disable=not progress,
        )
        try:
            for chunk, summaries in compute(plan, todo):
                store.write(chunk, summaries)
                bar.update(_size(plan, chunk))
        except KeyboardInterrupt:
            bar.close()
            print(
                f"interrupted: {len(store.done)} of {plan.n_chunks} chunks are in {store.path}; "
                "run the same command again to resume",
                file=sys.stderr,
            )
            return 130
        bar.close()
    elapsed = time.perf_counter() - started
    print(
        f"{Path(spec.store)}: {plan.runs} runs ({plan.n_points} points x {spec.replicates} replicates) "
        f"in {plan.n_chunks} chunks; {len(todo)} computed now, {plan.n_chunks - len(todo)} already there; "
        f"{elapsed:.1f} s"
    )
    print(f"plot it: python -m experiments.plot store={spec.store}")
    return 0


def _size(plan: SweepPlan, chunk: int) -> int:
    start, stop = plan.chunk_bounds(chunk)
    return stop - start


if __name__ == "__main__":
    sys.exit(main())
