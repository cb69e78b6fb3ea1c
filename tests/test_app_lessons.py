"""What docs/teaching.md tells students they will observe, checked on the engine.

Each claim of the lesson plan is a comparison of medians over runs (experiments.classroom.lessons); here
with fewer runs than the lesson plan quotes (1,000), and with margins well inside the gaps it
reports, so that a change of the model that breaks a lesson fails here first.
"""

from __future__ import annotations

import pytest

from experiments.classroom import lessons as app_lessons

RUNS = 200


@pytest.fixture(scope="module")
def thaad():
    return app_lessons.thaad(runs=RUNS)


@pytest.fixture(scope="module")
def taiwan():
    return app_lessons.taiwan(runs=RUNS)


@pytest.fixture(scope="module")
def retrenchment():
    return app_lessons.retrenchment(runs=RUNS)


def test_thaad_coercion_bites_in_2017(thaad):
    assert thaad["restriction_2017_04"] > 0.3


def test_thaad_coercion_deters_security_alignment_while_it_bites(thaad):
    # the "three noes": Seoul stays further from Washington than it would unpunished
    assert thaad["security_2017_07_coerced"] < thaad["security_2017_07_spared"] - 0.05


def test_thaad_coercion_drives_de_risking_in_the_long_run(thaad):
    assert thaad["economic_2026_01_coerced"] > thaad["economic_2026_01_spared"] + 0.1
    assert thaad["economic_2026_01_coerced"] > thaad["economic_2016_01"] + 0.5


def test_taiwan_crisis_narrows_the_middle_way(taiwan):
    assert taiwan["gap_crisis"] < taiwan["gap_calm"] - 0.05
    assert taiwan["economic_crisis"] > taiwan["economic_calm"]


@pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 11 (the dual contingency is a link, no scripted dprk_threat jump; measured, 200 "
        "runs): threat 0.769 in the crisis vs 0.723 calm, +0.046 against the lesson's +0.05 "
        "margin (security 0.726 vs 0.855 holds). The lesson text needs re-deriving; reported, "
        "not tuned."
    ),
)
def test_taiwan_crisis_raises_the_threat_but_not_security_alignment(taiwan):
    # the dual contingency: North Korea exploits the moment, yet fear of entrapment keeps
    # Seoul from rallying closer to Washington
    assert taiwan["threat_crisis"] > taiwan["threat_calm"] + 0.05
    assert taiwan["security_crisis"] <= taiwan["security_calm"]


def test_retrenchment_means_more_own_defence_and_less_alliance(retrenchment):
    assert retrenchment["autonomy_retrenchment"] > retrenchment["autonomy_lee"] + 0.05
    assert retrenchment["security_retrenchment"] < retrenchment["security_lee"] - 0.1


@pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 11 (strategic great powers and challenger; measured, 200 runs): hedging share "
        "under retrenchment 0.0 vs lee 0.0, China-side 0.0 (security 0.534 vs 0.675, autonomy "
        "0.961 vs 0.900): Seoul now answers retrenchment with autonomy, not hedging. The "
        "lesson text (docs/teaching.md) needs re-deriving; reported, not tuned."
    ),
)
def test_retrenchment_means_hedging_not_bandwagoning_with_china(retrenchment):
    assert retrenchment["hedging_share_retrenchment"] > retrenchment["hedging_share_lee"] + 0.2
    assert retrenchment["china_side_share_retrenchment"] < 0.05


def test_the_why_card_says_what_the_lesson_plan_quotes():
    """docs/teaching.md quotes the page's why card word for word at its steps (seed 20250604)."""
    from pathlib import Path

    from experiments.classroom.components import names_of
    from experiments.classroom.session import ClassroomModel
    from experiments.classroom.words import explain_terms

    plan = (Path(__file__).resolve().parents[1] / "docs" / "teaching.md").read_text()
    quotes = {
        (
            "thaad_2016",
            3,
        ): "protection by the United States against North Korea's threat pushed it this way (+0.119)",
        ("thaad_2016", 5): "exposure to China's economic punishment pushed it this way (+0.047)",
        (
            "taiwan_contingency",
            8,
        ): "the cost of splitting security and economy under rivalry pushed it this way (+0.037)",
        (
            "taiwan_contingency",
            9,
        ): "fear of being dragged into a war between the United States and China (Taiwan) pushed it this way (+0.016)",
        (
            "us_retrenchment",
            4,
        ): "fear of being abandoned by a patron whose word is in doubt pushed it this way (+0.024)",
    }
    for (scenario, step), quote in quotes.items():
        model = ClassroomModel(scenario)
        for _ in range(step):
            model.step()
        lines = " ".join(explain_terms(model.why().rows(), names_of(model))).lower()
        assert quote.lower() in lines, (scenario, step)
        assert quote.lower() in plan.lower(), (scenario, step)
