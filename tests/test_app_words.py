"""Names, not codes: every force, lever part, event and pressure the model can name has words
on the page, and the page's rendered text, through the three exercises and the seats, holds
no country code (KOR, CHN, ...) and no identifier of the code (`great_power_threat`)."""

from __future__ import annotations

import re
import warnings

import solara

from experiments.classroom import app
from experiments.classroom.components import EVENT_NOUNS, PRESSURE_NAMES
from experiments.classroom.scenarios import scenario_names
from experiments.classroom.session import ClassroomModel
from experiments.classroom.words import (
    LEVER_PART_WORDS,
    PROVOCATION_WORDS,
    TERM_WORDS,
    posture_words,
)
from sim.params import EVENT_KINDS, LEVERS, PRESSURE_KEYS
from sim.utility import TERMS
from tests.test_app_page import all_text, find, widgets

warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def codes_of(model) -> set[str]:
    world = model.params.world
    groups = (world.great_powers, world.middle_powers, world.challengers, world.backers)
    return {code for group in groups for code in group}


def raw_labels(text: str, codes: set[str]) -> list[str]:
    """Country codes as words, and identifiers with an underscore other than the scenario
    names (which the teacher picks by name, as docs/teaching.md writes them)."""
    found = [w for w in re.findall(r"\b[A-Z]{3}\b", text) if w in codes]
    found += [
        w for w in re.findall(r"\b[A-Za-z]+_[A-Za-z0-9_]+\b", text) if w not in scenario_names()
    ]
    return sorted(set(found))


def test_every_name_the_model_gives_has_words():
    model = ClassroomModel()
    model.run_for(4)
    assert set(TERMS) <= set(TERM_WORDS)
    parts = {part for lever in LEVERS for part in model.why("USA").terms[lever]}
    assert parts <= set(LEVER_PART_WORDS)
    assert set(model.why("PRK").terms) <= set(PROVOCATION_WORDS)
    assert set(EVENT_KINDS) <= set(EVENT_NOUNS)
    assert set(PRESSURE_KEYS) <= set(PRESSURE_NAMES)
    for label in model.posture_labels:
        assert (
            raw_labels(posture_words(label, {"USA": "the US", "CHN": "China"}), {"USA", "CHN"})
            == []
        )


def test_the_scan_finds_what_it_looks_for():
    codes = {"KOR", "CHN"}
    assert raw_labels("Great_power_threat pushed it; KOR moved; CHN-leaning", codes) == [
        "CHN",
        "Great_power_threat",
        "KOR",
    ]
    assert raw_labels("thaad_2016: the US-ROK framework; South Korea", codes) == []


def test_the_rendered_page_shows_names_not_codes():
    """The page with every event fired once, and every seat's card and debrief, stepped:
    all of its text in words. (The browser tests scan the served page of each exercise.)"""
    box, context = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    try:
        for kind in EVENT_NOUNS:
            buttons = [w for w in widgets(box) if f"hs-event-{kind}" in (w_class(w))]
            if buttons:
                buttons[0].click()
        seen = []
        for code in ("KOR", "USA", "CHN", "PRK"):  # each seat chooses: the world steps
            find(box, f"hs-seat-{code}").click()
            find(box, "hs-seat-choose").click()
            seen.append(all_text(box))
        assert "North Korea's course next quarter" in seen[-1] and "Debrief" in seen[-1]
        text = " ".join(seen)
        assert "step 4 of" in text
        assert raw_labels(text, codes_of(ClassroomModel())) == []
    finally:
        context.close()


def w_class(widget) -> str:
    return getattr(widget, "class_", None) or ""
