"""Sums over the short axes of the model's arrays (poles, states, great powers).

NumPy's reduction over an axis of two or three elements costs 10 to 25 times an elementwise
add at the array sizes of a block of runs (it sets up an iterator per call), and the model
sums over such axes a dozen times a step. Adding the slices is as fast as any elementwise
operation and gives the same numbers: below eight elements NumPy adds left to right too.
Written once here, the order is also the same whatever the batch shape (one Mesa agent or
4,096 runs), which a reduction's choice of loop does not promise.
"""

from __future__ import annotations

import operator

import numpy as np

SHORT = 8  # from eight elements on NumPy sums pairwise: leave those axes to it


def total(x: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    """`x.sum(axis=axis)`, adding the slices left to right; booleans are counted (int64)."""
    x = np.asarray(x)
    axes = tuple(a % x.ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
    n = 1
    for a in axes:
        n *= x.shape[a]
    if n == 0 or n >= SHORT:
        return x.sum(axis=axes)
    if len(axes) == 1:
        before = (slice(None),) * axes[0]
        parts = [x[before + (i,)] for i in range(n)]
    else:  # several axes: their elements in memory order, as NumPy visits them
        kept = tuple(size for a, size in enumerate(x.shape) if a not in axes)
        parts = np.moveaxis(x, axes, range(len(axes))).reshape((n,) + kept)
    result = parts[0].astype(np.int64) if x.dtype == bool else parts[0]
    for part in parts[1:]:
        result = result + part
    return result if n > 1 else result.copy()


def same_objects(these: tuple, those: tuple) -> bool:
    """Whether two tuples hold the same objects (the same arrays, not equal values): how the
    caches of what the pressures set tell that no pressure has been replaced since."""
    return len(these) == len(those) and all(map(operator.is_, these, those))


def caches_of(owner, name: str) -> dict:
    """The dict of caches `name` kept in `owner.__dict__` (a world's), made at the first
    call: `__dict__.setdefault(name, {})` would make a new empty dict at every call (some
    0.1 us, several times a step at one run)."""
    caches = owner.__dict__.get(name)
    if caches is None:
        caches = owner.__dict__[name] = {}
    return caches


def shape_of(x) -> tuple[int, ...]:
    """`np.shape(x)`: an array's own `shape` without NumPy's function dispatch (0.4 us a
    call, some seven a step at one run), anything else's by `np.shape`."""
    return x.shape if type(x) is np.ndarray else np.shape(x)


def frozen(*arrays: np.ndarray) -> None:
    """Mark a step's new arrays read-only where they are made, once their kernel has filled
    them: no one changes them after (the next step changes copies), and the kernels take
    read-only arrays, so `sim.strategy_kernels.read_only` can pass them, and every view of
    them, as they are instead of making a read-only view at every call. The one place a
    flag is set (but for the two views made most often, `sim.utility.broadcast_view` and
    `sim.strategy_kernels.read_only`, which set it in line the same way): `setflags` given
    `write` by position, which NumPy takes at a third of the keyword's cost (0.08 against
    0.21 us; some twenty arrays a step at one run)."""
    for x in arrays:
        x.setflags(False)  # write=False


def rows_of(xs, shape: tuple[int, ...]) -> np.ndarray:
    """Arrays `xs`, each broadcast to `shape`, as the rows of one new C-contiguous array
    (len(xs), *shape): what a kernel takes as one argument instead of one per array (Numba
    unboxes each array it is passed, some 0.14 us a call)."""
    block = np.empty((len(xs), *shape))
    for row, x in zip(block, xs, strict=True):
        row[...] = x
    return block
