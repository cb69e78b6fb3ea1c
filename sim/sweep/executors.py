"""Where a sweep's chunks run: in this process, or on a Dask cluster.

An executor (`executor(spec, plan)`, a context manager) gives an object with three methods:
`probe()`, run 0 of the plan alone, computed where the chunks are (the store checks the engine
against it, `sim.sweep.store.open_store`); `start(chunks)`, which may begin computing chunks
before the store is open (only when they are known to be wanted: a store not yet begun); and
`run(chunks)`, an iterator of (chunk, summaries) in the order chunks finish. Whatever runs
them, a chunk is the same function of the plan (`sim.sweep.run_chunk`), so every executor
gives the same numbers.

On Dask the workers only compute; the results come back to this process, which writes them.
Summaries are small (about 150 bytes a run), and that way a remote cluster needs no access to
the store's file system. At most `window` chunks per worker are in flight, so neither the
workers nor this process hold more than a few chunks however large the sweep.

Starting a sweep on Dask. A LocalCluster's workers are forked from one server process
(`_start_method`), which imports what a worker needs before it can run a chunk
(`WORKER_MODULES`: the engine, xarray, Numba) once for all of them; a sweep begins that
server as soon as its settings are composed, before its own process imports the engine and
checks and plans them (`begin_workers`), so that the server's imports overlap this process's
imports, planning and Hydra's launch. A process loads the engine's compiled
kernels from the disk cache the first time it runs one (about 0.9 CPU-s): the server loads
them once, computing the sweep's probe before it forks any worker (`sim.sweep.warmup`), so
every worker has them at birth; this process never loads them. As soon as the cluster is up
every worker computes the probe (at once, where the server loaded the kernels) while this
process waits for the first probe back and opens the store. For a new store, the first
chunks are queued behind the probes (`start`), so the workers go on from the probe to the
chunks while the store is created; nothing is written before the store is open.

Dask is imported only when asked for: the engine does not need it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import sys
import types
import uuid
import warnings
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sim.sweep.spec import DaskSettings, SweepError, SweepSpec
from sim.version import __version__

# The engine (with `sim.sweep.plan`'s probe and run_chunk) and xarray are imported where a
# chunk runs, not with this module: a sweep begins its Dask workers (`begin_workers`) before
# its own process imports them.
if TYPE_CHECKING:
    import xarray as xr

    from sim.params import Params
    from sim.sweep.plan import SweepPlan


@contextlib.contextmanager
def executor(spec: SweepSpec, plan: SweepPlan) -> Iterator[InProcess | OnDask]:
    if spec.executor == "dask":
        with dask_client(spec.dask, plan) as client:
            yield OnDask(client, plan, spec.dask.window)  # its futures go with the client
    else:
        yield InProcess(plan)


class InProcess:
    """Chunks computed one after another in this process, when asked for."""

    def __init__(self, plan: SweepPlan):
        self.plan = plan

    def probe(self) -> xr.Dataset:
        from sim.sweep.plan import probe

        return probe(self.plan)

    def start(self, chunks: Iterable[int]) -> None:
        """Nothing to begin ahead: this process computes a chunk when `run` reaches it."""

    def run(self, chunks: list[int]) -> Iterator[tuple[int, xr.Dataset]]:
        from sim.sweep.plan import run_chunk

        for chunk in chunks:
            yield chunk, run_chunk(self.plan, chunk)


@contextlib.contextmanager
def dask_client(settings: DaskSettings, plan: SweepPlan | None = None):
    """A client of the cluster at `settings.address`, or of a LocalCluster on loopback (its
    workers with the kernels of `plan` loaded, if given: `start_worker_server`)."""
    import dask
    from dask.distributed import Client, LocalCluster

    from sim.sweep.warmup import sealed

    with contextlib.ExitStack() as stack:
        if settings.address:
            try:
                client = stack.enter_context(
                    Client(settings.address, timeout=f"{settings.timeout}s")
                )
            except (OSError, TimeoutError) as error:
                raise SweepError(
                    f"sweep.dask.address = {settings.address!r}: cannot reach a Dask scheduler there ({type(error).__name__})"
                ) from None
        else:
            # The scheduler's metrics endpoint takes port 8787 on loopback, or another free
            # port with a warning when 8787 is taken (by another cluster): not worth a word.
            stack.enter_context(warnings.catch_warnings())
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            stack.enter_context(dask.config.set({**_start_method(), **_no_monitoring()}))
            # unless begun ahead (`begin_workers`)
            start_worker_server(None if plan is None else sealed(plan))
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=settings.n_workers,
                    threads_per_worker=settings.threads_per_worker,
                    processes=True,  # the engine holds the GIL: one process per core
                    host="127.0.0.1",  # never listen beyond this machine unless asked
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(Client(cluster))
        _check_workers(client, settings)
        yield client


def _start_method() -> dict[str, str]:
    """How the LocalCluster's nannies start their workers: forked from a server process that
    has imported Dask once (`forkserver`) rather than each a fresh interpreter importing it
    (`spawn`, Dask's default). Measured, two workers: closed in 0.03-0.08 s instead of
    0.56-1.2 s; up in 2.2-3.1 s instead of 3.4-4.5 s beside other work (load 4.4), about as
    soon on a quieter machine. Where there is no forkserver (Windows), Dask's own setting
    stands."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return {}
    return {"distributed.worker.multiprocessing-method": "forkserver"}


# What a sweep's worker imports before it can run a chunk, beyond Dask itself. Imported once
# by the server a LocalCluster forks its workers from (`start_worker_server`), every worker
# has them at birth: measured in fresh processes, a worker's CPU time up to its probe's end
# went from 2.0-2.1 s to 1.2 s (the server pays 0.9-1.1 s once), and the workers share those
# pages (peak PSS of a 10^6-run sweep 0.82-0.95 GB instead of 0.97-1.03, at load 3-10).
WORKER_MODULES = (
    "distributed",  # the worker itself (what Dask has its server import)
    "sim.sweep.plan",  # what a chunk runs: the engine, xarray, Numba
    "dask.array",  # xarray checks every array it wraps against dask's type, importing it
    "scipy.linalg",  # Numba checks that BLAS is there the first time it loads array code
    "sim.sweep.warmup",  # last: the sweep's kernels loaded, given its plan (`start_worker_server`)
)


def begin_workers(settings: dict[str, Any], params: Params, seed: int) -> None:
    """Begin, ahead of the cluster, the process a LocalCluster forks its workers from
    (`start_worker_server`), from the sweep's settings as composed (its `sweep` section, the
    model's parameters and the seed): a sweep calls it before it checks and plans them, so
    that the server imports what every worker needs, plans the sweep and loads its kernels
    (`sim.sweep.warmup`) while this process imports the engine, plans and launches. Settings
    that the sweep then refuses cost that server's work and nothing else: it only imports and
    computes the probe, and ends with this process. Measured in paired timelines of a 10^6-run
    sweep (load 4-6): the server begun 0.9-2.0 s after the command started instead of
    1.6-5.1 s (after the engine's imports and the plan)."""
    dask = settings.get("dask")
    address = dask.get("address") if isinstance(dask, dict) else None
    if settings.get("executor") == "dask" and not address:
        from sim.sweep.warmup import unplanned

        start_worker_server(unplanned(settings, params, seed))


def start_worker_server(warmup: str | None = None) -> None:
    """Start the `forkserver` the LocalCluster's nannies fork their workers from (see
    `_start_method`), having it import `WORKER_MODULES` first, if it is not running yet;
    given a sweep's plan (`sim.sweep.warmup.sealed`) or the settings it plans from
    (`unplanned`), the server also computes its probe (`sim.sweep.warmup`), loading the
    kernels every worker then has at birth. Dask names its own modules for the server when
    a nanny first starts a worker, too late to apply to a server already running. Where
    there is no forkserver, nothing.

    The warm-up, measured in paired timelines of a 10^6-run sweep on two workers (load 5):
    the first chunk written 5.3-9.9 s after the cluster was begun instead of 7.7-12.8, the
    probe back 0.1-0.2 s after the cluster was up instead of 2.7-4.0 s; the cluster up later
    (the workers wait for the server's probe), the chunks begun sooner. Each worker saves
    the 0.9 CPU-s of loading the kernels, which the server spends once."""
    import multiprocessing
    import multiprocessing.forkserver
    import os

    from sim.sweep.warmup import WARMUP_PLAN

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    preload = [*_main_modules(), *WORKER_MODULES]
    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    # The plan goes to the server in its environment, which it copies when started: the
    # one channel to what a forkserver imports before it forks (module names only).
    if warmup is not None:
        os.environ[WARMUP_PLAN] = warmup
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        os.environ.pop(WARMUP_PLAN, None)


def _main_modules() -> list[str]:
    """What this process's main module imports, for the server to import first:
    multiprocessing runs the main module again in every worker it starts, as `__mp_main__`,
    before the worker can begin (so that what it defines can be unpickled there), and a
    worker importing what the sweep's command imports (Hydra, OmegaConf, the configs) took
    0.25-0.30 CPU-s of each worker's start (about 1 s at load 5); with those imports done
    in the server, 0.002 s. For `python -m experiments.sweep`, that module by name (a
    package's `__main__` is left out: a worker does not run it again, and importing it
    would run it); for a script run by path (the `hedgesim` command), the modules its own
    names come from (`experiments.cli` for its `main`). (multiprocessing's own preload of
    '__main__' reads a path the forkserver is never given, so it does nothing.)"""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name:
        return [] if name.endswith("__main__") else [name]
    modules = []
    for value in vars(main).values() if main is not None else ():
        module = value.__name__ if isinstance(value, types.ModuleType) else None
        module = module or getattr(value, "__module__", None)
        if isinstance(module, str) and module not in ("__main__", "builtins", *modules):
            modules.append(module)
    return modules


def _no_monitoring() -> dict[str, object]:
    """Less of Dask's self-monitoring in the processes of the LocalCluster: what it gathers
    is for the dashboard, which a sweep's cluster does not serve. By default each Dask
    server samples its event loop's stack every 10 ms, a worker also the stack of the task it
    runs, and every event loop checks its own health every 20 ms. Measured on the 2-core
    machine: beside each 25,000-run chunk (1.0-1.4 CPU-s of the engine) a worker's process
    spent 0.10-0.14 CPU-s more, 0.02-0.03 without; idle, the sweep's process took 0.05 CPU-s a
    second, 0.017 without. The health check stays, every 200 ms: it still warns of a loop
    blocked for 3 s."""
    return {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "200ms"}


def _check_workers(client, settings: DaskSettings) -> None:
    """Workers must run this hedgesim: another version could give other numbers."""
    versions = client.run(_hedgesim_version)
    if not versions:
        raise SweepError(f"sweep.dask.address = {settings.address!r}: the cluster has no workers")
    other = {worker: v for worker, v in versions.items() if v != __version__}
    if other:
        worker, version = next(iter(other.items()))
        raise SweepError(
            f"sweep.dask: worker {worker} runs hedgesim {version}, this process {__version__}; install the same version on the workers"
        )


def _hedgesim_version() -> str:
    from sim.version import __version__ as version

    return version


class OnDask:
    """Chunks on the workers of a Dask client, at most `window` per worker in flight."""

    def __init__(self, client, plan: SweepPlan, window: int):
        from sim.sweep.plan import probe

        self.client, self.plan = client, plan
        workers = list(client.scheduler_info(n_workers=-1)["workers"])
        self.window = window * max(1, len(workers))
        self.shared_plan = client.scatter(plan, broadcast=True, hash=False)  # sent once
        self.tag = uuid.uuid4().hex[:8]
        # One probe pinned to each worker: each loads the kernels now, not on its first chunk.
        self.probes = [
            client.submit(
                probe,
                self.shared_plan,
                key=f"hedgesim-probe-{n}-{self.tag}",
                workers=[worker],
                allow_other_workers=False,
                priority=1,  # before any chunk queued with it (`start`)
                pure=False,
            )
            for n, worker in enumerate(workers)
        ]
        self.started: dict[int, object] = {}  # chunk -> its future, submitted by `start`
        self.chunk_of: dict[str, int] = {}  # a submitted chunk's key -> the chunk

    def probe(self) -> xr.Dataset:
        from dask.distributed import as_completed

        return next(iter(as_completed(self.probes))).result()

    def start(self, chunks: Iterable[int]) -> None:
        """Submit the first window of `chunks` now: they run as soon as a worker is free."""
        for chunk in itertools.islice(chunks, self.window - len(self.started)):
            self.started[chunk] = self._submit(chunk)

    def run(self, chunks: list[int]) -> Iterator[tuple[int, xr.Dataset]]:
        from dask.distributed import as_completed

        wanted = set(chunks)
        for chunk in [k for k in self.started if k not in wanted]:
            self.started.pop(chunk).cancel()  # done meanwhile by another sweep on the store
        started, self.started = self.started, {}
        todo = (k for k in chunks if k not in started)
        submitted = list(started.values())
        submitted += [self._submit(k) for k in itertools.islice(todo, self.window - len(submitted))]
        running = as_completed(submitted)
        try:
            for future in running:
                result = future.result()
                chunk = self.chunk_of.pop(future.key)
                future.release()
                following = next(todo, None)
                if following is not None:
                    running.add(self._submit(following))
                yield chunk, result
        finally:
            running.clear()

    def _submit(self, chunk: int):
        from sim.sweep.plan import run_chunk

        key = f"hedgesim-chunk-{chunk}-{self.tag}"
        self.chunk_of[key] = chunk
        return self.client.submit(run_chunk, self.shared_plan, chunk, key=key, pure=False)
