"""The warm-up a served dashboard runs at start (`experiments.classroom.warmup`): only when
the server is started to, it changes no world a page shows, and a failure says so without
stopping anything."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.classroom import warmup
from experiments.classroom.launch import SERVER_ENV, WARM_UP_ENV
from experiments.classroom.session import ClassroomModel, Session


def two_steps(make) -> np.ndarray:
    model = make()
    model.step()
    model.step()
    return model.to_dataset()["security"].values


def test_the_warm_up_changes_no_world_a_page_shows():
    before = two_steps(ClassroomModel)
    warmup.warm_up()
    assert np.array_equal(two_steps(ClassroomModel), before)
    assert np.array_equal(two_steps(lambda: Session().model.value), before)


def test_only_a_served_dashboard_warms_up(monkeypatch):
    assert SERVER_ENV[WARM_UP_ENV]  # launch.py (make demo) sets it
    monkeypatch.delenv(WARM_UP_ENV, raising=False)
    assert warmup.start() is None  # e.g. the page rendered in a test
    monkeypatch.setenv(WARM_UP_ENV, "1")
    thread = warmup.start()
    thread.join(timeout=120)
    assert not thread.is_alive()


def test_a_failed_warm_up_says_so_and_stops_nothing(monkeypatch):
    def broken():
        raise ValueError("no world")

    monkeypatch.setattr(warmup, "warm_up", broken)
    with pytest.warns(RuntimeWarning, match="warm-up stopped .ValueError: no world"):
        warmup._warm_up_or_say_why()
