"""What docs/teaching.md tells students they will observe, checked on the engine.

Each exercise's 1,000-run table and its "what students should observe" are written by
experiments.classroom.lessons from the runs; the lesson plan must quote them word for word,
so a change of the model that moves a number, or turns a result round, fails here. The
claims the exercises are built on are also held to their direction, with margins.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from experiments.classroom import lessons as app_lessons

PLAN = Path(__file__).resolve().parents[1] / "docs" / "teaching.md"


@pytest.fixture(scope="module")
def thaad():
    return app_lessons.thaad()


@pytest.fixture(scope="module")
def taiwan():
    return app_lessons.taiwan()


@pytest.fixture(scope="module")
def retrenchment():
    return app_lessons.retrenchment()


@pytest.fixture(scope="module")
def plan():
    return PLAN.read_text()


def assert_quoted(block: str, plan: str) -> None:
    """The table and the "what students should observe" paragraph, each word for word."""
    for part in block.split("\n\n"):
        assert part in plan, part


def test_the_plan_quotes_the_thaad_block(thaad, plan):
    assert_quoted(app_lessons.thaad_markdown(thaad), plan)


def test_the_plan_quotes_the_taiwan_block(taiwan, plan):
    assert_quoted(app_lessons.taiwan_markdown(taiwan), plan)


def test_the_plan_quotes_the_retrenchment_block(retrenchment, plan):
    assert_quoted(app_lessons.retrenchment_markdown(retrenchment), plan)


@pytest.fixture(scope="module")
def single_runs():
    return app_lessons.run_markdown()


@pytest.mark.parametrize("exercise", ["thaad", "taiwan", "retrenchment"])
def test_the_plan_quotes_what_the_dashboard_shows_in_one_run(single_runs, plan, exercise):
    """The tables "what the class sees (seed 20250604)" and the counterfactual and slider
    sentences: written from the dashboard's world stepped in this process."""
    assert_quoted(single_runs[exercise], plan)


def test_the_single_run_sentences_follow_the_numbers():
    """A run in which Seoul's security fell and the ban did not bite reads so."""
    runs = app_lessons.thaad_run()
    coerced = runs["coerced"]
    first = coerced[1]
    coerced[1] = dataclasses.replace(
        first, security=coerced[0].security - 0.1, restriction=coerced[0].restriction + 0.2
    )
    text = app_lessons.thaad_run_markdown(runs)
    assert "Seoul's security alignment falls from" in text
    assert "restriction on Korea rises to" in text
    crisis = app_lessons.taiwan_run()
    nine = crisis["crisis"][9]
    crisis["crisis"][9] = dataclasses.replace(nine, moved={**nine.moved, "security": 0.05})
    assert "and Seoul's security alignment *rises* by **0.050**" in (
        app_lessons.taiwan_run_markdown(crisis)
    )


def test_the_sentences_follow_the_numbers():
    """Turn a result round and the sentence says the opposite (no promise the model breaks)."""
    numbers = dict.fromkeys(
        ("security_2017_07_coerced", "opinion_china_2018_01_coerced", "economic_2016_01"), 0.5
    )
    numbers |= {
        "restriction_2017_04": 0.5,
        "restriction_2017_04_spared": 0.0,
        "security_2017_07_spared": 0.4,
        "opinion_china_2018_01_spared": 0.3,
        "economic_2026_01_coerced": 0.1,
        "economic_2026_01_spared": 0.3,
    }
    text = app_lessons.thaad_markdown(numbers)
    assert "further toward Washington than it" in text
    assert "turns warmer" in text
    assert "further toward China" in text


def test_thaad_coercion_bites_in_2017(thaad):
    assert thaad["restriction_2017_04"] > 0.3
    assert thaad["restriction_2017_04_spared"] == 0


def test_thaad_coercion_deters_security_alignment_while_it_bites(thaad):
    # the "three noes": Seoul stays further from Washington than it would unpunished
    assert thaad["security_2017_07_coerced"] < thaad["security_2017_07_spared"] - 0.02


def test_thaad_coercion_hardens_opinion_of_china(thaad):
    assert thaad["opinion_china_2018_01_coerced"] < thaad["opinion_china_2018_01_spared"] - 0.1


def test_thaad_coercion_drives_de_risking_in_the_long_run(thaad):
    assert thaad["economic_2026_01_coerced"] > thaad["economic_2026_01_spared"] + 0.1
    assert thaad["economic_2026_01_coerced"] > thaad["economic_2016_01"] + 0.5


def test_taiwan_crisis_is_a_dual_contingency_link(taiwan):
    # the crisis draws US attention away and Pyongyang takes the opening
    assert taiwan["reliability_crisis"] < taiwan["reliability_calm"] - 0.03
    assert taiwan["provocation_crisis"] > taiwan["provocation_calm"] + 0.1
    assert taiwan["threat_crisis"] > taiwan["threat_calm"]


def test_taiwan_crisis_raises_provocation_but_not_security_alignment(taiwan):
    # entrapment: North Korea provokes more, yet Seoul does not rally closer to Washington
    assert taiwan["security_crisis"] < taiwan["security_calm"]


def test_taiwan_crisis_narrows_the_middle_way(taiwan):
    assert taiwan["gap_crisis"] < taiwan["gap_calm"] - 0.05
    assert taiwan["economic_crisis"] > taiwan["economic_calm"]


def test_retrenchment_means_more_own_defence_and_less_alliance(retrenchment):
    assert retrenchment["reliability_retrenchment"] < retrenchment["reliability_lee"] - 0.2
    assert retrenchment["autonomy_retrenchment"] > retrenchment["autonomy_lee"] + 0.03
    assert retrenchment["security_retrenchment"] < retrenchment["security_lee"] - 0.1


def test_retrenchment_means_arming_not_bandwagoning_with_china(retrenchment):
    # Seoul answers with its own defence: fewer runs anchored with the US, none with China
    assert retrenchment["anchored_share_retrenchment"] < retrenchment["anchored_share_lee"] - 0.2
    assert retrenchment["china_side_share_retrenchment"] < 0.05


def test_the_why_card_says_what_the_lesson_plan_quotes(plan):
    """docs/teaching.md quotes the page's why card word for word at its steps (seed 20250604)."""
    from experiments.classroom.components import names_of
    from experiments.classroom.session import ClassroomModel
    from experiments.classroom.words import explain_terms

    quotes = {
        (
            "thaad_2016",
            3,
        ): "protection by the United States against North Korea's threat pushed it this way (+0.123)",
        ("thaad_2016", 5): "exposure to China's economic punishment pushed it this way (+0.030)",
        (
            "taiwan_contingency",
            8,
        ): "the cost of splitting security and economy under rivalry pushed it this way (+0.064)",
        (
            "taiwan_contingency",
            9,
        ): "fear of being dragged into a war between the United States and China (Taiwan) pushed it this way (+0.024)",
        (
            "us_retrenchment",
            4,
        ): "fear of being abandoned by a patron whose word is in doubt pushed it this way (+0.088)",
    }
    for (scenario, step), quote in quotes.items():
        model = ClassroomModel(scenario)
        for _ in range(step):
            model.step()
        lines = " ".join(explain_terms(model.why().rows(), names_of(model))).lower()
        assert quote.lower() in lines, (scenario, step)
        assert quote.lower() in plan.lower(), (scenario, step)
