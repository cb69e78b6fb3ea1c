"""Compiling with Numba: `compiled`, how every kernel of the engine is built (lazily, cached
on disk). A module of its own so that `sim.random` (whose draws the kernels of
`sim.kernels` inline) and `sim.kernels` both build with it, neither importing the other
to do so.

Compiling: lazily on first use, cached on disk (`cache=True`: a new process, a Dask worker,
loads the machine code instead of compiling again); where no cache directory is writable,
compiled in memory in each process.
"""

from __future__ import annotations

import functools

import numba
import numpy as np


def compiled(signature, vectorize: bool = False, lazy: bool = True, **options):
    """Compile `fn` for `signature` (and Numba `options`) on first call, cached on disk where
    a cache directory is writable (Numba refuses `cache=True` with a RuntimeError where none
    is). `lazy=False`: Numba's function itself, made now, for a kernel a factory makes on
    first use and keeps (`functools.cache`): no Python call between its callers and Numba's
    dispatcher (0.2 us a call of some thirty arrays, a dozen calls a step at one run)."""
    make = numba.vectorize if vectorize else numba.njit

    def wrap(fn):
        @functools.cache
        def build():
            try:
                built = make(signature, cache=True, **options)(fn)
            except RuntimeError:
                built = make(signature, **options)(fn)
            # a vectorized function's NumPy ufunc: its loops for `signature`, called without
            # the Python-level type dispatch of Numba's dynamic ufunc
            return built.ufunc if vectorize else built

        if not lazy:
            return build()

        @functools.wraps(fn)
        def call(*args):
            return build()(*args)

        return call

    return wrap


@numba.njit(inline="always")
def tile_run(start, t):
    """Run `t` of the tile of runs from `start`, as an unsigned index. Numba checks a signed
    index for a negative value (to count it from the end) at every access unless it can
    prove it non-negative, which it cannot for `start + t`; an unsigned index needs no check
    (a middle power's decision 0.90 of its time, `benchmarks/compare.py decision`)."""
    return np.uint64(start + t)
