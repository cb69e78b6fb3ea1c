"""Where a sweep's chunks run: in this process, or on a Dask cluster.

An executor is a context manager giving `run(plan, chunks)`, an iterator of
(chunk, summaries) in the order chunks finish. Whatever runs them, a chunk is the same
function of the plan (`sim.sweep.run_chunk`), so every executor gives the same numbers.

On Dask the workers only compute; the results come back to this process, which writes them.
Summaries are small (about 150 bytes a run), and that way a remote cluster needs no access to
the store's file system. At most `window` chunks per worker are in flight, so neither the
workers nor this process hold more than a few chunks however large the sweep.

Dask is imported only when asked for: the engine does not need it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
import uuid
import warnings
from collections.abc import Callable, Iterator

import xarray as xr

from sim.sweep import SweepPlan, run_chunk
from sim.sweep_spec import DaskSettings, SweepError, SweepSpec
from sim.version import __version__

Runner = Callable[[SweepPlan, list[int]], Iterator[tuple[int, xr.Dataset]]]


@contextlib.contextmanager
def executor(spec: SweepSpec) -> Iterator[Runner]:
    if spec.executor == "dask":
        with dask_client(spec.dask) as client:
            yield lambda plan, chunks: on_dask(client, plan, chunks, spec.dask.window)
    else:
        yield in_process


def in_process(plan: SweepPlan, chunks: list[int]) -> Iterator[tuple[int, xr.Dataset]]:
    for chunk in chunks:
        yield chunk, run_chunk(plan, chunk)


@contextlib.contextmanager
def dask_client(settings: DaskSettings):
    """A client of the cluster at `settings.address`, or of a LocalCluster on loopback."""
    import dask
    from dask.distributed import Client, LocalCluster

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
            _unpoison_environ(dask.config.get(f"{ENVIRON}.{SLOW_MALLOC}", None))
            stack.enter_context(dask.config.set({f"{ENVIRON}.{SLOW_MALLOC}": None}))  # None unsets
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


ENVIRON = "distributed.nanny.pre-spawn-environ"
# Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 so that freed memory goes
# back to the system at once. The engine allocates and frees many temporary arrays a step,
# and with that setting each of them is fresh pages from the kernel: measured, a 25,000-run
# chunk takes 4.8 s instead of 3.4 s (system time x3). glibc's own adaptive threshold keeps
# memory just as flat here, since a chunk's arrays are the same size every step.
SLOW_MALLOC = "MALLOC_TRIM_THRESHOLD_"
UNSET_MALLOC = "DASK_CONFIG=conf/sweep/dask"  # that file sets it to null (unset)


def _unpoison_environ(dask_value) -> None:
    """A nanny sets its pre-spawn variables in the environment of the process that starts it
    (Dask says so: "poisoning" it), where the next cluster's workers inherit them. Remove the
    malloc setting when it is Dask's value, i.e. left by an earlier cluster in this process."""
    if dask_value is not None and os.environ.get(SLOW_MALLOC) == str(dask_value):
        del os.environ[SLOW_MALLOC]


def _check_workers(client, settings: DaskSettings) -> None:
    """Workers must run this hedgesim: another version could give other numbers."""
    trimmed = {w for w, value in client.run(_malloc_setting).items() if value}
    if trimmed:
        print(
            f"note: {len(trimmed)} Dask worker(s) run with {SLOW_MALLOC} set, which slows the engine by "
            f"about 40%; start them with {UNSET_MALLOC} dask worker ...",
            file=sys.stderr,
        )
    versions = client.run(_hedgesim_version)
    if not versions:
        raise SweepError(f"sweep.dask.address = {settings.address!r}: the cluster has no workers")
    other = {worker: v for worker, v in versions.items() if v != __version__}
    if other:
        worker, version = next(iter(other.items()))
        raise SweepError(
            f"sweep.dask: worker {worker} runs hedgesim {version}, this process {__version__}; install the same version on the workers"
        )


def _malloc_setting() -> str | None:
    """Read on the worker (a function, so that the worker's own environment is read)."""
    return os.environ.get(SLOW_MALLOC)


def _hedgesim_version() -> str:
    from sim.version import __version__ as version

    return version


def on_dask(
    client, plan: SweepPlan, chunks: list[int], window: int
) -> Iterator[tuple[int, xr.Dataset]]:
    from dask.distributed import as_completed

    workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    shared_plan = client.scatter(plan, broadcast=True, hash=False)  # sent once, not per chunk
    tag = uuid.uuid4().hex[:8]
    todo = iter(chunks)
    chunk_of: dict[str, int] = {}

    def submit(chunk: int):
        future = client.submit(
            run_chunk, shared_plan, chunk, key=f"hedgesim-chunk-{chunk}-{tag}", pure=False
        )
        chunk_of[future.key] = chunk
        return future

    running = as_completed([submit(k) for k in itertools.islice(todo, window * workers)])
    try:
        for future in running:
            result = future.result()
            chunk = chunk_of.pop(future.key)
            future.release()
            following = next(todo, None)
            if following is not None:
                running.add(submit(following))
            yield chunk, result
    finally:
        running.clear()
