"""Keep the memory a sweep frees for its next step, rather than handing it back to the kernel.

A step of the engine allocates and frees the same large temporary arrays (hundreds of
kilobytes to megabytes each) thousands of times per chunk. glibc's malloc serves blocks above
its mmap threshold (128 KiB, raised as blocks are freed) with fresh pages from the kernel, and
returns freed memory at the top of its heap once more than its trim threshold is free; each
time, the next step faults the pages in again. Measured on a 25,000-run chunk: 0.9 million
page faults and 0.8 s of system time in a process's first chunk; and Dask's workers, started
with MALLOC_TRIM_THRESHOLD_=65536, ran every chunk about 40% slower. Raising both thresholds
keeps the pages: memory stays at a chunk's working set (flat in the number of runs), and a
chunk costs the same from the first one on.

Python's cyclic garbage collector, in the same processes, stops walking the objects that
were alive before the first chunk (`freeze_before_chunks`): the modules, classes and
functions of NumPy, xarray, Numba, Dask and the engine, some 200,000 objects that never
become garbage. A full collection walks them all, 0.12-0.14 CPU-s each, and a process's
first two chunks ran one each (0.26 CPU-s a worker); frozen first, one collection of what
the first chunk made, 0.06 CPU-s.

Only the sweep's own processes are tuned (`sim.sweep.run_chunk` calls these, in-process or
on a Dask worker, whatever the worker's environment): a library call should not change how a
user's Python process manages its memory. Elsewhere than glibc the thresholds stay as they
are.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 2**20  # above the largest array of a chunk
TRIM_THRESHOLD = 1024 * 2**20


@functools.cache
def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds for this process (once); False if not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


@functools.cache
def freeze_before_chunks() -> None:
    """Move every object alive now out of the collector's reach for this process (once,
    before its first chunk; `gc.freeze`): they are never collected, nor walked again."""
    gc.freeze()
