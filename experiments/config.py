"""Composing `conf/` with Hydra into validated parameters, with one-line errors.

`compose(overrides)` is the contract others build on: Hydra overrides in, `sim.Params` out,
validated. Every way a config can be wrong ends in a `ConfigError` whose message is one
line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from experiments.resources import CONF_DIR
from sim.params import ParamError, Params, validate

GROUPS = ("world", "scenario", "experiment", "sweep", "calibrated")
ENGINES = ("numpy", "mesa")


class ConfigError(ValueError):
    """A config that cannot run; str() is the one line to print."""


@dataclass
class Config(Params):
    """The whole config: the model's parameters plus how to run them."""

    name: str = "default"
    runs: int = 1000
    seed: int = 20250604
    engine: str = "numpy"
    progress: bool = True
    figures: bool = True
    sweep: Any = None  # the sweep group (experiments.sweep validates it)


def _register() -> None:
    ConfigStore.instance().store(name="hedgesim_schema", node=Config)


_register()


def available(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


def _check_groups(overrides: list[str]) -> None:
    for override in overrides:
        match = re.match(r"^\+?(\w+)=(.*)$", override)
        if match and match.group(1) in GROUPS:
            group, choice = match.groups()
            for item in choice.split(","):  # a multirun sweep lists several
                if item and item not in available(group):
                    raise ConfigError(
                        f"{group} = {item!r}: no such {group}; available: {', '.join(available(group))}"
                    )


def compose_config(overrides: list[str] | None = None) -> DictConfig:
    """The composed config (Hydra's object), or a ConfigError with one line."""
    overrides = list(overrides or [])
    _check_groups(overrides)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
            return hydra_compose(config_name="config", overrides=overrides)
    except Exception as error:  # Hydra and OmegaConf raise many kinds; all become one line
        raise ConfigError(explain(error)) from None
    finally:
        GlobalHydra.instance().clear()


def explain(error: BaseException) -> str:
    """One line for a Hydra or OmegaConf error: the key, the value and what is allowed."""
    chain, cause = [], error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for err in chain:
        if isinstance(err, ParamError):
            return str(err)
    for err in chain:
        if isinstance(err, OmegaConfBaseException) and getattr(err, "full_key", None):
            key, msg = err.full_key, str(getattr(err, "msg", err)).splitlines()[0]
            if "not in struct" in msg or "not in '" in msg or "is not in" in msg:
                return f"{key}: unknown key; {_allowed_keys(err)}"
            value = getattr(err, "value", None)
            shown = f" = {value!r}" if value is not None else ""
            return f"{key}{shown}: {msg}"
    text = " ".join(str(error).split())
    match = re.search(r"Could not override '([^']+)'", text)
    if match:
        return f"{match.group(1)}: unknown key; to add an entry to a mapping write +{match.group(1)}=..."
    return text.split(". ")[0] if len(text) > 200 else text


def _reject_unknown_keys(node: Any, prefix: str) -> None:
    """`+key=value` forces a key past the schema; refuse any the dataclasses do not know."""
    if not isinstance(node, DictConfig) or prefix.startswith("hydra"):
        return
    schema = OmegaConf.get_type(node)
    if schema is not None and dataclasses.is_dataclass(schema):
        names = [f.name for f in dataclasses.fields(schema)]
        for key in node.keys():
            if key not in names and key != "hydra":
                value = (
                    OmegaConf.to_container(node, resolve=False).get(key) if key in node else None
                )
                raise ConfigError(
                    f"{prefix}{key} = {value!r}: unknown key; allowed: {', '.join(names)}"
                )
    for key in node.keys():
        if key == "sweep":  # validated by experiments.sweep
            continue
        child = node._get_node(key)
        if isinstance(child, DictConfig):
            _reject_unknown_keys(child, f"{prefix}{key}.")


def _allowed_keys(err: OmegaConfBaseException) -> str:
    schema = getattr(err, "object_type", None)
    if schema is not None and dataclasses.is_dataclass(schema):
        return "allowed: " + ", ".join(f.name for f in dataclasses.fields(schema))
    return "to add an entry to a mapping write +key=value; see conf/config.yaml for the keys"


def to_params(cfg: DictConfig) -> Config:
    """The composed config as typed dataclasses (sim.Params plus run settings), validated."""
    _reject_unknown_keys(cfg, "")
    try:
        obj = OmegaConf.to_object(cfg)
    except Exception as error:
        raise ConfigError(explain(error)) from None
    config = obj if isinstance(obj, Config) else Config(**obj)
    _check_run_settings(config)
    try:
        validate(config, runs=None)
    except ParamError as error:
        raise ConfigError(str(error)) from None
    return config


def _check_run_settings(config: Config) -> None:
    if config.runs < 1:
        raise ConfigError(f"runs = {config.runs}: must be a whole number >= 1")
    if not 0 <= config.seed < 2**63:
        raise ConfigError(f"seed = {config.seed}: must be a whole number in [0, 2**63)")
    if config.engine not in ENGINES:
        raise ConfigError(f"engine = {config.engine!r}: must be one of {list(ENGINES)}")


def params_of(config: Config) -> Params:
    """Just the model's parameters (what sim.simulate takes)."""
    names = {f.name for f in dataclasses.fields(Params)}
    return Params(**{name: getattr(config, name) for name in names})


def compose(overrides: list[str] | None = None) -> Params:
    """Contract: compose conf/ with Hydra overrides and validate; returns sim.Params."""
    return params_of(to_params(compose_config(overrides)))


def compose_run(overrides: list[str] | None = None) -> Config:
    """Like `compose`, with the run settings (runs, seed, engine, name, ...) kept."""
    return to_params(compose_config(overrides))


__all__ = [
    "Config",
    "ConfigError",
    "available",
    "compose",
    "compose_config",
    "compose_run",
    "explain",
    "field",
]
