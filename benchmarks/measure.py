"""What the sweep benchmarks measure with: wall time and peak memory of a command and all
the processes it starts (Dask workers included), and the machine's load at the time.

Peak memory is the largest total, over the process tree, sampled every 250 ms, of two
measures: RSS (resident pages, counting shared libraries once per process, so an
overestimate for several processes) and PSS (each shared page divided among the processes
sharing it: the honest total of a process tree). A sample is a lower bound of the true peak
between samples; with chunks lasting seconds, the peak is well sampled.

CPU time (user + system, summed over the tree, as last sampled) does not depend on what else
the machine runs, unlike wall time: on a shared machine, CPU time / cores is the wall time the
command would take with the cores to itself (when it keeps them all busy).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    cpu_seconds: float  # user + system time of every process of the tree
    returncode: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    stdout: str
    stderr: str


def run_measured(
    argv: list[str], interval: float = 0.25, tree: Path = ROOT, memory: bool = True
) -> Measured:
    """Run `python argv...` in the project folder `tree` (default this one; another
    checkout, e.g. the previous release's, runs with its own code: `tree_env`); time it and
    sample its tree's memory every `interval` seconds. Reading a process's PSS walks its page
    tables (/proc/<pid>/smaps): at 0.05 s the sampler took 15 % of a core from a 2-core
    machine and 7 s of a 10^6-run sweep's 66; at 0.25 s its share is a fifth of that, and a
    chunk (about 2 s) is still sampled several times. `memory=False` samples CPU times alone
    (peaks reported as 0): the wall time with the least disturbance."""
    load_before = os.getloadavg()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *argv],
        cwd=tree,
        env=tree_env(tree),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peaks = {"rss": 0.0, "pss": 0.0}
    cpu: dict[int, float] = {}  # pid -> last seen user + system seconds
    stop = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not stop.is_set():
            rss = pss = 0
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in tree:
                try:
                    times = proc.cpu_times()
                    info = proc.memory_full_info() if memory else None
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                cpu[proc.pid] = times.user + times.system
                if info is not None:
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
            peaks["rss"] = max(peaks["rss"], rss / 2**20)
            peaks["pss"] = max(peaks["pss"], pss / 2**20)
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return Measured(
        seconds=seconds,
        peak_rss_mb=peaks["rss"],
        peak_pss_mb=peaks["pss"],
        cpu_seconds=sum(cpu.values()),
        returncode=process.returncode,
        load_before=load_before,
        load_after=os.getloadavg(),
        stdout=stdout,
        stderr=stderr,
    )


REPLICATES = 10  # runs per Latin-hypercube point of `pressures_lhs`, in every sweep benchmark


def measured_sweep(
    runs: int,
    *overrides: str,
    flags: tuple[str, ...] = (),
    executor: str = "dask",
    workers: int = 2,
    tree: Path = ROOT,
    memory: bool = True,
) -> Measured:
    """`python -m experiments.sweep sweep=pressures_lhs` of `runs` runs in `tree`, measured,
    its store in a temporary folder removed afterwards; Hydra's `flags` (e.g. --config-dir)
    come first, the `overrides` last."""
    folder = Path(tempfile.mkdtemp(prefix="hedgesim-bench-"))
    try:
        argv = [
            "-m",
            "experiments.sweep",
            *flags,
            "sweep=pressures_lhs",
            f"sweep.samples={runs // REPLICATES}",
            f"sweep.replicates={REPLICATES}",
            f"sweep.store={folder / 'bench.zarr'}",
            f"sweep.executor={executor}",
            f"sweep.dask.n_workers={workers}",
            "progress=false",
            *overrides,
        ]
        return run_measured(argv, tree=tree, memory=memory)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def tree_env(tree: Path) -> dict[str, str]:
    """The environment that makes Python (and the Dask workers it starts) import hedgesim
    from checkout `tree`, whatever the virtual environment has installed."""
    return {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}


def commit_of(tree: Path = ROOT) -> str:
    """The checkout's commit, with '+' if it has uncommitted changes to tracked files."""

    def git(*argv: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tree), *argv], capture_output=True, text=True, check=False
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + ("+" if dirty else "")


def machine() -> str:
    return f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB RAM, Python {sys.version.split()[0]}"


def load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.1f}" for v in values)
