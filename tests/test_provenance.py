"""Every output says which code made it: version, commit and whether the tree was dirty."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import zarr

from experiments import compose
from experiments import sweep as cli
from experiments.outputs.summary import summarise
from sim import simulate
from sim.sweep.store import identity, open_store
from sim.version import from_version_string, provenance, recorded, release

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"hedgesim_version", "hedgesim_commit", "hedgesim_dirty"}


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize(
    ("version", "commit", "dirty"),
    [
        ("0.1.1.dev28+g3dac9693c", "3dac9693c", "false"),
        ("0.1.1.dev28+g3dac9693c.d20261130", "3dac9693c", "true"),
        ("1.2.0.dev0+gabcdef1.d20270101", "abcdef1", "true"),
        ("0.2.0", "unknown", "unknown"),  # a plain release: a clean tag, or a tree without git
        ("0+unknown", "unknown", "unknown"),
        ("not a version", "unknown", "unknown"),
    ],
)
def test_an_installed_wheel_reads_commit_and_dirty_from_its_version(version, commit, dirty):
    assert from_version_string(version) == (commit, dirty)


def test_the_release_leaves_out_the_commit_the_date_and_the_distance():
    assert release("0.1.1.dev28+g3dac9693c.d20261130") == "0.1.1"
    assert release("0.2.0") == "0.2.0"


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_a_checkout_asks_git_for_the_commit_and_the_dirty_flag():
    record = provenance()
    assert set(record) == KEYS
    assert record["hedgesim_commit"] == git("rev-parse", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=no") != ""
    assert record["hedgesim_dirty"] == ("true" if changed else "false")
    assert "+" not in record["hedgesim_version"]  # no stale commit from the last install


def test_a_dataset_and_its_summary_carry_the_provenance():
    ds = simulate(compose(["scenario.steps=4"]), runs=3, seed=1)
    assert {key: ds.attrs[key] for key in KEYS} == provenance()
    summary = summarise(ds)
    assert summary["version"] == ds.attrs["hedgesim_version"]
    assert summary["commit"] == ds.attrs["hedgesim_commit"]
    assert summary["dirty"] == ds.attrs["hedgesim_dirty"]
    json.dumps(summary)  # still plain JSON


def test_a_summary_of_an_older_dataset_says_unknown():
    assert recorded({"hedgesim_version": "0.1.0"}) == {
        "version": "0.1.0",
        "commit": "unknown",
        "dirty": "unknown",
    }


SWEEP = [
    "sweep=rivalry_threat_grid",
    "sweep.parameters.rivalry.levels=2",
    "sweep.parameters.dprk_threat.levels=2",
    "sweep.replicates=2",
    "sweep.chunk_runs=2",
    "scenario.steps=4",
    "seed=3",
    "progress=false",
]


def test_a_sweep_store_carries_the_provenance_but_resumes_across_commits(tmp_path):
    store = tmp_path / "sweep.zarr"
    plan = cli.prepare([*SWEEP, f"sweep.store={store}"])[1]
    with open_store(store, plan):
        pass  # created, no chunk computed yet
    attrs = zarr.open_group(store, mode="r").attrs.asdict()
    assert {key: attrs[key] for key in KEYS} == provenance()
    ident = json.dumps(identity(plan))
    assert "hedgesim_commit" not in ident and "hedgesim_dirty" not in ident
    # Begun by another commit, in a dirty tree: same release, same numbers, so it resumes.
    zarr.open_group(store, mode="r+").attrs.update(
        hedgesim_commit="0000000000000000000000000000000000000000", hedgesim_dirty="true"
    )
    assert cli.main([*SWEEP, f"sweep.store={store}"]) == 0
    assert zarr.open_group(store, mode="r").attrs["hedgesim_dirty"] == "true"  # kept as begun
