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


@pytest.mark.slow
def test_ctrl_c_stops_with_status_130_and_resumes_to_the_identical_store(tmp_path, uninterrupted):
    store = tmp_path / "interrupted.zarr"
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.sweep", *ARGS, f"sweep.store={store}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while done_chunks(store) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate()
    assert process.returncode == 130
    assert "run the same command again to resume" in err and "Traceback" not in err
    resume_and_compare(store, uninterrupted)
