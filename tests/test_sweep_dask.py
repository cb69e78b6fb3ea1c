"""The Dask executor gives the very store the in-process executor gives, on a two-worker
LocalCluster on loopback (given by address) and on the LocalCluster a sweep starts itself;
an unreachable scheduler is one line and leaves no store."""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr
from stores import same_tree

from experiments import sweep as cli

distributed = pytest.importorskip("dask.distributed")
# Two clusters at once (xdist) both want the scheduler's metrics port on loopback; the second
# takes another one and says so: nothing to do with what is tested here.
pytestmark = pytest.mark.filterwarnings("ignore:Port .* is already in use")

ARGS = [
    "sweep=pressures_lhs",
    "sweep.samples=12",
    "sweep.replicates=2",
    "sweep.chunk_runs=5",  # 24 runs in 5 chunks, the last one ragged
    "scenario.steps=8",
    "seed=3",
    "progress=false",
]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("dask") / "in_process.zarr"
    assert cli.main([*ARGS, f"sweep.store={store}"]) == 0
    return store


def test_dask_cluster_by_address_gives_the_in_process_store(tmp_path, cluster, in_process):
    store = tmp_path / "on_dask.zarr"
    assert (
        cli.main(
            [
                *ARGS,
                f"sweep.store={store}",
                "sweep.executor=dask",
                f"sweep.dask.address={cluster.scheduler_address}",
            ]
        )
        == 0
    )
    with xr.open_zarr(store) as a, xr.open_zarr(in_process) as b:
        xr.testing.assert_identical(a.load(), b.load())
    assert same_tree(store, in_process)


def test_dask_resumes_a_store_begun_in_process(tmp_path, cluster, in_process):
    """Executors can be swapped between interruptions: chunks are the same function."""
    import shutil

    import zarr

    store = tmp_path / "mixed.zarr"
    shutil.copytree(in_process, store)
    group = zarr.open_group(store, mode="r+")
    group["chunk_digest"][1] = 0
    group["chunk_digest"][4] = 0
    assert (
        cli.main(
            [
                *ARGS,
                f"sweep.store={store}",
                "sweep.executor=dask",
                f"sweep.dask.address={cluster.scheduler_address}",
            ]
        )
        == 0
    )
    assert same_tree(store, in_process)


def test_sweep_on_its_own_local_cluster_gives_the_in_process_store(tmp_path, in_process):
    store = tmp_path / "own_cluster.zarr"
    assert (
        cli.main([*ARGS, f"sweep.store={store}", "sweep.executor=dask", "sweep.dask.n_workers=2"])
        == 0
    )
    assert same_tree(store, in_process)


def test_unreachable_scheduler_is_one_line_and_no_store(tmp_path, capsys):
    store = tmp_path / "never.zarr"
    code = cli.main(
        [
            *ARGS,
            f"sweep.store={store}",
            "sweep.executor=dask",
            "sweep.dask.address=tcp://127.0.0.1:9",
            "sweep.dask.timeout=1",
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert "sweep.dask.address" in err and "tcp://127.0.0.1:9" in err and "cannot reach" in err
    assert not store.exists()


def test_workers_keep_freed_memory_whatever_their_environment(tmp_path, cluster):
    """Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536 (the engine then ran 40% slower);
    a worker that runs a chunk sets its own allocator (sim.sweep.memory) regardless."""
    from sim.sweep.memory import keep_freed_memory

    def tuned() -> int:
        return keep_freed_memory.cache_info().currsize

    store = tmp_path / "kept.zarr"
    address = f"sweep.dask.address={cluster.scheduler_address}"
    assert cli.main([*ARGS, f"sweep.store={store}", "sweep.executor=dask", address]) == 0
    with distributed.Client(cluster) as client:
        assert 1 in set(client.run(tuned).values())  # (a worker without a chunk has 0)


def test_the_worker_server_warm_up_computes_the_probe_and_leaves_any_error_to_the_workers(
    tmp_path, monkeypatch
):
    # The server the LocalCluster forks its workers from computes the sweep's probe first
    # (`sim.sweep.warmup`), given the plan cut to its first point in its environment.
    import base64
    import pickle

    from sim.sweep import warmup
    from sim.sweep.plan import probe

    _, plan, _ = cli.prepare([*ARGS, f"sweep.store={tmp_path / 's.zarr'}"])
    sealed = warmup.sealed(plan)
    first = pickle.loads(base64.b64decode(sealed))
    assert len(first.points) == 1 and len(plan.points) > 1
    assert probe(first).equals(probe(plan))  # the same runs as the workers' probe
    monkeypatch.setenv(warmup.WARMUP_PLAN, sealed)
    warmup.warm_up()
    monkeypatch.setenv(warmup.WARMUP_PLAN, "not a plan")
    warmup.warm_up()  # a warm-up only: nothing raised


@pytest.mark.slow
@pytest.mark.parametrize("command", ["python -m experiments.sweep", "hedgesim sweep"])
def test_workers_start_without_importing_the_command_again(tmp_path, command):
    """A sweep on its own LocalCluster: multiprocessing runs the main module again in every
    worker (a module run with -m, or the `hedgesim` script by path); the workers' server
    imports what it imports first, so Hydra is imported by the command and by the server,
    not by each worker (counted by Python's `-X importtime`)."""
    import os
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    if command.startswith("python"):
        argv = [sys.executable, "-m", "experiments.sweep"]
    else:
        script = shutil.which("hedgesim", path=str(Path(sys.executable).parent))
        if script is None:
            pytest.skip("the hedgesim command is not installed beside this Python")
        argv = [script, "sweep"]
    result = subprocess.run(
        [*argv, *ARGS, f"sweep.store={tmp_path / 's.zarr'}", "sweep.executor=dask"]
        + ["sweep.dask.n_workers=2"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    imported = [line.rpartition("|")[2].strip() for line in result.stderr.splitlines()]
    assert imported.count("hydra") == 2  # the command and the workers' server
    assert imported.count("sim.engine") == 2
