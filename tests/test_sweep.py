"""Sweeps into a Zarr store: the store holds what direct `simulate` calls give for the same
runs, whatever the chunk size; an interrupted store is completed to the same values; a
damaged or foreign store is refused in one line and left untouched; bad input leaves nothing.

Every sweep here is the shipped `rivalry_threat_grid` shrunk to 3 x 2 points, 3 replicates
and 8 quarterly steps (18 runs), so the whole module runs in a few seconds."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr
from stores import same_tree
from sweep_settings import common_settings

from experiments import compose
from experiments import sweep as cli
from sim import simulate, with_values
from sim.sweep.plan import plan_sweep
from sim.sweep.spec import SweepError, parse_sweep
from sim.sweep.store import StoreError, open_store, open_sweep

SMALL = [
    "sweep=rivalry_threat_grid",
    "sweep.parameters.rivalry.levels=3",
    "sweep.parameters.dprk_threat.levels=2",
    "sweep.replicates=3",
    "scenario.steps=8",
    "seed=11",
    "progress=false",
]


def make(store: Path, *extra: str) -> int:
    return cli.main([*SMALL, f"sweep.store={store}", *extra])


def load(store: Path) -> xr.Dataset:
    with xr.open_zarr(store) as ds:
        return ds.load()


def snapshot(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The small sweep in one chunk, uninterrupted."""
    store = tmp_path_factory.mktemp("sweep") / "reference.zarr"
    assert make(store, "sweep.chunk_runs=100") == 0
    return store


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> Path:
    """The same sweep in chunks of 4 runs (5 chunks, the last one ragged)."""
    store = tmp_path_factory.mktemp("sweep") / "chunked.zarr"
    assert make(store, "sweep.chunk_runs=4") == 0
    return store


# --------------------------------------------------------------------------- contents
def test_store_equals_direct_simulate_calls_for_the_same_runs(reference):
    ds = load(reference)
    params = compose(["scenario.steps=8"])
    design = ds["design"].values
    for run in (0, 7, 17):  # first, middle and last run; each simulated on its own
        point, replicate = divmod(run, 3)
        assert int(ds["design_point"][run]) == point and int(ds["replicate"][run]) == replicate
        rivalry, threat = design[point]
        alone = with_values(params, {"pressures.rivalry": rivalry, "pressures.dprk_threat": threat})
        direct = simulate(alone, runs=1, seed=11, first_run=run).isel(run=0)
        got = ds.sel(run=run)
        np.testing.assert_array_equal(got["parameters"].values, [rivalry, threat])
        for name in ("security", "economic", "autonomy", "hedging"):
            np.testing.assert_array_equal(
                got[f"{name}_final"].values, direct[name].isel(step=-1).values
            )
            np.testing.assert_allclose(
                got[f"{name}_mean"].values,
                direct[name].isel(step=slice(1, None)).mean("step").values,
                rtol=1e-15,
            )
        np.testing.assert_array_equal(
            got["threat_final"].values, direct["threat"].isel(step=-1).values
        )
        np.testing.assert_array_equal(
            got["posture_final"].values, direct["posture"].isel(step=-1).values
        )
        for code in (0, 2, 4):
            steps = (direct["posture"].isel(step=slice(1, None)) == code).sum("step").values
            np.testing.assert_array_equal(got["posture_steps"].isel(posture=code).values, steps)


def test_design_spans_the_configured_grid(reference):
    ds = load(reference)
    assert ds.sizes["run"] == 18 and ds.sizes["point"] == 6
    np.testing.assert_array_equal(np.unique(ds["design"].sel(parameter="rivalry")), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(np.unique(ds["design"].sel(parameter="dprk_threat")), [0.0, 1.0])
    assert json.loads(ds.attrs["parameter_keys"]) == ["pressures.rivalry", "pressures.dprk_threat"]


def test_chunk_size_changes_no_value(reference, chunked):
    a, b = load(reference), load(chunked)
    assert int((b["chunk_digest"] != 0).sum()) == 5
    data = [v for v in a.data_vars if v != "chunk_digest"]
    xr.testing.assert_identical(a[data].drop_attrs(deep=False), b[data].drop_attrs(deep=False))


def test_trajectories_option_keeps_every_step(tmp_path, reference):
    store = tmp_path / "paths.zarr"
    assert make(store, "sweep.trajectories=true", "sweep.chunk_runs=10") == 0
    ds = load(store)
    assert ds["security_path"].dims == ("run", "step", "state") and ds.sizes["step"] == 9
    np.testing.assert_array_equal(
        ds["security_path"].isel(step=-1).values, ds["security_final"].values
    )
    np.testing.assert_array_equal(
        ds["security_final"].values, load(reference)["security_final"].values
    )


# --------------------------------------------------------------------------- resuming
def test_missing_chunks_are_computed_again_to_the_same_store(tmp_path, chunked):
    store = tmp_path / "resumed.zarr"
    shutil.copytree(chunked, store)
    group = zarr.open_group(store, mode="r+")
    # As a kill between a chunk's data and its digest leaves it: chunk 2 half rewritten with
    # other numbers, chunk 4 with data but no digest; both count as absent.
    group["security_final"][8:12] = -9.0
    group["chunk_digest"][2] = 0
    group["chunk_digest"][4] = 0
    with open_store(store, plan_of(chunk_runs=4)) as opened:
        assert opened.missing == [2, 4]
    assert make(store, "sweep.chunk_runs=4") == 0
    assert same_tree(store, chunked)


def test_a_finished_store_is_left_as_it_is(chunked, capsys):
    before = snapshot(chunked)
    assert make(chunked, "sweep.chunk_runs=4") == 0
    assert "0 computed now, 5 already there" in capsys.readouterr().out
    assert snapshot(chunked) == before


def test_a_sweep_called_where_an_event_loop_runs_writes_the_same_store(tmp_path, chunked):
    """As from a notebook, whose thread runs an event loop: the store's writes go through
    Zarr's asynchronous API on a loop of the store's own, never the caller's."""
    store = tmp_path / "in_a_loop.zarr"

    async def in_a_notebook() -> int:
        return make(store, "sweep.chunk_runs=4")

    assert asyncio.run(in_a_notebook()) == 0
    assert same_tree(store, chunked)


def plan_of(**settings):
    cfg = cli.prepare(
        [*SMALL, "sweep.store=unused", *(f"sweep.{k}={v}" for k, v in settings.items())]
    )
    return cfg[1]


# --------------------------------------------------------------------------- refusals
def damage_digest_chunk(store: Path) -> None:
    zarr.open_group(store, mode="r+")["economic_mean"][0:4] = 0.5  # chunk 0 is marked done


def damage_array_metadata(store: Path) -> None:
    (store / "hedging_final" / "zarr.json").unlink()


def damage_root_metadata(store: Path) -> None:
    (store / "zarr.json").write_text("{not json")


def damage_chunk_file(store: Path) -> None:
    chunk_file = next(p for p in (store / "security_mean" / "c").rglob("*") if p.is_file())
    chunk_file.write_bytes(b"\x00garbage")


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (damage_array_metadata, ["damaged", "hedging_final"]),
        (damage_root_metadata, ["damaged"]),
    ],
    ids=["array metadata lost", "root metadata garbled"],
)
def test_damaged_store_is_refused_and_left_untouched(tmp_path, chunked, capsys, damage, words):
    store = tmp_path / "damaged.zarr"
    shutil.copytree(chunked, store)
    damage(store)
    before = snapshot(store)
    assert make(store, "sweep.chunk_runs=4") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: sweep.store")
    for word in words:
        assert word in err, err
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (damage_digest_chunk, ["chunk 0", "digest", "computing it again"]),
        (damage_chunk_file, ["chunk", "unreadable", "computing it again"]),
    ],
    ids=["values changed", "chunk file garbled"],
)
def test_damaged_chunks_are_recomputed_on_resume(tmp_path, chunked, capsys, damage, words):
    """A chunk whose values or file were damaged is computed again by the same sweep
    command: the store ends identical to the undamaged one."""
    store = tmp_path / "damaged.zarr"
    shutil.copytree(chunked, store)
    damage(store)
    assert make(store, "sweep.chunk_runs=4") == 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("note: ")
    for word in words:
        assert word in err, err
    assert same_tree(store, chunked)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (["seed=12"], ["another sweep", "seed", "11", "12"]),
        (["sweep.replicates=2"], ["another sweep", "sweep.replicates"]),
        (["pressures.taiwan_risk=0.9"], ["another sweep", "params.pressures.taiwan_risk", "0.9"]),
        (["sweep.chunk_runs=5"], ["another sweep", "sweep.chunk_runs", "4", "5"]),
    ],
    ids=["seed", "replicates", "a parameter", "chunk size"],
)
def test_store_of_another_sweep_is_refused(chunked, capsys, change, words):
    before = snapshot(chunked)
    extra = (
        change
        if any(c.startswith("sweep.chunk_runs") for c in change)
        else ["sweep.chunk_runs=4", *change]
    )
    assert make(chunked, *extra) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    for word in words:
        assert word in err, err
    assert snapshot(chunked) == before


def test_folder_that_is_not_a_sweep_store_is_refused(tmp_path, capsys):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep me")
    assert make(folder) == 2
    assert "not a Zarr store" in capsys.readouterr().err
    assert (folder / "todo.txt").read_text() == "keep me"
    other = tmp_path / "other.zarr"
    xr.Dataset({"x": ("i", np.arange(3.0))}).to_zarr(other, consolidated=False)
    assert make(other) == 2
    assert "not a hedgesim sweep" in capsys.readouterr().err


def test_second_writer_on_the_same_store_is_refused(tmp_path):
    store = tmp_path / "busy.zarr"
    plan = plan_of(chunk_runs=4)
    with open_store(store, plan):
        with pytest.raises(StoreError, match="in use by another running sweep"):
            open_store(store, plan)


def test_a_new_store_is_locked_before_it_appears(tmp_path, monkeypatch):
    """So that no other sweep can open it before the one that created it holds it: what it
    holds is then exactly what was written (no chunk done), and is not read back."""
    import fcntl

    import sim.sweep.store as store_module

    store = tmp_path / "new.zarr"
    locked_when_renamed = []
    rename = os.rename

    def renaming(source, target):
        fd = os.open(source, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked_when_renamed.append(False)
        except BlockingIOError:
            locked_when_renamed.append(True)
        finally:
            os.close(fd)
        rename(source, target)

    monkeypatch.setattr(store_module.os, "rename", renaming)
    with open_store(store, plan_of(chunk_runs=4)) as opened:
        assert locked_when_renamed == [True]
        assert opened.missing == list(range(opened.plan.n_chunks))
        monkeypatch.setattr(store_module.os, "rename", rename)
        with pytest.raises(StoreError, match="in use by another running sweep"):
            open_store(store, opened.plan)


def test_unfinished_store_is_readable_only_when_asked(tmp_path, chunked):
    store = tmp_path / "half.zarr"
    shutil.copytree(chunked, store)
    zarr.open_group(store, mode="r+")["chunk_digest"][1] = 0
    with pytest.raises(StoreError, match="unfinished sweep .4 of 5 chunks"):
        open_sweep(store)
    partial = open_sweep(store, partial=True)
    assert list(partial["run"].values) == [0, 1, 2, 3, *range(8, 18)]


# --------------------------------------------------------------------------- bad input
BAD = [
    (["sweep=no_such_sweep"], ["sweep", "no_such_sweep", "rivalry_threat_grid"]),
    (["sweep.chunk_runs=0"], ["sweep.chunk_runs", "0"]),
    (["sweep.chunk_run=5"], ["sweep.chunk_run"]),
    (
        ["sweep.parameters.rivalry.high=1.5"],
        ["sweep.parameters.rivalry", "pressures.rivalry", "1.5", "[0.0, 1.0]"],
    ),
    (["sweep.parameters.rivalry.key=pressures.rivaly"], ["pressures.rivaly", "pressures.rivalry"]),
    (["sweep.parameters.rivalry.key=scenario.steps"], ["scenario.steps", "cannot vary"]),
    (["pressures.russia_dprk=2"], ["pressures.russia_dprk", "2"]),
    (["sweep.executor=spark"], ["sweep.executor", "spark"]),
]


@pytest.mark.parametrize(("extra", "words"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_input_is_one_line_status_2_and_no_store(tmp_path, capsys, extra, words):
    store = tmp_path / "never.zarr"
    assert make(store, *extra) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: "), err
    for word in words:
        assert word in err, err
    assert not store.exists() and os.listdir(tmp_path) == []


def test_without_a_sweep_the_choices_are_listed(capsys):
    assert cli.main(["progress=false"]) == 2
    err = capsys.readouterr().err
    assert "sweep=NAME" in err and "pressures_lhs" in err and "pressures_sobol" in err


@pytest.mark.parametrize("name", ["rivalry_threat_grid", "pressures_lhs", "pressures_sobol"])
def test_shipped_sweeps_plan(name):
    spec, plan, _ = cli.prepare([f"sweep={name}"])
    assert plan.runs == plan.n_points * spec.replicates > 10_000
    assert spec.store == f"results/sweeps/lee_2025/{name}.zarr"


def test_spec_rejects_what_the_config_schema_cannot():
    with pytest.raises(SweepError, match="sweep.parameters.x.key"):
        plan_sweep(
            parse_sweep(
                common_settings(
                    name="n",
                    design="grid",
                    store="s",
                    chunk_runs=1,
                    parameters={"x": {"key": "weights.nothing", "values": [1.0]}},
                )
            ),
            compose([]),
            seed=0,
        )


def test_resuming_with_a_changed_model_is_refused(tmp_path, chunked, capsys, monkeypatch):
    """Same sweep, same version, but the equations changed since the store was begun: the
    store would mix two models' numbers, so the resume is refused."""
    import sim.sweep.plan

    store = tmp_path / "begun.zarr"
    shutil.copytree(chunked, store)
    zarr.open_group(store, mode="r+")["chunk_digest"][3] = 0
    original = sim.sweep.plan.simulate_blocks

    def edited_model(*args, **kwargs):
        for block in original(*args, **kwargs):
            security = block.trajectories["security"] * 0.99
            yield dataclasses.replace(
                block, trajectories={**block.trajectories, "security": security}
            )

    monkeypatch.setattr(sim.sweep.plan, "simulate_blocks", edited_model)
    before = snapshot(store)
    assert make(store, "sweep.chunk_runs=4") == 2
    assert "computes run 0 differently" in capsys.readouterr().err
    assert snapshot(store) == before


def test_leftovers_of_a_killed_write_are_removed_on_resume(tmp_path, chunked):
    """A kill mid-write leaves a file under a temporary name: what is not `zarr.json` or a
    chunk key of the Zarr v3 format is removed once the store is known to be this sweep's, and
    the store ends identical to an uninterrupted one."""
    store = tmp_path / "killed.zarr"
    shutil.copytree(chunked, store)
    chunk_dir = next(p.parent for p in store.rglob("c/*") if p.is_file())
    (chunk_dir / "0.3f2a9c.partial").write_bytes(b"half a chunk")
    assert make(store, "sweep.chunk_runs=4") == 0
    assert same_tree(store, chunked)


def test_a_foreign_folder_loses_nothing(tmp_path, capsys):
    """Files in a folder that is not this sweep's store are never touched, whatever their name."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.partial").write_text("keep me")
    assert make(folder) == 2
    assert (folder / "notes.partial").read_text() == "keep me"
