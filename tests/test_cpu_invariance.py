"""Reproducibility across CPUs: the model's numbers do not follow NumPy's vector paths.

NumPy computes `exp`, `log`, `log1p`, `arctanh` and `power` by paths of its own where the CPU
has AVX-512, whose results differ from the C library's in the last bit of about one value in
twenty. The model computes them with the C library's instead (the kernels, `sim.libm`): the
chances of events and the odds of elections that draws are compared with, the shares a
half-life leaves, the logit rule's weights, the observables. Here the run is made again in a
process whose NumPy is told not to use AVX-512 (`NPY_DISABLE_CPU_FEATURES`), which is what a
machine without it computes, and every recorded variable is the same to the bit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.params import with_values

ROOT = Path(__file__).resolve().parents[1]
AVX512 = ("X86_V4", "AVX512_ICL", "AVX512_SPR")  # NumPy's names of its AVX-512 feature sets
PROBE = np.linspace(-3.0, 0.0, 4097)  # where NumPy's two paths of `exp` differ

RUN = """
import sys
import numpy as np
import sim
from experiments import compose
from sim.params import with_values
params = with_values(compose(sys.argv[2:]), {busy!r})
ds = sim.simulate(params, runs=24, seed=11)
np.savez(sys.argv[1], probe=np.exp(np.array({probe!r})), **{{v: ds[v].values for v in ds.data_vars}})
"""

# every stochastic event at a high rate, so that every chance is drawn against in a short run
BUSY = {
    "events.rates.coercion": 1.0,
    "events.rates.tariff_shock": 1.0,
    "events.rates.taiwan_crisis": 1.0,
    "events.rates.history_dispute": 1.0,
    "events.rates.summit": 1.0,
}


@pytest.mark.parametrize(
    "overrides",
    [[], ["dynamics.great_powers=responsive", "decision.rule=logit"]],
    ids=["default", "responsive-logit"],
)
def test_a_machine_without_avx512_gets_the_same_numbers(overrides, tmp_path):
    from experiments import compose

    found = np.show_config(mode="dicts")["SIMD Extensions"]["found"]
    avx512 = [name for name in AVX512 if name in found]
    if not avx512:  # nothing to switch off: NumPy takes the C library's paths here already
        pytest.skip(f"NumPy uses no AVX-512 here (it found {found})")
    out = tmp_path / "without.npz"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NPY_DISABLE_CPU_FEATURES": " ".join(avx512)}
    script = RUN.format(busy=BUSY, probe=PROBE.tolist())
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), *overrides],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    without = np.load(out)
    if np.array_equal(without["probe"], np.exp(PROBE)):
        pytest.skip("NumPy's exp takes one path here with and without AVX-512 (no AVX-512)")

    ds = sim.simulate(with_values(compose(overrides), BUSY), runs=24, seed=11)
    assert set(without.files) - {"probe"} == set(ds.data_vars)
    for name in ds.data_vars:
        assert ds[name].values.tobytes() == without[name].tobytes(), name
    # the events happened: the chances were drawn against
    assert int(ds["events"].sum()) > 0
