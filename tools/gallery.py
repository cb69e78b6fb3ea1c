"""docs/gallery.md from the analyses' own outputs: `python tools/gallery.py` after `make analysis`.

Each section is one command: its figure (copied to docs/figures/) and the summary the
command itself printed and logged, verbatim, from the newest results folder of that command.
Nothing in the gallery is typed by hand, so it says what the model said when it was made.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS, DOCS = ROOT / "results", ROOT / "docs"

# (results name, figure in the folder, figure in docs/figures, title, command, what it shows)
SECTIONS = (
    (
        "sensitivity",
        "sensitivity.png",
        "analysis_sensitivity.png",
        "Global sensitivity: which pressures matter",
        "hedgesim sensitivity",
        "Sobol' first-order and total indices of Seoul's security, economy and hedging after "
        "ten years of `baseline`, over the pressures and the utility weights (SALib; ±95% "
        "bootstrap intervals; the dashed line is the run-to-run noise left after averaging).",
    ),
    (
        "sensitivity_calibrated",
        "sensitivity.png",
        "analysis_sensitivity_calibrated.png",
        "The same, with the weights fitted to 2000–2014",
        "hedgesim sensitivity calibrated=kor_2000_2014 name=sensitivity_calibrated",
        "The same design with the posterior-median weights of the ABC-SMC calibration "
        "(every weight varied, the domestic one included: its posterior median is 1.13).",
    ),
    (
        "discover",
        "discovery.png",
        "analysis_discovery.png",
        "Scenario discovery: which combinations tip Seoul",
        "hedgesim discover",
        "PRIM (EMA Workbench) over a Latin hypercube of the pressures: for each outcome the "
        "peeling trajectory (coverage against density) and the chosen box as a rule; an outcome "
        "no point reaches has no box.",
    ),
    (
        "discover_calibrated",
        "discovery.png",
        "analysis_discovery_calibrated.png",
        "The same, with the weights fitted to 2000–2014",
        "hedgesim discover calibrated=kor_2000_2014 name=discover_calibrated",
        "The same design with the calibrated weights.",
    ),
    (
        "calibrate",
        "calibration.png",
        "analysis_calibration.png",
        "Calibration to 2000–2014",
        "hedgesim calibrate",
        "The posterior-predictive fit of ABC-SMC (pyabc) in `history_2000_2025`: per observable, "
        "the median and 5–95% of posterior draws x runs in each observed year against the "
        "observation. Only 2000–2014 is read; the pairs plot is `pairs.png` beside it.",
    ),
    (
        "replay",
        "replay.png",
        "analysis_replay.png",
        "History replay 2000–2025",
        "hedgesim replay",
        "Posterior draws x runs over the dated events of `data/kor_events.csv`: median and "
        "5–95% per observable; everything after 2014 (shaded, open dots) is reached from the "
        "schedule alone and scored apart (out-of-sample RMSE).",
    ),
    (
        "replay_jpn",
        "replay.png",
        "analysis_replay_jpn.png",
        "Tokyo replayed 2000–2025: a test country",
        "hedgesim replay analysis.state=JPN name=replay_jpn",
        "The same runs as Seoul's replay, scored for Tokyo with Seoul's posterior, never "
        "refitted: every year is a test year (all shaded, open dots); the dotted line marks "
        "only the end of Seoul's fit period, where the errors are split.",
    ),
    (
        "replay_aus",
        "replay.png",
        "analysis_replay_aus.png",
        "Canberra replayed 2005–2025: a test country",
        "hedgesim replay scenario=history_aus_2005_2025 calibrated=kor_2000_2014 "
        "analysis.state=AUS name=replay_aus",
        "Seoul's fitted weights (posterior draws of `kor_2000_2014`), never refitted, from "
        "Canberra's own 2005 position over the dated events of `data/aus_events.csv` (China's "
        "2020–23 coercion): median and 5–95% of its security alignment and export orientation. "
        "Australia is never fitted: every year is a test year (all shaded, open dots); the dotted "
        "line marks only the end of Seoul's fit period, where the errors are split.",
    ),
)
LOG_PREFIX = re.compile(r"^\[[^\]]*\]\[[^\]]*\]\[[A-Z]+\] - ")
# Lines of other loggers than the command's own (e.g. Dask's workers shutting down) are not
# what the command printed.
FOREIGN = re.compile(r"^\[[^\]]*\]\[(?!hedgesim\])[^\]]*\]\[[A-Z]+\] - ")


def newest(name: str) -> Path | None:
    folders = sorted(p for p in (RESULTS / name).glob("*/") if (p / "config.yaml").exists())
    return folders[-1] if folders else None


def summary(folder: Path) -> str:
    log = next(folder.glob("*.log"), None)
    if log is None:
        return "(no log)"
    lines = [
        LOG_PREFIX.sub("", line.rstrip())
        for line in log.read_text().splitlines()
        if not FOREIGN.match(line)
    ]
    return "\n".join(line for line in lines if line and not line.startswith("wrote "))


def main() -> int:
    lines = [
        "# Figures gallery: what drives Seoul",
        "",
        "Written by `python tools/gallery.py` from the newest results folder of each command",
        "(`make analysis` makes them): the figure and the summary the command printed, verbatim.",
        "",
    ]
    missing = []
    for name, figure, target, title, command, what in SECTIONS:
        folder = newest(name)
        if folder is None or not (folder / figure).exists():
            missing.append(name)
            continue
        shutil.copyfile(folder / figure, DOCS / "figures" / target)
        lines += [
            f"## {title}",
            "",
            f"![{title}](figures/{target})",
            "",
            f"`{command}` — {what} Run of {folder.name.replace('_', ' ')}.",
            "",
            "```",
            summary(folder),
            "```",
            "",
        ]
    (DOCS / "gallery.md").write_text("\n".join(lines))
    if missing:
        print(f"no results for {', '.join(missing)}: run `make analysis` first", file=sys.stderr)
        return 1
    print(json.dumps({"wrote": "docs/gallery.md", "sections": len(SECTIONS)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
