"""The package as a user gets it: every package folder in the wheel, the extras' one-line
refusal, the house papers, and (slow tier) a wheel installed into a new venv running an
experiment from an empty folder outside the checkout."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from experiments.extras import EXTRAS, MissingExtraError, missing, require
from sim.errors import HedgesimError

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def package_folders() -> set[str]:
    """Every folder of sim/, agents/, experiments/ that holds Python modules, dotted."""
    found = set()
    for top in ("sim", "agents", "experiments"):
        for module in (ROOT / top).rglob("*.py"):
            if "__pycache__" not in module.parts:
                found.add(".".join(module.parent.relative_to(ROOT).parts))
    return found


def test_every_package_folder_is_listed_for_the_wheel():
    listed = set(SETUPTOOLS["packages"])
    assert package_folders() - listed == set(), "add them to [tool.setuptools] packages"
    assert {"experiments.conf", "experiments.data"} <= listed


def test_configs_and_data_ship_inside_the_package():
    mapped = SETUPTOOLS["package-dir"]
    assert mapped == {"experiments.conf": "conf", "experiments.data": "data"}
    shipped = SETUPTOOLS["package-data"]
    configs = {p for p in (ROOT / "conf").rglob("*") if p.is_file()}
    posteriors = set((ROOT / "conf" / "calibrated").glob("*_posterior.csv"))
    assert configs - posteriors == set((ROOT / "conf").rglob("*.yaml")), (
        "conf/ holds more than YAML and the calibrated posteriors"
    )
    assert shipped["experiments.conf"] == ["**/*.yaml", "calibrated/*_posterior.csv"]
    data = {p.suffix for p in (ROOT / "data").iterdir() if p.is_file()}
    assert {f"*{suffix}" for suffix in data} <= set(shipped["experiments.data"])


def test_the_extras_named_in_code_are_those_of_pyproject():
    extras = PYPROJECT["project"]["optional-dependencies"]
    (everything,) = extras["all"]  # hedgesim[viz,sweep,analysis]
    in_all = set(everything.split("[")[1].rstrip("]").split(","))
    assert set(EXTRAS) == in_all and in_all <= set(extras)


def test_a_missing_extra_is_one_line_naming_what_to_install():
    with pytest.raises(MissingExtraError) as refused:
        require("sweep", ["zarr", "no_such_module_for_hedgesim.sub"])
    message = str(refused.value)
    assert isinstance(refused.value, HedgesimError)
    assert "\n" not in message
    assert "no_such_module_for_hedgesim.sub" in message and "zarr," not in message
    assert message.endswith("pip install 'hedgesim[sweep]'")


def test_an_installed_extra_passes_silently():
    require("sweep")  # the test environment installs .[all,test]
    require("analysis", ["SALib"])
    assert missing(["json", "xml.etree"]) == []


def test_the_license_is_the_one_pyproject_names():
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "hedgesim developers" in text


def test_the_citation_file_is_valid_cff():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    # the keys CFF 1.2.0 requires, and those a citation of software needs
    assert citation["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "date-released", "license", "abstract"):
        assert citation.get(key), key
    assert all("name" in a or "family-names" in a for a in citation["authors"])
    released = citation["date-released"]
    assert isinstance(released, datetime.date) or datetime.date.fromisoformat(released)
    assert citation["license"] == PYPROJECT["project"]["license"]
    assert citation["type"] in ("software", "dataset")


def test_the_changelog_has_unreleased_and_the_cited_release():
    text = (ROOT / "CHANGELOG.md").read_text()
    version = yaml.safe_load((ROOT / "CITATION.cff").read_text())["version"]
    assert "## [Unreleased]" in text
    assert f"## [{version}] - " in text


# --------------------------------------------------------------------------- slow: a real install
def run(command: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def checkout_copy(copy: Path) -> Path:
    """A clone of this checkout at its commit, with its uncommitted files laid over it: the
    same version (commit and dirty flag) for setuptools-scm, and no build/ or egg-info left
    in the real tree while other tests read its metadata."""
    head = run(["git", "rev-parse", "HEAD"], ROOT).stdout.strip()
    assert (
        run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(copy)], ROOT).returncode
        == 0
    )
    assert run(["git", "checkout", "--quiet", "--detach", head], copy).returncode == 0
    listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], ROOT)
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.mark.slow
def test_a_wheel_installed_in_a_new_venv_runs_from_an_empty_folder(tmp_path):
    """Build a wheel, install it with its core dependencies only (from the package index, as
    the Makefile does), run an experiment from an empty folder outside the checkout."""
    source = checkout_copy(tmp_path / "source")  # pip builds in the tree it is given
    wheels = tmp_path / "dist"
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels), str(source)], source
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("hedgesim-*.whl")
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    python = venv / "bin" / "python"
    installed = run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path)
    assert installed.returncode == 0, installed.stderr[-2000:]

    empty = tmp_path / "elsewhere"
    empty.mkdir()
    script = venv / "bin" / "hedgesim"  # the console script, where the wheel has it
    command = [str(script), "run"] if script.exists() else [str(python), "-m", "experiments.run"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the wheel, not the checkout
    done = subprocess.run(
        [*command, "runs=50", "figures=false", "progress=false"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (dataset,) = (empty / "results").rglob("dataset.nc")
    assert (dataset.parent / "summary.json").is_file()

    # the package found its configs inside itself, and recorded the commit it was built from
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import json, xarray as xr, sys; from experiments.resources import CONF_DIR;"
            f"ds = xr.open_dataset({str(dataset)!r});"
            "print(json.dumps([str(CONF_DIR), ds.attrs['hedgesim_commit']]))",
        ],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    conf_dir, commit = yaml.safe_load(probe.stdout)
    assert Path(conf_dir).parts[-2:] == ("experiments", "conf")
    assert str(ROOT) not in conf_dir
    head = run(["git", "rev-parse", "HEAD"], ROOT)
    if head.returncode == 0:
        assert head.stdout.strip().startswith(commit)
