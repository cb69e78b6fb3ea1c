"""The dashboard's parts that need no browser: launching, scenarios, plain words, pictures."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from experiments.classroom.drawing import alignment_map, time_series
from experiments.classroom.launch import LaunchError, check_port, claim_port, solara_command
from experiments.classroom.scenarios import load_scenario, scenario_description, scenario_names
from experiments.classroom.words import describe_move, explain_terms
from experiments.config import ConfigError
from sim.params import to_plain

ROOT = Path(__file__).resolve().parents[1]
NAMES = {"plus": "USA", "minus": "CHN", "focus": "KOR", "neighbour": "JPN"}


# ----------------------------------------------------------------------------- launching
def run_launcher(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.classroom.app", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def launch_in_process(capsys, *args: str) -> tuple[int, str, str]:
    from experiments.classroom.launch import main

    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


def test_a_bad_port_from_the_command_line_is_one_line_and_exit_2():
    done = run_launcher("--port", "eighty")  # as `make demo` would run it
    assert done.returncode == 2
    assert (
        done.stderr == "error: port = 'eighty': a whole number in [0, 65535] (0 picks a free one)\n"
    )
    assert done.stdout == ""


@pytest.mark.parametrize("port", ["-1", "70000"])
def test_a_port_out_of_range_is_refused(capsys, port):
    code, out, err = launch_in_process(capsys, "--port", port)
    assert code == 2 and out == ""
    assert err == f"error: port = {port}: a whole number in [0, 65535] (0 picks a free one)\n"


def test_a_port_in_use_is_refused_with_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = launch_in_process(capsys, "--port", str(port))
    assert code == 2 and out == ""
    assert err.startswith(f"error: port = {port}: cannot listen on 127.0.0.1") and "--port" in err
    assert err.count("\n") == 1


def test_port_zero_claims_a_free_port_and_the_command_is_offline():
    port = claim_port("127.0.0.1", 0)
    assert 0 < port < 65536
    command = solara_command("127.0.0.1", port)
    # production mode, no browser on the server, no call to PyPI
    assert {"--production", "--no-open", "--no-check-version"} <= set(command)
    assert command[command.index("--port") + 1] == str(port)
    with pytest.raises(LaunchError, match="port = 'x'"):
        check_port("x")


# ----------------------------------------------------------------------------- scenarios
def test_scenarios_are_the_conf_files_with_the_default_first():
    names = scenario_names()
    assert names[0] == "lee_2025"
    assert sorted(names) == sorted(p.stem for p in (ROOT / "conf" / "scenario").glob("*.yaml"))
    assert {"thaad_2016", "taiwan_contingency", "us_retrenchment"} <= set(names)
    assert "THAAD" in scenario_description("thaad_2016")


@pytest.mark.parametrize("name", ["lee_2025", "thaad_2016"])
def test_a_scenario_is_what_every_command_runs_and_each_model_gets_its_own_copy(name):
    from experiments import compose

    first, second = load_scenario(name), load_scenario(name)
    assert to_plain(first) == to_plain(compose([f"scenario={name}"]))
    assert first is not second and first.world is not second.world


def test_an_unknown_scenario_is_one_line_naming_the_ones_available():
    with pytest.raises(ConfigError) as refused:
        load_scenario("thaad_2017")
    assert str(refused.value).startswith("scenario = 'thaad_2017': no such scenario; available: ")
    assert "thaad_2016" in str(refused.value) and "\n" not in str(refused.value)


# ----------------------------------------------------------------------------- words
def test_a_move_is_told_with_its_direction_and_size():
    before = {"security": 0.50, "economic": -0.10, "autonomy": 0.30}
    after = {"security": 0.56, "economic": -0.13, "autonomy": 0.30}
    text = describe_move("KOR", before, after, NAMES)
    assert "security +0.060 (toward the alliance with USA)" in text
    assert "economy -0.030 (toward CHN)" in text
    assert "defence" not in text  # autonomy did not move
    assert describe_move("KOR", before, before, NAMES) == "KOR stayed where it was."


def test_the_largest_pushes_come_first_in_plain_words():
    rows = [("protection", 0.042), ("coercion", -0.011), ("inertia", -0.0001)]
    lines = explain_terms(rows, NAMES)
    assert lines[0] == "Protection by USA against North Korea's threat pushed it this way (+0.042)."
    assert lines[1] == "Exposure to CHN's economic punishment held it back (-0.011)."
    assert len(lines) == 2  # a push below a thousandth is not worth a line
    assert "chance" in explain_terms([("inertia", 0.0)], NAMES)[0]


# ----------------------------------------------------------------------------- pictures
@pytest.fixture(scope="module")
def short_run():
    import sim

    return sim.simulate(load_scenario("thaad_2016"), runs=1, seed=3).isel(step=slice(0, 9))


def test_the_map_labels_every_state_where_it_is_now(short_run):
    fig = alignment_map(short_run)
    ax = fig.axes[0]
    labels = {t.get_gid(): t for t in ax.texts if t.get_gid()}
    for code in ("KOR", "JPN"):
        where = short_run.isel(run=0, step=-1).sel(state=code)
        assert labels[f"state-{code}"].xy == pytest.approx(
            (float(where.security), float(where.economic))
        )
    assert {f"zone-label-{k}" for k in range(5)} <= set(labels)
    assert [labels[f"zone-label-{k}"].get_text() for k in (0, 2, 4)] == [
        "CHN-anchored",
        "hedging",
        "USA-anchored",
    ]


def test_the_time_series_draws_the_focus_and_the_marks(short_run):
    when = short_run["time"].values[4]
    fig = time_series(short_run, marks=[(when, "missile test")])
    top, bottom = fig.axes
    security = top.get_lines()[0].get_ydata()
    assert np.allclose(security, short_run["security"].isel(run=0).sel(state="KOR").values)
    assert any(t.get_text() == "missile test" for t in top.texts)
    assert "KOR" in top.get_title()


def test_the_dashboard_and_the_run_figures_share_one_colour_code():
    from experiments.classroom import drawing
    from experiments.plots import figures, style

    for name in ("fill_zones", "poles", "state_colour"):
        assert getattr(drawing, name) is getattr(style, name) is getattr(figures, name)
