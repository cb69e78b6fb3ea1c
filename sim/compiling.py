"""Compiling with Numba: `compiled`, how every kernel of the engine is built (lazily, cached
on disk). A module of its own so that `sim.random` (whose draws the kernels of
`sim.kernels` inline) and `sim.kernels` both build with it, neither importing the other
to do so.

Compiling: lazily on first use, cached on disk (`cache=True`: a new process, a Dask worker,
loads the machine code instead of compiling again); where no cache directory is writable,
compiled in memory in each process, as is a kernel whose cache entry cannot be loaded
(with a warning saying which and what to delete).

Numba checks a cached kernel against the time stamp of its own file only, while most
kernels inline equations of other modules (`agents.collect`'s readings inline
`sim.metrics.hedging_of`): after an edit of such an equation the cache would hand back the
old machine code and the old numbers, without a word (numba/numba#8396, not merged). So the
package's cache entries are kept only while the sources they can be compiled from are as
they were (`clear_stale_kernels`, before the first kernel of a process is built).
"""

from __future__ import annotations

import functools
import hashlib
import os
import warnings
from pathlib import Path

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
            clear_stale_kernels()
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


# The sources a kernel can be compiled from: every module of the engine (`sim`, whose
# equations and constants the kernels inline) and the Mesa layer's modules that hold a kernel.
ENGINE = Path(__file__).resolve().parent
KERNEL_SOURCES = (ENGINE, ENGINE.parent / "agents")
STAMP = "kernel-sources.sha256"  # in the engine's __pycache__, beside its cache entries


def kernel_sources() -> list[Path]:
    """The source files of `KERNEL_SOURCES` a kernel can be compiled from, in a fixed order:
    every file of the engine, and the other packages' files that import Numba."""
    files = sorted(ENGINE.rglob("*.py"))
    for package in KERNEL_SOURCES[1:]:
        files += [f for f in sorted(package.rglob("*.py")) if b"numba" in f.read_bytes()]
    return files


def sources_fingerprint() -> str:
    """A digest of the kernel sources' names and contents (not their time stamps: a fresh
    checkout of the same code keeps its cache)."""
    digest = hashlib.sha256()
    for f in kernel_sources():
        digest.update(str(f.relative_to(ENGINE.parent)).encode() + b"\0")
        digest.update(f.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def clear_stale_kernels() -> None:
    """Remove the package's Numba cache entries (`*.nbi`, `*.nbc` in the `__pycache__` of
    `KERNEL_SOURCES`) if the kernel sources changed since they were written, then note the
    sources' fingerprint: once per process, before its first kernel is built. Every kernel
    then compiles again on first use (a few minutes of CPU for the whole model). Where the
    package's folders are not writable, Numba does not cache there and nothing is removed;
    a cache moved elsewhere with NUMBA_CACHE_DIR is its owner's to clear."""
    stamp = ENGINE / "__pycache__" / STAMP
    fingerprint = sources_fingerprint()
    try:
        if stamp.read_text() == fingerprint:
            return
    except OSError:  # no stamp yet: a first build, or a cache written before stamps
        pass
    try:
        for package in KERNEL_SOURCES:
            for cache in package.rglob("__pycache__"):
                for entry in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
                    entry.unlink(missing_ok=True)  # (another process may have removed it)
        stamp.parent.mkdir(exist_ok=True)
        written = stamp.with_name(f"{STAMP}.{os.getpid()}")
        written.write_text(fingerprint)
        os.replace(written, stamp)  # whole or not at all, whichever process writes last
    except OSError:  # a read-only install: Numba caches elsewhere or not at all
        return


@numba.njit(inline="always")
def tile_run(start, t):
    """Run `t` of the tile of runs from `start`, as an unsigned index. Numba checks a signed
    index for a negative value (to count it from the end) at every access unless it can
    prove it non-negative, which it cannot for `start + t`; an unsigned index needs no check
    (a middle power's decision 0.90 of its time, `benchmarks/compare.py decision`)."""
    return np.uint64(start + t)
