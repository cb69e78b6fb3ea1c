"""Sweeps: many runs over many parameter values, chunked into a resumable Zarr store.

The scale layer above the engine: a design (`design`) of points from a spec (`spec`), split
into chunks of runs (`plan`), each chunk one vectorised `sim.simulate` call, run in-process or
on Dask (`executors`) and written as it finishes (`store`). `import sim` does not import it.
"""
