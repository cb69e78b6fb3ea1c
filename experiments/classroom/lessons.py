"""The numbers behind docs/teaching.md: what students should observe in each exercise,
measured over many runs of the engine.

The dashboard runs one world at a time, and one run wanders (events are random). The lesson
plan states what holds across runs: the median of `RUNS` runs of each scenario, compared with
a counterfactual (the same scenario without China's coercion; lee_2025 without the Taiwan
crisis or the US retrenchment). `python -m experiments.classroom.lessons` prints the numbers
and the Markdown blocks (tables and "what students should observe") that docs/teaching.md
quotes word for word; tests/test_app_lessons.py fails when the two differ, so a change of the
model that moves a number, or turns a result round, cannot leave the lesson plan behind.

The tables of what the class sees on the dashboard in one run (seed 20250604, `run_markdown`)
are written the same way, from the dashboard's world stepped in this process (`walk`, `seen`:
the numbers as the page's cards show them); the browser tests drive the same steps on the
page and compare.

The sentences are written from the numbers, whichever way they come out: a teacher must not
promise students a result the model does not give.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from experiments.classroom.scenarios import load_scenario
from experiments.outputs.summary import posture_labels
from sim import simulate
from sim.params import with_values

RUNS = 1000
SEED = 20250604
FOCUS = "KOR"
VARIABLES = (
    "security",
    "economic",
    "autonomy",
    "threat",
    "restriction",
    "lever",
    "provocation",
    "effective_reliability",
    "opinion",
)


def _step(ds: xr.Dataset, date: str) -> int:
    return int(np.searchsorted(ds["time"].values, np.datetime64(date)))


def _median(values: xr.DataArray, ds: xr.Dataset, date: str) -> float:
    return float(values.isel(step=_step(ds, date)).median("run"))


def at(ds: xr.Dataset, variable: str, date: str, state: str = FOCUS) -> float:
    """Median over runs of a variable at the step holding `date` (the focus state's, if per state)."""
    values = ds[variable]
    if "state" in values.dims:
        values = values.sel(state=state)
    return _median(values, ds, date)


def toward(ds: xr.Dataset, variable: str, great_power: str, date: str) -> float:
    """Median of a per-great-power variable of the focus state (opinion, effective reliability)."""
    return _median(ds[variable].sel(state=FOCUS, great_power=great_power), ds, date)


def lever(ds: xr.Dataset, great_power: str, name: str, date: str) -> float:
    """Median of a great power's lever toward the focus state, in force at `date`."""
    values = ds["lever"].sel(state=FOCUS, great_power=great_power, lever_name=name)
    return _median(values, ds, date)


def share(ds: xr.Dataset, posture: str, date: str, state: str = FOCUS) -> float:
    """Share of runs in which `state` holds `posture` (e.g. "hedging") at `date`."""
    labels = posture_labels(ds)
    codes = ds["posture"].sel(state=state).isel(step=_step(ds, date)).values
    return float(np.mean(codes == labels.index(posture)))


def gap(ds: xr.Dataset, date: str, state: str = FOCUS) -> float:
    """Median distance between security and economic alignment: the room for a "middle way"."""
    diff = ds["security"].sel(state=state) - ds["economic"].sel(state=state)
    return float(abs(diff).isel(step=_step(ds, date)).median("run"))


def run(scenario: str, runs: int = RUNS, seed: int = SEED, **pressures: float) -> xr.Dataset:
    params = load_scenario(scenario)
    if pressures:
        params = with_values(params, {f"pressures.{k}": v for k, v in pressures.items()})
    return simulate(params, runs=runs, seed=seed, variables=VARIABLES)


def thaad(runs: int = RUNS, seed: int = SEED) -> dict[str, float]:
    """Exercise 1: deterrence while coercion bites, de-risking after; opinion turns on China."""
    coerced = run("thaad_2016", runs, seed)
    spared = run("thaad_2016", runs, seed, china_coercion=0.0)
    return {
        "restriction_2017_04": at_restriction(coerced, "2017-04-01"),
        "restriction_2017_04_spared": at_restriction(spared, "2017-04-01"),
        "security_2017_07_coerced": at(coerced, "security", "2017-07-01"),
        "security_2017_07_spared": at(spared, "security", "2017-07-01"),
        "opinion_china_2018_01_coerced": toward(coerced, "opinion", "CHN", "2018-01-01"),
        "opinion_china_2018_01_spared": toward(spared, "opinion", "CHN", "2018-01-01"),
        "economic_2016_01": at(coerced, "economic", "2016-01-01"),
        "economic_2026_01_coerced": at(coerced, "economic", "2026-01-01"),
        "economic_2026_01_spared": at(spared, "economic", "2026-01-01"),
    }


def at_restriction(ds: xr.Dataset, date: str) -> float:
    """Median of China's trade restriction on the focus state in force at `date`."""
    return _median(ds["restriction"].sel(state=FOCUS, great_power="CHN"), ds, date)


def taiwan(runs: int = RUNS, seed: int = SEED) -> dict[str, float]:
    """Exercise 2: a Taiwan crisis in mid-2027 on top of lee_2025, a year later.

    The dual contingency is a link of the model: the crisis draws US attention away (Seoul's
    effective US reliability) and gives Pyongyang an opening (its provocation, then the threat).
    """
    crisis, calm = run("taiwan_contingency", runs, seed), run("lee_2025", runs, seed)
    when = "2028-07-01"
    return {
        "reliability_crisis": toward(crisis, "effective_reliability", "USA", when),
        "reliability_calm": toward(calm, "effective_reliability", "USA", when),
        "provocation_crisis": at(crisis, "provocation", when),
        "provocation_calm": at(calm, "provocation", when),
        "threat_crisis": at(crisis, "threat", when),
        "threat_calm": at(calm, "threat", when),
        "security_crisis": at(crisis, "security", when),
        "security_calm": at(calm, "security", when),
        "economic_crisis": at(crisis, "economic", when),
        "economic_calm": at(calm, "economic", when),
        "gap_crisis": gap(crisis, when),
        "gap_calm": gap(calm, when),
        "autonomy_crisis": at(crisis, "autonomy", when),
        "autonomy_calm": at(calm, "autonomy", when),
    }


def retrenchment(runs: int = RUNS, seed: int = SEED) -> dict[str, float]:
    """Exercise 3: US reliability falls from 2026; four years on (mid-2029).

    Seoul's answer (alliance, own defence, posture) and the great powers' levers toward it.
    """
    alone, backed = run("us_retrenchment", runs, seed), run("lee_2025", runs, seed)
    when = "2029-07-01"
    china_side = [label for label in posture_labels(alone) if label.startswith("CHN")]
    return {
        "reliability_retrenchment": toward(alone, "effective_reliability", "USA", when),
        "reliability_lee": toward(backed, "effective_reliability", "USA", when),
        "security_retrenchment": at(alone, "security", when),
        "security_lee": at(backed, "security", when),
        "autonomy_retrenchment": at(alone, "autonomy", when),
        "autonomy_lee": at(backed, "autonomy", when),
        "anchored_share_retrenchment": share(alone, "USA-anchored", when),
        "anchored_share_lee": share(backed, "USA-anchored", when),
        "hedging_share_retrenchment": share(alone, "hedging", when),
        "hedging_share_lee": share(backed, "hedging", when),
        "china_side_share_retrenchment": sum(share(alone, label, when) for label in china_side),
        "china_side_share_lee": sum(share(backed, label, when) for label in china_side),
        "us_commitment_retrenchment": lever(alone, "USA", "commitment", when),
        "us_commitment_lee": lever(backed, "USA", "commitment", when),
        "china_inducement_retrenchment": lever(alone, "CHN", "inducement", when),
        "china_inducement_lee": lever(backed, "CHN", "inducement", when),
        "china_coercion_retrenchment": lever(alone, "CHN", "coercion", when),
        "china_coercion_lee": lever(backed, "CHN", "coercion", when),
        "opinion_us_retrenchment": toward(alone, "opinion", "USA", when),
        "opinion_us_lee": toward(backed, "opinion", "USA", when),
    }


# --- the Markdown the lesson plan quotes -------------------------------------------------


def signed(x: float) -> str:
    return f"{x:+.2f}"


def plain(x: float) -> str:
    return f"{x:.2f}"


def percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def than(a: float, b: float, more: str, less: str, same: str = "the same as", digits: int = 2):
    """'more'/'less'/'same' as the two numbers compare once rounded as the lesson prints them."""
    a, b = round(a, digits), round(b, digits)
    return more if a > b else less if a < b else same


def _table(header: tuple[str, str, str], rows: list[tuple[str, str, str]]) -> str:
    lines = [f"| {header[0]} | {header[1]} | {header[2]} |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def thaad_markdown(n: dict[str, float]) -> str:
    table = _table(
        ("", "with coercion", "without (china_coercion = 0)"),
        [
            (
                "China's restriction, 2017-04",
                plain(n["restriction_2017_04"]),
                plain(n["restriction_2017_04_spared"]),
            ),
            (
                "security alignment, 2017-07",
                signed(n["security_2017_07_coerced"]),
                signed(n["security_2017_07_spared"]),
            ),
            (
                "Koreans favourable to China, 2018-01",
                percent(n["opinion_china_2018_01_coerced"]),
                percent(n["opinion_china_2018_01_spared"]),
            ),
            (
                f"economic orientation, 2026-01 (from {signed(n['economic_2016_01'])} in 2016)",
                signed(n["economic_2026_01_coerced"]),
                signed(n["economic_2026_01_spared"]),
            ),
        ],
    )
    security = than(
        n["security_2017_07_coerced"],
        n["security_2017_07_spared"],
        "further toward Washington than",
        "less close to Washington than",
    )
    economy = than(
        n["economic_2026_01_coerced"],
        n["economic_2026_01_spared"],
        "further toward the US",
        "further toward China",
        "where it would be",
    )
    opinion = than(
        n["opinion_china_2018_01_coerced"],
        n["opinion_china_2018_01_spared"],
        "warmer",
        "colder",
        "unchanged",
    )
    observe = (
        f"*What students should observe.* While the ban bites, Seoul stands {security} it "
        f"would unpunished (security {signed(n['security_2017_07_coerced'])} against "
        f"{signed(n['security_2017_07_spared'])} in 2017-07); the public's view of China turns "
        f"{opinion} ({percent(n['opinion_china_2018_01_coerced'])} favourable in 2018 against "
        f"{percent(n['opinion_china_2018_01_spared'])}); and by 2026 Seoul's economy stands "
        f"{economy} ({signed(n['economic_2026_01_coerced'])} against "
        f"{signed(n['economic_2026_01_spared'])})."
    )
    return table + "\n\n" + observe


def taiwan_markdown(n: dict[str, float]) -> str:
    table = _table(
        ("", "Taiwan crisis", "lee_2025 (no crisis)"),
        [
            (
                "US reliability as Seoul sees it",
                plain(n["reliability_crisis"]),
                plain(n["reliability_calm"]),
            ),
            (
                "North Korea's provocation (−1 dialogue … +1 provoke)",
                signed(n["provocation_crisis"]),
                signed(n["provocation_calm"]),
            ),
            ("North Korea's threat", plain(n["threat_crisis"]), plain(n["threat_calm"])),
            ("security alignment", signed(n["security_crisis"]), signed(n["security_calm"])),
            ("economic orientation", signed(n["economic_crisis"]), signed(n["economic_calm"])),
            ("gap between security and economy", plain(n["gap_crisis"]), plain(n["gap_calm"])),
            ("own defence (autonomy)", plain(n["autonomy_crisis"]), plain(n["autonomy_calm"])),
        ],
    )
    pair = lambda key: f"{key[1](n[key[0] + '_crisis'])} against {key[1](n[key[0] + '_calm'])}"  # noqa: E731
    reliability = than(n["reliability_crisis"], n["reliability_calm"], "raises", "lowers", "leaves")
    provocation = than(
        n["provocation_crisis"], n["provocation_calm"], "provokes more", "provokes less", "holds"
    )
    threat = than(n["threat_crisis"], n["threat_calm"], "higher", "lower", "the same")
    security = than(
        n["security_crisis"], n["security_calm"], "closer to", "further from", "as close to"
    )
    gap_word = than(n["gap_crisis"], n["gap_calm"], "widens", "narrows", "leaves")
    economy = than(
        n["economic_crisis"], n["economic_calm"], "toward the US", "toward China", "nowhere"
    )
    observe = (
        f"*What students should observe.* The dual contingency is a chain: the crisis "
        f"{reliability} the US reliability Seoul counts on ({pair(('reliability', plain))}), "
        f"Pyongyang {provocation} ({pair(('provocation', signed))}) and North Korea's threat "
        f"ends {threat} ({pair(('threat', plain))}). Seoul stands {security} Washington "
        f"(security {pair(('security', signed))}); the crisis {gap_word} the room for a middle "
        f"way (gap {pair(('gap', plain))}), and Seoul's economy moves {economy} "
        f"({pair(('economic', signed))})."
    )
    return table + "\n\n" + observe


def retrenchment_markdown(n: dict[str, float]) -> str:
    rows = [
        (
            "US reliability as Seoul sees it",
            plain(n["reliability_retrenchment"]),
            plain(n["reliability_lee"]),
        ),
        ("security alignment", signed(n["security_retrenchment"]), signed(n["security_lee"])),
        ("own defence (autonomy)", plain(n["autonomy_retrenchment"]), plain(n["autonomy_lee"])),
        (
            "runs in which Seoul is *USA-anchored*",
            percent(n["anchored_share_retrenchment"]),
            percent(n["anchored_share_lee"]),
        ),
        (
            "runs in which Seoul is *hedging*",
            percent(n["hedging_share_retrenchment"]),
            percent(n["hedging_share_lee"]),
        ),
        (
            "runs in which Seoul leans to or anchors with China",
            percent(n["china_side_share_retrenchment"]),
            percent(n["china_side_share_lee"]),
        ),
        (
            "Washington's commitment lever toward Seoul",
            plain(n["us_commitment_retrenchment"]),
            plain(n["us_commitment_lee"]),
        ),
        (
            "Beijing's inducement lever toward Seoul",
            plain(n["china_inducement_retrenchment"]),
            plain(n["china_inducement_lee"]),
        ),
        (
            "Beijing's coercion lever toward Seoul",
            plain(n["china_coercion_retrenchment"]),
            plain(n["china_coercion_lee"]),
        ),
        (
            "Koreans favourable to the US",
            percent(n["opinion_us_retrenchment"]),
            percent(n["opinion_us_lee"]),
        ),
    ]
    table = _table(("", "us_retrenchment", "lee_2025"), rows)
    pair = lambda key, fmt: f"{fmt(n[key + '_retrenchment'])} against {fmt(n[key + '_lee'])}"  # noqa: E731
    security = than(n["security_retrenchment"], n["security_lee"], "raises", "lowers", "leaves")
    autonomy = than(n["autonomy_retrenchment"], n["autonomy_lee"], "raises", "lowers", "leaves")
    commitment = than(
        n["us_commitment_retrenchment"], n["us_commitment_lee"], "more", "less", "as much"
    )
    observe = (
        f"*What students should observe.* Retrenchment {security} Seoul's security alignment "
        f"({pair('security', signed)}) and {autonomy} its own defence "
        f"({pair('autonomy', plain)}). Seoul is USA-anchored in "
        f"{pair('anchored_share', percent)} of runs, hedging in "
        f"{pair('hedging_share', percent)} and on China's side in "
        f"{pair('china_side_share', percent)}. Washington signals {commitment} commitment "
        f"({pair('us_commitment', plain)}); Beijing's levers toward Seoul "
        f"{levers_move(n)}."
    )
    return table + "\n\n" + observe


def levers_move(n: dict[str, float], barely: float = 0.05) -> str:
    """How Beijing's levers under retrenchment compare with lee_2025's, in words."""
    parts = []
    for name, noun in (("inducement", "inducement"), ("coercion", "coercion")):
        a, b = n[f"china_{name}_retrenchment"], n[f"china_{name}_lee"]
        if abs(a - b) < barely:
            parts.append(f"{noun} {plain(a)} against {plain(b)}")
        else:
            parts.append(f"{noun} {than(a, b, 'up', 'down')}, {plain(a)} against {plain(b)}")
    moved = any(
        abs(n[f"china_{k}_retrenchment"] - n[f"china_{k}_lee"]) >= barely
        for k in ("inducement", "coercion")
    )
    return ("move" if moved else "hardly move") + " (" + "; ".join(parts) + ")"


def markdown(runs: int = RUNS, seed: int = SEED) -> dict[str, str]:
    """The block of docs/teaching.md each exercise quotes: its 1,000-run table and what
    students should observe."""
    return {
        "thaad": thaad_markdown(thaad(runs, seed)),
        "taiwan": taiwan_markdown(taiwan(runs, seed)),
        "retrenchment": retrenchment_markdown(retrenchment(runs, seed)),
    }


def main() -> None:
    for name, measure in (
        ("THAAD 2016-17", thaad),
        ("Taiwan dual contingency", taiwan),
        ("US retrenchment", retrenchment),
    ):
        print(f"{name} ({RUNS} runs, seed {SEED}, medians for {FOCUS})")
        for key, value in measure().items():
            print(f"  {key:34s} {value:+.3f}")
    print("\nThe blocks docs/teaching.md quotes:\n")
    for block in markdown().values():
        print(block, end="\n\n")
    print(f"The single-run blocks (seed {SEED}, what the dashboard shows):\n")
    for block in run_markdown().values():
        print(block, end="\n\n")


if __name__ == "__main__":
    main()


# --- one run, as the dashboard shows it ---------------------------------------------------
# The tables "what the class sees (seed 20250604)" of docs/teaching.md: the dashboard's world
# stepped in this process (the same `ClassroomModel` a browser tab steers), read as its cards
# show it. The sentences are written from the numbers, whichever way they come out.


@dataclass(frozen=True)
class Seen:
    """What the dashboard shows of the focus state and its world at one step."""

    step: int
    date: str
    security: float
    economic: float
    autonomy: float
    posture: str
    threat: float
    rivalry: float
    reliability: float  # the US's reliability (the blocs card)
    seen_reliability: float  # ... as Seoul sees it
    restriction: float  # China's trade restriction on Seoul
    provocation: float  # North Korea's course
    favourable: dict[str, float]  # Seoul's public favourable to each great power
    odds: float  # the other camp's odds at an election held now
    coercion: float  # China's coercion lever toward Seoul, in force
    moved: dict[str, float]  # the last move of each choice (the why card's first line)
    why: tuple[str, ...]  # the why card's lines
    events: dict[str, int]  # the events of the last step

    @property
    def gap(self) -> float:
        return abs(self.security - self.economic)

    def line(self, *terms: str) -> str:
        """The why card's lines for `terms` (in the card's order), each in italics, or its
        first line if none of them is on the card."""
        from experiments.classroom.words import TERM_WORDS

        picked = [
            line
            for line in self.why
            if any(line.lower().startswith(TERM_WORDS[t].split("{")[0].lower()) for t in terms)
        ]
        return "; ".join(f"*{lower_first(line).rstrip('.')}*" for line in picked or self.why[:1])


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def seen(model) -> Seen:
    """The numbers the page shows now (experiments.classroom.components: the glance, the
    blocs card, the why card)."""
    from experiments.classroom.components import names_of, posture_of, seen_reliability
    from experiments.classroom.words import explain_terms

    focus = model.agent(model.focus)
    why = model.why()
    return Seen(
        step=int(model.steps),
        date=model.date.isoformat(),
        security=focus.security,
        economic=focus.economic,
        autonomy=focus.autonomy,
        posture=posture_of(model, focus),  # in words, as the page shows it
        threat=model.threat,
        rivalry=model.rivalry,
        reliability=model.agent("USA").reliability,
        seen_reliability=seen_reliability(model, "USA"),
        restriction=focus.restrictions["CHN"],
        provocation=model.challenger.provocation,
        favourable=dict(focus.favourability),
        odds=float(focus.odds[0]),
        coercion=float(model.agent("CHN").levers_in_force[model.focus]["coercion"]),
        moved={c: why.after[c] - why.before[c] for c in ("security", "economic", "autonomy")},
        why=tuple(explain_terms(why.rows(), names_of(model))) if model.steps else (),
        events={kind: n for kind, n in model.last_events.items() if n},
    )


def walk(scenario: str, steps: int, seed: int = SEED, **pressures: float) -> list[Seen]:
    """What the page shows at each step 0..`steps` of `scenario` (seed `seed`), with
    `pressures` set by hand before the first step."""
    from experiments.classroom.session import ClassroomModel

    model = ClassroomModel(scenario, seed)
    for name, value in pressures.items():
        model.set_pressure(name, value)
    shown = [seen(model)]
    for _ in range(steps):
        model.step()
        shown.append(seen(model))
    return shown


def _changes(a: float, b: float, up: str, down: str, same: str, digits: int = 2) -> str:
    return than(b, a, up, down, same, digits)


def _run_table(rows: list[tuple[Seen, str]], seed: int = SEED) -> str:
    lines = [f"| step, date | what the class sees (seed {seed}) |", "|---|---|"]
    lines += [f"| {s.step}, {s.date} | {text} |" for s, text in rows]
    return "\n".join(lines)


def _tests(s: Seen) -> str:
    """North Korea's tests of the quarter, as the blocs card counts them."""
    from experiments.classroom.words import counted

    kinds = (("missile_test", "missile test"), ("nuclear_test", "nuclear test"))
    tests = [counted(s.events[kind], noun) for kind, noun in kinds if s.events.get(kind)]
    return " and ".join(tests) if tests else "No test this quarter"


def _again(run: list[Seen], step: int) -> str:
    """' again' when the posture at `step` was held before and then left."""
    posture = run[step].posture
    held = [s.posture == posture for s in run[:step]]
    return " again" if True in held and False in held[held.index(True) :] else ""


def _security_move(change: float) -> str:
    toward = "toward the alliance with the United States" if change > 0 else "toward China's camp"
    return f"**{change:+.3f}** {toward}"


def _economy_move(change: float) -> str:
    return f"**{change:+.3f}** toward " + ("the US" if change > 0 else "China")


def _percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def thaad_run(seed: int = SEED) -> dict[str, list[Seen]]:
    return {
        "coerced": walk("thaad_2016", 40, seed),
        "spared": walk("thaad_2016", 40, seed, china_coercion=0.0),
    }


def thaad_run_markdown(runs: dict[str, list[Seen]], seed: int = SEED) -> str:
    r, spared = runs["coerced"], runs["spared"]
    s0, s1, s3, s4, s5, s6, s40 = (r[k] for k in (0, 1, 3, 4, 5, 6, 40))
    punished = s1.events.get("coercion") or round(s1.restriction, 2) > round(s0.restriction, 2)
    watch = "" if punished else ": Beijing watches, it does not punish yet"
    china4, china5, china6 = (s.favourable["CHN"] for s in (s4, s5, s6))
    ratio = s6.coercion / s5.coercion if s5.coercion else 1.0
    lever = (
        "halves"
        if 0.4 <= ratio <= 0.6
        else _changes(s5.coercion, s6.coercion, "rises", "falls", "holds")
    )
    moved = s6.security - s5.security
    election = "Moon Jae-in's election" if s6.events.get("election") else "No election yet"
    rows = [
        (
            s1,
            f"Seoul's security alignment "
            f"{_changes(s0.security, s1.security, 'rises', 'falls', 'stays')} from "
            f"{s0.security:+.2f} to {s1.security:+.2f}; China's trade restriction on Korea "
            f"{_changes(s0.restriction, s1.restriction, 'rises to', 'falls to', 'stays at')} "
            f"**{s1.restriction:.2f}**{watch}.",
        ),
        (
            s3,
            f"{_tests(s3)}: North Korea's threat reaches **{s3.threat:.2f}**. Why card: Seoul "
            f"moved {_security_move(s3.moved['security'])}; "
            f"{s3.line('protection', 'coercion')}.",
        ),
        (
            s5,
            f"The ban: restriction **{s5.restriction:.2f}**. Seoul's economy moves "
            f"{_economy_move(s5.moved['economic'])}; Why: {s5.line('coercion')}"
            f"{', the first sign of de-risking' if s5.moved['economic'] > 0 else ''}. Koreans "
            f"favourable to China {_changes(china4, china5, 'rise', 'fall', 'stay')} from "
            f"{_percent(china4)} to **{_percent(china5)}**.",
        ),
        (
            s6,
            f"{election} (the other camp's odds of winning stood at {s5.odds:.2f}): Seoul's "
            f"security alignment {'barely moves' if abs(moved) < 0.02 else 'moves'} "
            f"({s6.security:+.2f}), and China answers: its coercion lever toward Seoul "
            f"{lever} ({s5.coercion:.2f} to **{s6.coercion:.2f}**). Favourable to China: "
            f"**{_percent(china6)}**.",
        ),
        (
            s40,
            f"Seoul's economy stands at **{s40.economic:+.2f}** (it began at "
            f"{s0.economic:+.2f}), security at {s40.security:+.2f}: {s40.posture}.",
        ),
    ]
    spared6, spared_economy = spared[6], spared[40].economic
    counterfactual = (
        f"With seed {seed} Seoul's security alignment in 2017-07 is "
        f"**{spared6.security:+.2f}** (against {s6.security:+.2f} with coercion), "
        f"{_percent(spared6.favourable['CHN'])} of Koreans are favourable to China (against "
        f"{_percent(china6)}), and its economy in 2026 stands at **{spared_economy:+.2f}** "
        f"(against {s40.economic:+.2f})."
    )
    return _run_table(rows, seed) + "\n\n" + counterfactual


def taiwan_run(seed: int = SEED) -> dict[str, list[Seen]]:
    return {"crisis": walk("taiwan_contingency", 12, seed)}


def taiwan_run_markdown(runs: dict[str, list[Seen]], seed: int = SEED) -> str:
    r = runs["crisis"]
    s7, s8, s9, s12 = (r[k] for k in (7, 8, 9, 12))
    fell = s9.moved["security"] < 0
    rows = [
        (
            s7,
            f"Before the crisis: security {s7.security:+.2f}, economy {s7.economic:+.2f} — a gap "
            f'of {s7.gap:.2f} between "security from Washington" and "prosperity from Beijing".',
        ),
        (
            s8,
            f"The crisis: rivalry **{s8.rivalry:.2f}**. The US reliability Seoul sees "
            f"{_changes(s7.seen_reliability, s8.seen_reliability, 'rises', 'falls', 'stays')} "
            f"from {s7.seen_reliability:.2f} to **{s8.seen_reliability:.2f}**; Pyongyang's "
            f"provocation {_changes(s7.provocation, s8.provocation, 'rises', 'falls', 'stays')} "
            f"from {s7.provocation:+.2f} to **{s8.provocation:+.2f}**. Seoul's economy moves "
            f"{_economy_move(s8.moved['economic'])}; Why: {s8.line('consistency')}.",
        ),
        (
            s9,
            f"{_tests(s9)} and China's warning: threat **{s9.threat:.2f}**, "
            f"{'yet' if fell else 'and'} Seoul's security alignment "
            f"*{'falls' if fell else 'rises'}* by **{abs(s9.moved['security']):.3f}**; Why: "
            f"{s9.line('entrapment')}, while {s9.line('protection')}.",
        ),
        (
            s12,
            f"Security {s12.security:+.2f}, economy {s12.economic:+.2f}: the gap has "
            f"{_changes(s7.gap, s12.gap, 'grown', 'shrunk', 'stayed')} from {s7.gap:.2f} to "
            f"**{s12.gap:.2f}** in a year; Pyongyang's provocation stands at "
            f"**{s12.provocation:+.2f}**.",
        ),
    ]
    return _run_table(rows, seed)


def retrenchment_run(seed: int = SEED) -> dict[str, list[Seen]]:
    return {
        "retrenchment": walk("us_retrenchment", 40, seed),
        "slider": walk("lee_2025", 16, seed, us_reliability=0.2),
        "lee": walk("lee_2025", 16, seed),
    }


def retrenchment_run_markdown(runs: dict[str, list[Seen]], seed: int = SEED) -> str:
    r = runs["retrenchment"]
    s1, s4, s16, s40 = (r[k] for k in (1, 4, 16, 40))
    us1, us4 = s1.favourable["USA"], s4.favourable["USA"]
    china_side = s16.posture.endswith("China")
    rows = [
        (
            s4,
            f"US reliability {_changes(r[3].reliability, s4.reliability, 'rises', 'falls', 'stays')}"
            f" to **{s4.reliability:.2f}**. Seoul's own defence "
            f"{_changes(0, s4.moved['autonomy'], 'rises', 'falls', 'stays')} "
            f"**{s4.moved['autonomy']:+.3f}** while its security alignment "
            f"{'slips' if s4.moved['security'] < 0 else 'rises'} "
            f"{abs(s4.moved['security']):.3f}; Why: {s4.line('abandonment')}. After the tariff "
            f"shock, Koreans favourable to the US {_changes(us1, us4, 'rise', 'fall', 'stay')} "
            f"from {_percent(us1)} in late 2025 to **{_percent(us4)}**.",
        ),
        (
            s16,
            f"US reliability as Seoul sees it **{s16.seen_reliability:.2f}**: security "
            f"{s16.security:+.2f}, own defence **{s16.autonomy:.2f}**; Seoul is "
            f"{s16.posture if china_side else f'still {s16.posture}, not with China'}.",
        ),
        (
            s40,
            f"Own defence **{s40.autonomy:.2f}**, security {s40.security:+.2f}: {s40.posture}"
            f"{_again(r, 40)}.",
        ),
    ]
    slider, lee = runs["slider"][16], runs["lee"][16]
    version = (
        f"With seed {seed}, in {slider.date[:7]} Seoul's security alignment is "
        f"**{slider.security:+.2f}** ({lee.security:+.2f} without the change) and its own "
        f"defence **{slider.autonomy:.2f}** ({lee.autonomy:.2f} without)."
    )
    return _run_table(rows, seed) + "\n\n" + version


def run_markdown(seed: int = SEED) -> dict[str, str]:
    """The single-run blocks of docs/teaching.md: each exercise's table of what the class sees
    with seed `seed`, and the counterfactual or slider version the exercise asks for."""
    return {
        "thaad": thaad_run_markdown(thaad_run(seed), seed),
        "taiwan": taiwan_run_markdown(taiwan_run(seed), seed),
        "retrenchment": retrenchment_run_markdown(retrenchment_run(seed), seed),
    }
