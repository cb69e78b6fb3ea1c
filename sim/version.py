"""Which code made an output: the version, the commit and whether the tree was dirty.

The version comes from git through setuptools-scm when the package is built or installed
(`0.1.1.dev42+g3dac969` = 42 commits after the last tag, commit 3dac969; a `.d20261130` suffix
means uncommitted changes at build time). Two places the code can run from:

- a checkout (the `sim/` package sits beside `pyproject.toml` and `.git`): the commit and
  the dirty flag are asked of `git` when first needed, once per process, because an editable
  install's version string is that of its install, not of the tree as it is now;
- an installed wheel: no git around, so they are read from the version string setuptools-scm
  wrote at build time.

Anything that cannot be told is "unknown", never a guess.
"""

from __future__ import annotations

import functools
import re
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.version import InvalidVersion, Version

UNKNOWN = "unknown"
# setuptools-scm's fallback_version (pyproject.toml) says the same: built without git
FALLBACK_VERSION = "0+unknown"
SOURCE_ROOT = Path(__file__).resolve().parent.parent

try:
    __version__ = version("hedgesim")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = FALLBACK_VERSION


def release(version_string: str = __version__) -> str:
    """The release a version belongs to ('0.1.dev42+g3dac969' -> '0.1'): what a sweep store
    must agree on to be resumed (its run-0 probe catches any change of numbers in between)."""
    try:
        return Version(version_string).base_version
    except InvalidVersion:
        return version_string


def provenance() -> dict[str, str]:
    """Version, commit and dirty flag ('true', 'false' or 'unknown') of the running code, as
    attributes every output carries (netCDF and Zarr attributes hold no booleans)."""
    if _is_checkout(SOURCE_ROOT):
        commit, dirty = _from_git(SOURCE_ROOT)
        shown = _public(__version__)  # the local part names the commit of the last install
    else:
        commit, dirty = from_version_string(__version__)
        shown = __version__
    return {"hedgesim_version": shown, "hedgesim_commit": commit, "hedgesim_dirty": dirty}


def recorded(attrs: dict) -> dict[str, str]:
    """The provenance an output's attributes carry, under short names (for summary.json);
    "unknown" for outputs written before it was recorded."""
    return {
        "version": str(attrs.get("hedgesim_version", UNKNOWN)),
        "commit": str(attrs.get("hedgesim_commit", UNKNOWN)),
        "dirty": str(attrs.get("hedgesim_dirty", UNKNOWN)),
    }


def from_version_string(version_string: str) -> tuple[str, str]:
    """(commit, dirty) encoded by setuptools-scm in a version string.

    '0.1.1.dev42+g3dac969' -> ('3dac969', 'false'); '...+g3dac969.d20261130' -> dirty 'true';
    a plain release '0.2.0' -> ('unknown', 'unknown'): built from its clean tag, or from a tree
    without git (setuptools-scm's fallback_version), and the string cannot tell which.
    """
    try:
        local = Version(version_string).local
    except InvalidVersion:
        return UNKNOWN, UNKNOWN
    if local is None:
        return UNKNOWN, UNKNOWN
    node = re.search(r"(?:^|\.)g([0-9a-f]{7,40})(?:\.|$)", local)
    if node is None:
        return UNKNOWN, UNKNOWN
    dirty = re.search(r"(?:^|\.)d\d{8}(?:\.|$)", local) is not None
    return node.group(1), "true" if dirty else "false"


def _public(version_string: str) -> str:
    try:
        return Version(version_string).public
    except InvalidVersion:
        return version_string


def _is_checkout(root: Path) -> bool:
    return (root / ".git").exists() and (root / "pyproject.toml").is_file()


@functools.cache
def _from_git(root: Path) -> tuple[str, str]:
    """(commit, dirty) of the checkout at `root`, asked once per process. Dirty means a
    tracked file differs from the commit (untracked files, such as results/, do not count:
    setuptools-scm's rule too)."""
    try:
        commit = _git(root, "rev-parse", "HEAD")
        changes = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):  # no git, not a repository, too slow
        return UNKNOWN, UNKNOWN
    return commit, "true" if changes else "false"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return done.stdout.strip()
