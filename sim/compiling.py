"""Compiling with Numba: `compiled`, how every kernel of the engine is built (lazily, cached
on disk). A module of its own so that `sim.random` (whose draws the kernels of
`sim.kernels` inline) and `sim.kernels` both build with it, neither importing the other
to do so.

Compiling: lazily on first use, cached on disk (`cache=True`: a new process, a Dask worker,
loads the machine code instead of compiling again); where no cache directory is writable,
compiled in memory in each process, as is a kernel whose cache entry cannot be loaded
(with a warning saying which and what to delete).
"""

from __future__ import annotations

import functools
import warnings

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
            except RuntimeError:  # no writable cache directory
                built = make(signature, **options)(fn)
            except Exception as error:  # noqa: BLE001 (whatever a damaged entry raises)
                # A cache entry that cannot be loaded: e.g. written by a process that loaded
                # this file as a module of another name (Numba keys entries by file, and
                # the entry then imports that name). Compiled in memory, with one line; if
                # the error is the function's own, compiling again raises it.
                built = make(signature, **options)(fn)
                warnings.warn(
                    f"{fn.__module__}.{fn.__qualname__}: its Numba disk cache entry could not "
                    f"be loaded ({type(error).__name__}: {error}); compiled in memory instead. "
                    f"Delete the {fn.__module__.rpartition('.')[2]}.* files of the package's "
                    "__pycache__ (or of NUMBA_CACHE_DIR) to cache it again.",
                    RuntimeWarning,
                    stacklevel=3,
                )
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
