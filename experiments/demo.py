"""`hedgesim demo [--host H] [--port P] [--class]`: the classroom dashboard in the browser.

    python -m experiments.demo                  # http://localhost:8765, this machine only
    python -m experiments.demo --port 0         # any free port
    python -m experiments.demo --class          # the room's network, behind a printed join code

The one command that is not a Hydra app: it starts a Solara server
(experiments/classroom/launch.py); a bad host or port is one line, exit status 2.
"""

from __future__ import annotations

from experiments.classroom.launch import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
