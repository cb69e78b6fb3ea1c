"""Where the configs (`conf/`) and the data (`data/`) are.

In a checkout (and an editable install) they are the top-level `conf/` and `data/` folders
beside the packages. A built wheel (`pip install .`) ships them inside the package as
`experiments/conf` and `experiments/data` (see `[tool.setuptools.package-dir]` in
pyproject.toml), so an installed `hedgesim` finds them wherever it runs.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _located(name: str) -> Path:
    shipped = PACKAGE / name
    return shipped if shipped.is_dir() else PACKAGE.parent / name


CONF_DIR = _located("conf")
DATA_DIR = _located("data")
