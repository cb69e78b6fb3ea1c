"""A sweep's Zarr store: pre-allocated, filled chunk by chunk, resumable after any crash.

Layout. At creation the store gets every array at its full size (runs along `run`), with
Zarr chunks equal to the sweep's chunks, but no data; chunk k of the sweep then fills exactly
one Zarr chunk of every array with one region write (`to_zarr(region=...)`). The finished
store is one ordinary Dataset: `xr.open_zarr(path)` or `open_sweep(path)` reads it.

Why region writes into a pre-allocated store rather than one group per chunk: readers get
one Dataset with no assembly step, and since sweep chunks and Zarr chunks coincide, no two
sweep chunks ever touch the same file, so a write never reads, merges or truncates another
chunk's data.

Whole or absent. After a chunk's data is written, its digest (a hash of its values) goes
into `chunk_digest[k]`; 0 means absent. Zarr writes every file through a temporary name and
a rename, so a killed process leaves at most some of a chunk's files rewritten, never a torn
file, and a chunk without its digest is simply computed and written again. Creation is
atomic too: the skeleton is built under a hidden name, locked, and renamed into place.

Checks on reopening: the store must carry this sweep's identity (the sweep's design, the
resolved parameters, the seed and the release: everything that changes a number); every
array must have the shape, type and chunks this sweep writes; every chunk marked done must
hash to its digest; and run 0, computed again, must hash as it did when the store was begun
(so that an edit of the model between an interruption and the resume cannot mix two models'
numbers in one store). Anything else is refused in one line and never overwritten.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from sim.errors import HedgesimError
from sim.params import to_plain
from sim.sweep.design import salib_problem
from sim.sweep.plan import SweepPlan
from sim.sweep.plan import probe as probe_of
from sim.version import provenance, release

IDENTITY = "hedgesim_sweep"  # root attribute: what this store is a sweep of
PROBE = "probe_digest"  # root attribute: digest of run 0 as the engine computed it then
FORMAT = 2  # layout version of the store (2: every chunk written, even all-fill; failed runs)
CHUNK_KEY = re.compile(r"c(/\d+)*")  # Zarr v3's default chunk-key encoding


class StoreError(HedgesimError):
    """A store that cannot be used for this sweep; str() is the one line to print."""


def identity(plan: SweepPlan) -> dict[str, Any]:
    return {
        "format": FORMAT,
        # the release, not the commit or the dirty flag: committing or editing a comment
        # between an interruption and the resume must not orphan a store; a change of
        # numbers is caught by the run-0 probe instead
        "hedgesim_release": release(),
        "seed": plan.seed,
        "sweep": json.loads(json.dumps(plan.spec.identity())),  # tuples as lists, as stored
        "params": to_plain(plan.params),
    }


def digest(chunk: xr.Dataset) -> int:
    """A 64-bit hash of every value of a chunk's run-indexed arrays; never 0 (= absent)."""
    h = hashlib.blake2b(digest_size=8)
    for name in sorted(run_variables(chunk)):
        values = np.ascontiguousarray(chunk[name].values)
        h.update(f"{name}|{values.dtype.str}|{values.shape}|".encode())
        h.update(values)  # its buffer, not a copy (`tobytes`): the same bytes
    return int.from_bytes(h.digest(), "little") or 1


def run_variables(ds: xr.Dataset) -> list[str]:
    """The data variables written chunk by chunk (everything along `run` but the index)."""
    return [name for name, var in ds.data_vars.items() if "run" in var.dims]


class SweepStore:
    """An open, locked, verified store: which chunks are done, and writing the others."""

    def __init__(self, path: Path, plan: SweepPlan, done: set[int], lock_fd: int):
        self.path, self.plan, self.done, self._lock_fd = path, plan, done, lock_fd
        self.repaired: dict[int, str] = {}
        self._opened: dict[str, Any] | None = None  # the Zarr arrays, once a chunk is written
        # Where they are written: an event loop of the store's own, run in a thread of its own,
        # so that writing works the same when the caller's thread runs an event loop already
        # (a notebook's), and a Ctrl-C in the caller lets the chunk's write finish.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writer: concurrent.futures.ThreadPoolExecutor | None = None

    def forget(self, damaged: dict[int, str]) -> dict[int, str]:
        """Mark damaged chunks as not done (their digest back to 0, the fill value), so that
        this sweep computes them again; returns what was wrong with each."""
        for chunk in sorted(damaged):
            mark = xr.Dataset({"chunk_digest": ("chunk", np.zeros(1, dtype=np.uint64))})
            mark.to_zarr(
                self.path,
                region={"chunk": slice(chunk, chunk + 1)},
                mode="r+",
                consolidated=False,
                write_empty_chunks=True,
            )
            self.done.discard(chunk)
        return dict(damaged)

    @property
    def missing(self) -> list[int]:
        return [k for k in range(self.plan.n_chunks) if k not in self.done]

    def write(self, chunk: int, data: xr.Dataset) -> None:
        """Chunk `chunk`'s arrays in their region, then its digest: the digest is the mark
        that the chunk is whole, so it is written last."""
        start, stop = self.plan.chunk_bounds(chunk)
        if data.sizes.get("run") != stop - start or int(data["run"][0]) != start:
            raise ValueError(
                f"chunk {chunk} holds runs {data['run'].values[[0, -1]]}, not {start}..{stop - 1}"
            )
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._writer = concurrent.futures.ThreadPoolExecutor(1, "hedgesim-store")
        writing = self._writer.submit(
            self._loop.run_until_complete, self._write(chunk, start, stop, data)
        )
        try:
            writing.result()
        except KeyboardInterrupt:
            # Ctrl-C reaches this thread, not the writer's, which goes on to the digest: wait
            # for it, so that `done` (what the interruption reports) is what the store holds
            concurrent.futures.wait([writing])
            if writing.exception() is None:
                self.done.add(chunk)
            raise
        self.done.add(chunk)

    async def _write(self, chunk: int, start: int, stop: int, data: xr.Dataset) -> None:
        """Zarr's own arrays, opened once: xarray's region write (to_zarr) reopened the group
        and every array's metadata for each chunk, 0.1 CPU-s of a 25,000-run chunk. Every
        array's region at once (Zarr's asynchronous API), not one after another: this
        process's CPU time per chunk, paired at load 3-5, 20-29 ms instead of 38-39 for
        5,000 runs, 40-49 instead of 59-62 for 25,000 (of which the digest 9-11 and the
        compression about 20). The values are written as they are (xarray encodes none of
        these: floats, ints and bools as stored)."""
        arrays = await self._arrays()
        regions = []
        for name in run_variables(data):
            stored = arrays[name]
            values = data[name].transpose(*stored.metadata.dimension_names).values
            regions.append(stored.setitem(slice(start, stop), values))
        await asyncio.gather(*regions)
        mark = np.array([digest(data)], dtype=np.uint64)
        await arrays["chunk_digest"].setitem(slice(chunk, chunk + 1), mark)

    async def _arrays(self) -> dict[str, Any]:
        """The store's Zarr arrays by name, opened for writing every chunk file, even a chunk
        of fill values (absence of a file means damage, see `verify_chunks`)."""
        if self._opened is None:
            from zarr.api.asynchronous import open_group

            group = await open_group(self.path, mode="r+", use_consolidated=False)
            self._opened = {
                name: array.with_config({"write_empty_chunks": True})
                async for name, array in group.arrays()
            }
        return self._opened

    def close(self) -> None:
        if self._loop is not None:
            self._writer.shutdown(wait=True)  # a write under way (after a Ctrl-C) ends first
            self._loop.close()
            self._loop = self._writer = None
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = -1

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(
    path: str | os.PathLike, plan: SweepPlan, probe: xr.Dataset | None = None
) -> SweepStore:
    """The store at `path` for this sweep: created if absent (or an empty folder), else
    checked to be this sweep's and undamaged; locked against a second writer. `probe` is
    `sim.sweep.plan.probe(plan)`, computed here if not given (an executor computes it where
    its chunks run)."""
    path = Path(path)
    if probe is None:
        probe = probe_of(plan)
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()
    if not path.exists():
        lock_fd = _create(path, plan, probe)
        if lock_fd is not None:  # this process's new store: every chunk to do, nothing to check
            return SweepStore(path, plan, set(), lock_fd)
    elif not path.is_dir():
        raise StoreError(
            f"sweep.store = {str(path)!r}: exists and is not a folder; choose another sweep.store"
        )
    lock_fd = _lock(path)
    try:
        report = _verify(path, plan, probe)
        _remove_files_outside_the_format(path)
        store = SweepStore(path, plan, set(report.done), lock_fd)
        store.repaired = store.forget(report.damaged)
    except BaseException:
        os.close(lock_fd)
        raise
    return store


def prepare_store(path: str | os.PathLike) -> None:
    """What opening the store at `path` will need whatever the probe: Zarr imported, and, to
    create a store, dask.array (the template's lazy arrays) and the provenance (asked of git).
    A sweep calls it ahead, while the workers compute the probe (`experiments.sweep.run`):
    in a 10^6-run Dask sweep these were 0.55-0.7 of the 0.7-0.9 CPU-s this process spent
    creating the store after the probe came back, with the workers' first chunks queued."""
    import zarr  # noqa: F401

    if not begun(path):
        import dask.array  # noqa: F401

        provenance()


# --------------------------------------------------------------------------- creation
def begun(path: str | os.PathLike) -> bool:
    """Whether anything is at `path` (a store begun, or something else): if not, every chunk
    of a sweep opening a store there is to do."""
    path = Path(path)
    return path.exists() and not (path.is_dir() and not any(path.iterdir()))


def _create(path: Path, plan: SweepPlan, probe: xr.Dataset) -> int | None:
    """Create the store at `path`, locked: the descriptor that holds its lock, or None when
    another process created a store there first (that one is to be opened and checked).
    The skeleton is locked before it is renamed into place, so no other sweep can open it
    before this one holds it: it is exactly what was just written, with no chunk done, and
    is not read back (that took 0.1 CPU-s of a new 10^6-run store)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_skeletons(path)
    skeleton = path.with_name(f".{path.name}.initialising-{os.getpid()}")
    shutil.rmtree(skeleton, ignore_errors=True)
    template = _template(plan, probe)
    with warnings.catch_warnings():
        # Consolidated metadata is not in the Zarr 3 spec yet, but xarray reads it: with it a
        # plain xr.open_zarr(path) is quiet and quick. Region writes never change metadata.
        warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
        template.to_zarr(
            skeleton,
            mode="w-",
            compute=False,
            consolidated=True,
            encoding=_encoding(template, plan),
            write_empty_chunks=True,
        )
    _write_run_ids(skeleton, plan)
    lock_fd = _lock(skeleton)  # the lock is the folder's: it holds under its new name
    try:
        os.rename(skeleton, path)  # atomic; fails if another process created the store meanwhile
    except OSError:
        os.close(lock_fd)
        shutil.rmtree(skeleton, ignore_errors=True)
        if not path.exists():
            raise
        return None
    return lock_fd


def _write_run_ids(path: Path, plan: SweepPlan) -> None:
    """The run coordinate of a store being begun, a chunk of runs at a time (the template
    leaves it lazy, like the outcomes, so that no process holds every run id at once)."""
    import zarr

    runs = zarr.open_array(path / "run", mode="r+")
    for chunk in range(plan.n_chunks):
        start, stop = plan.chunk_bounds(chunk)
        runs[start:stop] = np.arange(start, stop, dtype=np.int64)


def _template(plan: SweepPlan, probe: xr.Dataset) -> xr.Dataset:
    """The whole store's structure: run-indexed arrays as lazy fill values (never written
    at creation), the design table and the coordinates. Each lazy array is one dask chunk:
    the Zarr chunks are set by the encoding (`_encoding`), and `to_zarr(compute=False)`
    builds a graph of the writes it never makes, a task per dask chunk (opening a new store
    of 200 chunks took 0.73-0.88 CPU-s instead of 0.85-1.04 when the dask chunks were the
    sweep's; the same files, byte for byte)."""
    import dask.array as da

    runs = plan.runs
    data = {}
    for name in run_variables(probe):
        var = probe[name]
        fill = np.nan if var.dtype.kind == "f" else 0
        lazy = da.full((runs, *var.shape[1:]), fill, dtype=var.dtype, chunks=-1)
        data[name] = xr.Variable(var.dims, lazy, var.attrs)
    coords = {name: c.variable for name, c in probe.coords.items() if "run" not in c.dims}
    # The run ids lazy too, and no index of them: held whole, with their index and the
    # encoding's buffers, they took about 100 MB at 3 x 10^6 runs, the one part of the
    # sweep's memory that grew with its runs; `_create` writes them a chunk at a time.
    coords["run"] = ("run", da.arange(runs, dtype=np.int64, chunks=-1))
    ds = xr.Dataset(data, xr.Coordinates(coords, indexes={}))
    ds["design"] = (("point", "parameter"), plan.points)
    ds["design"].attrs.update(long_name="design points", keys=json.dumps(plan.keys))
    ds["chunk_digest"] = ("chunk", da.zeros(plan.n_chunks, dtype=np.uint64, chunks=-1))
    ds["chunk_digest"].attrs["long_name"] = "hash of each finished chunk; 0 = not yet computed"
    ds.attrs.update(_attrs(plan))
    ds.attrs[PROBE] = str(digest(probe))
    return ds


def _encoding(ds: xr.Dataset, plan: SweepPlan) -> dict[str, dict]:
    """The Zarr chunks of the lazy arrays: a sweep's chunk of runs (the run coordinate too,
    so that a region never straddles chunks), and a digest per file; the run-indexed
    arrays compressed by Zstandard at level 1 rather than Zarr's default 3 (`level: 0` in
    their metadata): a 25,000-run chunk's arrays compressed in 7.5 ms instead of 12 of
    this process's time, to the same size within 0.1%. The level is in each array's
    metadata: a store begun with another level is resumed with its own, and read alike."""
    from zarr.codecs import ZstdCodec

    size = min(plan.spec.chunk_runs, plan.runs)
    encoding = {"chunk_digest": {"chunks": (1,)}}
    for name, var in ds.variables.items():
        if "run" in var.dims:
            encoding[name] = {"chunks": (size, *var.shape[1:]), "compressors": ZstdCodec(level=1)}
    return encoding


def _attrs(plan: SweepPlan) -> dict[str, Any]:
    spec, params = plan.spec, plan.params
    ident = identity(plan)
    attrs = {
        "title": f"hedgesim sweep {spec.name}: {params.scenario.name} in {params.world.name}",
        "sweep": spec.name,
        "design": spec.design,
        "parameter_keys": json.dumps(plan.keys),
        "points": plan.n_points,
        "replicates": spec.replicates,
        "runs": plan.runs,
        "chunk_runs": spec.chunk_runs,
        "chunks": plan.n_chunks,
        "run_numbering": "run = design_point * replicates + replicate",
        "seed": plan.seed,
        "design_seed": spec.seed,
        "scenario": params.scenario.name,
        "world": params.world.name,
        "focus": params.world.focus,
        "steps": params.scenario.steps,
        **provenance(),  # of the process that began the store
        "params": json.dumps(to_plain(params)),  # as in a run's Dataset (sim.simulate)
        IDENTITY: json.dumps(ident, sort_keys=True),
        "fingerprint": hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest(),
    }
    if spec.design == "sobol":
        attrs["salib_problem"] = json.dumps(salib_problem(spec.parameters))
        attrs["second_order"] = int(spec.second_order)
    return attrs


def _remove_stale_skeletons(path: Path) -> None:
    """Skeletons left by a creation that was killed (their process is gone)."""
    for stale in path.parent.glob(f".{path.name}.initialising-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --------------------------------------------------------------------------- reopening
def _lock(path: Path) -> int:
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreError(
            f"sweep.store = {str(path)!r}: in use by another running sweep; wait for it or choose another store"
        ) from None
    return fd


def _remove_files_outside_the_format(path: Path) -> None:
    """Remove what a killed write can leave in a verified store: every file that is neither a
    `zarr.json` nor a chunk of its array under the Zarr v3 format's default chunk-key encoding
    (`c/0/1`). Zarr writes a file through a temporary name and renames it, so a kill mid-write
    leaves such a file; the format, not zarr's naming of its temporaries, says what to keep."""
    arrays = {Path(root) for root, _, files in os.walk(path) if "zarr.json" in files}
    for root, _, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            if name == "zarr.json" or _is_chunk_key(file, arrays):
                continue
            with contextlib.suppress(FileNotFoundError):
                file.unlink()


def _is_chunk_key(file: Path, arrays: set[Path]) -> bool:
    for array in file.parents:
        if array in arrays:
            return CHUNK_KEY.fullmatch(file.relative_to(array).as_posix()) is not None
    return False


def _damaged(path: Path, what: str) -> StoreError:
    return StoreError(
        f"sweep.store = {str(path)!r}: damaged sweep store ({what}); it was left as is: "
        "remove it to start again, or choose another sweep.store"
    )


def _verify(path: Path, plan: SweepPlan, probe: xr.Dataset) -> ChunkReport:
    """Which chunks are done and which are damaged, after checking the store is this sweep's
    and its skeleton (design, coordinates, metadata) whole."""
    if not (path / "zarr.json").exists():
        raise StoreError(
            f"sweep.store = {str(path)!r}: exists and is not a Zarr store; choose another sweep.store"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zarr warns of what it cannot read; we report it
            # chunks=None: plain lazy arrays, no dask graph; each check reads one region
            # and no index of the run ids: the checks read regions by position
            stored = xr.open_zarr(
                path, consolidated=False, chunks=None, create_default_indexes=False
            )
    except Exception as error:
        raise _damaged(path, f"unreadable metadata: {_first_line(error)}") from None
    if IDENTITY not in stored.attrs:
        raise StoreError(
            f"sweep.store = {str(path)!r}: a Zarr store but not a hedgesim sweep; choose another sweep.store"
        )
    try:
        theirs = json.loads(stored.attrs[IDENTITY])
    except (TypeError, ValueError):
        raise _damaged(path, f"its {IDENTITY} attribute is not JSON") from None
    ours = json.loads(json.dumps(identity(plan), sort_keys=True))
    if theirs != ours:
        key, there, here = _first_difference(theirs, ours)
        raise StoreError(
            f"sweep.store = {str(path)!r}: holds another sweep ({key} is {there} there, {here} here); "
            "choose another sweep.store or remove it"
        )
    _check_structure(path, stored, _template(plan, probe))
    if stored.attrs.get(PROBE) != str(digest(probe)):
        # Same sweep, same version, other numbers: the model's code changed in between.
        raise StoreError(
            f"sweep.store = {str(path)!r}: the engine now computes run 0 differently than when this "
            "store was begun (the model's code changed); finish it with that code or start a new store"
        )
    report = verify_chunks(path, stored)
    if report.skeleton:
        raise _damaged(path, report.skeleton)
    return report


@dataclass
class ChunkReport:
    """What `verify_chunks` found: the chunks done and whole, the chunks marked done that are
    damaged (recomputable: resuming the sweep computes them again) and what is wrong with the
    skeleton (the design, the coordinates and the metadata, written when a store is begun:
    not recomputable in place), or '' if nothing."""

    done: set[int]
    damaged: dict[int, str]
    skeleton: str


def verify_chunks(path: Path, stored: xr.Dataset) -> ChunkReport:
    """The one check of what a store holds, used by every reader (the sweep on resuming,
    `open_sweep` for the plot, the export and the analyses): every array's metadata and every
    chunk file present (the run-indexed outcomes for each chunk marked done; everything else
    whole), and each chunk marked done hashing to its digest."""
    try:
        digests = np.asarray(stored["chunk_digest"].values)
    except Exception as error:
        return ChunkReport(set(), {}, f"chunk_digest unreadable: {_first_line(error)}")
    marked = {int(k) for k in np.flatnonzero(digests)}
    size = int(stored.attrs.get("chunk_runs", stored.sizes.get("run", 1)))
    outcomes = set(run_variables(stored))
    damaged: dict[int, str] = {}
    for name in sorted(stored.variables):
        meta = path / str(name) / "zarr.json"
        if not meta.is_file():
            return ChunkReport(set(), {}, f"array {name} has lost its metadata ({name}/zarr.json)")
        for key, index in _chunk_keys(meta):
            if (path / str(name) / key).is_file() or name == "chunk_digest":
                continue  # an absent digest is the fill value 0: not yet computed
            if name not in outcomes:
                return ChunkReport(set(), {}, f"array {name} has lost its chunk file {key}")
            chunk = index[0]
            if chunk in marked:
                damaged.setdefault(chunk, f"{name}'s chunk file {key} is missing")
    for k in sorted(marked - set(damaged)):
        start, stop = k * size, min((k + 1) * size, stored.sizes["run"])
        try:
            chunk = stored[sorted(outcomes)].isel(run=slice(start, stop)).load()
        except Exception as error:
            damaged[k] = f"unreadable: {_first_line(error)}"
            continue
        if digest(chunk) != int(digests[k]):
            damaged[k] = "its values do not match its digest"
    for k, what in damaged.items():
        start, stop = k * size, min((k + 1) * size, stored.sizes["run"])
        damaged[k] = f"chunk {k} (runs {start}..{stop - 1}): {what}"
    return ChunkReport(marked - set(damaged), damaged, "")


def _chunk_keys(meta: Path):
    """(key, chunk index) of every chunk of the array described by `meta` (a Zarr v3
    zarr.json: regular chunk grid, default chunk-key encoding)."""
    import itertools
    import math

    spec = json.loads(meta.read_text())
    shape = spec.get("shape", [])
    chunks = spec.get("chunk_grid", {}).get("configuration", {}).get("chunk_shape", shape)
    separator = spec.get("chunk_key_encoding", {}).get("configuration", {}).get("separator", "/")
    grid = [math.ceil(n / c) if c else 0 for n, c in zip(shape, chunks, strict=True)]
    for index in itertools.product(*(range(n) for n in grid)):
        yield separator.join(["c", *map(str, index)]), index


def _check_structure(path: Path, stored: xr.Dataset, template: xr.Dataset) -> None:
    for name, want in template.variables.items():
        if name not in stored.variables:
            raise _damaged(path, f"array {name} is missing")
        have = stored.variables[name]
        if have.dims != want.dims or have.shape != want.shape or have.dtype != want.dtype:
            raise _damaged(
                path,
                f"array {name} is {have.dtype}{list(have.shape)}, expected {want.dtype}{list(want.shape)}",
            )
        if name in template.data_vars and "run" in want.dims:
            chunks = tuple(have.encoding.get("chunks") or ())
            expected = min(template.attrs["chunk_runs"], template.attrs["runs"])
            if chunks and chunks[0] != expected:
                raise _damaged(
                    path, f"array {name} is chunked by {chunks[0]} runs, expected {expected}"
                )


def _first_difference(a: Any, b: Any, key: str = "") -> tuple[str, str, str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{key}.{k}" if key else k)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{key}[{i}]")
    return key, _short(a), _short(b)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:160]


# --------------------------------------------------------------------------- reading
def open_sweep(path: str | os.PathLike, partial: bool = False) -> xr.Dataset:
    """A finished sweep store as a Dataset (lazy). With `partial`, an unfinished one too,
    restricted to the runs of its finished chunks."""
    path = Path(path)
    if not (path / "zarr.json").exists():
        raise StoreError(
            f"store = {str(path)!r}: no sweep store there (run python -m experiments.sweep first)"
        )
    try:
        ds = xr.open_zarr(path)
    except Exception as error:
        raise StoreError(
            f"store = {str(path)!r}: unreadable Zarr store ({_first_line(error)})"
        ) from None
    if IDENTITY not in ds.attrs:
        raise StoreError(f"store = {str(path)!r}: a Zarr store but not a hedgesim sweep")
    report = verify_chunks(path, ds)
    repair = "run the same sweep command again: resuming recomputes damaged chunks"
    if report.skeleton:
        raise StoreError(
            f"store = {str(path)!r}: damaged sweep store ({report.skeleton}); the design and "
            "coordinates are written when a store is begun and cannot be recomputed in place: "
            "remove the store and run the sweep again"
        )
    if report.damaged:
        first = report.damaged[min(report.damaged)]
        more = f" and {len(report.damaged) - 1} more" if len(report.damaged) > 1 else ""
        raise StoreError(f"store = {str(path)!r}: damaged sweep store ({first}{more}); {repair}")
    chunks = ds.sizes["chunk"]
    if len(report.done) == chunks:
        return ds
    if not partial:
        raise StoreError(
            f"store = {str(path)!r}: unfinished sweep ({len(report.done)} of {chunks} chunks); "
            "run the same sweep command again to finish it"
        )
    size = int(ds.attrs["chunk_runs"])
    keep = np.zeros(ds.sizes["run"], dtype=bool)
    for k in report.done:
        keep[k * size : (k + 1) * size] = True
    return ds.isel(run=np.flatnonzero(keep))
