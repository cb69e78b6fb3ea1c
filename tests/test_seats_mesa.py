"""The "why" of the great powers and Pyongyang, and role-play seats in the Mesa layer."""

from __future__ import annotations

import numpy as np
import pytest

from agents import GeopoliticsModel
from experiments import compose
from sim.errors import HedgesimError
from sim.params import LEVERS

SEED = 11


@pytest.fixture(scope="module")
def quiet_challenger():
    return compose(["world.challengers.PRK.noise=0"])


def stepped(params, steps: int) -> GeopoliticsModel:
    model = GeopoliticsModel(params, rng=SEED)
    model.run_for(steps)
    return model


# ----------------------------------------------------------------------------- the "why"
@pytest.mark.parametrize("steps", [2, 4, 6])
def test_lever_parts_sum_to_the_slope_the_choice_used(default_params, steps):
    """Without noise a review's choice is the vertex of the parabola with the summed parts as
    slope, clipped to [0, bound]: L = clip(L^t - slope / (2 curvature)); a part short, or one
    too many, moves it. Checked where the vertex is inside the bounds (else a wrong slope
    could hide behind the clip)."""
    model = stepped(default_params, steps)
    interior = 0
    for code in model.pole_codes:
        for toward in model.state_codes:
            why = model.why(code, toward=toward)
            assert why.reviewed
            for lever in LEVERS:
                before, after, curvature = why.before[lever], why.after[lever], why.curvature[lever]
                bound = why.bound[lever]
                if bound == 0.0:
                    assert after == 0.0 and sum(why.terms[lever].values()) == 0.0
                    continue
                top = before - sum(why.terms[lever].values()) / (2 * curvature)
                assert after == pytest.approx(np.clip(top, 0.0, bound), abs=1e-12)
                interior += 0.0 < top < bound
    assert interior >= 4


def test_lever_parts_name_what_moves_a_tariff(default_params):
    """A tariff's slope carries the deal term only once investment was pledged; the other
    levers never do."""
    why = stepped(default_params, 4).why("USA")
    assert set(why.terms["tariff"]) == {"alignment", "cost", "deal"}
    assert all(why.terms[lever]["deal"] == 0.0 for lever in LEVERS if lever != "tariff")


def test_between_reviews_the_levers_hold(default_params):
    why = stepped(default_params, 3).why("CHN")
    assert not why.reviewed
    assert why.after == pytest.approx(why.before)


def test_provocation_parts_sum_to_the_slope_of_pyongyangs_choice(quiet_challenger):
    """Without noise Pyongyang moves to the clipped vertex of its utility; the vertex computed
    from the summed parts is the provocation it chose, step after step."""
    model = GeopoliticsModel(quiet_challenger, rng=SEED)
    ch = model.world.challenger_params
    for _ in range(5):
        model.step()
        why = model.why("PRK")
        curvature = -(float(ch.cost[0]) + float(ch.inertia[0]))
        vertex = np.clip(why.before - why.slope / (2 * curvature), -1.0, 1.0)
        assert why.after == pytest.approx(vertex, abs=1e-12)
        assert "cost" in why.terms and "alliance_tightening" in why.terms


def test_why_before_the_first_step_is_empty(default_params):
    model = GeopoliticsModel(default_params, rng=SEED)
    assert model.why("USA").terms["commitment"] == {"alignment": 0.0, "cost": 0.0, "deal": 0.0}
    assert model.why("PRK").terms == {}


def test_why_refuses_agents_that_do_not_choose(default_params):
    model = GeopoliticsModel(default_params, rng=SEED)
    with pytest.raises(HedgesimError, match="RUS"):
        model.why("RUS")
    with pytest.raises(HedgesimError, match="toward"):
        model.why("USA", toward="CHN")


# ----------------------------------------------------------------------------- seats
def test_a_great_powers_seat_replaces_the_levers_it_names(default_params):
    """Washington's seat sets its levers toward Seoul; the lever left unnamed is as the model's
    agent chose; the debrief's `own` is what an unseated twin chose in the same step."""
    played, twin = stepped(default_params, 3), stepped(default_params, 3)
    played.take_seat("USA")
    assert played.waiting == ["USA"]
    played.choose("USA", commitment=0.9, tariff=0.0)
    assert played.waiting == []
    played.step(), twin.step()
    kor = played.state_codes.index("KOR")
    held = played.agent("USA").levers[kor]
    own = twin.agent("USA").levers[kor]
    debrief = played.debrief("USA")
    assert debrief.own == pytest.approx(dict(zip(LEVERS, own, strict=True)), abs=0)
    assert held[LEVERS.index("commitment")] == 0.9 and held[LEVERS.index("tariff")] == 0.0
    assert held[LEVERS.index("inducement")] == own[LEVERS.index("inducement")]
    assert debrief.chosen["commitment"] == 0.9 and debrief.by_seat
    assert debrief.differences["commitment"] == pytest.approx(0.9 - own[0])
    assert debrief.why.after == debrief.own  # the reasons are those of the agent's own choice
    assert played.waiting == ["USA"]  # the seat chooses again next quarter
    # the others answer: next quarter Seoul decides facing a different Washington
    played.step(), twin.step()
    assert played.agent("KOR").security != twin.agent("KOR").security


def test_seouls_seat_moves_seoul_and_the_debrief_shows_its_own_move(default_params):
    played, twin = stepped(default_params, 1), stepped(default_params, 1)
    played.take_seat("KOR")
    played.choose("KOR", security=0.5)
    played.step(), twin.step()
    kor, own = played.agent("KOR"), twin.agent("KOR")
    assert kor.security == 0.5 and kor.economic == own.economic
    debrief = played.debrief("KOR")
    assert debrief.own["security"] == own.security
    assert debrief.why.after["security"] == own.security
    assert sum(debrief.why.terms.values()) == pytest.approx(debrief.why.total)


def test_a_seat_that_has_not_chosen_leaves_the_choice_to_the_model(default_params):
    played, twin = stepped(default_params, 2), stepped(default_params, 2)
    played.take_seat("CHN")
    played.step(), twin.step()
    assert not played.debrief("CHN").by_seat
    np.testing.assert_array_equal(played.agent("CHN").levers, twin.agent("CHN").levers)


def test_leaving_the_seat_gives_the_agent_back(default_params):
    played, twin = (GeopoliticsModel(default_params, rng=SEED) for _ in range(2))
    played.take_seat("USA")
    played.leave_seat("USA")
    assert played.seats == [] and played.debrief("USA") is None
    played.run_for(4), twin.run_for(4)
    for a, b in zip(played.trajectories().values(), twin.trajectories().values(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_pyongyangs_seat_sets_its_course_and_the_debrief_gives_its_own_and_why(
    quiet_challenger,
):
    """North Korea's seat replaces its provocation; the debrief's `own` is what an unseated
    twin chose in the same step, and its reasons are the twin's (the same parts, ending at the
    twin's choice); the course chosen then acts on the world (the threat it relaxes toward)."""
    played, twin = stepped(quiet_challenger, 2), stepped(quiet_challenger, 2)
    played.take_seat("PRK")
    played.choose("PRK", provocation=-1.0)
    played.step(), twin.step()
    assert played.challenger.provocation == -1.0
    own = twin.challenger.provocation
    assert own > -0.9  # the model's Pyongyang would not have chosen full dialogue
    debrief = played.debrief("PRK")
    assert debrief.by_seat and debrief.own == {"provocation": own}
    assert debrief.chosen == {"provocation": -1.0}
    assert debrief.differences["provocation"] == pytest.approx(-1.0 - own)
    assert debrief.why.after == own and debrief.why.terms == twin.why("PRK").terms
    assert played.threat < twin.threat  # dialogue lowers the threat it relaxes toward
    assert played.waiting == ["PRK"]
    played.step(), twin.step()  # a seat that does not choose leaves it to the model's agent
    assert not played.debrief("PRK").by_seat


def test_pyongyangs_seat_needs_a_pyongyang_that_chooses(default_params):
    from sim.params import with_values

    responsive = with_values(default_params, {"dynamics.challenger": "responsive"})
    model = GeopoliticsModel(responsive, rng=SEED)
    with pytest.raises(HedgesimError, match="dynamics.challenger") as error:
        model.take_seat("PRK")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m: m.take_seat("RUS"), "seat"),
        (lambda m: (m.take_seat("PRK"), m.choose("PRK", provocation=1.5)), r"\[-1, 1\]"),
        (lambda m: (m.take_seat("PRK"), m.choose("PRK", commitment=0.5)), "choose.commitment"),
        (lambda m: (m.take_seat("PRK"), m.choose("PRK", toward="KOR", provocation=0)), "toward"),
        (lambda m: m.choose("CHN", coercion=0.5), "take_seat"),
        (lambda m: (m.take_seat("USA"), m.choose("USA", bribe=0.5)), "choose.bribe"),
        (lambda m: (m.take_seat("USA"), m.choose("USA", tariff=1.5)), r"\[0, 1\]"),
        (lambda m: (m.take_seat("USA"), m.choose("USA", tariff="high")), "tariff"),
        (lambda m: (m.take_seat("KOR"), m.choose("KOR", security=-2)), r"\[-1, 1\]"),
        (lambda m: (m.take_seat("KOR"), m.choose("KOR", toward="JPN", security=0)), "toward"),
        (lambda m: (m.take_seat("USA"), m.choose("USA", toward="CHN", tariff=0)), "toward"),
    ],
)
def test_bad_seat_input_is_refused_in_one_line(default_params, call, match):
    model = GeopoliticsModel(default_params, rng=SEED)
    with pytest.raises(HedgesimError, match=match) as error:
        call(model)
    assert "\n" not in str(error.value)
