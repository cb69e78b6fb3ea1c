"""How every hedgesim command app is built: one Hydra app, validated before it starts.

A command is a `HydraCommand`: its primary config (conf/<config_name>.yaml), a `validate`
that turns a composed config into the typed, checked settings of the command, and a job
function that Hydra runs. `main(argv)`:

1. reads the command line as Hydra does (the same flags; the rest are overrides);
2. composes and validates every job the command line asks for, with Hydra's compose API,
   before Hydra makes any folder: each job of a multirun sweep (expanded with Hydra's
   public override parser) or, past FULL_CHECK_JOBS jobs, every value of each swept key once;
3. hands the command line to `hydra.main` (a command may begin work while it validates: the
   sweep begins its Dask workers' start-up there, `experiments.sweep.checked_and_begun`).

A broken config therefore never starts: one line on stderr `error: <key> = <value>:
<allowed>`, exit status 2, no results folder. Every refusal is a `sim.errors.HedgesimError`
and is caught here, in one place (`refusals_as_one_line`).

A command whose jobs write a results folder (run and the analyses) never writes into the
folder it names: Hydra is pointed at a hidden temporary sibling (`.<name>.partial-<token>`,
an `OutputPlan`), and the job renames it onto its name once whole (`publish`); a name already
taken gets `_2`, `_3`, ... So two runs started in the same second get two folders, a failure
removes only its temporary folder (`guarded_job_folder`), and an existing folder is never
written into. A multirun's jobs are counted when Hydra returns: any that did not finish make
the exit status 2, under every launcher. SIGTERM cleans up as Ctrl-C does.

Messages go through `logging` (the logger "hedgesim"): Hydra's job logging writes them to
the job's log file and, with the console format of conf/config.yaml, the same lines to the
terminal.
"""

from __future__ import annotations

import argparse
import copy
import functools
import itertools
import logging
import math
import os
import re
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from experiments.config import CONF_DIR, GROUPS, ConfigError, check_groups, explain
from sim.errors import HedgesimError

BAD_INPUT = 2
INTERRUPTED = 130  # 128 + SIGINT, the shell's status for Ctrl-C
TERMINATED = 143  # 128 + SIGTERM
# Room Hydra needs before a job starts (its .hydra/ config files and the job's log): checked
# up front, because a write that fails inside Hydra ends in a traceback, not one line.
MIN_FREE_BYTES = 256 << 10
FULL_CHECK_JOBS = 64
log = logging.getLogger("hedgesim")


class JobError(HedgesimError):
    """A failure inside a job that is not a bad config (e.g. the Mesa layer missing)."""


class OutputError(HedgesimError):
    """A results folder that cannot be written (no space, read-only, not a folder)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so that it cleans up alike."""


class FailedJob(SystemExit):
    """A job of a multirun that failed and left its one line for the command to report."""


# ----------------------------------------------------------------------------- one line
def one_line(error: BaseException | str) -> str:
    if isinstance(error, (HedgesimError, str)):
        text = str(error)
    else:  # an unexpected failure: its kind helps whoever reports it
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split()) or type(error).__name__


def fail(error: BaseException | str, status: int = BAD_INPUT) -> None:
    """Print one line to stderr and exit: the whole of what a user sees of a failure."""
    print(f"error: {one_line(error)}", file=sys.stderr)
    raise SystemExit(status)


@contextmanager
def refusals_as_one_line() -> Iterator[None]:
    """The one place a command turns a refusal into its line and exit status 2."""
    try:
        yield
    except HedgesimError as error:
        fail(error)
    except OSError as error:  # no space, read-only, not a folder, no permission: one line
        fail(io_failure(error))


def interrupted_status(error: KeyboardInterrupt) -> int:
    return TERMINATED if isinstance(error, Terminated) else INTERRUPTED


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises `Terminated` (a KeyboardInterrupt): the same
    clean-up as Ctrl-C, then exit status 143. Only the main thread may set a handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def io_failure(error: OSError) -> str:
    """An OSError as the one line a user sees: the path, then the system's reason."""
    where = error.filename if error.filename is not None else "output"
    return f"{where}: cannot write ({error.strerror or error}); nothing was left half-written"


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """`write(partial)` into a hidden neighbour, renamed onto `path` once whole: a failure
    leaves `path` as it was (absent, or its old content)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- names
def check_folder_name(key: str, value: str) -> None:
    """A name that becomes a folder under results/ (a run's `name`, a scenario's or a
    sweep's): one plain folder name, so that results stay inside the results root. An
    explicit absolute output folder is the user's choice (hydra.run.dir, sweep.store)."""
    text = str(value)
    if not text or text in (".", "..") or any(c in text for c in "/\\\0"):
        raise ConfigError(
            f"{key} = {text!r}: a plain folder name (no '/', '..' or '\\'); "
            "to write elsewhere give an absolute output folder"
        )


# ----------------------------------------------------------------------------- command line
def hydra_flags() -> argparse.ArgumentParser:
    """The flags of a Hydra app's command line (`--hydra-help` lists them), so that a flag
    means here what it means to Hydra; whatever is not a flag is an override."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("overrides", nargs="*")
    for flags in (
        ("--help", "-h"),
        ("--hydra-help",),
        ("--version",),
        ("--resolve",),
        ("--run", "-r"),
        ("--multirun", "-m"),
        ("--shell-completion", "-sc"),
    ):
        parser.add_argument(*flags, action="store_true")
    for flags in (
        ("--cfg", "-c"),
        ("--package", "-p"),
        ("--config-path", "-cp"),
        ("--config-name", "-cn"),
        ("--config-dir", "-cd"),
        ("--experimental-rerun",),
    ):
        parser.add_argument(*flags)
    parser.add_argument("--info", "-i", nargs="?", const="all")
    return parser


@dataclass
class CommandLine:
    overrides: list[str]
    multirun: bool = False
    config_dirs: list[str] = field(default_factory=list)
    runs_nothing: bool = False  # --help, --info, --cfg ...: Hydra shows, nothing runs


def read_argv(argv: list[str]) -> CommandLine:
    args, unknown = hydra_flags().parse_known_args(argv)
    if unknown:
        raise ConfigError(f"{unknown[0]}: not a Hydra flag; see --hydra-help")
    multirun = args.multirun or any(
        o.replace(" ", "").lower() == "hydra.mode=multirun" for o in args.overrides
    )
    dirs = []
    if args.config_dir:
        dirs.append(os.path.abspath(args.config_dir))
        if not os.path.isdir(dirs[0]):
            raise ConfigError(f"--config-dir = {args.config_dir!r}: no such directory")
    shows = any(
        (args.help, args.hydra_help, args.version, args.shell_completion, args.info, args.cfg)
    )
    return CommandLine(list(args.overrides), bool(multirun), dirs, bool(shows))


# ----------------------------------------------------------------------------- sweeps
def parse_overrides(overrides: list[str]) -> list:
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser, parsed = OverridesParser.create(), []
    for override in overrides:  # one at a time, so that an error names its override
        try:
            parsed.extend(parser.parse_overrides([override]))
        except HydraException as error:
            reason = str(error).splitlines()[0]
            raise ConfigError(f"{override}: cannot parse this override ({reason})") from None
    return parsed


def refuse_empty_mappings(overrides: list[str]) -> None:
    """`key={}` is merged into the mapping at `key`, which changes nothing: Hydra would drop it
    silently. Say so, and how to remove an entry instead."""
    for override in parse_overrides(overrides):
        if not override.is_sweep_override() and override.value() == {}:
            key = override.key_or_group
            raise ConfigError(
                f"{key} = {{}}: an empty mapping is merged into {key} and changes nothing; "
                f"to remove an entry write ~{key}.NAME"
            )


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


# ----------------------------------------------------------------------------- the command
@dataclass(frozen=True)
class HydraCommand:
    """One command app: conf/<config_name>.yaml composed, checked by `validate`."""

    config_name: str
    validate: Callable[[DictConfig], Any]
    job_folders: bool = True  # each job writes a results folder (not a store or a file)
    # Given each checked job before Hydra launches (Hydra composes and checks it again, about
    # 0.5 s): work that can begin meanwhile, and costs nothing to drop if the job fails
    # (a sweep's Dask workers, `sim.sweep.executors.begin_workers`).

    def compose(
        self, overrides: list[str], config_dirs: list[str] = (), hydra: bool = False
    ) -> DictConfig:
        """The composed config of one job (Hydra's compose API), or a ConfigError."""
        from hydra import compose, initialize_config_dir
        from hydra.core.global_hydra import GlobalHydra

        check_groups(overrides, config_dirs)
        searches = any(o.lstrip("+").startswith("hydra.searchpath") for o in overrides)
        if config_dirs and not searches:
            dirs = ",".join(f"file://{d}" for d in config_dirs)
            overrides = [*overrides, f"hydra.searchpath=[{dirs}]"]
        GlobalHydra.instance().clear()
        try:
            with initialize_config_dir(config_dir=str(CONF_DIR), version_base=None):
                return compose(
                    config_name=self.config_name, overrides=overrides, return_hydra_config=hydra
                )
        except Exception as error:  # Hydra and OmegaConf raise many kinds; all become one line
            raise ConfigError(explain(error)) from None
        finally:
            GlobalHydra.instance().clear()

    def check_argv(self, argv: list[str]) -> list[Any]:
        """Compose and validate what `argv` would run; the checked configs, or a
        HedgesimError with one line. Creates nothing on disk."""
        line = read_argv(argv)
        if line.runs_nothing:
            return []
        refuse_empty_mappings(line.overrides)
        if not line.multirun:
            return [self.validate(self.compose(single_job(line.overrides), line.config_dirs))]
        choices = sweep_choices(line.overrides)
        if math.prod(len(texts) for _, texts, _ in choices) <= FULL_CHECK_JOBS:
            jobs = itertools.product(*(texts for _, texts, _ in choices))
            return [
                self._checked(list(job), lambda job=job: self.compose(list(job), line.config_dirs))
                for job in jobs
            ]
        return self._check_large_sweep(choices, line.config_dirs)

    def _check_large_sweep(self, choices, config_dirs: list[str]) -> list[Any]:
        """Past FULL_CHECK_JOBS jobs, composing each (~0.1 s) would cost more than a short
        run: check every value of each swept key once, the other keys at their first value.
        A plain value is set on a copy of the composed first job (what Hydra's override
        does); a config group or an added key is composed anew."""
        from hydra.core.override_parser.types import OverrideType

        first = [texts[0] for _, texts, _ in choices]
        base = None

        def compose_first():
            nonlocal base
            base = self.compose(first, config_dirs)
            return base

        configs = [self._checked(first, compose_first)]
        for i, (override, texts, values) in enumerate(choices):
            plain = override.type == OverrideType.CHANGE and override.package is None
            plain = plain and not override.is_hydra_override()
            plain = plain and "/" not in override.key_or_group
            plain = plain and override.key_or_group not in GROUPS
            for text, value in zip(texts[1:], values[1:], strict=True):
                job = first[:i] + [text] + first[i + 1 :]
                if plain:
                    key = override.key_or_group
                    compose = lambda k=key, v=value: _changed(base, k, v)  # noqa: E731
                else:
                    compose = lambda job=job: self.compose(job, config_dirs)  # noqa: E731
                configs.append(self._checked(job, compose))
        return configs

    def _checked(self, job: list[str], compose: Callable[[], DictConfig]) -> Any:
        """Validate one job; an error names the job when it is one of a sweep."""
        try:
            return self.validate(compose())
        except HedgesimError as error:
            raise ConfigError(f"{one_line(error)} (in the sweep job {' '.join(job)})") from None

    def main(self, argv: list[str] | None, job: Callable[[DictConfig], None], launch=None):
        """Validate the command line, then run `job` under Hydra (`launch(argv)` if given):
        into a temporary sibling of the results folder that the job renames into place."""
        argv = sys.argv[1:] if argv is None else list(argv)
        launch = launch or (lambda a: self.launch(a, job))
        with refusals_as_one_line():
            self.check_argv(argv)
            plan = self.plan_outputs(argv) if self.job_folders else None
        with sigterm_as_interrupt():
            if plan is None:
                launch(argv)
            else:
                plan.launch(lambda extra: launch([*argv, *extra]))

    def launch(self, argv: list[str], job: Callable[[DictConfig], None]) -> None:
        """Run Hydra on `argv` (hydra.main reads sys.argv). conf/ by absolute path: a
        relative path would resolve against the module that defines `job`."""
        import hydra

        sys.argv = [sys.argv[0], *argv]
        hydra.main(config_path=str(CONF_DIR), config_name=self.config_name, version_base=None)(
            _reported_job(job)
        )()

    def plan_outputs(self, argv: list[str]) -> OutputPlan | None:
        """Where Hydra writes and where the result goes, or None when the command line runs
        nothing or its output folder cannot be known before Hydra runs (a `${hydra:...}`)."""
        line = read_argv(argv)
        if line.runs_nothing:
            return None
        choices = sweep_choices(line.overrides)
        first = [texts[0] for _, texts, _ in choices]
        try:
            hydra_cfg = self.compose(first, line.config_dirs, hydra=True).hydra
            key = "sweep" if line.multirun else "run"
            final = Path(str(hydra_cfg[key].dir))
            subdir = OmegaConf.to_container(hydra_cfg.sweep, resolve=False)["subdir"]
        except Exception:  # an interpolation only Hydra's run can resolve: no plan
            return None
        jobs = math.prod(len(texts) for _, texts, _ in choices) if line.multirun else 1
        return OutputPlan.make(final, line.multirun, jobs, str(subdir))


def _changed(cfg: DictConfig, key: str, value: Any) -> DictConfig:
    """A copy of a composed config with one value overridden, as Hydra applies `key=value`."""
    out = copy.deepcopy(cfg)
    try:
        OmegaConf.update(out, key, value, merge=True)
    except Exception as error:  # OmegaConf's validation errors, as compose words them
        raise ConfigError(explain(error)) from None
    return out


# ----------------------------------------------------------------------------- the job folder
# A folder being written: hidden, named after the folder it becomes, with a random token so
# that two commands started at once never share one.
PARTIAL = re.compile(r"^\.(?P<name>.+)\.partial(?:-[0-9a-f]+)?$")
FAILED_NOTE = ".failed-"  # + the job number: a failed multirun job's one line, for the command
_published: dict[Path, Path] = {}  # temporary folder -> the folder it became


def partial_sibling(final: Path) -> Path:
    final = final if final.name else final.absolute()
    return final.with_name(f".{final.name}.partial-{secrets.token_hex(4)}")


def claim(final: Path) -> Path:
    """A new, empty folder at `final`, or beside it (`final_2`, `final_3`, ...) when that name
    is taken: mkdir either creates or fails, so two commands never claim the same folder."""
    final.parent.mkdir(parents=True, exist_ok=True)
    for number in itertools.count(1):
        candidate = final if number == 1 else final.with_name(f"{final.name}_{number}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def publish(folder: Path) -> Path:
    """Rename a whole temporary folder onto the name it stands for (renaming onto the empty
    folder just claimed, which POSIX rename allows atomically); the folder it became. A folder
    that is not a temporary one stays where it is."""
    match = PARTIAL.match(folder.name)
    if match is None:
        return folder
    target = claim(folder.with_name(match["name"]))
    try:
        os.replace(folder, target)
    except BaseException:
        target.rmdir()
        raise
    _move_logs(folder, target)
    _published[folder] = target
    return target


def published(folder: Path) -> Path:
    """Where a job's temporary folder went (itself while it is being written)."""
    return _published.get(folder, folder)


def _move_logs(old: Path, new: Path) -> None:
    """Point the log files Hydra opened inside `old` at their new place: an open file moves
    with its folder, but a handler that opens later would look for the old path."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if not isinstance(handler, logging.FileHandler):
            continue
        path = Path(handler.baseFilename)
        if old != path and old not in path.parents:
            continue
        moved = logging.FileHandler(new / path.relative_to(old), delay=True)
        moved.setFormatter(handler.formatter)
        moved.setLevel(handler.level)
        root.removeHandler(handler)
        handler.close()
        root.addHandler(moved)


def remove_folder(folder: Path, stop: Path) -> None:
    """Remove `folder`, then its parents that are left empty, up to `stop` (results/<name>/
    was created for this job; a folder with other results is never empty)."""
    shutil.rmtree(folder, ignore_errors=True)
    for parent in folder.absolute().parents:
        if parent == stop or stop not in parent.parents:
            break
        try:
            parent.rmdir()  # only if empty
        except OSError:
            break


def is_fresh(folder: Path, job_name: str) -> bool:
    """True when `folder` holds only what Hydra put there for this job (so it is ours)."""
    return set(os.listdir(folder)) <= {".hydra", f"{job_name}.log"}


def remove_empty_sweep(sweep: Path, stop: Path) -> None:
    """A sweep that holds nothing but Hydra's multirun.yaml once this job's folder is gone
    produced nothing: remove it too, so a failed sweep leaves no results behind."""
    if sweep.is_dir() and set(os.listdir(sweep)) <= {"multirun.yaml"}:
        remove_folder(sweep, stop)


def shown(folder: Path) -> str:
    """A folder as a user reads it: relative to here; a multirun job's folder by the name its
    sweep folder takes once the sweep is done (the command's last line says where)."""
    folder = published(folder)
    folder = Path(*(m["name"] if (m := PARTIAL.match(part)) else part for part in folder.parts))
    try:
        return f"{folder.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{folder}/"


def _close_job_log(folder: Path) -> None:
    """Let go of the job's log file before its folder is removed."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).parent == folder:
            root.removeHandler(handler)
            handler.close()


def failure_line(error: BaseException) -> str:
    """A job's failure as one line; a failed write names its file."""
    if isinstance(error, OSError) and error.filename is not None:
        return io_failure(error)
    return one_line(error)


@contextmanager
def guarded_job_folder() -> Iterator[Path]:
    """The running Hydra job's output folder. Once the job's work is done the folder is
    renamed into place (`publish`). If the job fails, the folder is removed (only when this
    job created it) and the command ends with one line and exit status 2 (130 for Ctrl-C,
    143 for SIGTERM); a job of a planned multirun leaves its line for the command to report."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    folder = Path(hydra_cfg.runtime.output_dir)
    fresh = is_fresh(folder, hydra_cfg.job.name)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    sweep = Path(hydra_cfg.sweep.dir).absolute()
    try:
        yield folder
        publish(folder)
    except BaseException as error:
        if fresh:
            _close_job_log(folder)
            remove_folder(folder, stop=Path.cwd())
            if multirun and not PARTIAL.match(sweep.name):
                remove_empty_sweep(sweep, stop=Path.cwd())
        if isinstance(error, KeyboardInterrupt):
            left = "removed" if fresh else "may be incomplete"
            fail(f"interrupted; the run folder {shown(folder)} {left}", interrupted_status(error))
        if isinstance(error, SystemExit):
            raise
        if os.environ.get("HYDRA_FULL_ERROR") == "1":
            raise
        if multirun and PARTIAL.match(sweep.name):
            job = f"job {hydra_cfg.job.num} ({' '.join(hydra_cfg.overrides.task)})"
            (sweep / f"{FAILED_NOTE}{hydra_cfg.job.num}").write_text(
                f"{job}: {failure_line(error)}"
            )
            raise FailedJob(BAD_INPUT) from None
        fail(failure_line(error))


def _reported_job(job: Callable[[DictConfig], None]) -> Callable[[DictConfig], None]:
    """`job` as Hydra runs it: a multirun job that failed returns (its line is left for the
    command, which counts the jobs), so that every launcher goes on with the other jobs."""

    @functools.wraps(job)  # Hydra names the job (and its log file) after `job`'s module
    def task(cfg: DictConfig) -> None:
        try:
            job(cfg)
        except FailedJob:
            return

    return task


@dataclass
class OutputPlan:
    """A command's results folder (`final`) and the hidden sibling Hydra writes into."""

    final: Path
    partial: Path
    multirun: bool
    jobs: int  # how many jobs the command line launches
    subdir: str  # a multirun job's folder name (Hydra's pattern), written hidden
    finished: int = 0  # multirun jobs whose folders were renamed into place
    failures: list[str] = field(default_factory=list)  # the failed jobs' lines

    @classmethod
    def make(cls, final: Path, multirun: bool, jobs: int, subdir: str) -> OutputPlan:
        head, _, tail = subdir.rpartition("/")
        hidden = f"{head}/.{tail}.partial" if head else f".{tail}.partial"
        return cls(final, partial_sibling(final), multirun, jobs, hidden)

    def overrides(self) -> list[str]:
        if self.multirun:
            return [
                f"hydra.sweep.dir={_quoted(self.partial)}",
                f"hydra.sweep.subdir={_quoted(self.subdir)}",
            ]
        return [f"hydra.run.dir={_quoted(self.partial)}"]

    def prepare(self) -> None:
        """Make the temporary folder, with room for what Hydra writes before the job."""
        self.partial.mkdir(parents=True)
        free = shutil.disk_usage(self.partial).free
        if free < MIN_FREE_BYTES:
            self.discard()
            raise OutputError(
                f"{self.final}: cannot write ({free:,} bytes free; a job needs at least "
                f"{MIN_FREE_BYTES:,}); nothing was written"
            )

    def discard(self) -> None:
        remove_folder(self.partial, stop=Path.cwd())

    def launch(self, hydra: Callable[[list[str]], None]) -> None:
        """Run `hydra(overrides)` into the temporary folder and settle what it left."""
        with refusals_as_one_line():
            self.prepare()
        status = 0
        try:
            hydra(self.overrides())
        except KeyboardInterrupt as error:  # outside the job (which cleans up after itself)
            where = self.settle_multirun() if self.multirun else "nothing was kept"
            self.discard()
            fail(f"interrupted; {where}", interrupted_status(error))
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:
            self.discard()
            raise
        if self.multirun:
            with refusals_as_one_line():
                where = self.settle_multirun()
                self.report(where, status)
        self.discard()  # a run's job renamed it on success; what a failure left, if anything
        if status:
            raise SystemExit(status)

    def settle_multirun(self) -> str:
        """Count the finished jobs (the folders renamed into place), keep them under `final`
        (renamed into place too) and remove what the others left; where the results are."""
        self.failures = []
        self.finished = 0
        if not self.partial.is_dir():
            return "nothing was kept"
        notes = sorted(self.partial.glob(f"{FAILED_NOTE}*"), key=lambda p: p.name)
        self.failures.extend(note.read_text().strip() for note in notes)
        for entry in self.partial.iterdir():  # the failed jobs' notes, killed jobs' folders
            if entry.name.startswith(FAILED_NOTE):
                entry.unlink()
            elif entry.is_dir() and PARTIAL.match(entry.name):
                shutil.rmtree(entry, ignore_errors=True)
        finished = [e for e in self.partial.iterdir() if e.is_dir() and not e.name.startswith(".")]
        self.finished = len(finished)
        if not finished:
            self.discard()
            return "nothing was kept"
        return f"the {len(finished)} finished are in {shown(publish(self.partial))}"

    def report(self, where: str, status: int) -> None:
        """One line when a job failed (exit status 2), else where the jobs' folders are."""
        failed = self.jobs - self.finished
        if failed > 0:
            first = self.failures[0] if self.failures else "a job did not finish"
            fail(f"{failed} of {self.jobs} jobs failed; {first}; {where}")
        if self.finished and not status:
            print(f"wrote {shown(published(self.partial))} ({self.finished} jobs)")


def _quoted(value: Path | str) -> str:
    """A value for a Hydra override, quoted so that any path parses as one string."""
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def exit_status(command: Callable[[], Any]) -> int:
    """Run a command that ends by SystemExit on a refusal; its exit status (0 when it
    returns), for the commands whose `main` returns a status."""
    try:
        command()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return 0
