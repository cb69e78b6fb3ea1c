"""Issue 13's classroom features that need no browser: the state in the page address, step
back and run to a date, the pinned run, the ensemble of the current settings, the numbers at
a glance, set and felt pressures, the schedule, names instead of codes, the answer sheet,
the downloads, and class mode's join code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import solara

from experiments.classroom import address as page_address
from experiments.classroom import app
from experiments.classroom.components import felt, posture_of, run_csv, schedule_of
from experiments.classroom.drawing import LABEL_ROOM, alignment_map, label_offsets
from experiments.classroom.exercises import EXERCISES, answer_sheet
from experiments.classroom.launch import JOIN_CODE_ENV, parse
from experiments.classroom.session import ClassroomModel, Session
from experiments.classroom.words import counted
from tests.test_app_page import find, text, widgets

ROOT = Path(__file__).resolve().parents[1]


def steered(scenario="thaad_2016", seed="7") -> ClassroomModel:
    model = ClassroomModel(scenario, seed)
    model.set_pressure("china_coercion", 0.0)
    model.fire_event("missile_test")
    for _ in range(3):
        model.step()
    model.fire_event("summit", partner="CHN")
    model.step()
    model.step()
    return model


def test_the_address_rebuilds_the_same_world_at_the_same_step():
    model = steered()
    query = page_address.encode(
        page_address.Address(model.scenario_name, str(model.seed), model.steps, model.actions, "AB")
    )
    assert query == (
        "scenario=thaad_2016&seed=7&step=5&p=0:china_coercion:0&e=0:missile_test"
        "&e=3:summit:CHN&join=AB"
    )
    found = page_address.decode(query)
    assert found.problems == [] and found.join == "AB"
    again = ClassroomModel.replayed(found.scenario, found.seed, found.actions, found.step)
    assert again.steps == 5
    assert again.trajectories()["security"].tolist() == model.trajectories()["security"].tolist()
    assert again.threat == model.threat


def test_an_unreadable_address_is_named_and_the_rest_still_counts():
    found = page_address.decode("scenario=atlantis&step=x&p=0:rivalry:7&e=1:missile_test")
    assert [p.split(" ")[0] for p in found.problems] == ["scenario", "step", "p"]
    assert found.scenario == "lee_2025" and found.step == 0
    assert [a.name for a in found.actions] == ["missile_test"]


def test_step_back_and_run_to_a_date_give_the_worlds_of_those_steps():
    session = Session("thaad_2016", 7)
    session.set_pressure("china_coercion", 0.0)
    session.go_to(5)  # run to 2017-04-01
    assert session.model.value.date.isoformat() == "2017-04-01"
    at_four = ClassroomModel("thaad_2016", 7)
    at_four.set_pressure("china_coercion", 0.0)
    for _ in range(4):
        at_four.step()
    session.step_back()
    model = session.model.value
    assert model.steps == 4 and model.threat == at_four.threat
    assert model.agent("KOR").security == at_four.agent("KOR").security
    session.go_to(0)
    assert session.model.value.pending_pressures == {"china_coercion": 0.0}  # still queued


def test_the_ensemble_is_the_engine_on_the_same_settings_and_run_0_is_the_page():
    session = Session("thaad_2016", 7)
    session.set_pressure("china_coercion", 0.0)
    session.fire_event("missile_test")
    session.go_to(6)
    session.run_ensemble(runs=50)
    ensemble = session.ensemble.value
    assert ensemble.sizes["run"] == 50
    page = session.model.value.trajectories()["security"][0]
    assert np.allclose(ensemble["security"].isel(run=0, step=slice(0, 7)).values, page)
    spread = ensemble["security"].sel(state="KOR").isel(step=20)
    assert float(spread.max() - spread.min()) > 0.01  # many worlds, not one


def test_pinning_keeps_the_run_drawn_faintly_behind_the_next():
    session = Session("thaad_2016", 7)
    session.go_to(3)
    session.pin()
    session.reset()
    label, pinned = session.pinned.value
    assert "thaad_2016" in label and pinned.sizes["step"] == 4
    figure = alignment_map(session.model.value.to_dataset(), pinned=pinned)
    assert any(line.get_gid() == "pinned-KOR" for line in figure.axes[0].lines)


def test_a_pressure_shows_set_and_now_where_the_schedule_moved_it():
    model = ClassroomModel("taiwan_contingency")
    model.set_pressure("rivalry", 0.2)
    while model.date.isoformat() < "2027-07-01":
        model.step()
    assert model.set_by_hand()["rivalry"] == 0.2
    assert felt(model, "rivalry") >= 0.95  # the scheduled change, plus the crisis
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        rows = schedule_of(model)
        assert rows[0][0].isoformat() == "2025-07-30"
        assert any("US–China rivalry → 0.95" in what for _, what in rows)
    finally:
        context.close()


def test_the_page_shows_set_and_now_and_the_numbers_at_a_glance():
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        find(box, "hs-step").click()
        model = ClassroomModel()
        model.step()
        korea = model.agent("KOR")
        assert text(box, "hs-glance-security-KOR") == f"{korea.security:+.2f}"
        assert text(box, "hs-glance-economy-KOR") == f"{korea.economic:+.2f}"
        assert text(box, "hs-glance-gap-KOR") == f"{abs(korea.security - korea.economic):.2f}"
        assert text(box, "hs-glance-posture-KOR") == posture_of(korea.model, korea)
        threat = text(box, "hs-pressure-dprk_threat")
        assert (
            threat
            == f"North Korean threat: set {model.pressures['dprk_threat']:.2f} · now {model.threat:.2f}"
        )
        assert (
            "1 missile test" in text(box, "hs-last-events")
            or "missile tests" in text(box, "hs-last-events")
            or "none" in text(box, "hs-last-events")
        )
        find(box, "hs-back").click()
        assert text(box, "hs-date").endswith("step 0 of 40")
    finally:
        context.close()


def test_names_not_codes_and_counts_in_the_right_number():
    assert counted(1, "nuclear test") == "1 nuclear test"
    assert counted(2, "nuclear test") == "2 nuclear tests"
    assert counted(2, "Taiwan crisis") == "2 Taiwan crises"
    model = ClassroomModel()
    figure = alignment_map(model.to_dataset(), names={"KOR": "South Korea", "JPN": "Japan"})
    labels = [
        t.get_text() for t in figure.axes[0].texts if (t.get_gid() or "").startswith("state-")
    ]
    assert sorted(labels) == ["Japan", "South Korea"]


def test_map_labels_never_overlap_each_other_nor_another_states_dot():
    for points in (
        {"KOR": (0.55, -0.02), "JPN": (0.60, 0.02)},  # close together
        {"KOR": (0.98, 0.97), "JPN": (0.97, 0.99)},  # piled on the edge
    ):
        offsets = label_offsets(points)
        (a, (ax, ay)), (b, (bx, by)) = offsets.items()
        assert ay * by < 0, "one name above the pair, the other below"
        for code, (x, _) in points.items():
            if x > 1 - 4 * LABEL_ROOM:
                assert offsets[code][0] < 0, "names near the right edge run inward"
    ds = ClassroomModel().to_dataset()
    figure = alignment_map(ds, names={"KOR": "South Korea", "JPN": "Japan"})
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [
        t.get_window_extent(renderer)
        for t in figure.axes[0].texts
        if (t.get_gid() or "").startswith("state-")
    ]
    assert not boxes[0].overlaps(boxes[1])


def test_the_answer_sheet_holds_the_questions_the_answers_and_the_world():
    thaad = EXERCISES[0]
    sheet = answer_sheet(thaad, {"thaad-1": "Less close."}, "scenario=thaad_2016&step=6")
    assert sheet.startswith("# Exercise 1")
    assert "Less close." in sheet and "(no answer)" in sheet
    assert "?scenario=thaad_2016&step=6" in sheet
    assert len(EXERCISES) == 3 and all(len(e.questions) == 3 for e in EXERCISES)


def test_the_csv_is_the_run_so_far_one_row_per_step_and_state():
    model = steered()
    lines = run_csv(model).splitlines()
    assert lines[0].split(",")[:3] == ["step", "state", "security"]
    assert len(lines) == 1 + 6 * len(model.state_codes)
    assert "posture" in lines[0] and "threat" in lines[0]


def test_class_mode_is_opt_in_and_draws_a_join_code():
    assert parse([]).host == "127.0.0.1" and parse([]).join_code == ""
    for_class = parse(["--class"])
    assert for_class.host == "0.0.0.0" and len(for_class.join_code) == 6
    assert parse(["--host", "0.0.0.0"]).join_code
    assert parse(["--class", "--host", "127.0.0.1"]).join_code  # a code even on loopback


def test_a_page_load_without_the_join_code_is_refused(monkeypatch):
    monkeypatch.setenv(JOIN_CODE_ENV, "K7Q2MX")
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        find(box, "hs-refused-page")
        assert not [w for w in widgets(box) if "hs-step" in (getattr(w, "class_", "") or "")]
    finally:
        context.close()
    assert app.admitted("k7q2mx") and not app.admitted("WRONG1")


def test_the_notebook_target_is_documented_and_its_extra_declared():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nnotebook:" in makefile
    assert "notebook = [" in (ROOT / "pyproject.toml").read_text()
    done = subprocess.run(
        [sys.executable, "-m", "experiments.classroom.app", "--class", "--port", "x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2 and "join" not in done.stdout


# ----------------------------------------------------------------------------- seats' history
def seated_twin(choices: list[dict[str, dict[str, float]]]) -> ClassroomModel:
    """The world the seats' choices give, quarter by quarter, on a model in this process."""
    twin = ClassroomModel()
    for quarter in choices:
        for code, choice in quarter.items():
            if code not in twin.seats:
                twin.take_seat(code)
            twin.choose(code, **choice)
        twin.step()
    return twin


QUARTERS = [
    {"USA": {"commitment": 1.0}, "CHN": {"coercion": 0.6}, "PRK": {"provocation": -1.0}},
    {"USA": {"tariff": 0.8}, "CHN": {"inducement": 0.9}, "PRK": {"provocation": 1.0}},
    {"USA": {"commitment": 0.0}, "CHN": {"coercion": 0.0}, "PRK": {"provocation": 0.5}},
]


def test_step_back_in_a_class_session_replays_the_seats_choices():
    tabs = {code: app.session_for(page_address.decode(""), "keep-seats-1") for code in QUARTERS[0]}
    for code, session in tabs.items():
        session.take_seat(code)
    for quarter in QUARTERS:
        for code, choice in quarter.items():
            tabs[code].choose(**choice)  # the last seat to choose steps the world
    shared = tabs["USA"].model.value
    assert shared.steps == 3
    assert shared.trajectories()["security"].tolist() == (
        seated_twin(QUARTERS).trajectories()["security"].tolist()
    )
    tabs["CHN"].step_back()  # any tab: the class's world goes back for every tab
    back = tabs["CHN"].model.value
    assert back is tabs["CHN"].shared.model and back.steps == 2  # the other tabs follow it
    twin = seated_twin(QUARTERS[:2])
    unseated = ClassroomModel()
    unseated.run_for(2)
    for field in ("security", "economic", "autonomy"):
        assert back.trajectories()[field].tolist() == twin.trajectories()[field].tolist()
    assert back.threat == twin.threat != unseated.threat
    assert back.challenger.provocation == 1.0  # Pyongyang's seat chose provocation at step 1
    kor = back.state_codes.index("KOR")
    assert back.agent("USA").levers[kor].tolist() == twin.agent("USA").levers[kor].tolist()
    # the debrief of the quarter stepped back to is the one the class saw then
    assert back.debrief("CHN") == twin.debrief("CHN")
    # the seats are still taken, and step 2's choices wait for the next step, as they did
    assert back.seats == ["USA", "CHN", "PRK"] and back.waiting == []
    back_step = tabs["CHN"]
    back_step.step()
    assert back_step.model.value.trajectories()["security"].tolist() == (
        seated_twin(QUARTERS).trajectories()["security"].tolist()
    )


def test_the_address_keeps_the_seats_choices_through_a_reload():
    session = Session()
    session.take_seat("PRK")
    session.choose(provocation=-0.5)
    session.take_seat("USA")
    session.choose(commitment=0.9, tariff=0.0)
    query = session.address()
    assert "s=0:PRK:provocation=-0.5" in query and "s=1:USA:" in query and "seat=USA" in query
    found = page_address.decode(query)
    assert found.problems == [] and found.seat == "USA"
    reloaded = app.session_for(found)
    model, again = session.model.value, reloaded.model.value
    assert again.steps == model.steps == 2 and reloaded.seat.value == "USA"
    assert again.trajectories()["security"].tolist() == model.trajectories()["security"].tolist()
    assert again.debrief("USA") == model.debrief("USA")


def test_an_unreadable_seat_choice_in_the_address_is_named():
    found = page_address.decode("s=0:USA:commitment=2&s=0:JPN:security=0&s=1:PRK:provocation=-1")
    assert [p.split(" ")[0] for p in found.problems] == ["s", "s"]
    assert [(a.name, a.choice) for a in found.actions] == [("PRK", (("provocation", -1.0),))]
