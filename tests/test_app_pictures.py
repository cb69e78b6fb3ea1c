"""The dashboard's pictures kept from step to step (`drawing.KeptPicture`) are the figures
drawn anew, byte for byte: after steps, with hand-fired events and a pinned run, when a name
runs out of the plane (a new layout), and on the page after STEP, Back, Pin and RESET (to
another seed: the pictures kept; to another scenario: drawn anew)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import solara

from experiments.classroom import app
from experiments.classroom.components import _schedule_marks, all_names, name_of
from experiments.classroom.drawing import (
    alignment_map,
    map_picture,
    png,
    series_picture,
    time_series,
)
from experiments.classroom.session import ClassroomModel

warnings.filterwarnings("ignore", category=PendingDeprecationWarning)

MAP_SIZE, SERIES_SIZE = (5.0, 4.9), (5.6, 4.4)  # as the page draws them


def series_settings(model: ClassroomModel, pinned=None) -> dict:
    return dict(
        marks=[(np.datetime64(e.date), e.label) for e in model.hand_events],
        figsize=SERIES_SIZE,
        span=(np.datetime64(model.world.dates[0]), np.datetime64(model.world.dates[-1])),
        schedule=_schedule_marks(model),
        pinned=pinned,
        name=name_of(model, model.focus),
    )


def fresh_map(model: ClassroomModel, pinned=None) -> bytes:
    names = all_names(model)
    return png(alignment_map(model.to_dataset(), figsize=MAP_SIZE, names=names, pinned=pinned))


def fresh_series(model: ClassroomModel, pinned=None) -> bytes:
    return png(time_series(model.to_dataset(), **series_settings(model, pinned)))


@pytest.mark.parametrize("scenario", ["thaad_2016", "taiwan_contingency"])
def test_a_kept_picture_is_the_figure_drawn_anew_at_every_step(scenario):
    model = ClassroomModel(scenario, 7)
    model.fire_event("missile_test")
    model.step()
    pinned = model.to_dataset()
    kept_map = map_picture(model.to_dataset(), MAP_SIZE, all_names(model), pinned)
    kept_series = series_picture(model.to_dataset(), **series_settings(model, pinned))
    for step in range(2, model.horizon + 1):
        model.step()
        ds = model.to_dataset()
        kept_map.show(ds)
        kept_series.show(ds)
        map_png, series_png = kept_map.png(), kept_series.png()  # every step: each one blits
        if step in (2, 3, 9, model.horizon):
            assert map_png == fresh_map(model, pinned), f"the map at step {step}"
            assert series_png == fresh_series(model, pinned), f"the series at step {step}"


def test_a_name_run_out_of_the_plane_gives_the_new_layout():
    """A long name pushed past the plane's edge widens the map's margin (constrained
    layout): the kept map draws it with the layout the figure drawn anew has, and goes back
    when the name is inside again."""
    model = ClassroomModel()
    names = {**all_names(model), "JPN": "Japan, a long name"}
    inside = model.to_dataset()
    outside = inside.copy(deep=True)
    outside["security"].loc[{"state": "JPN"}] = 0.3  # its name runs right, past the edge
    kept = map_picture(inside, MAP_SIZE, names)
    for ds in (inside, outside, inside):
        kept.show(ds)
        assert kept.png() == png(alignment_map(ds, figsize=MAP_SIZE, names=names))


def test_the_page_shows_the_new_step_after_step_back_pin_and_reset():
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    from tests.test_app_page import find, picture, widgets

    try:
        model = ClassroomModel()
        for _ in range(3):
            find(box, "hs-step").click()
            model.step()
            assert picture(box, "hs-map-card") == fresh_map(model)
            assert picture(box, "hs-series-card") == fresh_series(model)
        find(box, "hs-pin").click()
        pinned = model.to_dataset()
        find(box, "hs-back").click()
        model = ClassroomModel.replayed(model.scenario_name, model.seed, [], 2)
        assert picture(box, "hs-map-card") == fresh_map(model, pinned)
        assert picture(box, "hs-series-card") == fresh_series(model, pinned)
        find(box, "hs-event-missile_test").click()
        find(box, "hs-step").click()
        model.fire_event("missile_test")
        model.step()
        assert picture(box, "hs-series-card") == fresh_series(model, pinned)  # the new mark
        seed = next(w for w in widgets(box) if getattr(w, "label", None) == "Seed (whole number)")
        seed.v_model = "7"
        find(box, "hs-unpin").click()
        find(box, "hs-reset").click()
        find(box, "hs-step").click()
        model = ClassroomModel(model.scenario_name, 7)
        model.step()
        assert picture(box, "hs-map-card") == fresh_map(model)
        assert picture(box, "hs-series-card") == fresh_series(model)
        scenario = next(w for w in widgets(box) if getattr(w, "label", None) == "Scenario")
        scenario.v_model = "thaad_2016"
        find(box, "hs-reset").click()
        find(box, "hs-step").click()
        model = ClassroomModel("thaad_2016", 7)
        model.step()
        assert picture(box, "hs-map-card") == fresh_map(model)
        assert picture(box, "hs-series-card") == fresh_series(model)
    finally:
        context.close()
