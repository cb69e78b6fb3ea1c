"""Hydra entry points (run, sweep, plot, ...) and the plotting code."""

from experiments.config import ConfigError, compose, compose_run

__all__ = ["ConfigError", "compose", "compose_run"]
