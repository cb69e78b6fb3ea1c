"""hedgesim's vectorised engine: parameters in, an xarray Dataset of trajectories out."""

from sim.engine import simulate
from sim.params import ParamError, Params, validate, with_values
from sim.version import __version__

__all__ = ["ParamError", "Params", "__version__", "simulate", "validate", "with_values"]
