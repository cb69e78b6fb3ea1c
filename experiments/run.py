"""`python -m experiments.run [hydra overrides]`: one experiment, from config to figures.

    python -m experiments.run                               # lee_2025, 1,000 runs
    python -m experiments.run scenario=thaad_2016 runs=200 seed=3
    python -m experiments.run -m scenario=baseline,lee_2025  # Hydra multirun

Writes results/<name>/<time>/: the resolved config (Hydra's .hydra/ and config.yaml),
dataset.nc, summary.json and three PNG figures; prints where, and the focus state's posture
shares at the horizon.

Bad input never reaches Hydra: the overrides are composed and validated first (every
combination of a multirun sweep), so a broken config ends with one line on stderr, exit
status 2 and no results folder. A failure inside the job removes the job's new folder.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import logging
import math
import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from experiments.config import (
    CONF_DIR,
    GROUPS,
    Config,
    ConfigError,
    compose_config,
    explain,
    params_of,
    to_params,
)
from sim.params import ParamError

BAD_INPUT = 2
INTERRUPTED = 130
DATASET_FILE = "dataset.nc"
SUMMARY_FILE = "summary.json"
CONFIG_FILE = "config.yaml"
FULL_CHECK_JOBS = 64


class RunError(RuntimeError):
    """A failure inside the job that is not a bad config (e.g. the Mesa layer missing)."""


# ----------------------------------------------------------------------------- errors
def fail(error: BaseException | str, status: int = BAD_INPUT) -> None:
    """Print one line to stderr and exit: the whole of what a user sees of a failure."""
    print(f"error: {one_line(error)}", file=sys.stderr)
    raise SystemExit(status)


def one_line(error: BaseException | str) -> str:
    if isinstance(error, (ConfigError, ParamError, RunError, str)):
        text = str(error)
    else:  # an unexpected failure: its kind helps whoever reports it
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split()) or type(error).__name__


# ----------------------------------------------------------------------------- pre-validation
def parse_argv(argv: list[str]):
    """Hydra's own command-line parser, so flags mean here what they mean to Hydra."""
    from hydra._internal.utils import get_args_parser

    return get_args_parser().parse_args(argv)


def is_multirun(args) -> bool:
    return bool(args.multirun) or any(
        o.replace(" ", "") in ("hydra.mode=MULTIRUN", "hydra.mode=multirun") for o in args.overrides
    )


def parse_overrides(overrides: list[str]) -> list:
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser, parsed = OverridesParser.create(), []
    for override in overrides:  # one at a time, so that an error names its override
        try:
            parsed.extend(parser.parse_overrides([override]))
        except HydraException as error:
            reason = re.split(r"\s+See https:", str(error))[0]
            raise ConfigError(f"{override}: cannot parse this override ({reason})") from None
    return parsed


def sweep_choices(overrides: list[str]) -> list[tuple[Any, list[str], list[Any]]]:
    """Per override: the parsed override, the "key=value" strings a multirun takes for it
    and the matching parsed values (one of each for an override that does not sweep)."""
    out = []
    for override in parse_overrides(overrides):
        if not override.is_sweep_override():
            out.append((override, [override.input_line], [None]))
        elif override.is_discrete_sweep():
            key = override.get_key_element()
            texts = [f"{key}={value}" for value in override.sweep_string_iterator()]
            out.append((override, texts, list(override.sweep_iterator())))
        else:
            raise ConfigError(
                f"{override.input_line}: the basic sweeper takes a list a,b,c, range(...) or choice(...)"
            )
    return out


def sweep_jobs(overrides: list[str]) -> list[list[str]]:
    """Every job Hydra's basic sweeper launches, as its list of overrides."""
    return [list(job) for job in itertools.product(*(t for _, t, _ in sweep_choices(overrides)))]


def single_job(overrides: list[str]) -> list[str]:
    """The overrides of a plain run; a sweep without -m is a mistake worth one clear line."""
    for override in parse_overrides(overrides):
        if override.is_sweep_override():
            raise ConfigError(
                f"{override.input_line}: a sweep needs -m (multirun); for a list value write [a,b]"
            )
    return overrides


def check_argv(argv: list[str]) -> list[Config]:
    """Compose and validate what `argv` would run; the configs checked, or a ConfigError /
    ParamError with one line. Creates nothing on disk."""
    args = parse_argv(argv)
    if args.help or args.hydra_help or args.shell_completion or args.info:
        return []
    extra_dirs = []
    if args.config_dir:
        extra_dirs.append(os.path.abspath(args.config_dir))
        if not os.path.isdir(extra_dirs[0]):
            raise ConfigError(f"--config-dir = {args.config_dir!r}: no such directory")
    if not is_multirun(args):
        return [to_params(compose_cfg(single_job(args.overrides), extra_dirs))]
    choices = sweep_choices(args.overrides)
    if math.prod(len(texts) for _, texts, _ in choices) <= FULL_CHECK_JOBS:
        jobs = itertools.product(*(texts for _, texts, _ in choices))
        return [
            checked(list(job), lambda job=job: compose_cfg(list(job), extra_dirs)) for job in jobs
        ]
    return check_large_sweep(choices, extra_dirs)


def check_large_sweep(choices, extra_dirs: list[str]) -> list[Config]:
    """Past FULL_CHECK_JOBS jobs, composing each (~0.1 s) would cost more than a short run:
    check every value of each swept key once, the other keys at their first value. A plain
    value is set on a copy of the composed first job (what Hydra's override does); a config
    group or an added key is composed anew."""
    from hydra.core.override_parser.types import OverrideType

    first = [texts[0] for _, texts, _ in choices]
    base = None

    def compose_first():
        nonlocal base
        base = compose_cfg(first, extra_dirs)
        return base

    configs = [checked(first, compose_first)]
    for i, (override, texts, values) in enumerate(choices):
        plain = override.type == OverrideType.CHANGE and override.package is None
        plain = plain and not override.is_hydra_override()
        plain = plain and "/" not in override.key_or_group and override.key_or_group not in GROUPS
        for text, value in zip(texts[1:], values[1:], strict=True):
            job = first[:i] + [text] + first[i + 1 :]
            if plain:
                configs.append(
                    checked(job, lambda k=override.key_or_group, v=value: changed(base, k, v))
                )
            else:
                configs.append(checked(job, lambda job=job: compose_cfg(job, extra_dirs)))
    return configs


def changed(cfg: DictConfig, key: str, value: Any) -> DictConfig:
    """A copy of a composed config with one value overridden, as Hydra applies `key=value`."""
    out = copy.deepcopy(cfg)
    try:
        OmegaConf.update(out, key, value, merge=True)
    except Exception as error:  # OmegaConf's validation errors, as compose words them
        raise ConfigError(explain(error)) from None
    return out


def checked(job: list[str], compose) -> Config:
    """Validate one job; an error names the job when it is one of a sweep."""
    try:
        return to_params(compose())
    except (ConfigError, ParamError) as error:
        raise ConfigError(f"{one_line(error)} (in the sweep job {' '.join(job)})") from None


def compose_cfg(overrides: list[str], extra_dirs: list[str]) -> DictConfig:
    """`compose_config`, or, when --config-dir or hydra.searchpath adds config groups that
    compose_config does not know of, the same composition with them on Hydra's search path."""
    searches = any(o.lstrip("+").startswith("hydra.searchpath") for o in overrides)
    if not extra_dirs and not searches:
        return compose_config(overrides)
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    if extra_dirs:
        dirs = ",".join(f"file://{d}" for d in extra_dirs)
        overrides = [*overrides, f"hydra.searchpath=[{dirs}]"] if not searches else overrides
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
            return compose(config_name="config", overrides=overrides)
    except Exception as error:  # Hydra and OmegaConf raise many kinds; all become one line
        raise ConfigError(missing_option(explain(error))) from None
    finally:
        GlobalHydra.instance().clear()


def missing_option(text: str) -> str:
    """Hydra's 'Could not find' paragraph (flattened) as compose_run words it."""
    match = re.search(
        r"Could not find '(\w+)/([^']+)'.*?options in '\w+': (.*?) Config search", text
    )
    if not match:
        return text
    group, name, options = match.groups()
    return f"{group} = {name!r}: no such {group}; available: {', '.join(options.split())}"


# ----------------------------------------------------------------------------- the job
def simulate(config: Config):
    """The Dataset of the configured experiment, from the chosen engine."""
    params = params_of(config)
    if config.engine == "mesa":
        logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every model at INFO
        try:
            from agents import simulate as mesa_simulate
        except ImportError as error:
            raise RunError(f"engine = 'mesa': the Mesa layer is not available ({error})") from None
        accepts_progress = "progress" in inspect.signature(mesa_simulate).parameters
        kwargs = {"progress": config.progress} if accepts_progress else {}
        return mesa_simulate(params, config.runs, config.seed, **kwargs)
    import sim

    return sim.simulate(params, config.runs, config.seed, progress=config.progress)


def write_results(ds, config: Config, cfg: DictConfig, folder: Path) -> dict[str, Any]:
    """Everything a run leaves behind, in `folder`; returns the summary."""
    from experiments.outputs.summary import summarise, write
    from experiments.plots import figures as plots

    (folder / CONFIG_FILE).write_text(OmegaConf.to_yaml(cfg, resolve=True))
    # zlib level 4: a third of the size and, on this data, faster than writing it raw.
    encoding = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars}
    ds.to_netcdf(folder / DATASET_FILE, engine="h5netcdf", encoding=encoding)
    summary = summarise(ds, engine=config.engine, decision_rule=ds.attrs.get("decision_rule"))
    write(summary, folder / SUMMARY_FILE)
    if config.figures:
        plots.save_all(ds, folder)
    return summary


def is_fresh(folder: Path, job_name: str) -> bool:
    """True when `folder` holds only what Hydra put there for this job (so it is ours)."""
    return set(os.listdir(folder)) <= {".hydra", f"{job_name}.log"}


def remove_job_folder(folder: Path, stop: Path) -> None:
    """Remove the job's folder, then its parents that are left empty, up to `stop`
    (results/<name>/ was created for this job; a shared sweep folder is never empty)."""
    shutil.rmtree(folder, ignore_errors=True)
    for parent in folder.parents:
        if parent == stop or stop not in parent.parents:
            break
        try:
            parent.rmdir()  # only if empty
        except OSError:
            break


def remove_empty_sweep(sweep: Path, stop: Path) -> None:
    """A sweep that holds nothing but Hydra's multirun.yaml once this job's folder is gone
    produced nothing: remove it too, so a failed sweep leaves no results behind."""
    if sweep.is_dir() and set(os.listdir(sweep)) <= {"multirun.yaml"}:
        remove_job_folder(sweep, stop)


def shown(folder: Path) -> str:
    try:
        return f"{folder.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{folder}/"


@contextmanager
def guarded_job_folder() -> Iterator[Path]:
    """The running Hydra job's output folder. If the job fails, the folder is removed (only
    when this job created it; a multirun's sweep folder too once empty) and the command ends
    with one line and exit status 2 (130 for Ctrl-C)."""
    hydra_cfg = HydraConfig.get()
    folder = Path(hydra_cfg.runtime.output_dir)
    fresh = is_fresh(folder, hydra_cfg.job.name)
    try:
        yield folder
    except BaseException as error:
        if fresh:
            remove_job_folder(folder, stop=Path.cwd())
            if hydra_cfg.mode == RunMode.MULTIRUN:
                remove_empty_sweep(Path(hydra_cfg.sweep.dir).absolute(), stop=Path.cwd())
        if isinstance(error, KeyboardInterrupt):
            left = "removed" if fresh else "may be incomplete"
            fail(f"interrupted; the run folder {shown(folder)} {left}", INTERRUPTED)
        if isinstance(error, SystemExit):
            raise
        if os.environ.get("HYDRA_FULL_ERROR") == "1":
            raise
        fail(error)


# conf/ by absolute path: a relative "../conf" resolves against the module's package when
# this module is imported rather than run with -m, and conf/ is not a package.
@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base=None)
def job(cfg: DictConfig) -> None:
    """One Hydra job: simulate, write, report. Runs after Hydra made the output folder."""
    from experiments.outputs.summary import posture_table

    with guarded_job_folder() as folder:
        config = to_params(cfg)
        summary = write_results(simulate(config), config, cfg, folder)
    print(f"wrote {shown(folder)}")
    print(posture_table(summary))


def main(argv: list[str] | None = None) -> None:
    """Validate the command line, then hand it to Hydra."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        check_argv(argv)
    except (ConfigError, ParamError) as error:
        fail(error)
    launch(argv)


def launch(argv: list[str]) -> None:
    """Run Hydra on `argv` (hydra.main reads sys.argv)."""
    sys.argv = [sys.argv[0], *argv]
    job()


if __name__ == "__main__":
    main()
