"""The compiled kernels (`sim/kernels.py`) where no cache directory is writable: they compile
in memory and give the same numbers as the cached ones.

(What the kernels compute is held by the engine/Mesa equality tests, the invariance tests and
tests/test_utility.py, which checks the terms, the sum and the decision rules.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from experiments import compose

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
import numpy as np
from experiments import compose
import sim
ds = sim.simulate(compose(["decision.rule=%s"]), runs=12, seed=3, steps=8)
np.save(sys.argv[1], ds.security.values)
"""


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["partial", "logit"])
def test_without_a_writable_cache_the_kernels_compile_in_memory_to_the_same_numbers(rule, tmp_path):
    # Numba finds no place for its cache when the only locator it may use is the one for
    # zip files: the situation of a read-only install
    env = {
        **os.environ,
        "NUMBA_CACHE_LOCATOR_CLASSES": "ZipCacheLocator",
        "PYTHONPATH": str(ROOT),
    }
    out = tmp_path / "security.npy"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT % rule, str(out)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    expected = sim.simulate(compose([f"decision.rule={rule}"]), runs=12, seed=3, steps=8)
    np.testing.assert_array_equal(np.load(out), expected.security.values)
