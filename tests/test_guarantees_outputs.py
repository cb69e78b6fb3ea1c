"""Nothing lost (issue 15): results folders are made whole or not at all, uniquely, and never
written into once they exist; a multirun with a failed job exits non-zero under every
launcher; unwritable and full disks end in one line; SIGINT and SIGTERM clean up. Each test
asserts the one line, the exit status and that nothing already written changed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stores import same_tree

from experiments import export as export_cli
from experiments import plot as plot_cli
from experiments import run as run_cli
from experiments import sweep as sweep_cli

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["runs=3", "scenario.steps=4", "progress=false", "figures=false"]
OVERFLOW = "weights.consistency=1e308"  # passes validation, fails inside the job


def command(args: list[str], cwd: Path, prelude: str = "", **env: str) -> subprocess.Popen:
    """`python -m experiments.run ARGS` as a user starts it (a `prelude` runs first)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environment.pop("HYDRA_FULL_ERROR", None)
    code = f"import sys\nimport experiments.run as run\n{prelude}\nrun.main(sys.argv[1:])"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_from_a_terminal,
    )


def as_from_a_terminal() -> None:
    """Ctrl-C's signal handled as a user's command at a terminal has it: a test suite started
    in the background by a non-interactive shell (`make test &`) runs with SIGINT ignored
    (POSIX), which its processes inherit and Python then keeps."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def the_line(err: str, *words: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def hidden(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*.partial*")]


def existing(folder: Path) -> Path:
    """A folder with results already in it, which no later command may change."""
    folder.mkdir(parents=True)
    (folder / "dataset.nc").write_bytes(b"an earlier result")
    (folder / "notes.txt").write_text("keep me")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ----------------------------------------------------------------------------- folders
def test_two_runs_started_together_get_two_folders(tmp_path):
    argv = [*SMALL, f"hydra.run.dir={tmp_path / 'same'}"]
    processes = [command(argv, tmp_path) for _ in range(2)]
    results = [finish(p) for p in processes]
    assert [status for status, _, _ in results] == [0, 0], results
    wrote = sorted(out.splitlines()[0] for _, out, _ in results)
    assert wrote == ["wrote same/", "wrote same_2/"]
    for name in ("same", "same_2"):
        assert (tmp_path / name / "dataset.nc").stat().st_size > 0
        assert (tmp_path / name / "summary.json").is_file()
    assert hidden(tmp_path) == []


def test_a_run_into_an_existing_folder_writes_beside_it(tmp_path):
    out = existing(tmp_path / "out")
    before = snapshot(out)
    status, stdout, _ = finish(command([*SMALL, f"hydra.run.dir={out}"], tmp_path))
    assert status == 0
    assert stdout.startswith("wrote out_2/")
    assert snapshot(out) == before
    assert (tmp_path / "out_2" / "dataset.nc").is_file()


def test_a_failing_run_leaves_an_existing_folder_as_it_was(tmp_path, capsys):
    out = existing(tmp_path / "out")
    before = snapshot(out)
    with pytest.raises(SystemExit) as stop:
        run_cli.main([*SMALL, OVERFLOW, f"hydra.run.dir={out}"])
    assert stop.value.code == 2
    the_line(capsys.readouterr().err, "weights.consistency = 1e+308")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ----------------------------------------------------------------------------- multirun
@pytest.mark.parametrize("launcher", ["basic", "joblib", "processes"])
def test_a_multirun_with_a_failed_job_exits_non_zero(tmp_path, launcher):
    sweep = existing(tmp_path / "sweep")
    before = snapshot(sweep)
    argv = ["-m", *SMALL, f"weights.consistency=0.5,{OVERFLOW.split('=')[1]}"]
    argv += [f"hydra.sweep.dir={sweep}", f"hydra/launcher={launcher}"]
    status, stdout, err = finish(command(argv, tmp_path, HEDGESIM_JOBS="2"))
    assert status == 2
    the_line(err, "1 of 2 jobs failed", "job 1", "weights.consistency = 1e+308", "sweep_2/")
    assert snapshot(sweep) == before  # an earlier sweep's folder is never written into
    kept = sorted(p.name for p in (tmp_path / "sweep_2").iterdir())
    assert kept == ["0_lee_2025", "multirun.yaml"]  # the finished job; no trace of the other
    assert (tmp_path / "sweep_2" / "0_lee_2025" / "dataset.nc").is_file()
    assert hidden(tmp_path) == []


def test_a_multirun_whose_jobs_all_finish_exits_zero(tmp_path):
    argv = ["-m", *SMALL, "seed=1,2", f"hydra.sweep.dir={tmp_path / 'sweep'}"]
    status, stdout, err = finish(command(argv, tmp_path))
    assert status == 0, err
    assert "wrote sweep/ (2 jobs)" in stdout
    assert sorted(p.name for p in (tmp_path / "sweep").iterdir()) == [
        "0_lee_2025",
        "1_lee_2025",
        "multirun.yaml",
    ]


# ----------------------------------------------------------------------------- unwritable
@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "a_file"
    path.write_text("not a folder")
    return path


def test_a_run_into_a_path_through_a_file_is_one_line(a_file, capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli.main([*SMALL, f"hydra.run.dir={a_file / 'out'}"])
    assert stop.value.code == 2
    the_line(capsys.readouterr().err, str(a_file), "Not a directory")
    assert a_file.read_text() == "not a folder"


@pytest.mark.parametrize("where", ["/proc/hedgesim-x/out", "file"])
def test_a_sweep_into_an_unwritable_path_is_one_line(where, a_file, capsys):
    store = "/proc/hedgesim-x/s.zarr" if where.startswith("/proc") else a_file / "s.zarr"
    argv = ["sweep=rivalry_threat_grid", "sweep.parameters.rivalry.levels=2"]
    status = sweep_cli.main(
        [*argv, "sweep.parameters.dprk_threat.levels=2", f"sweep.store={store}"]
    )
    assert status == 2
    the_line(capsys.readouterr().err, "/proc/hedgesim-x" if where != "file" else str(a_file))
    assert a_file.read_text() == "not a folder"


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "small.zarr"
    argv = ["sweep=rivalry_threat_grid", "sweep.parameters.rivalry.levels=3"]
    argv += ["sweep.parameters.dprk_threat.levels=2", "scenario.steps=4", "progress=false"]
    assert sweep_cli.main([*argv, f"sweep.store={path}"]) == 0
    return path


def test_plot_and_export_into_a_path_through_a_file_are_one_line(small_store, a_file, capsys):
    assert plot_cli.main([f"store={small_store}", f"out={a_file / 'figs'}"]) == 2
    the_line(capsys.readouterr().err, str(a_file))
    assert export_cli.main([f"source={small_store}", f"out={a_file / 'runs.csv'}"]) == 2
    the_line(capsys.readouterr().err, str(a_file))
    assert a_file.read_text() == "not a folder"


# ----------------------------------------------------------------------------- signals
WAIT = "import time\nrun.simulate = lambda config: time.sleep(120)"  # a job that runs long


@pytest.mark.parametrize(("sent", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_a_run_cleans_up(tmp_path, sent, status):
    out = existing(tmp_path / "out")
    before = snapshot(out)
    process = command([*SMALL, f"hydra.run.dir={out}"], tmp_path, prelude=WAIT)
    # The job has started once Hydra wrote its config into the temporary folder.
    while not list(tmp_path.glob(".out.partial-*/.hydra/overrides.yaml")):
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(sent)
    code, _, err = finish(process)
    assert code == status, err  # the line tells which error ended it otherwise
    the_line(err, "interrupted")  # "removed" in the job, "nothing was kept" before it
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no .hydra, no partial


# ----------------------------------------------------------------------------- full disks
# Each command runs in its own process, as a user runs it: a full disk must end it with one
# line and status 2, and whatever it does to its process stays out of the test's.
@pytest.fixture
def full_disk(tmp_path):
    """A tmpfs of 1 MiB (needs root and a kernel that allows it; skipped otherwise)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip() or 'not root'}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def command_in_process_of_its_own(name: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", f"experiments.{name}", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


@pytest.mark.slow
def test_a_run_onto_a_full_disk_is_one_line(full_disk, tmp_path):
    out = existing(full_disk / "out")
    before = snapshot(out)
    # 2,000 runs: ~3 MB of netCDF, more than fits
    done = command_in_process_of_its_own(
        "run", "runs=2000", "progress=false", "figures=false", f"hydra.run.dir={out}", cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    the_line(done.stderr, "No space left on device")
    assert snapshot(out) == before
    assert sorted(p.name for p in full_disk.iterdir()) == ["out"]


@pytest.mark.slow
def test_a_run_onto_a_disk_without_room_for_hydra_is_refused_up_front(full_disk, tmp_path):
    (full_disk / "filler").write_bytes(b"\0" * (900 << 10))  # most of it taken
    done = command_in_process_of_its_own(
        "run", *SMALL, f"hydra.run.dir={full_disk / 'out'}", cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    the_line(done.stderr, "bytes free", "nothing was written")
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


@pytest.mark.slow  # ~30 s: a store larger than the disk
def test_a_sweep_onto_a_full_disk_is_one_line_and_resumable(full_disk, tmp_path):
    store = full_disk / "big.zarr"
    argv = ["sweep=rivalry_threat_grid", "sweep.chunk_runs=200", "scenario.steps=8"]
    argv += ["sweep.replicates=50", "progress=false"]
    done = command_in_process_of_its_own("sweep", *argv, f"sweep.store={store}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    the_line(done.stderr, "No space left on device")
    # What the store holds is whole: the finished chunks verify; the rest is computed on resume.
    elsewhere = tmp_path / "big.zarr"
    if store.exists():
        subprocess.run(["cp", "-a", str(store), str(elsewhere)], check=True)
        resumed = command_in_process_of_its_own(
            "sweep", *argv, f"sweep.store={elsewhere}", cwd=tmp_path
        )
        assert resumed.returncode == 0, resumed.stderr


@pytest.mark.slow
def test_plot_onto_a_full_disk_is_one_line(full_disk, small_store, tmp_path):
    (full_disk / "filler").write_bytes(b"\0" * (1024 * 1024 - 8192))
    out = full_disk / "figs"
    done = command_in_process_of_its_own("plot", f"store={small_store}", f"out={out}", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    the_line(done.stderr, "No space left on device")
    assert not out.exists() or [p.name for p in out.iterdir()] == []


def test_nothing_was_changed_in_the_store_a_plot_read(small_store, tmp_path):
    copy = tmp_path / "copy.zarr"
    subprocess.run(["cp", "-a", str(small_store), str(copy)], check=True)
    assert plot_cli.main([f"store={copy}", f"out={tmp_path / 'figs'}"]) == 0
    assert same_tree(copy, small_store)
