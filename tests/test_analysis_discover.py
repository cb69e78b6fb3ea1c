"""Scenario discovery: PRIM finds a box planted in synthetic data, and says it readably."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis.prim import Box, find_boxes
from experiments.discover import outcome_classes


def planted(n: int = 3000, noise: float = 0.05, seed: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    """Five uniform inputs; cases where x0 < 0.3 and x2 > 0.6, with labels flipped at random."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(0, 1, (n, 5)), columns=[f"x{i}" for i in range(5)])
    inside = (x["x0"] < 0.3) & (x["x2"] > 0.6)
    flipped = rng.uniform(size=n) < noise
    return x, (inside.to_numpy() ^ flipped)


def test_prim_recovers_a_planted_box():
    x, y = planted()
    (box, *_) = find_boxes(x, y, boxes=1, min_density=0.9)
    assert set(box.limits) == {"x0", "x2"}
    (low0, high0), (low2, high2) = box.limits["x0"], box.limits["x2"]
    assert low0 == -np.inf and abs(high0 - 0.3) < 0.05
    assert high2 == np.inf and abs(low2 - 0.6) < 0.05
    # Flipped labels outside the planted box cap what any box can cover: the planted box's own.
    planted_box = (x["x0"] < 0.3).to_numpy() & (x["x2"] > 0.6).to_numpy()
    ceiling = (y & planted_box).sum() / y.sum()
    assert box.density >= 0.85 and box.coverage >= 0.9 * ceiling
    assert box.rule() == f"x0 < {high0:.2f} and x2 > {low2:.2f}"


def test_the_statistics_are_those_of_the_box_as_printed():
    x, y = planted(seed=8)
    (box, *_) = find_boxes(x, y)
    inside = box.contains(x)
    assert box.mass == inside.mean()
    assert box.density == y[inside].mean()
    assert box.coverage == (y & inside).sum() / y.sum()


def test_a_second_box_is_kept_only_when_dense():
    """Two planted regions are both found; noise alone yields no second box."""
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.uniform(0, 1, (4000, 4)), columns=["a", "b", "c", "d"])
    y = ((x["a"] < 0.25) & (x["b"] < 0.25)).to_numpy() | (
        (x["c"] > 0.7) & (x["d"] > 0.7)
    ).to_numpy()
    boxes = find_boxes(x, y, boxes=3, min_density=0.8)
    assert [sorted(b.limits) for b in boxes[:2]] in (
        [["a", "b"], ["c", "d"]],
        [["c", "d"], ["a", "b"]],
    )
    x1, y1 = planted()
    assert len(find_boxes(x1, y1, boxes=3, min_density=0.8)) == 1


def test_no_case_of_interest_means_no_box():
    x, _ = planted()
    assert find_boxes(x, np.zeros(len(x), dtype=bool)) == []


def test_rules_spell_out_two_sided_cuts():
    box = Box(
        limits={"rivalry": (0.2, 0.45), "us_reliability": (-np.inf, 0.4)},
        coverage=1,
        density=1,
        mass=1,
        trajectory=pd.DataFrame(),
        chosen=0,
    )
    assert box.rule() == "0.20 < rivalry < 0.45 and us_reliability < 0.40"


def test_outcome_classes_follow_the_poles(default_params, mirror):
    assert outcome_classes(default_params) == {
        "CHN-leaning": (0, 1),
        "hedging": (2,),
        "USA-anchored": (4,),
    }
    assert outcome_classes(mirror(default_params)) == {
        "USA-leaning": (0, 1),
        "hedging": (2,),
        "CHN-anchored": (4,),
    }
