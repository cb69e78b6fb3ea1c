"""`python -m experiments.run`: broken configs end in one line, status 2 and no results
folder; a small run writes the dataset, the summary and the figures, and reports them.

Most broken configs go through `experiments.run.main` in-process (the exact code path of
the command, up to the point where it would hand over to Hydra; that hand-over is replaced
by a trap). A handful run as real subprocesses, including failures inside a Hydra job."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from experiments import run
from experiments.outputs.summary import posture_table, summarise
from sim.metrics import labels_of

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("trajectories.png", "alignment_map.png", "postures.png")

# (id, argv, words the one line must contain: the key and the value at fault)
BROKEN = [
    ("unknown focus state", ["world.focus=XYZ"], ["world.focus", "XYZ"]),
    ("unknown event target", ["scenario.events.0.target=XYZ"], ["target", "XYZ"]),
    (
        "unknown target, new event",
        ['scenario.events=[{date: "2026-03-01", kind: summit, target: ABC, partner: USA}]'],
        ["scenario.events[0].target", "ABC"],
    ),
    ("pressure above 1", ["pressures.rivalry=1.5"], ["pressures.rivalry", "1.5", "[0.0, 1.0]"]),
    ("pressure below 0", ["pressures.taiwan_risk=-0.1"], ["pressures.taiwan_risk", "-0.1"]),
    ("event after the horizon", ["scenario.events.0.date=2040-01-01"], ["date", "2040-01-01"]),
    ("horizon before an event", ["scenario.steps=1"], ["scenario.events", "2025-10-29"]),
    ("world without USA", ["~world.great_powers.USA"], ["world.great_powers", "USA", "CHN"]),
    ("world without CHN", ["~world.great_powers.CHN"], ["world.great_powers", "USA", "CHN"]),
    ("negative runs", ["runs=-5"], ["runs", "-5"]),
    ("zero runs", ["runs=0"], ["runs", "0"]),
    ("missing scenario", ["scenario=atlantis"], ["scenario", "atlantis", "lee_2025"]),
    ("missing world", ["world=mars_2040"], ["world", "mars_2040", "east_asia_2025"]),
    ("misspelt key", ["pressures.rivalr=0.5"], ["pressures.rivalr", "unknown key", "rivalry"]),
    ("misspelt group", ["weight.protection=1"], ["weight", "unknown key"]),
    ("negative weight", ["weights.protection=-0.5"], ["weights.protection", "-0.5"]),
    ("unknown decision rule", ["decision.rule=greedy"], ["decision.rule", "greedy", "partial"]),
    ("non-numeric value", ["pressures.rivalry=high"], ["pressures.rivalry", "high"]),
    ("non-numeric runs", ["runs=many"], ["runs", "many"]),
    ("impossible date", ["scenario.start=2025-02-30"], ["scenario.start", "2025-02-30"]),
    ("not a date", ["scenario.start=next-spring"], ["scenario.start", "next-spring"]),
    ("unknown engine", ["engine=quantum"], ["engine", "quantum", "numpy"]),
    ("negative seed", ["seed=-1"], ["seed", "-1"]),
    ("sweep without -m", ["scenario=baseline,lee_2025"], ["scenario=baseline,lee_2025", "-m"]),
    ("bad value in a sweep", ["-m", "pressures.rivalry=0.2,1.5"], ["pressures.rivalry", "1.5"]),
    ("bad job among a sweep", ["-m", "scenario=baseline,atlantis"], ["scenario", "atlantis"]),
    (
        "bad value in a large sweep",
        ["-m", "seed=range(0,70)", "pressures.rivalry=0.2,1.5"],
        ["pressures.rivalry", "1.5"],
    ),
    ("bad first job of a large sweep", ["-m", "seed=range(0,70)", "runs=0,5"], ["runs", "0"]),
    ("unparseable override", ["pressures.rivalry=[0.1"], ["pressures.rivalry=[0.1"]),
]


def assert_one_line(stderr: str, words: list[str]) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    line = lines[0]
    assert line.startswith("error: ")
    assert "Traceback" not in stderr
    for word in words:
        assert word in line, f"{word!r} missing from: {line}"
    return line


@pytest.fixture
def no_hydra(monkeypatch):
    """Fail loudly if a broken config got past validation to Hydra."""

    def trap(argv):
        raise AssertionError(f"invalid config reached Hydra: {argv}")

    monkeypatch.setattr(run, "launch", trap)


@pytest.mark.parametrize(("argv", "words"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_config_is_one_line_and_status_2(argv, words, tmp_path, capsys, no_hydra):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        run.main([*argv, f"hydra.run.dir={out}", f"hydra.sweep.dir={out}"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert_one_line(captured.err, words)
    assert captured.out == ""
    assert not out.exists()


def test_unknown_event_target_in_a_scenario_file(tmp_path, capsys, no_hydra):
    """A user's own scenario (via --config-dir) is validated like the shipped ones."""
    write_scenario(tmp_path / "conf", "bad_target", target="XYZ")
    with pytest.raises(SystemExit) as exit_info:
        run.main(
            [
                "--config-dir",
                str(tmp_path / "conf"),
                "scenario=bad_target",
                f"hydra.run.dir={tmp_path / 'out'}",
            ]
        )
    assert exit_info.value.code == 2
    assert_one_line(capsys.readouterr().err, ["scenario.events[0].target", "XYZ"])
    assert not (tmp_path / "out").exists()


def test_a_good_scenario_file_passes_validation(tmp_path):
    write_scenario(tmp_path / "conf", "my_scenario", target="KOR")
    (config,) = run.check_argv(["--config-dir", str(tmp_path / "conf"), "scenario=my_scenario"])
    assert config.scenario.name == "my_scenario"
    assert config.scenario.events[0].target == "KOR"


def test_every_job_of_a_sweep_is_validated():
    configs = run.check_argv(["-m", "scenario=baseline,lee_2025", "pressures.rivalry=0.2,0.9"])
    combos = {(c.scenario.name, c.pressures.rivalry) for c in configs}
    assert combos == {("baseline", 0.2), ("baseline", 0.9), ("lee_2025", 0.2), ("lee_2025", 0.9)}


def test_a_large_sweep_checks_every_value_once():
    """Past FULL_CHECK_JOBS jobs, each value of each swept key is validated (once)."""
    configs = run.check_argv(["-m", "seed=range(0,70)", "scenario=baseline,lee_2025", "runs=5"])
    assert 70 * 2 > run.FULL_CHECK_JOBS
    assert {c.seed for c in configs} == set(range(70))
    assert {c.scenario.name for c in configs} == {"baseline", "lee_2025"}
    assert {c.runs for c in configs} == {5}


def write_scenario(conf: Path, name: str, target: str) -> None:
    (conf / "scenario").mkdir(parents=True)
    (conf / "scenario" / f"{name}.yaml").write_text(
        textwrap.dedent(f"""\
        # @package _global_
        scenario:
          name: {name}
          start: "2025-07-01"
          steps: 8
          events:
            - {{date: "2026-01-15", kind: summit, target: {target}, partner: USA}}
        """)
    )


# ----------------------------------------------------------------------------- subprocesses
def run_cli(args: list[str], cwd: Path, prelude: str = "") -> subprocess.CompletedProcess:
    """The command as a user types it, or, with a `prelude`, the same entry point after
    the prelude's code (used to make the job itself fail)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HYDRA_FULL_ERROR", None)
    if prelude:
        code = f"import sys\nimport experiments.run as run\n{prelude}\nrun.main(sys.argv[1:])"
        command = [sys.executable, "-c", code, *args]
    else:
        command = [sys.executable, "-m", "experiments.run", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["world.focus=XYZ"], ["world.focus", "XYZ"]),
        (["-m", "scenario=lee_2025", "pressures.rivalry=0.5,1.5"], ["pressures.rivalry", "1.5"]),
        (["--config-dir", "/nonexistent/conf"], ["--config-dir", "/nonexistent/conf"]),
    ],
    ids=["unknown state", "bad sweep value", "missing config dir"],
)
def test_broken_config_as_a_real_command(argv, words, tmp_path):
    result = run_cli([*argv, f"hydra.run.dir={tmp_path / 'out'}"], cwd=tmp_path)
    assert result.returncode == 2
    assert_one_line(result.stderr, words)
    assert list(tmp_path.iterdir()) == []  # neither out/ nor results/ nor outputs/


BOOM = "def boom(config):\n    raise OSError('disk full')\nrun.simulate = boom"


def test_failure_inside_the_job_removes_its_folder(tmp_path):
    result = run_cli(["runs=5", "progress=false"], cwd=tmp_path, prelude=BOOM)
    assert result.returncode == 2
    assert_one_line(result.stderr, ["OSError", "disk full"])
    assert list(tmp_path.iterdir()) == []  # results/lee_2025/<time>/ and its parents gone


def test_failure_inside_a_sweep_job_removes_the_sweep(tmp_path):
    result = run_cli(["-m", "runs=5", "seed=1,2", "progress=false"], cwd=tmp_path, prelude=BOOM)
    assert result.returncode == 2
    assert_one_line(result.stderr, ["disk full"])
    assert list(tmp_path.iterdir()) == []  # results/multirun/<time>/ and its parents gone


def test_a_failing_job_keeps_a_folder_it_did_not_create(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run_cli(
        ["runs=5", "progress=false", f"hydra.run.dir={out}"], cwd=tmp_path, prelude=BOOM
    )
    assert result.returncode == 2
    assert (out / "notes.txt").read_text() == "keep me"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """One real run: 40 runs, 4 quarterly steps."""
    cwd = tmp_path_factory.mktemp("cli")
    out = cwd / "out"
    result = run_cli(
        ["runs=40", "scenario.steps=4", "progress=false", f"hydra.run.dir={out}"], cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    return result, out


def test_small_run_writes_everything(small_run):
    result, out = small_run
    for name in ("dataset.nc", "summary.json", "config.yaml", ".hydra/config.yaml", *FIGURES):
        assert (out / name).is_file(), name
    for name in FIGURES:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result.stdout.startswith("wrote out/\n")  # relative to where it was run
    assert "${" not in (out / "config.yaml").read_text()  # resolved
    assert "runs: 40" in (out / "config.yaml").read_text()


def test_summary_agrees_with_the_dataset(small_run):
    _, out = small_run
    summary = json.loads((out / "summary.json").read_text())
    ds = xr.open_dataset(out / "dataset.nc", engine="h5netcdf").load()
    assert ds.sizes["run"] == summary["runs"] == 40
    assert ds.sizes["step"] == summary["steps"] + 1 == 5
    assert (summary["seed"], summary["scenario"]) == (20250604, "lee_2025")
    shares = summary["focus_postures"]
    assert list(shares) == labels_of(ds["posture"])
    assert sum(shares.values()) == pytest.approx(1.0)
    codes = ds["posture"].isel(step=-1).sel(state=summary["focus"]).values
    expected = [np.mean(codes == k) for k in range(5)]
    assert list(shares.values()) == pytest.approx(expected)
    for code, variables in summary["states"].items():
        for name, stats in variables.items():
            values = ds[name].isel(step=-1).sel(state=code).values
            assert stats["mean"] == pytest.approx(values.mean())
            assert stats["p05"] <= stats["mean"] <= stats["p95"]
            assert stats["p05"] == pytest.approx(np.quantile(values, 0.05))


def test_dataset_is_the_engine_output_for_that_seed(small_run):
    """What the command saves is exactly sim.simulate for the same config and seed."""
    import sim
    from experiments import compose

    _, out = small_run
    saved = xr.open_dataset(out / "dataset.nc", engine="h5netcdf").load()
    fresh = sim.simulate(compose(["scenario.steps=4"]), runs=40, seed=20250604)
    xr.testing.assert_identical(saved, fresh)


def test_printed_table_matches_the_summary(small_run):
    result, out = small_run
    summary = json.loads((out / "summary.json").read_text())
    printed = dict(re.findall(r"^\s+(\S+)\s+([0-9.]+)", result.stdout, flags=re.M))
    assert list(printed) == list(summary["focus_postures"])
    for label, share in summary["focus_postures"].items():
        assert float(printed[label]) == pytest.approx(share, abs=5e-4)
    assert "South Korea (KOR)" in result.stdout


def test_multirun_writes_one_folder_per_job(tmp_path):
    result = run_cli(
        [
            "-m",
            "scenario=baseline,lee_2025",
            "runs=5",
            "scenario.steps=4",
            "progress=false",
            "figures=false",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    (sweep,) = (tmp_path / "results" / "multirun").iterdir()
    jobs = sorted(p.name for p in sweep.iterdir() if p.is_dir())
    assert jobs == ["0_baseline", "1_lee_2025"]
    for job, scenario in zip(jobs, ("baseline", "lee_2025"), strict=True):
        summary = json.loads((sweep / job / "summary.json").read_text())
        assert summary["scenario"] == scenario
        assert not (sweep / job / "postures.png").exists()  # figures=false


# ----------------------------------------------------------------------------- engine=mesa
def test_mesa_engine_calls_agents_simulate_with_the_run_settings(monkeypatch):
    import logging
    import types

    import sim

    calls = []

    def fake_simulate(params, runs, seed, steps=None):
        calls.append((params.scenario.name, runs, seed, steps))
        return sim.simulate(params, runs, seed, steps)

    monkeypatch.setitem(sys.modules, "agents", types.SimpleNamespace(simulate=fake_simulate))
    (config,) = run.check_argv(["engine=mesa", "runs=3", "seed=9", "scenario.steps=4"])
    ds = run.simulate(config)
    assert calls == [("lee_2025", 3, 9, None)]
    assert ds.sizes["run"] == 3
    assert logging.getLogger("MESA").getEffectiveLevel() >= logging.WARNING  # no INFO chatter


def test_mesa_engine_missing_is_one_line_naming_the_engine(monkeypatch):
    import types

    monkeypatch.setitem(sys.modules, "agents", types.ModuleType("agents"))  # no simulate
    (config,) = run.check_argv(["engine=mesa", "runs=3"])
    with pytest.raises(run.JobError) as error:
        run.simulate(config)
    from experiments.command import one_line

    assert one_line(error.value).startswith("engine = 'mesa': the Mesa layer is not available")


# ----------------------------------------------------------------------------- the summary
def test_posture_table_lists_every_posture_in_order():
    summary = {
        "focus": "KOR",
        "focus_name": "South Korea",
        "horizon": "2035-07-01",
        "scenario": "lee_2025",
        "runs": 1000,
        "focus_postures": {
            "CHN-anchored": 0.0,
            "CHN-leaning": 0.05,
            "hedging": 0.35,
            "USA-leaning": 0.4,
            "USA-anchored": 0.2,
        },
    }
    lines = posture_table(summary).splitlines()
    assert "1,000 runs" in lines[0] and "2035-07-01" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == list(summary["focus_postures"])
    assert lines[4].count("#") == 2 * lines[5].count("#")  # bars proportional to shares


def test_summarise_reads_a_simulated_dataset():
    import sim
    from experiments import compose

    ds = sim.simulate(compose(["scenario.steps=4"]), runs=8, seed=5)
    summary = summarise(ds, engine="numpy")
    assert summary["engine"] == "numpy"
    assert summary["horizon"] == "2026-07-01"
    assert set(summary["states"]) == {"KOR", "JPN"}
    assert sum(summary["focus_postures"].values()) == pytest.approx(1.0)
