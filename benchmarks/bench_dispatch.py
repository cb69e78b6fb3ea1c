"""What a call of a compiled kernel costs before its first instruction: Numba's dispatcher
types and unboxes every array it is passed. At one run (the Mesa layer, a dashboard's step)
the kernels do little arithmetic, so this is much of a step's time.

    .venv/bin/python benchmarks/bench_dispatch.py

Prints microseconds per call (the best of five repeats) of a kernel of one array and of
thirty, and of a kernel whose signature takes read-only arrays (as the review's and the
challenger's do) called with read-only arrays, with writable ones (Numba converts them: the
same machine code, one overload) and with read-only views made first (what the engine did
before 2026-12-03).
"""

from __future__ import annotations

import argparse
import timeit

import numba
import numpy as np
from numba import types

READ_ONLY = types.Array(types.float64, 2, "C", readonly=True)


@numba.njit
def one(a):
    return a[0, 0]


@numba.njit
def thirty(*arrays):
    return arrays[0][0, 0]


@numba.njit([types.float64(READ_ONLY, READ_ONLY, READ_ONLY, READ_ONLY)])
def four_read_only(a, b, c, d):
    return a[0, 0] + b[0, 0] + c[0, 0] + d[0, 0]


def per_call(call, number: int) -> float:
    """Microseconds per call, the best of five repeats of `number` calls."""
    return 1e6 * min(timeit.repeat(call, number=number, repeat=5)) / number


def read_only_view(x: np.ndarray) -> np.ndarray:
    view = x.view()
    view.setflags(write=False)
    return view


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=100_000, help="calls per repeat")
    args = parser.parse_args()
    writable = [np.zeros((1, 2)) for _ in range(30)]
    frozen = [read_only_view(x) for x in writable]
    one(frozen[0]), thirty(*frozen), four_read_only(*frozen[:4]), four_read_only(*writable[:4])
    rows = {
        "1 array": per_call(lambda: one(frozen[0]), args.number),
        "30 arrays": per_call(lambda: thirty(*frozen), args.number),
        "4 read-only arrays, read-only signature": per_call(
            lambda: four_read_only(*frozen[:4]), args.number
        ),
        "4 writable arrays, read-only signature": per_call(
            lambda: four_read_only(*writable[:4]), args.number
        ),
        "4 read-only views made, then the call": per_call(
            lambda: four_read_only(*[read_only_view(x) for x in writable[:4]]), args.number
        ),
    }
    for name, us in rows.items():
        print(f"{name:42s} {us:6.2f} us")
    print(f"per array passed: {(rows['30 arrays'] - rows['1 array']) / 29:.2f} us")
    print(f"overloads of the read-only kernel: {len(four_read_only.overloads)}")


if __name__ == "__main__":
    main()
