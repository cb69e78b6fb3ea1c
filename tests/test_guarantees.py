"""Nothing lost, nothing silently wrong (issue 15): damaged stores, non-finite outputs,
out-of-range dates and durations, wrapping run ids, absurd sizes. Each refusal is one line,
exit status 2, and leaves what was already written unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from stores import same_tree

from experiments import compose
from experiments import export as export_cli
from experiments import plot as plot_cli
from experiments import run as run_cli
from experiments import sweep as sweep_cli
from sim import simulate
from sim.checks import MemoryLimitError, NonFiniteError
from sim.errors import ParamError
from sim.sweep.store import open_sweep

SWEEP = [
    "sweep=rivalry_threat_grid",
    "sweep.parameters.rivalry.levels=3",
    "sweep.parameters.dprk_threat.levels=2",
    "sweep.replicates=1",  # replicate is all zeros: its chunks are still written
    "sweep.chunk_runs=2",
    "scenario.steps=4",
    "seed=3",
    "progress=false",
]


def one_line(err: str, *words: str) -> str:
    line = err.strip()
    assert line.count("\n") == 0, err
    assert line.startswith("error: "), err
    for word in words:
        assert word in line, line
    return line


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("guarantees") / "whole.zarr"
    assert sweep_cli.main([*SWEEP, f"sweep.store={path}"]) == 0
    return path


def damaged_copy(store: Path, tmp_path: Path, *files: str) -> Path:
    copy = tmp_path / "copy.zarr"
    shutil.copytree(store, copy)
    for name in files:
        (copy / name).unlink()
    return copy


# ----------------------------------------------------------------------------- damaged stores
SKELETON = {"design": "design/c/0/0", "run ids": "run/c/1", "coordinate": "state/c/0"}
OUTCOMES = {"outcome": "security_final/c/1/0", "replicate": "replicate/c/2"}


@pytest.mark.parametrize("reader", ["plot", "export"])
@pytest.mark.parametrize("kind", [*SKELETON, *OUTCOMES])
def test_every_reader_refuses_a_store_that_lost_a_chunk(store, tmp_path, capsys, reader, kind):
    part = {**SKELETON, **OUTCOMES}[kind]
    copy = damaged_copy(store, tmp_path, part)
    before = sorted(p.relative_to(copy) for p in copy.rglob("*"))
    if reader == "plot":
        status = plot_cli.main([f"store={copy}", f"out={tmp_path / 'figs'}"])
    else:
        status = export_cli.main([f"source={copy}", f"out={tmp_path / 'runs.csv'}"])
    assert status == 2
    array = part.split("/")[0]
    line = one_line(capsys.readouterr().err, "damaged", array)
    if kind in OUTCOMES:
        assert "resuming recomputes" in line
    else:
        assert "remove the store" in line
    assert sorted(p.relative_to(copy) for p in copy.rglob("*")) == before
    assert not (tmp_path / "figs").exists() and not (tmp_path / "runs.csv").exists()


@pytest.mark.parametrize("kind", [*SKELETON])
def test_the_sweep_refuses_a_store_whose_skeleton_lost_a_chunk(store, tmp_path, capsys, kind):
    copy = damaged_copy(store, tmp_path, SKELETON[kind])
    before = sorted(p.relative_to(copy) for p in copy.rglob("*"))
    assert sweep_cli.main([*SWEEP, f"sweep.store={copy}"]) == 2
    one_line(capsys.readouterr().err, "damaged", SKELETON[kind].split("/")[0])
    assert sorted(p.relative_to(copy) for p in copy.rglob("*")) == before


@pytest.mark.parametrize("kind", [*OUTCOMES])
def test_resuming_recomputes_a_lost_outcome_chunk(store, tmp_path, capsys, kind):
    copy = damaged_copy(store, tmp_path, OUTCOMES[kind])
    assert sweep_cli.main([*SWEEP, f"sweep.store={copy}"]) == 0
    assert "computing it again" in capsys.readouterr().err
    assert same_tree(copy, store)
    assert open_sweep(copy).sizes["run"] == 6


def test_a_whole_store_reads(store):
    assert open_sweep(store).sizes["run"] == 6


# ----------------------------------------------------------------------------- non-finite
def test_a_run_that_overflows_names_the_parameter(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        run_cli.main(
            [
                "weights.consistency=1e308",
                "runs=3",
                "scenario.steps=4",
                "progress=false",
                "figures=false",
                f"hydra.run.dir={out}",
            ]
        )
    assert stop.value.code == 2
    one_line(capsys.readouterr().err, "weights.consistency = 1e+308", "NaN or infinity")
    assert not out.exists()


def test_the_engine_refuses_non_finite_outputs():
    with pytest.raises(NonFiniteError) as error, np.errstate(all="ignore"):
        simulate(compose(["weights.consistency=1e308", "scenario.steps=4"]), runs=2)
    assert error.value.key == "weights.consistency"
    assert error.value.failed.all()


def test_a_sweep_records_overflowing_runs_as_failed(tmp_path):
    path = tmp_path / "extreme.zarr"
    argv = [*SWEEP, "weights.consistency=1e308", f"sweep.store={path}"]
    assert sweep_cli.main(argv) == 0
    ds = open_sweep(path)
    failed = ds["failed"].values
    assert failed.any()
    assert (ds["posture_final"].values[failed] == -1).all()  # not classified
    assert (ds["posture_final"].values[~failed] >= 0).all()
    assert np.isfinite(ds["parameters"].values[failed]).all()  # their parameters are kept


# ----------------------------------------------------------------------------- calendar, ids
@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("scenario.start=1600-01-01", ["scenario.start", "1677"]),
        ("scenario.start=2262-01-01", ["scenario.steps", "2262"]),
        ("world.middle_powers.KOR.election.term_years=0.002", ["term_years = 0.002", "one step"]),
        ("world.middle_powers.KOR.election.term_years=1e300", ["term_years", "9999"]),
    ],
)
def test_dates_and_durations_are_checked(override, words, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        run_cli.main([override, "runs=2", f"hydra.run.dir={out}"])
    assert stop.value.code == 2
    one_line(capsys.readouterr().err, *words)
    assert not out.exists()


def test_run_ids_never_wrap():
    with pytest.raises(ParamError, match="first_run"):
        simulate(compose(), runs=10, first_run=2**63 - 5)


# ----------------------------------------------------------------------------- sizes
def test_huge_runs_are_refused_before_allocating(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        run_cli.main(["runs=100000000", f"hydra.run.dir={out}"])
    assert stop.value.code == 2
    one_line(capsys.readouterr().err, "runs = 100000000", "available", "sweep")
    assert not out.exists()
    with pytest.raises(MemoryLimitError):
        simulate(compose(), runs=10**8)


def test_a_huge_sweep_is_refused_before_allocating(tmp_path, capsys):
    path = tmp_path / "huge.zarr"
    status = sweep_cli.main(
        ["sweep=pressures_lhs", "sweep.samples=10000000000", f"sweep.store={path}"]
    )
    assert status == 2
    one_line(capsys.readouterr().err, "sweep.samples = 10000000000", "available", "split")
    assert not path.exists()


# ----------------------------------------------------------------------------- overrides
def test_an_empty_mapping_override_is_refused_not_ignored(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        run_cli.main(["world.middle_powers.KOR.red_lines={}", f"hydra.run.dir={out}"])
    assert stop.value.code == 2
    one_line(capsys.readouterr().err, "world.middle_powers.KOR.red_lines = {}", "changes nothing")
    assert not out.exists()


@pytest.mark.parametrize("name", ["../../x", "a/b", ".."])
def test_a_name_cannot_leave_the_results_root(name, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli.main([f"name={name}", "runs=2"])
    assert stop.value.code == 2
    one_line(capsys.readouterr().err, f"name = {name!r}", "plain folder name")


def test_an_unwritable_figure_path_is_one_line(store, tmp_path, capsys):
    status = plot_cli.main([f"store={store}", "out=/proc/hedgesim-x"])
    assert status == 2
    one_line(capsys.readouterr().err, "/proc/hedgesim-x")
