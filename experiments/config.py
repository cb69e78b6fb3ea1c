"""Composing `conf/` with Hydra into validated parameters, with one-line errors.

`compose(overrides)` is the contract others build on: Hydra overrides in, `sim.Params` out,
validated. Every way a config can be wrong ends in a `ConfigError` whose message is one
line naming the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from experiments.resources import CONF_DIR
from sim.errors import HedgesimError
from sim.params import ParamError, Params, validate
from sim.sweep.spec import SweepSettings

GROUPS = ("world", "scenario", "experiment", "sweep", "calibrated")
ENGINES = ("numpy", "mesa")


class ConfigError(HedgesimError):
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
    sweep: Any = None  # the sweep group (experiments.sweep validates it by its own schema)
    analysis: Any = None  # an analysis command's settings (typed by that command's schema)


# Sections whose schema belongs to the command that reads them, not to the root config.
COMMAND_SECTIONS = ("sweep", "analysis")


def _register() -> None:
    store = ConfigStore.instance()
    store.store(name="hedgesim_schema", node=Config)
    # conf/sweep/settings/common.yaml starts from this schema: Hydra checks a sweep's keys
    # and types as it composes; the values are the YAML's.
    store.store(group="sweep/settings", name="schema", node=SweepSettings)


_register()


def available(group: str, extra_dirs: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The options of a config group: conf/<group>/*.yaml plus those of --config-dir."""
    folders = [CONF_DIR, *(Path(d) for d in extra_dirs)]
    return sorted({p.stem for folder in folders for p in (folder / group).glob("*.yaml")})


def check_groups(overrides: list[str], extra_dirs: list[str] | tuple[str, ...] = ()) -> None:
    """A choice of a config group that does not exist, as one line naming the options (Hydra
    would say it in a paragraph)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    for override in overrides:
        try:
            (parsed,) = parser.parse_overrides([override])
        except Exception:  # unparseable: the command's own parse names it
            continue
        group = parsed.key_or_group
        if group not in GROUPS or parsed.is_delete():
            continue
        choices = (
            list(parsed.sweep_string_iterator())
            if parsed.is_discrete_sweep()
            else [parsed.get_value_element_as_str()]
        )
        options = available(group, extra_dirs)
        for choice in choices:
            if choice not in options and choice != "null":
                raise ConfigError(
                    f"{group} = {choice!r}: no such {group}; available: {', '.join(options)}"
                )


def compose_config(overrides: list[str] | None = None) -> DictConfig:
    """The composed config (Hydra's object), or a ConfigError with one line."""
    overrides = list(overrides or [])
    check_groups(overrides)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
            return hydra_compose(config_name="config", overrides=overrides)
    except Exception as error:  # Hydra and OmegaConf raise many kinds; all become one line
        raise ConfigError(explain(error)) from None
    finally:
        GlobalHydra.instance().clear()


def explain(error: BaseException, prefix: str = "") -> str:
    """One line for a Hydra or OmegaConf error: the key, the value and what is allowed.
    `prefix` is the place of a node validated on its own (e.g. "analysis.")."""
    chain, cause = [], error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for err in chain:
        if isinstance(err, ParamError):
            return str(err)
    for err in chain:
        if isinstance(err, OmegaConfBaseException) and getattr(err, "full_key", None):
            key, msg = prefix + err.full_key, str(getattr(err, "msg", err)).splitlines()[0]
            if isinstance(err, (ConfigKeyError, ConfigAttributeError)):
                return f"{key}: unknown key; {_allowed_keys(err)}"
            value = getattr(err, "value", None)
            shown = f" = {value!r}" if value is not None else ""
            return f"{key}{shown}: {msg}"
    text = " ".join(str(error).split())
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
                value = OmegaConf.to_container(node, resolve=False).get(key)
                raise ConfigError(
                    f"{prefix}{key} = {value!r}: unknown key; allowed: {', '.join(names)}"
                )
    for key in node.keys():
        if not prefix and key in COMMAND_SECTIONS:  # typed by the command that reads them
            continue
        if OmegaConf.is_interpolation(node, key) or OmegaConf.is_missing(node, key):
            continue
        _reject_unknown_keys(node[key], f"{prefix}{key}.")


def _allowed_keys(err: OmegaConfBaseException) -> str:
    schema = getattr(err, "object_type", None)
    if schema is not None and dataclasses.is_dataclass(schema):
        return "allowed: " + ", ".join(f.name for f in dataclasses.fields(schema))
    return "to add an entry to a mapping write +key=value; see conf/config.yaml for the keys"


def to_params(cfg: DictConfig, sections: dict[str, type] | None = None) -> Config:
    """The composed config as typed dataclasses (sim.Params plus run settings), validated.
    `sections` types a command's own section (e.g. {"analysis": SensitivitySettings})."""
    _reject_unknown_keys(cfg, "")
    try:
        obj = OmegaConf.to_object(cfg)
    except Exception as error:
        raise ConfigError(explain(error)) from None
    config = obj if isinstance(obj, Config) else Config(**obj)
    for name, schema in (sections or {}).items():
        setattr(config, name, typed(schema, cfg.get(name), f"{name}."))
    _check_run_settings(config)
    try:
        validate(config, runs=None)
    except ParamError as error:
        raise ConfigError(str(error)) from None
    return config


def typed(schema: type, node: Any, prefix: str) -> Any:
    """`node` (a section of the composed config) as an instance of the dataclass `schema`:
    its keys and types checked by OmegaConf, its errors one line named from `prefix`."""
    try:
        merged = OmegaConf.merge(OmegaConf.structured(schema), node or {})
        return OmegaConf.to_object(merged)
    except Exception as error:
        raise ConfigError(explain(error, prefix)) from None


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
    "to_params",
    "typed",
]
