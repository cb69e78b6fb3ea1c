"""Issue 14's targets, each measured in the same run for the previous release and this tree,
in alternating fresh processes, with the ratio (the machine's noise, common to both, cancels).

    git worktree add ../baseline ee6f382            # the previous release, read-only
    python benchmarks/compare.py                    # every target, 2 rounds each
    python benchmarks/compare.py mesa engine --rounds 4
    python benchmarks/compare.py decision             # the middle powers' decision alone
    python benchmarks/compare.py sweep --sweep-runs 1000000 --rounds 2

Targets (issue 14): `sweep`, a 10^6-run `pressures_lhs` sweep on two Dask workers in at most
20 s wall (the whole `python -m experiments.sweep` command; wall and CPU time, peak memory
of its process tree); `engine`, at least 6 x 10^6 agent-steps/s per core, every agent of
the world counted (CPU time of one chunk of 25,000 runs with their own pressures, recording
what a sweep records, best of `--engine-chunks` chunks in a process, as a sweep's worker runs
chunk after chunk; `probe.py engine`); `mesa`, a full 40-step Mesa run in at most 10 ms of
model time (construction, steps and trajectories; best and median of 20 runs in a process;
`probe.py mesa`).

The targets are the issue's, on the machine it was measured on, which the project has since
left (each new machine slower). `--baseline` may instead be the code the issue measured
(ISSUE_CODE, `git worktree add ../issue-code 3d985dc`): the paired ratio times what that
code took on the issue's machine (ISSUE_MEASURED) is then this tree's time there, printed
beside the target (`mesa` and `sweep`; that code's engine has no `china_military` pressure
for `probe.py engine` to draw).

`mesa --lock-step PAIRS` instead runs the two trees' Mesa runs in turn, in two processes kept
for the purpose (`probe.py mesa --serve`: two runs a turn, the second timed, so that each
timed run finds the caches warm as in `mesa`'s rounds): the ratio of each pair, measured a
few milliseconds apart, cancels what the machine's speed does over minutes, and its median
is the figure. This tree against itself (300 pairs): medians 0.993 and 1.000. Against the
issue's code, whose ratio to ours follows the host's state (contention slows its NumPy
passes and our Python unlike), 0.132–0.147 in ten comparisons within an hour; rounds of the
same two trees had moved from 0.13 to 0.25.

`mesa --judge N` (against the issue's code) makes N such lock-step comparisons, each in fresh
processes, and gives the verdict by the project's rule: met on this host only if every
comparison's median is at or under 10 ms / 80 ms = 0.125 (`judgment`).

A round measures the previous release and this tree once each, in fresh processes, the order
swapped every round; the ratio is this tree's best over the previous release's best, printed
with each round's own ratio and their range (what the machine's noise leaves of it). The
previous release's tree is `--baseline` (default: a checkout named `baseline` beside this one,
or $HEDGESIM_BASELINE); it runs with its own code from the same virtual environment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import ROOT, commit_of, load, machine, measured_sweep, tree_env  # noqa: E402

PROBE = Path(__file__).resolve().parent / "probe.py"
TARGETS = ("sweep", "engine", "mesa")
# besides the targets: the middle powers' decision alone (`probe.py decision`)
MEASURES = (*TARGETS, "decision")
GOALS = {
    "sweep": "at most 20 s wall (two workers)",
    "engine": "at least 6,000,000 agent-steps/s per core",
    "mesa": "at most 10 ms of model time",
    "decision": "none of its own (a part of the engine's step)",
}


# The code issue 14 measured (its "Why", 2026-11-24) and what that code took on the issue's
# machine, by target: its Mesa run "about 80 ms of model time" (the issue's words, 2,900
# agent-steps/s of six agents over 40 steps), its 10^6-run sweep on two workers 51.8 s
# (benchmarks/RESULTS.md, "A sweep of 10^6 runs and more", measured at this commit).
ISSUE_CODE = "3d985dc"
ISSUE_MEASURED = {"mesa": (80.0, "ms"), "sweep": (51.8, "s")}
# the targets in those units: a time there at most this (GOALS)
ISSUE_TARGETS = {"mesa": 10.0, "sweep": 20.0}


class BaselineMissing(SystemExit):
    pass


def probe(tree: Path, what: str, argv: list[str]) -> dict:
    """One `probe.py` measurement in a fresh process of `tree`."""
    result = subprocess.run(
        [sys.executable, str(PROBE), what, *argv],
        cwd=tree,
        env=tree_env(tree),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"probe {what} in {tree} failed: {last_line(result.stderr)}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def last_line(stderr: str) -> str:
    """What a failed process said last (a traceback's exception, an error's one line)."""
    lines = stderr.strip().splitlines()
    return lines[-1][-400:] if lines else "(nothing on stderr)"


def sweep(tree: Path, runs: int, workers: int, extra: list[str]) -> dict:
    """The whole sweep command in `tree`, its store in a temporary folder."""
    result = measured_sweep(runs, *extra, workers=workers, tree=tree)
    if result.returncode != 0:
        raise RuntimeError(f"sweep in {tree} failed: {last_line(result.stderr)}")
    return {
        "seconds": result.seconds,
        "cpu_seconds": result.cpu_seconds,
        "peak_pss_mb": result.peak_pss_mb,
        "load_before": result.load_before[0],
        "load_after": result.load_after[0],
    }


def measure(target: str, tree: Path, args) -> dict:
    if target == "sweep":
        return sweep(tree, args.sweep_runs, args.workers, args.overrides)
    if target == "engine":
        runs, chunks = str(args.engine_runs), str(args.engine_chunks)
        return probe(tree, "engine", [*args.overrides, "--runs", runs, "--repeat", chunks])
    if target == "decision":
        return probe(tree, "decision", args.overrides)
    return probe(tree, "mesa", [*args.overrides, "--runs", str(args.mesa_runs)])


# What each target's table shows: (header, key, format), the first the compared figure.
COLUMNS = {
    "sweep": [
        ("wall (s)", "seconds", "{:.1f}"),
        ("CPU (s)", "cpu_seconds", "{:.1f}"),
        ("peak PSS (MB)", "peak_pss_mb", "{:,.0f}"),
    ],
    "engine": [
        ("CPU (s)", "seconds", "{:.2f}"),
        ("agent-steps/s", "agent_steps_per_s", "{:,.0f}"),
        ("middle-power steps/s", "middle_power_steps_per_s", "{:,.0f}"),
    ],
    "mesa": [
        ("best (ms)", "best_ms", "{:.1f}"),
        ("median (ms)", "median_ms", "{:.1f}"),
        ("engine, one run (ms)", "engine_best_ms", "{:.1f}"),
        ("Mesa alone (ms)", "mesa_floor_ms", "{:.1f}"),
    ],
    "decision": [
        ("ns per decision (best)", "ns_per_decision", "{:.0f}"),
        ("median", "median_ns_per_decision", "{:.0f}"),
    ],
}


def table(target: str, trees: dict[str, Path], rows: dict[str, list[dict]], args) -> str:
    """The target's table: every round's measurement per tree, the best, and the ratio."""
    columns = COLUMNS[target]
    header = "| tree | commit | round | " + " | ".join(c[0] for c in columns) + " |"
    lines = [header, "|---|---|---:|" + "---:|" * len(columns)]
    key = columns[0][1]
    best = {name: min(r[key] for r in rows[name]) for name in trees}
    for name, tree in trees.items():
        for i, r in enumerate(rows[name], 1):
            cells = " | ".join(fmt.format(r[k]) for _, k, fmt in columns)
            lines.append(f"| {name} | {commit_of(tree)} | {i} | {cells} |")
    ratio = best["this"] / best["previous"]
    sizes = {
        "sweep": f"{args.sweep_runs:,} runs, {args.workers} workers",
        "engine": f"{args.engine_runs:,} runs, summary variables, best of "
        f"{args.engine_chunks} chunks a process",
        "mesa": f"{args.mesa_runs} runs per process",
        "decision": "blocks of 4,096 runs",
    }[target]
    lines.append("")
    lines.append(
        f"{target} ({sizes}): {columns[0][0]}, best this / best previous = {ratio:.3f} "
        f"({1 / ratio:.2f}x {'faster' if ratio < 1 else 'slower'}); target {GOALS[target]}"
    )
    lines += on_the_issues_machine(target, ratio, commit_of(trees["previous"]))
    lines.append(spread_line(paired_ratios(rows, key)))
    return "\n".join(lines)


def paired_ratios(rows: dict[str, list[dict]], key: str) -> list[float]:
    """Each round's ratio: this tree's measurement `key` over the previous release's in the
    same round (measured minutes apart, one after the other)."""
    return [
        this[key] / previous[key]
        for this, previous in zip(rows["this"], rows["previous"], strict=True)
    ]


def spread_line(ratios: list[float]) -> str:
    """The ratio of each round and their range: how far the machine's noise moves the ratio
    of bests above (the noise cancels only where it is the same for both trees, and this
    machine's speed changes by up to 2x within minutes)."""
    each = ", ".join(f"{r:.3f}" for r in ratios)
    return f"by round (this / previous, each round's): {each}; from {min(ratios):.3f} to {max(ratios):.3f}"


class Served:
    """A tree's `probe.py mesa --serve` process, started and ready (its warm runs done):
    `run()` has it do a turn and returns the timed run's CPU seconds."""

    def __init__(self, tree: Path, args):
        self.tree = tree
        self.errors = tempfile.TemporaryFile(mode="w+")  # read if it fails: never a full pipe
        self.process = subprocess.Popen(
            [sys.executable, str(PROBE), "mesa", *args.overrides, "--serve"],
            cwd=tree,
            env=tree_env(tree),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
        )
        self._expect("ready")

    def run(self) -> float:
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return float(self._expect())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait()
        self.errors.close()

    def _expect(self, what: str | None = None) -> str:
        """The process's next line (`what`, where given), or a RuntimeError with its stderr."""
        line = self.process.stdout.readline().strip()
        if not line or (what is not None and line != what):
            self.process.kill()
            self.process.wait()
            self.errors.seek(0)
            error = last_line(self.errors.read())
            raise RuntimeError(f"probe mesa --serve in {self.tree} failed: {error}")
        return line


def lock_step(trees: dict[str, Path], args) -> dict[str, list[float]]:
    """`args.lock_step` pairs of Mesa runs, one timed in each tree's served process in turn
    (the order swapped every pair): CPU seconds of each timed run, by tree."""
    served: dict[str, Served] = {}
    times: dict[str, list[float]] = {name: [] for name in trees}
    try:
        for name, tree in trees.items():
            served[name] = Served(tree, args)
        for pair in range(args.lock_step):
            for name in list(trees) if pair % 2 == 0 else list(reversed(trees)):
                times[name].append(served[name].run())
    finally:
        for process in served.values():
            process.close()
    return times


def lock_step_ratios(times: dict[str, list[float]]) -> list[float]:
    """This tree's timed run over the previous release's beside it, pair by pair."""
    return [
        this / previous for this, previous in zip(times["this"], times["previous"], strict=True)
    ]


def lock_step_table(trees: dict[str, Path], times: dict[str, list[float]]) -> str:
    """The lock-step comparison: each tree's runs, and the ratio run by run (this tree's run
    over the previous release's run beside it), its quartiles and median the figure."""
    lines = [
        "| tree | commit | runs | best (ms) | median (ms) |",
        "|---|---|---:|---:|---:|",
    ]
    for name, tree in trees.items():
        ms = [1e3 * t for t in times[name]]
        lines.append(
            f"| {name} | {commit_of(tree)} | {len(ms)} | {min(ms):.1f} | "
            f"{statistics.median(ms):.1f} |"
        )
    ratios = lock_step_ratios(times)
    q25, median, q75 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    lines += [
        "",
        f"mesa (lock-step, {len(ratios)} pairs of runs): this / previous run by run, median "
        f"{median:.3f} (quartiles {q25:.3f} to {q75:.3f}; ratio of bests "
        f"{min(times['this']) / min(times['previous']):.3f}); target {GOALS['mesa']}",
        *on_the_issues_machine("mesa", median, commit_of(trees["previous"])),
    ]
    return "\n".join(lines)


def on_the_issues_machine(target: str, ratio: float, previous: str) -> list[str]:
    """The line saying this tree's time on the issue's machine, where the tree compared with
    is the code the issue measured (`ISSUE_CODE`) and the issue says what it took there."""
    if not previous.startswith(ISSUE_CODE) or target not in ISSUE_MEASURED:
        return []
    there, unit = ISSUE_MEASURED[target]
    return [
        f"on the issue's machine: {ratio:.3f} x {there:g} {unit} (the issue's code there) "
        f"= {ratio * there:.1f} {unit}; target {GOALS[target]}"
    ]


def judgment(target: str, medians: list[float]) -> list[str]:
    """The project's rule for a target judged against the issue's code (benchmarks/RESULTS.md,
    "how the Mesa target is judged across hosts"): met on this host only if every
    comparison's ratio is at or under the target's (the target over what the issue's code
    took on the issue's machine: 10 ms / 80 ms = 0.125 for `mesa`); the rule also asks that
    no other host seen give the same code a median over it, which one host cannot tell."""
    there, unit = ISSUE_MEASURED[target]
    limit = ISSUE_TARGETS[target] / there
    median = statistics.median(medians)
    over = [m for m in medians if m > limit]
    verdict = (
        "met on this host"
        if not over
        else f"not met ({len(over)} of {len(medians)} over {limit:.3f})"
    )
    return [
        f"judgment, {target} ({len(medians)} comparisons against {ISSUE_CODE}): "
        f"{', '.join(f'{m:.3f}' for m in medians)}; median {median:.3f} = "
        f"{median * there:.1f} {unit} on the issue's machine (from {min(medians) * there:.1f} "
        f"to {max(medians) * there:.1f}); each at or under {limit:.3f}: {verdict}",
        f"(the rule also asks that no other host seen give this code a median over {limit:.3f})",
    ]


def heading(title: str, load_before, started: float) -> str:
    """A measurement's heading: the load before and after it, and its wall time."""
    return (
        f"\n## {title}: load {load(load_before)} before, {load(os.getloadavg())} after, "
        f"{time.perf_counter() - started:.0f} s\n"
    )


def keep(path: Path | None, benchmark: str, name: str, tree: Path, **values) -> None:
    """Append a measurement of tree `name` to the JSON-lines file `path` (if one is given)."""
    if path is None:
        return
    record = {"benchmark": benchmark, "tree": name}
    record.update(commit=commit_of(tree), machine=machine(), **values)
    with path.open("a") as out:
        out.write(json.dumps(record) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", choices=[*MEASURES, []], default=list(TARGETS))
    parser.add_argument("--baseline", type=Path, default=None, help="the previous release's tree")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sweep-runs", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine-runs", type=int, default=25_000)
    parser.add_argument(
        "--engine-chunks",
        type=int,
        default=3,
        help="engine: best of this many chunks in a process (the first grows the heap, its "
        "page faults 0.2-0.4 CPU-s of noise that a sweep's worker pays once)",
    )
    parser.add_argument("--mesa-runs", type=int, default=20)
    parser.add_argument(
        "--lock-step",
        type=int,
        default=0,
        metavar="PAIRS",
        help="mesa: instead of rounds, this many pairs of runs, one in each tree's process "
        "in turn (the ratio run by run: about 1%% between two trees of similar code, where rounds "
        "move by 30%%)",
    )
    parser.add_argument(
        "--judge",
        type=int,
        default=0,
        metavar="COMPARISONS",
        help="mesa, against the issue's code (--baseline a checkout of "
        f"{ISSUE_CODE}): this many lock-step comparisons (--lock-step pairs each, default "
        "300), each in fresh processes, and the verdict by the project's rule (every "
        "comparison at or under 10 ms / 80 ms = 0.125)",
    )
    parser.add_argument("--override", dest="overrides", action="append", default=[])
    parser.add_argument(
        "--json", type=Path, help="append every measurement to this JSON-lines file"
    )
    args = parser.parse_args()
    if args.lock_step < 0:
        parser.error(f"--lock-step = {args.lock_step}: a number of pairs >= 0 (0: rounds)")
    if args.judge < 0:
        parser.error(f"--judge = {args.judge}: a number of comparisons >= 0 (0: none)")
    if args.judge and args.targets != ["mesa"]:
        parser.error(f"--judge = {args.judge}: judges the mesa target alone (`compare.py mesa`)")
    if args.judge and not args.lock_step:
        args.lock_step = 300

    baseline = args.baseline or Path(os.environ.get("HEDGESIM_BASELINE", ROOT.parent / "baseline"))
    if not (baseline / "sim" / "__init__.py").exists():
        print(
            f"error: --baseline = '{baseline}': no hedgesim checkout there; make one with "
            "`git worktree add ../baseline ee6f382` (the previous release)",
            file=sys.stderr,
        )
        return 2
    trees = {"previous": baseline.resolve(), "this": ROOT}
    if args.judge and not commit_of(trees["previous"]).startswith(ISSUE_CODE):
        print(
            f"error: --judge = {args.judge}: --baseline must be the code the issue measured "
            f"({ISSUE_CODE}), not {commit_of(trees['previous'])}; make one with "
            f"`git worktree add ../issue-code {ISSUE_CODE}`",
            file=sys.stderr,
        )
        return 2
    print(f"# paired comparison: {machine()}; load {load(os.getloadavg())}")
    print(
        f"# previous: {trees['previous']} ({commit_of(trees['previous'])}); this: {ROOT} ({commit_of(ROOT)})"
    )
    for target in args.targets or TARGETS:
        rows: dict[str, list[dict]] = {name: [] for name in trees}
        started, load_before = time.perf_counter(), os.getloadavg()
        if target == "mesa" and args.judge:
            medians = []
            for comparison in range(args.judge):
                times = lock_step(trees, args)
                medians.append(statistics.median(lock_step_ratios(times)))
                print(
                    f"# comparison {comparison + 1} of {args.judge}: {len(times['this'])} pairs, "
                    f"median {medians[-1]:.3f}; load {load(os.getloadavg())}",
                    flush=True,
                )
                for name, tree in trees.items():
                    run_ms = [1e3 * t for t in times[name]]
                    keep(args.json, "compare.mesa.judge", name, tree, run_ms=run_ms,
                         ratio=medians[-1], comparison=comparison)  # fmt: skip
            print(heading(f"mesa, judged ({args.judge} comparisons)", load_before, started))
            print("\n".join(judgment("mesa", medians)), flush=True)
            continue
        if target == "mesa" and args.lock_step:
            times = lock_step(trees, args)
            print(heading("mesa, lock-step", load_before, started))
            print(lock_step_table(trees, times), flush=True)
            ratio = statistics.median(lock_step_ratios(times))
            for name, tree in trees.items():
                run_ms = [1e3 * t for t in times[name]]
                keep(args.json, "compare.mesa.lock_step", name, tree, run_ms=run_ms, ratio=ratio)
            continue
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for name in order:
                result = measure(target, trees[name], args)
                rows[name].append(result)
                keep(args.json, f"compare.{target}", name, trees[name], round=round_, **result)
        print(heading(target, load_before, started))
        print(table(target, trees, rows, args), flush=True)
        if target in ("engine", "mesa", "decision"):
            for name in trees:
                values = [r[COLUMNS[target][0][1]] for r in rows[name]]
                print(f"# {name}: median of rounds {statistics.median(values):.4g}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as error:  # a probe or a sweep that failed, in its own last words
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
