"""`hedgesim export source=PATH [format=csv|parquet]`: results as one flat table.

    hedgesim export source=results/lee_2025/2026-06-01_10-00-00
    hedgesim export source=results/sweeps/lee_2025/rivalry_threat_grid.zarr format=parquet
    hedgesim export source=results/multirun/2026-06-01_10-00-00 state=JPN

One row per run: its parameters (a sweep's swept values, a job's overrides, scenario and
seed) and its outcomes at the horizon per middle power (security, economic, autonomy,
hedging, the posture's label); see experiments/outputs/table.py. A multirun folder's jobs
are gathered into one table with a `job` column and, with figure=true, comparison.png: the
posture shares of the focus state per job.

Writes runs.csv (or runs.parquet) in the folder, or beside a store as <store>_runs.csv,
unless out= says where. Bad input: one line on stderr, exit status 2, nothing written.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from experiments.command import (
    HydraCommand,
    exit_status,
    log,
    refusals_as_one_line,
    write_atomically,
)
from experiments.config import ConfigError, typed
from experiments.outputs.table import (
    FORMATS,
    comparison_figure,
    kind_of,
    table_of,
    write_table,
)

FIGURE_FILE = "comparison.png"


@dataclass
class ExportOptions:
    """The options of `hedgesim export`; their values are in conf/commands/export.yaml."""

    source: str
    format: str
    out: str | None
    figure: bool
    state: str | None


ConfigStore.instance().store(name="hedgesim_export_schema", node=ExportOptions)


def options_of(cfg: DictConfig) -> ExportOptions:
    options = typed(ExportOptions, cfg, "")
    if options.format not in FORMATS:
        raise ConfigError(f"format = {options.format!r}: one of {', '.join(FORMATS)}")
    return options


def table_path(source: Path, kind: str, options: ExportOptions) -> Path:
    if options.out:
        return Path(options.out)
    if kind == "store":
        return source.with_name(f"{source.name.removesuffix('.zarr')}_runs.{options.format}")
    return source / f"runs.{options.format}"


def job(cfg: DictConfig) -> None:
    with refusals_as_one_line():
        options = options_of(cfg)
        source = Path(options.source)
        kind = kind_of(source)
        table = table_of(source)
        figure = None
        if kind == "multirun" and options.figure:
            figure = comparison_figure(table, options.state or table.attrs["focus"])
        path = table_path(source, kind, options)
        write_table(table, path, options.format)
        log.info(f"wrote {path}: {len(table):,} runs x {table.shape[1]} columns")
        if figure is not None:
            write_atomically(
                source / FIGURE_FILE, lambda p: figure.savefig(p, dpi=130, format="png")
            )
            log.info(f"wrote {source / FIGURE_FILE}")


COMMAND = HydraCommand(config_name="commands/export", validate=options_of, job_folders=False)


def main(argv: list[str] | None = None) -> int:
    """The exit status: 0 written, 2 bad input or a source that is not results."""
    return exit_status(lambda: COMMAND.main(argv, job))


if __name__ == "__main__":
    sys.exit(main())
