"""Progress bars: shown when asked for, and nothing at all otherwise (no tqdm thread)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sim.progress import progress_bar

ROOT = Path(__file__).resolve().parent.parent


def test_a_run_without_progress_starts_no_thread():
    # in a fresh process: tqdm's monitor thread, once started, outlives its bar
    code = (
        "import threading, sim; from experiments import compose; "
        "sim.simulate(compose([]), runs=20, seed=1, progress=False); "
        "print(sorted(t.name for t in threading.enumerate()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "['MainThread']"


def test_a_bar_shown_counts_what_it_is_told(capsys):
    bar = progress_bar(True, total=10, desc="runs", unit="run", initial=2)
    bar.update(3)
    assert bar.n == 5
    bar.close()
    assert "runs" in capsys.readouterr().err


def test_a_bar_not_shown_takes_the_same_calls_and_prints_nothing(capsys):
    bar = progress_bar(False, total=10, desc="runs", unit="run")
    bar.update(3)
    bar.close()
    assert capsys.readouterr() == ("", "")
