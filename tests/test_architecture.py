"""The house rules of ARCHITECTURE.md that a machine can check: layers one way (the import
contracts in pyproject.toml, checked by import-linter), a light `import sim`, and every
module importable on its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("sim", "agents", "experiments")  # the project's own code
HEAVY = ["mesa", "hydra", "omegaconf", "matplotlib", "dask", "distributed", "zarr", "solara"]


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_import_sim_pulls_in_nothing_heavy():
    code = (
        "import json, sys, sim\n"
        "import sim.engine, sim.dynamics, sim.params, sim.world, sim.metrics\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def _source_files() -> list[Path]:
    """Every Python file of the three packages, in a fixed order."""
    return [f for package in PACKAGES for f in sorted((ROOT / package).rglob("*.py"))]


def _modules() -> list[str]:
    """Every module of the three packages, by its dotted name (a package by its own)."""
    names = []
    for f in _source_files():
        if f.name == "__main__.py":  # runs a command when imported
            continue
        parts = f.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.slow  # a fresh interpreter per module: about a minute of CPU
@pytest.mark.parametrize("module", _modules())
def test_every_module_imports_as_a_process_first_import(module):
    """A notebook's first line may be any module's import (`from sim.opinion import
    switch_probability`): none may depend on another having been imported before it (a
    circular import shows only then)."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_module_imports_a_private_api_of_a_dependency():
    """`hydra._internal`, `._get_node`, `._seed`, zarr's or Mesa's private modules: each breaks
    on a minor release (ARCHITECTURE.md, Conventions)."""
    private = (
        "._internal",
        "._get_node",
        "._seed",
        "solara_viz as _",
        "make_initial_grid_layout =",
    )
    offenders = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in _source_files()
        for needle in private
        if needle in path.read_text()
    ]
    assert not offenders, offenders
