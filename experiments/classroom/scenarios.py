"""The scenarios a class can pick, read straight from `conf/` with OmegaConf.

The dashboard lives in `agents/`, which may not import `experiments` (dependencies point
`experiments -> agents -> sim`), so it cannot use the Hydra composition of
`experiments.compose`. It needs only one composition, though: the root config's values, one
world file and one scenario file, merged in the order of the root config's defaults list
(world, the root's own values, the scenario). OmegaConf's deep merge does exactly that; a
test holds the result equal to `experiments.compose(["scenario=<name>"])` for every scenario.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from omegaconf import OmegaConf

from experiments.resources import CONF_DIR
from sim.params import ParamError, Params, from_plain, validate

DEFAULT_SCENARIO = "lee_2025"
PARAM_KEYS = tuple(f.name for f in dataclasses.fields(Params))


def scenario_names(conf_dir: Path = CONF_DIR) -> list[str]:
    """Every scenario file in conf/scenario, by name, the default first."""
    names = sorted(path.stem for path in (conf_dir / "scenario").glob("*.yaml"))
    return sorted(names, key=lambda name: name != DEFAULT_SCENARIO)


def scenario_description(name: str, conf_dir: Path = CONF_DIR) -> str:
    """The one-line description a scenario file gives itself."""
    data = OmegaConf.load(_scenario_file(name, conf_dir))
    return str(OmegaConf.select(data, "scenario.description", default="") or "")


def load_scenario(name: str = DEFAULT_SCENARIO, conf_dir: Path = CONF_DIR) -> Params:
    """Validated parameters of the default world under scenario `name`."""
    root = OmegaConf.load(conf_dir / "config.yaml")
    world_name = _default_choice(root, "world")
    world = OmegaConf.load(conf_dir / "world" / f"{world_name}.yaml")
    scenario = OmegaConf.load(_scenario_file(name, conf_dir))
    own = {key: value for key, value in root.items() if key in PARAM_KEYS}
    merged = OmegaConf.merge({"world": world}, own, scenario)
    plain = OmegaConf.to_container(merged, resolve=True)
    return validate(from_plain({key: plain[key] for key in PARAM_KEYS if key in plain}))


def _scenario_file(name: str, conf_dir: Path) -> Path:
    path = conf_dir / "scenario" / f"{name}.yaml"
    if not path.is_file():
        raise ParamError(
            "scenario", name, f"no such scenario; available: {', '.join(scenario_names(conf_dir))}"
        )
    return path


def _default_choice(root, group: str) -> str:
    """The option the root config's defaults list picks for `group` (e.g. east_asia_2025)."""
    for entry in root.get("defaults", []):
        if isinstance(entry, dict) or OmegaConf.is_dict(entry):
            if group in entry:
                return str(entry[group])
    raise ParamError(f"defaults.{group}", None, f"conf/config.yaml must choose a {group}")
