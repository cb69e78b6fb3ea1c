"""The Hydra face shared by the analysis commands (sensitivity, discover, calibrate, replay).

Each command's primary config is conf/analysis/<command>.yaml: the root config (every model
parameter, `scenario=`, `seed=` ... work as in `experiments.run`) plus an `analysis:` node of
the command's own settings, typed by a dataclass. The root schema (`experiments.config.Config`)
has no such node, so while a command composes we register, under the root schema's name, a
subclass of it that adds `analysis` with the command's settings type; the original is put
back afterwards, so nothing else in the process sees the change.

Errors behave as in `experiments.run`: the command line is composed and validated before
Hydra makes any folder; a bad value ends with one line on stderr and exit status 2; a
failure inside the job removes the job's new folder.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hydra
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from experiments.config import CONF_DIR, Config, ConfigError, explain, to_params
from experiments.run import (
    fail,
    guarded_job_folder,
    is_multirun,
    missing_option,
    parse_argv,
    shown,
    single_job,
    sweep_jobs,
)
from sim.params import ParamError

SCHEMA_NAME = "hedgesim_schema"  # the name conf/config.yaml's defaults list uses
CONFIG_FILE = "config.yaml"


def schema_with(settings_type: type) -> type:
    """The root schema plus an `analysis` node of `settings_type`."""
    return dataclasses.make_dataclass(
        f"{settings_type.__name__}Config",
        [("analysis", settings_type, dataclasses.field(default_factory=settings_type))],
        bases=(Config,),
    )


@contextmanager
def analysis_schema(settings_type: type) -> Iterator[None]:
    store = ConfigStore.instance()
    store.store(name=SCHEMA_NAME, node=schema_with(settings_type))
    try:
        yield
    finally:
        store.store(name=SCHEMA_NAME, node=Config)


def checked(cfg: DictConfig) -> Any:
    """The typed, validated config of a composed analysis (the settings' own `check` too)."""
    config = to_params(cfg)
    check = getattr(config.analysis, "check", None)
    if check is not None:
        check(config)
    return config


def compose_analysis(command: str, settings_type: type, overrides: list[str] | None = None) -> Any:
    """The validated config of `command` with Hydra `overrides`; a ConfigError with one line."""
    with analysis_schema(settings_type):
        GlobalHydra.instance().clear()
        try:
            with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
                cfg = compose(config_name=f"analysis/{command}", overrides=list(overrides or []))
        except Exception as error:  # Hydra and OmegaConf raise many kinds; all become one line
            raise ConfigError(missing_option(explain(error))) from None
        finally:
            GlobalHydra.instance().clear()
        return checked(cfg)


def command_main(command: str, settings_type: type, work: Callable[[Any, DictConfig, Path], str]):
    """The `main(argv)` of an analysis command: validate every job, then run Hydra, whose
    job calls `work(config, cfg, folder)` and prints the text it returns."""

    def job(cfg: DictConfig) -> None:
        with guarded_job_folder() as folder:
            config = checked(cfg)
            (folder / CONFIG_FILE).write_text(OmegaConf.to_yaml(cfg, resolve=True))
            text = work(config, cfg, folder)
        print(f"wrote {shown(folder)}")
        if text:
            print(text)

    hydra_job = hydra.main(
        config_path=str(CONF_DIR), config_name=f"analysis/{command}", version_base=None
    )(job)

    def main(argv: list[str] | None = None) -> None:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = parse_argv(argv)
        if not (args.help or args.hydra_help or args.shell_completion or args.info):
            try:
                jobs = (
                    sweep_jobs(args.overrides)
                    if is_multirun(args)
                    else [single_job(args.overrides)]
                )
                for overrides in jobs:
                    compose_analysis(command, settings_type, overrides)
            except (ConfigError, ParamError) as error:
                fail(error)
        sys.argv = [sys.argv[0], *argv]
        with analysis_schema(settings_type):
            hydra_job()

    return main


def calibration_choice() -> str:
    """The `calibrated` config the running job selected ('none' without one)."""
    return HydraConfig.get().runtime.choices.get("calibrated") or "none"


def keys_in_schedule(config: Any, keys: list[str]) -> list[str]:
    """Notes for the pressures a scenario schedules: a sampled value holds only until then."""
    notes = []
    for change in config.scenario.schedule:
        key = f"pressures.{change.pressure}"
        if key in keys:
            notes.append(
                f"{key} is scheduled by scenario {config.scenario.name} from {change.date}"
            )
    return sorted(set(notes))
