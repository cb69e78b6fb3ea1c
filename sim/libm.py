"""The C library's transcendental functions, elementwise over arrays: what the model computes
exponentials, logarithms and powers with outside its kernels.

NumPy computes `exp`, `log`, `log1p`, `arctanh` and `power` by paths of its own where the CPU
has AVX-512 (and `tanh` where it has AVX2). Their results differ from the C library's in the
last bit of about one value in twenty (`power(0.5, x)`: 5,473 of 10^5 values in (0, 3] on
the project's machine), while NumPy without those extensions takes the C library's. A run
would then give other numbers on another machine. These are Numba's ufuncs of the C
library's functions (Numba's math calls the C library, as the kernels' and `sim.random`'s
do): the same numbers with and without AVX-512, as tests/test_cpu_invariance.py checks by
running the model with NumPy's AVX-512 paths switched off.
"""

from __future__ import annotations

import math

from sim.compiling import compiled

ONE = ["float64(float64)"]
TWO = ["float64(float64, float64)"]


@compiled(ONE, vectorize=True)
def exp(x):
    return math.exp(x)


@compiled(ONE, vectorize=True)
def log(x):
    return math.log(x)


@compiled(ONE, vectorize=True)
def log1p(x):
    return math.log1p(x)


@compiled(ONE, vectorize=True)
def tanh(x):
    return math.tanh(x)


@compiled(ONE, vectorize=True)
def arctanh(x):
    return math.atanh(x)


@compiled(TWO, vectorize=True)
def power(x, y):
    return x**y
