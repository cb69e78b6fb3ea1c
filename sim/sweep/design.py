"""Design points of a sweep: a full grid, a Latin hypercube or a Sobol (Saltelli) sample.

`design_points(spec)` returns an array (points, parameters) in the order of
`spec.parameters`. The sample is a function of the spec alone (its seed included), so a
resumed or re-run sweep sees the very same points.
"""

from __future__ import annotations

import numpy as np

from sim.sweep.spec import Axis, SweepSpec


def design_points(spec: SweepSpec) -> np.ndarray:
    if spec.design == "grid":
        return grid(spec.parameters)
    if spec.design == "lhs":
        return latin_hypercube(spec.parameters, spec.samples, spec.seed)
    return sobol(spec.parameters, spec.samples, spec.seed, spec.second_order)


def axis_values(axis: Axis) -> np.ndarray:
    if axis.values is not None:
        return np.asarray(axis.values, dtype=float)
    if axis.levels == 1:
        return np.array([axis.low])
    return np.linspace(axis.low, axis.high, axis.levels)


def grid(axes: tuple[Axis, ...]) -> np.ndarray:
    """Every combination; the first parameter varies slowest (C order)."""
    mesh = np.meshgrid(*[axis_values(a) for a in axes], indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1)


def bounds(axes: tuple[Axis, ...]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([a.low for a in axes]), np.array([a.high for a in axes])


def latin_hypercube(axes: tuple[Axis, ...], samples: int, seed: int) -> np.ndarray:
    """A Latin hypercube of `samples` points over the axes' ranges (`unit_latin_hypercube`
    scaled to each axis)."""
    low, high = bounds(axes)
    return unit_latin_hypercube(len(axes), samples, seed) * (high - low) + low


def unit_latin_hypercube(dimensions: int, samples: int, seed: int) -> np.ndarray:
    """A Latin hypercube of `samples` points in the unit cube: each axis cut into `samples`
    equal strata, one point in each, at a uniform place within it; the strata paired across
    axes by a random permutation per axis. The draws of
    `scipy.stats.qmc.LatinHypercube(d, rng=Generator)` (scrambled, strength 1, no
    optimisation) to the bit, so a store begun with that sampler resumes with the same points,
    but in NumPy alone: `scipy.stats` took 0.9-1.0 CPU-s to import, in the process that
    starts the sweep, before anything else could begin. The one Latin hypercube of hedgesim:
    sweeps and `experiments.discover` both draw from it."""
    # scipy draws from a child of the generator it is given (a spawn of its seed sequence)
    rng = np.random.default_rng(seed).spawn(1)[0]
    within = rng.uniform(size=(samples, dimensions))  # where in its stratum a point falls
    strata = np.tile(np.arange(1, samples + 1), (dimensions, 1))
    for axis_strata in strata:
        rng.shuffle(axis_strata)
    return (strata.T - within) / samples


def salib_problem(axes: tuple[Axis, ...]) -> dict:
    """The problem SALib's Sobol analysis needs (names and bounds, in design order)."""
    return {
        "num_vars": len(axes),
        "names": [a.name for a in axes],
        "bounds": [[a.low, a.high] for a in axes],
    }


def sobol(axes: tuple[Axis, ...], samples: int, seed: int, second_order: bool) -> np.ndarray:
    """The Saltelli design of a sweep's axes (see `saltelli`)."""
    return saltelli(salib_problem(axes), samples, seed, second_order)


def saltelli(problem: dict, samples: int, seed: int, second_order: bool) -> np.ndarray:
    """Saltelli's extension of a scrambled Sobol sequence, as SALib lays it out:
    samples x (2D + 2) rows with second order, samples x (D + 2) without. The one Sobol
    sampler of hedgesim: sweeps and the sensitivity analysis both draw from it."""
    from SALib import ProblemSpec

    spec = ProblemSpec(problem)
    # SALib seeds NumPy's generator with it, which takes at most 32 bits.
    spec.sample_sobol(samples, calc_second_order=second_order, scramble=True, seed=seed % 2**32)
    return np.asarray(spec.samples, dtype=float)
