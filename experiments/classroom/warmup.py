"""A fresh dashboard server's first STEP clicks, paid when the server starts.

A process loads each of the engine's compiled kernels from Numba's disk cache the first time
it runs it (`sim.compiling`), and which ones a step runs depends on what happens in it: the
first step, the first explanation of a move (the posture ufunc's loop, compiled for its
argument types: 0.4 s), the summits of the default world's second step (0.15 s). So the
first clicks of a fresh server were its slowest (1.6 s and 1.3 s against about 1 s, issue
14; then 0.7 s and 0.5 s against 0.3 s). `warm_up` takes a world of its own through what a
page's first clicks do: every event a student can fire, a few steps, the cards'
explanations. `start` runs it in a thread when the server starts, if `WARM_UP_ENV` says so
(`launch.py` sets it), so these kernels are loaded before a student clicks.

Numba lets one thread compile or load at a time, so a page that opens meanwhile waits for
the warm-up's kernels (most of which it needs itself): loaded from the cache, 1.6 s in all
(the events add nothing measurable: their kernels are the steps' own). Where there is no
cache (a first run, a read-only install) they are compiled, and the first page waits for
that instead of its first click (2026-12-02, load 2.5: the page after 128 s and a first
click of 3.8 s, against 9 s and 170 s without the warm-up).

Only a warm-up: its world is its own, and nothing a page shows depends on where a kernel was
loaded; if anything goes wrong, a warning says so and the page's first clicks load the
kernels as before.
"""

from __future__ import annotations

import os
import threading
import warnings

from experiments.classroom.components import every_name, explain_terms, forces, names_of
from experiments.classroom.launch import WARM_UP_ENV
from experiments.classroom.session import ClassroomModel
from experiments.classroom.words import EVENTS, describe_levers, describe_provocation
from sim.params import ParamError

STEPS = 3  # the default world's second step holds its first summits


def warm_up() -> None:
    """Every event a student can fire, `STEPS` steps and each actor's explanation, in a world
    of its own."""
    model = ClassroomModel()
    names = names_of(model)
    for kind in EVENTS:
        try:
            model.fire_event(kind, partner=model.pole_codes[0] if kind == "summit" else "")
        except ParamError:  # one this world refuses, as the page would say
            pass
    for _ in range(STEPS):
        model.step()
        words = every_name(model)
        explain_terms(model.why(model.focus).rows(), names)
        for code in (*model.pole_codes, model.challenger.code):
            describe = describe_provocation if code == model.challenger.code else describe_levers
            describe(words[code], model.why(code), words)
        forces(model)
    model.to_dataset()


def start() -> threading.Thread | None:
    """`warm_up` in a thread of its own, if the server was started with `WARM_UP_ENV`."""
    if not os.environ.get(WARM_UP_ENV):
        return None
    thread = threading.Thread(target=_warm_up_or_say_why, name="hedgesim-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up_or_say_why() -> None:
    try:
        warm_up()
    except Exception as error:  # noqa: BLE001 (a warm-up never stops the server)
        warnings.warn(
            f"the dashboard's warm-up stopped ({type(error).__name__}: {error}); the first "
            "clicks load what it would have",
            RuntimeWarning,
            stacklevel=1,
        )
