"""Run a parameter sweep into a Zarr store, resumably.

    python -m experiments.sweep sweep=rivalry_threat_grid
    python -m experiments.sweep sweep=pressures_lhs sweep.store=results/lhs.zarr scenario=thaad_2016
    python -m experiments.sweep sweep=pressures_sobol sweep.executor=dask
    python -m experiments.sweep sweep=pressures_sobol sweep.executor=dask sweep.dask.address=tcp://10.0.0.5:8786

A Hydra app (conf/commands/sweep.yaml): every argument is a Hydra override (of the model's
parameters, `seed`, or the `sweep.*` settings of conf/sweep/NAME.yaml, typed by the schema
`sim.sweep.spec.SweepSettings`). Running the same command again after an interruption
(Ctrl-C, a crash, SIGKILL) computes only the chunks that are missing; a store that belongs to
another sweep or is damaged is refused with one line. Exit status: 0 done, 2 bad input or
unusable store, 130 interrupted (resumable).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import copy
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from omegaconf import DictConfig, OmegaConf, open_dict

from experiments.command import (
    HydraCommand,
    check_folder_name,
    exit_status,
    log,
    refusals_as_one_line,
)
from experiments.config import ConfigError, available, explain, params_of, to_params
from sim.progress import progress_bar
from sim.sweep.executors import begin_workers, executor
from sim.sweep.spec import SweepSpec, parse_sweep

# The plan and the store import the engine, xarray and Numba (1 s): imported where they are
# used, so that this command begins its Dask workers first (`checked`, `begin_workers`).
if TYPE_CHECKING:
    from sim.sweep.plan import SweepPlan

INTERRUPTED = 130


def checked(cfg: DictConfig, begin: bool = False) -> tuple[SweepSpec, SweepPlan, bool]:
    """Validate and plan: everything that can be wrong is found before any output. With
    `begin`, the Dask workers' start-up begins as soon as the sweep's settings are read,
    before this process imports the engine to check and plan them (`begin_workers`)."""
    if cfg.get("sweep") is None:
        raise ConfigError(
            f"sweep: choose a design with sweep=NAME; available: {', '.join(available('sweep'))}"
        )
    try:
        node = OmegaConf.to_container(cfg.sweep, resolve=True, throw_on_missing=True)
    except Exception as error:
        raise ConfigError(explain(error)) from None
    model = copy.deepcopy(cfg)
    with open_dict(model):
        model.sweep = None  # validated by its own schema, not as model parameters
    config = to_params(model)
    check_folder_name("name", config.name)
    check_folder_name("scenario.name", config.scenario.name)
    params = params_of(config)
    if begin and isinstance(node, dict):
        begin_workers(node, params, config.seed)
    spec = parse_sweep(node)
    check_folder_name("sweep.name", spec.name)
    from sim.sweep.plan import plan_sweep

    plan = plan_sweep(spec, params, seed=config.seed)
    return spec, plan, bool(config.progress)


def checked_and_begun(cfg: DictConfig) -> tuple[SweepSpec, SweepPlan, bool]:
    """`checked`, beginning the Dask workers' start-up on the way: what the command checks
    before Hydra launches its job. The result is kept for the job (`checked_before`)."""
    result = checked(cfg, begin=True)
    key = _resolved(cfg)
    if key is not None:
        CHECKED[key] = result
    return result


# The jobs checked before Hydra launched, by their resolved config. Hydra composes each job's
# config again, and checking it again would draw the same plan a second time (0.1-0.2 s on the
# way to the cluster): `checked` is a function of the resolved config alone.
CHECKED: dict[str, tuple[SweepSpec, SweepPlan, bool]] = {}


def checked_before(cfg: DictConfig) -> tuple[SweepSpec, SweepPlan, bool]:
    """The checked job of `cfg`: as the command checked it before the launch if its resolved
    config is the same, else checked now."""
    key = _resolved(cfg)
    found = CHECKED.pop(key, None) if key is not None else None
    return found or checked(cfg)


def _resolved(cfg: DictConfig) -> str | None:
    """`cfg` resolved, as text (0.01 s, a tenth of checking it); None if it does not
    resolve (`checked` says why)."""
    try:
        return repr(OmegaConf.to_container(cfg, resolve=True))
    except Exception:  # noqa: BLE001 - not a key then; checking the config reports the error
        return None


COMMAND = HydraCommand(config_name="commands/sweep", validate=checked_and_begun, job_folders=False)


def prepare(argv: list[str]) -> tuple[SweepSpec, SweepPlan, bool]:
    """The checked sweep of a command line without -m (Hydra overrides)."""
    return checked(COMMAND.compose(list(argv)))


def job(cfg: DictConfig) -> None:
    from sim.sweep.plan import scheduled_overrides

    with refusals_as_one_line():
        spec, plan, progress = checked_before(cfg)
        for note in scheduled_overrides(plan):
            print(f"note: {note}", file=sys.stderr)
        status = run(spec, plan, progress)
    if status:
        raise SystemExit(status)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    try:
        return exit_status(lambda: COMMAND.main(argv, job))
    except KeyboardInterrupt:  # before the first chunk: nothing to lose
        print("interrupted; run the same command again to resume", file=sys.stderr)
        return INTERRUPTED


def run(spec: SweepSpec, plan: SweepPlan, progress: bool) -> int:
    from sim.sweep.store import begun, open_store, prepare_store

    started = time.perf_counter()
    # What the store needs whatever the probe (`prepare_store`), in a thread of its own while
    # this one waits for the workers to start and compute the probe: paired timelines of a
    # 10^6-run Dask sweep, the first chunk written 7.7-9.6 s after the cluster was begun
    # instead of 10.9-15.6 when prepared after the cluster was up (load 5-6).
    with in_background(prepare_store, spec.store) as preparing, executor(spec, plan) as compute:
        if not begun(spec.store):  # every chunk is to do: begin them while the store is created
            compute.start(range(plan.n_chunks))
        probe = compute.probe()
        preparing.result()
        with open_store(spec.store, plan, probe) as store:
            for what in store.repaired.values():
                print(f"note: {store.path}: {what}; computing it again", file=sys.stderr)
            todo = store.missing
            already = plan.runs - sum(_size(plan, k) for k in todo)
            bar = progress_bar(progress, plan.runs, desc=spec.name, unit="run", initial=already)
            try:
                for chunk, summaries in compute.run(todo):
                    store.write(chunk, summaries)
                    bar.update(_size(plan, chunk))
            except KeyboardInterrupt:
                bar.close()
                print(
                    f"interrupted: {len(store.done)} of {plan.n_chunks} chunks are in {store.path}; "
                    "run the same command again to resume",
                    file=sys.stderr,
                )
                return INTERRUPTED
            bar.close()
    elapsed = time.perf_counter() - started
    log.info(
        f"{Path(spec.store)}: {plan.runs} runs ({plan.n_points} points x {spec.replicates} replicates) "
        f"in {plan.n_chunks} chunks; {len(todo)} computed now, {plan.n_chunks - len(todo)} already there; "
        f"{elapsed:.1f} s"
    )
    log.info(f"plot it: hedgesim plot store={spec.store}")
    return 0


@contextlib.contextmanager
def in_background(function, *args) -> Iterator[concurrent.futures.Future]:
    """`function(*args)` called in a thread of its own; its future (`result()` waits for it
    and raises what it raised). Leaving the block waits for it too."""
    with concurrent.futures.ThreadPoolExecutor(1, "hedgesim-ahead") as thread:
        yield thread.submit(function, *args)


def _size(plan: SweepPlan, chunk: int) -> int:
    start, stop = plan.chunk_bounds(chunk)
    return stop - start


if __name__ == "__main__":
    sys.exit(main())
