"""`hedgesim COMMAND [overrides]`: the one front door to every command.

    hedgesim run scenario=thaad_2016 runs=50
    hedgesim sweep sweep=rivalry_threat_grid
    hedgesim plot store=results/sweeps/lee_2025/rivalry_threat_grid.zarr
    hedgesim export source=results/multirun/2026-06-01_10-00-00

Each command is the module `experiments.<command>` (so `python -m experiments.run ...` is
the same command as `hedgesim run ...`); all but `demo` are Hydra apps that take Hydra
overrides and flags (`hedgesim run --help`, `hedgesim run -m scenario=a,b`).
"""

from __future__ import annotations

import importlib
import sys

from experiments.extras import require
from sim.errors import HedgesimError

# command -> what it does, in one line (the order of `hedgesim --help`)
COMMANDS = {
    "run": "one experiment: simulate a scenario, write dataset, summary and figures",
    "sweep": "a parameter sweep into a resumable Zarr store (sweep=NAME)",
    "plot": "figures of a sweep store: phase diagram and outcome distributions",
    "sensitivity": "Sobol' indices: which pressures and weights matter most",
    "discover": "scenario discovery (PRIM): which pressures tip the focus state",
    "calibrate": "a posterior (ABC-SMC) for the weights and the 2000 state from 2000-2014",
    "replay": "replay 2000-2025 from the posterior, bands and out-of-sample errors",
    "forecast": "a dated forecast of Seoul 2026-2028 with quantiles (results/forecasts/)",
    "demo": "the classroom dashboard in the browser (--host, --port, --class)",
    "export": "a results folder, multirun or sweep store as one CSV/Parquet table",
}
# command -> the optional extra it needs (pyproject.toml); the rest run on a core install
NEEDS = {
    "sweep": "sweep",
    "plot": "sweep",
    "sensitivity": "analysis",
    "discover": "analysis",
    "calibrate": "analysis",
    "demo": "viz",
}
USAGE_ERROR = 2


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["usage: hedgesim COMMAND [overrides ...]   (hedgesim COMMAND --help for one)", ""]
    lines += [f"  {name:<{width}}  {text}" for name, text in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int | None:
    """The console script `hedgesim`: the command's status becomes the process's."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if argv else USAGE_ERROR
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(
            f"error: command = {name!r}: not a hedgesim command; one of {', '.join(COMMANDS)}",
            file=sys.stderr,
        )
        return USAGE_ERROR
    if name in NEEDS:  # before the import, which would fail deep inside without the extra
        try:
            require(NEEDS[name])
        except HedgesimError as error:
            print(f"error: {error}", file=sys.stderr)
            return USAGE_ERROR
    command = importlib.import_module(f"experiments.{name}")
    sys.argv = [f"hedgesim {name}", *rest]
    return command.main(rest)
