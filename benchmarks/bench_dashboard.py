"""A STEP click on the dashboard, end to end: from the click in a browser to the page showing
the next step (issue 14: "a dashboard STEP click about a second end to end" when the Mesa
layer took 80 ms a run; the target is a Mesa layer fast enough to feel live).

    python benchmarks/bench_dashboard.py                      # this tree, 2 rounds of 20 clicks
    python benchmarks/bench_dashboard.py --baseline ../baseline --rounds 3

The dashboard is served as `make demo` serves it (`python -m experiments.classroom.app` on
a loopback port, from each tree with its own code), and driven in Debian's chromium through
Playwright, as the browser tests drive it (tests/browser/conftest.py). A click's time is
measured in the page's own clock, from the click to the step label reading the next step:
the server's Mesa step, the page's new numbers, the map redrawn, sent over the websocket and
rendered; and, the same way, to the map's new picture loaded in the page (the server sends
the pictures after the numbers, in the same update: a few tens of ms later). A round serves
each tree once (the order swapped every round) and presses STEP `--clicks` times from a
fresh page, after one click not counted (the first loads what a step loads once). Records are added to benchmarks/results/dashboard.jsonl (or `--json`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from measure import ROOT, commit_of, load, machine  # noqa: E402

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path, served  # noqa: E402

RECORDS = ROOT / "benchmarks" / "results" / "dashboard.jsonl"

# The click and the wait for the label, timed in the page: `performance.now()` when the
# click is dispatched, then each animation frame until the label shows `to_step`.
CLICK_TO_STEP = """
([to_step]) => new Promise((done) => {
  const label = () => document.querySelector('.hs-date')?.innerText ?? '';
  const wanted = new RegExp('step ' + to_step + ' of');
  const map = () => {
    const shown = document.querySelector('.hs-map');
    return shown?.tagName === 'IMG' ? shown : shown?.querySelector('img');
  };
  const before = map()?.src;
  const button = [...document.querySelectorAll('button')]
    .find((b) => b.textContent.trim() === 'Step');
  const start = performance.now();
  let labelled = null;
  button.click();
  const look = () => {
    const now = performance.now() - start;
    if (labelled === null && wanted.test(label())) labelled = now;
    const picture = map();
    if (labelled !== null && picture && picture.src !== before && picture.complete) {
      done([labelled, now]);
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
})
"""


def clicks_of(tree: Path, clicks: int) -> list[tuple[float, float]]:
    """Milliseconds of `clicks` STEP clicks on a dashboard served from `tree`: (to the step
    label, to the map's new picture) for each."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as folder,
        served(Path(folder), cwd=tree) as (url, _),
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory() as profile,
    ):
        browser = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1600, "height": 1000},
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(90_000)
            page.goto(url)
            page.locator(".hs-date").wait_for()
            page.locator(".hs-map").wait_for()
            page.evaluate(CLICK_TO_STEP, [1])  # not counted: the first step loads things once
            return [tuple(page.evaluate(CLICK_TO_STEP, [k])) for k in range(2, clicks + 2)]
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout, measured alternately")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--json", type=Path, default=RECORDS, help="where records are added")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        print(
            "error: Debian's chromium is not installed: run tools/install-chromium", file=sys.stderr
        )
        return 2
    if args.baseline and not (args.baseline / "experiments" / "classroom" / "app.py").exists():
        print(
            f"error: --baseline = {args.baseline}: not a hedgesim checkout with the dashboard "
            "(make one with `git worktree add ../baseline <commit>`)",
            file=sys.stderr,
        )
        return 2
    trees = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    times: dict[str, list[float]] = {name: [] for name in trees}  # to the label
    maps: dict[str, list[float]] = {name: [] for name in trees}  # to the map's new picture
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
        for name in order:
            before = load(os.getloadavg())
            both = clicks_of(trees[name], args.clicks)
            ms, map_ms = [label for label, _ in both], [shown for _, shown in both]
            times[name] += ms
            maps[name] += map_ms
            record = {
                "benchmark": "dashboard_step_click",
                "tree": name,
                "commit": commit_of(trees[name]),
                "round": round_,
                "clicks": len(ms),
                "min_ms": round(min(ms), 1),
                "median_ms": round(statistics.median(ms), 1),
                "max_ms": round(max(ms), 1),
                "map_median_ms": round(statistics.median(map_ms), 1),
                "load": before,
                "machine": machine(),
                "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            with open(args.json, "a") as out:
                out.write(json.dumps(record) + "\n")
            print(
                f"round {round_} {name:8s} {record['commit']:9s} STEP click: min "
                f"{record['min_ms']:7.1f} ms, median {record['median_ms']:7.1f} ms, "
                f"max {record['max_ms']:7.1f} ms; the map: median "
                f"{record['map_median_ms']:7.1f} ms (load {before})",
                flush=True,
            )
    for name, ms in times.items():
        print(
            f"{name:8s} all rounds: median {statistics.median(ms):7.1f} ms, min {min(ms):7.1f} ms;"
            f" the map: median {statistics.median(maps[name]):7.1f} ms"
        )
    if args.baseline:
        ratio = statistics.median(times["this"]) / statistics.median(times["baseline"])
        map_ratio = statistics.median(maps["this"]) / statistics.median(maps["baseline"])
        print(f"ratio of medians (this / baseline): {ratio:.3f}, the map: {map_ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
