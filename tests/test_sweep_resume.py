"""Kill-and-resume: a sweep killed with SIGKILL (no chance to clean up) at some moment and
started again with the same command ends in a store identical, file for file and byte for
byte, to one made without interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
from stores import same_tree

from experiments import sweep as cli

ROOT = Path(__file__).resolve().parent.parent
# 5 x 4 points, 3 replicates: 60 runs in 20 chunks of 3, so there is time to kill; 40 steps,
# five times the work of a chunk at 8, so the sweep is still running when the test signals it
# (at 8 steps a fresh clone's `make test`, both cores busy, once saw the Ctrl-C test's sweep
# exit 0: it had ended, or was ending, before the signal came)
ARGS = [
    "sweep=rivalry_threat_grid",
    "sweep.parameters.rivalry.levels=5",
    "sweep.parameters.dprk_threat.levels=4",
    "sweep.replicates=3",
    "sweep.chunk_runs=3",
    "scenario.steps=40",
    "seed=5",
    "progress=false",
]
CHUNKS = 20


def done_chunks(store: Path) -> int:
    """Chunks marked whole: one digest file each (an absent digest is the fill value 0)."""
    folder = store / "chunk_digest" / "c"
    return sum(1 for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0


def skeleton_started(store: Path) -> bool:
    return any(store.parent.glob(f".{store.name}.initialising-*")) or store.exists()


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("resume") / "whole.zarr"
    assert cli.main([*ARGS, f"sweep.store={store}"]) == 0
    return store


def kill_when(store: Path, ready) -> None:
    """Start the sweep in a subprocess and SIGKILL it as soon as `ready(store)` holds."""
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.sweep", *ARGS, f"sweep.store={store}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready(store) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the sweep ended before it could be killed"


def resume_and_compare(store: Path, reference: Path) -> None:
    assert cli.main([*ARGS, f"sweep.store={store}"]) == 0
    assert done_chunks(store) == CHUNKS
    assert not list(store.parent.glob(f".{store.name}.initialising-*"))
    with xr.open_zarr(store) as resumed, xr.open_zarr(reference) as whole:
        xr.testing.assert_identical(resumed.load(), whole.load())
    assert same_tree(store, reference)


def test_killed_after_some_chunks_resumes_to_the_identical_store(tmp_path, uninterrupted):
    store = tmp_path / "killed.zarr"
    kill_when(store, lambda s: done_chunks(s) >= 1)
    assert 1 <= done_chunks(store) < CHUNKS
    resume_and_compare(store, uninterrupted)


@pytest.mark.slow
@pytest.mark.parametrize(
    "moment",
    [
        skeleton_started,
        lambda s: done_chunks(s) >= CHUNKS // 2,
        lambda s: done_chunks(s) >= CHUNKS - 2,
    ],
    ids=["while creating the store", "half way", "near the end"],
)
def test_killed_at_other_moments_resumes_to_the_identical_store(tmp_path, uninterrupted, moment):
    store = tmp_path / "killed.zarr"
    kill_when(store, moment)
    assert done_chunks(store) < CHUNKS
    resume_and_compare(store, uninterrupted)


@pytest.mark.slow
def test_killed_twice_resumes_to_the_identical_store(tmp_path, uninterrupted):
    store = tmp_path / "killed.zarr"
    kill_when(store, lambda s: done_chunks(s) >= 3)
    first = done_chunks(store)
    kill_when(store, lambda s: done_chunks(s) >= first + 3)
    assert first < done_chunks(store) < CHUNKS
    resume_and_compare(store, uninterrupted)


def interrupted_mid_sweep(folder: Path) -> tuple[subprocess.Popen, Path]:
    """A sweep given Ctrl-C (SIGINT) while it provably still has chunks to write.

    Racing the signal against the sweep is not enough: on a busy machine the sweep can write
    its last chunks and exit 0 before the signal arrives, which looks like a sweep that ignored
    it. So the sweep is frozen (SIGSTOP) once two chunks are in, the store is read while it is
    held, and only a sweep held with chunks still to write is sent SIGINT and let go (SIGCONT);
    Python handles the pending signal at once, long before the rest is written. A sweep that
    had already ended when frozen proves nothing and is started again on a fresh store. Returns
    the interrupted process and its store."""
    for attempt in range(3):
        where = folder / f"interrupted-{attempt}.zarr"
        process = subprocess.Popen(
            [sys.executable, "-m", "experiments.sweep", *ARGS, f"sweep.store={where}"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # as a terminal's Ctrl-C would find it: a shell's background job (`make test &`)
            # inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 120
        while done_chunks(where) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        process.send_signal(signal.SIGSTOP)
        # wait until it is really frozen (or has ended), leaving it to `process` to reap
        state = os.waitid(os.P_PID, process.pid, os.WSTOPPED | os.WEXITED | os.WNOWAIT)
        held_mid_sweep = state.si_code == os.CLD_STOPPED and done_chunks(where) < CHUNKS
        if held_mid_sweep:
            process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGCONT)
        if held_mid_sweep:
            return process, where
        process.communicate()
    pytest.fail("the sweep ended three times before it could be interrupted")


@pytest.mark.slow
def test_ctrl_c_stops_with_status_130_and_resumes_to_the_identical_store(tmp_path, uninterrupted):
    process, store = interrupted_mid_sweep(tmp_path)
    _, err = process.communicate()
    assert process.returncode == 130
    assert "run the same command again to resume" in err and "Traceback" not in err
    # the count it reports is what the store holds, a chunk being written when the signal
    # came included
    assert f"interrupted: {done_chunks(store)} of {CHUNKS} chunks are in" in err
    resume_and_compare(store, uninterrupted)
