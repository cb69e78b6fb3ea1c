"""The Hydra face shared by the analysis commands (sensitivity, discover, calibrate, replay).

Each command's primary config is conf/analysis/<command>.yaml: the root config (every model
parameter, `scenario=`, `seed=` ... work as in `experiments.run`) plus an `analysis:` node of
the command's own settings. The root schema leaves that node untyped; the command types it
with its settings dataclass (`experiments.config.typed`) when it validates, so nothing is
swapped in Hydra's ConfigStore.

Built like every command (`experiments.command.HydraCommand`): the command line is composed
and validated before Hydra makes any folder; a bad value ends with one line on stderr and
exit status 2; a failure inside the job removes the job's new folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from experiments.command import HydraCommand, guarded_job_folder, log, shown
from experiments.config import to_params

CONFIG_FILE = "config.yaml"


def validator(settings_type: type) -> Callable[[DictConfig], Any]:
    """The typed, validated config of a composed analysis (the settings' own `check` too)."""

    def checked(cfg: DictConfig) -> Any:
        config = to_params(cfg, sections={"analysis": settings_type})
        check = getattr(config.analysis, "check", None)
        if check is not None:
            check(config)
        return config

    return checked


def analysis_command(command: str, settings_type: type) -> HydraCommand:
    return HydraCommand(config_name=f"analysis/{command}", validate=validator(settings_type))


def compose_analysis(command: str, settings_type: type, overrides: list[str] | None = None) -> Any:
    """The validated config of `command` with Hydra `overrides`; a ConfigError with one line."""
    app = analysis_command(command, settings_type)
    return app.validate(app.compose(list(overrides or [])))


def command_main(command: str, settings_type: type, work: Callable[[Any, DictConfig, Path], str]):
    """The `main(argv)` of an analysis command: validate every job, then run Hydra, whose
    job calls `work(config, cfg, folder)` and logs the text it returns."""
    app = analysis_command(command, settings_type)

    def job(cfg: DictConfig) -> None:
        with guarded_job_folder() as folder:
            config = app.validate(cfg)
            (folder / CONFIG_FILE).write_text(OmegaConf.to_yaml(cfg, resolve=True))
            text = work(config, cfg, folder)
        log.info(f"wrote {shown(folder)}")
        if text:
            log.info(text)

    def main(argv: list[str] | None = None) -> None:
        app.main(argv, job)

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
