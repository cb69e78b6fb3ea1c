"""Figures of runs and sweeps, drawn from datasets; the posture palette every face shares."""

from experiments.plots.figures import alignment_map, posture_shares, trajectories

__all__ = ["alignment_map", "posture_shares", "trajectories"]
