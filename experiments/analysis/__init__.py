"""The analyses behind `hedgesim sensitivity | discover | calibrate | replay`: designs of runs,
Sobol indices, PRIM boxes, the calibration fit, the historical record and their figures."""
