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
import uuid
import warnings
from collections.abc import Callable, Iterator

import xarray as xr

from sim.sweep.plan import SweepPlan, run_chunk
from sim.sweep.spec import DaskSettings, SweepError, SweepSpec
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
