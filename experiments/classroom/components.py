"""The cards of the classroom dashboard, each a Solara component of one tab's `Session`.

Every card is called as `Card(session, version)` and gets its model from
`session.drawn_model()`. The page alone watches the session (`session.watched_model()`) and
hands its `version` down, so every card is drawn again, in one render pass, whenever the
model changes (Solara draws each component that watches a value in a pass of its own: with
every card watching, a STEP was fifteen passes over the whole page). A card that changes the
world does it through the session (`step`, `reset`, `set_pressure`, `fire_event`), which
moves the version, so every card shows the change at once. A new card is one more such
component, placed on the page in `experiments.classroom.app`. Numbers a test or a student
reads are in elements with `hs-*` classes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import numpy as np
import solara

from experiments.classroom.drawing import (
    ensemble_figure,
    map_picture,
    png,
    posture_shares,
    series_picture,
)
from experiments.classroom.exercises import EXERCISES, answer_sheet, question_id
from experiments.classroom.scenarios import scenario_description
from experiments.classroom.session import ENSEMBLE_RUNS, SCENARIOS, SEATS, Session
from experiments.classroom.words import (
    EVENTS,
    LEVER_WORDS,
    counted,
    country_name,
    describe_levers,
    describe_move,
    describe_provocation,
    describe_seat_choice,
    explain_terms,
    fill,
    posture_words,
)
from sim.params import LEVERS, ParamError, Pressures

PRESSURE_LABELS = {
    "rivalry": "US–China rivalry",
    "dprk_threat": "North Korean threat",
    "china_coercion": "China's readiness to coerce",
    "us_reliability": "US reliability",
    "us_trade_pressure": "US trade pressure",
    "russia_dprk": "Russian backing for North Korea",
    "taiwan_risk": "Taiwan risk",
}
# Every pressure by name, with those that have no slider (a scenario's schedule may move them)
PRESSURE_NAMES = {**PRESSURE_LABELS, "china_military": "China's military pressure"}
# What each slider's level means (the schema's one line for the pressure).
PRESSURE_MEANINGS = {f.name: f.metadata["doc"] for f in dataclasses.fields(Pressures)}
SUMMIT_PARTNERS = ("USA", "CHN", "PRK")
# Events as counted in "events in the last step": a noun that takes a plural.
EVENT_NOUNS = {
    "missile_test": "missile test",
    "nuclear_test": "nuclear test",
    "coercion": "coercion episode",
    "tariff_shock": "tariff shock",
    "taiwan_crisis": "Taiwan crisis",
    "summit": "summit",
    "election": "election",
    "history_dispute": "history dispute",
    "pledge": "investment pledge",
}
CAVEAT = (
    "A teaching model, not a forecast: it shows how the forces of the lesson push a state, "
    "not what Seoul will do."
)

# Colours that read on both of Vuetify's themes (WCAG AA, checked in the browser tests):
# the text colour is the theme's own; only accents are set, once per theme.
CSS = """
.hs-card, .hs-card .v-card__text { font-size: 17px; line-height: 1.45; }
.hs-card .v-card__title { font-size: 21px; font-weight: 600; word-break: normal; }
.hs-card .v-card__subtitle { font-size: 15px; }
.hs-big { font-size: 21px; font-weight: 600; }
.hs-scenario { display: block; }
.hs-why-move { display: block; font-size: 18px; font-weight: 600; margin-bottom: 6px; }
.hs-why-line, .hs-posture, .hs-last-events, .hs-queued, .hs-input-error, .hs-refused,
.hs-caveat, .hs-schedule-line { display: block; }
.hs-posture { margin-top: 8px; font-weight: 600; }
/* pictures fill their column and stay whole on a 1000-px-high projector */
.hs-map, .hs-series, .hs-ensemble { display: block; margin: 0 auto; width: 100%; height: auto;
  object-fit: contain; }
.hs-map { max-height: 470px; }
.hs-series, .hs-ensemble { max-height: 470px; }
.hs-controls .v-btn { min-width: 48px !important; margin: 2px; }
.hs-controls .v-input { max-width: 230px; min-width: 140px; margin: 0 8px; }
.hs-why-line { margin: 3px 0; }
.hs-chip { display: inline-block; padding: 3px 10px; margin: 3px; border-radius: 14px;
           font-weight: 600; font-size: 16px; color: #111 !important; }
.hs-bloc-plus { background: #d1e5f0; }
.hs-bloc-hedge { background: #f2ecd9; }
.hs-bloc-minus { background: #fddbc7; }
.hs-lever-label { display: block; margin-top: 4px; font-weight: 500; }
.hs-levers .v-input { margin-top: 0 !important; }
.hs-levers .v-messages { display: none; }
.hs-levers .v-btn { margin: 3px; text-transform: none; font-size: 15px !important;
  letter-spacing: 0; height: auto !important; min-height: 28px; white-space: normal;
  max-width: 100%; }
.hs-levers .v-btn__content { white-space: normal; flex-shrink: 1; }
.hs-number { font-size: 30px; font-weight: 700; line-height: 1.1; }
.hs-glance-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(92px, 1fr));
  gap: 6px 12px; }
.hs-glance-cell { min-width: 0; }
.hs-glance-wide { grid-column: 1 / -1; }
.hs-caveat { font-weight: 600; }
.hs-schedule-past { font-style: italic; }
/* Vuetify's dark primary (#2196f3) is light enough for outlined buttons' text on a dark
   card, too light under white text: filled buttons and the app bar take a deeper blue. */
.theme--dark .v-btn.primary:not(.v-btn--outlined):not(.v-btn--text),
.theme--dark .v-app-bar.primary, .theme--dark header.primary { background-color: #1565c0 !important; }
.theme--light .hs-muted { color: #4d4d4d; }
.theme--dark .hs-muted { color: #c8c8c8; }
.theme--light .hs-error { color: #b2182b; font-weight: 600; }
.theme--dark .hs-error { color: #ff9e9e; font-weight: 600; }
.theme--light .hs-queued, .theme--light .hs-differs { color: #7a4606; font-weight: 600; }
.theme--dark .hs-queued, .theme--dark .hs-differs { color: #f6c26b; font-weight: 600; }
.theme--light .hs-caveat { color: #7a4606; }
.theme--dark .hs-caveat { color: #f6c26b; }
"""


def names_of(model) -> dict[str, str]:
    """The words the plain-language templates fill in: the poles, the focus and the
    neighbour it is most tied to (for history disputes), by name."""
    plus, minus = _poles(model)
    ties = model.params.world.middle_powers[model.focus].neighbours
    others = [a.code for a in model.middle_powers if a.code != model.focus]
    neighbour = (
        max(ties, key=lambda code: (ties[code], code)) if ties else (others[0] if others else "")
    )
    codes = {"plus": plus, "minus": minus, "focus": model.focus, "neighbour": neighbour}
    return {
        role: (in_sentence(name_of(model, code)) if code else "") for role, code in codes.items()
    }


def name_of(model, code: str) -> str:
    return country_name(model.params, code)


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "the United States", "South Korea"."""
    return f"the {name}" if name.startswith("United ") else name


def posture_of(model, state) -> str:
    """A middle power's posture in words ("leaning to the United States")."""
    return posture_words(state.posture_label, every_name(model))


def every_name(model) -> dict[str, str]:
    """The template roles of `names_of` and every agent's code, each by its name in a sentence."""
    codes = [*model.state_codes, *model.pole_codes, model.challenger.code]
    return {**names_of(model), **{code: in_sentence(name_of(model, code)) for code in codes}}


def all_names(model) -> dict[str, str]:
    return {code: name_of(model, code) for code in model.state_codes}


def _poles(model) -> tuple[str, str]:
    plus = minus = None
    for power in model.great_powers:
        if power.pole > 0:
            plus = power.code
        else:
            minus = power.code
    return plus, minus


def _data_version(session: Session) -> tuple:
    """What a picture depends on: the model object, its step, what was done by hand, and the
    pinned run."""
    model = session.drawn_model()
    pinned = session.pinned.value
    return (id(model), model.steps, len(model.hand_events), id(pinned))


def _picture(session: Session, keep, kept_while: list) -> bytes:
    """A PNG of the picture `keep(model, ds)` makes, drawn again only when what it shows has
    changed. The picture is kept for this page while `kept_while`, what its fixed parts are
    drawn from (the scenario, the pinned run, ...), stays the same: a step, a step back or a
    RESET to another seed redraws only what moved (`drawing.KeptPicture`)."""
    model = session.drawn_model()

    def make():
        with session.lock:  # never from a step half taken by the play loop
            return keep(model, session.dataset())

    picture = solara.use_memo(make, dependencies=kept_while)

    def render() -> bytes:
        with session.lock:
            picture.show(session.dataset())
            return picture.png()

    return solara.use_memo(render, dependencies=[picture, _data_version(session)])


def schedule_of(model) -> list[tuple[dt.date, str]]:
    """The scenario's own dated changes and events, in date order, in words."""
    scenario = model.params.scenario
    rows = [
        (
            dt.date.fromisoformat(c.date),
            f"{PRESSURE_NAMES.get(c.pressure, c.pressure.replace('_', ' '))} → {c.value:.2f}"
            + (f" ({c.note})" if c.note else ""),
        )
        for c in scenario.schedule
    ]
    for event in scenario.events:
        what = EVENT_NOUNS.get(event.kind, event.kind.replace("_", " "))
        what = what[0].upper() + what[1:]
        if event.partner:
            what += f", {name_of(model, event.target)} and {name_of(model, event.partner)}"
        rows.append(
            (dt.date.fromisoformat(event.date), what + (f" ({event.note})" if event.note else ""))
        )
    last = model.world.dates[-1]
    return sorted((row for row in rows if row[0] <= last), key=lambda row: row[0])


def felt(model, name: str) -> float:
    """A pressure as the world feels it now: the level in force (a scheduled change applies),
    raised by crises and shocks where the model does so (rivalry and Taiwan risk by a Taiwan
    crisis, the threat by tests and summits, US reliability by tariff shocks and summits)."""
    plus, _ = _poles(model)
    if name == "rivalry":
        return model.rivalry
    if name == "taiwan_risk":
        return model.taiwan_risk
    if name == "dprk_threat":
        return model.threat
    if name == "us_reliability":
        return next(p.reliability for p in model.great_powers if p.code == plus)
    return model.pressures[name]


# ----------------------------------------------------------------------------- controls
@solara.component
def Controls(session: Session, version: int = 0):
    """One bar for everything that moves time: RESET, play/pause, STEP, back, run to a date,
    pin; the scenario and seed of the next RESET. On the page itself, not in a sidebar, so
    nothing hides them on a projector or a phone."""
    model = session.drawn_model()
    playing = session.playing.value

    def play(stop: threading.Event) -> None:
        if playing:
            session.play(stop)

    # A new thread whenever `playing` changes; pausing or closing the tab sets `stop`. Not
    # `intrusive_cancel`: that traces every line of the model's step to be able to stop it.
    solara.use_thread(play, dependencies=[playing], intrusive_cancel=False)
    dates = [d.isoformat() for d in model.world.dates]
    target = solara.use_reactive(dates[-1])

    with solara.Card(classes=["hs-card", "hs-controls"], margin=0):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center", "gap": "4px"}):
            solara.Button("Reset", on_click=session.reset, color="primary", classes=["hs-reset"])
            solara.Button(
                "◀ Back",
                on_click=session.step_back,
                color="primary",
                outlined=True,
                disabled=playing or model.steps == 0,
                classes=["hs-back"],
            )
            solara.Button(
                "❚❚" if playing else "▶",
                on_click=session.toggle_play,
                color="primary",
                disabled=not model.running and not playing,
                classes=["hs-play"],
            )
            solara.Button(
                "Step",
                on_click=session.step,
                color="primary",
                disabled=playing or not model.running,
                classes=["hs-step"],
            )
            # A date to pick, then "Go": the world moves only on the click (a select that
            # moved the world itself would echo every step of a play back as a jump).
            with solara.Div(classes=["hs-run-to"]):
                solara.Select("Run to date", values=dates, value=target)
            solara.Button(
                "Go",
                on_click=lambda: session.go_to(dates.index(target.value)),
                color="primary",
                outlined=True,
                disabled=playing or target.value not in dates,
                classes=["hs-go"],
            )
            if session.pinned.value is None:
                solara.Button(
                    "Pin this run",
                    on_click=session.pin,
                    outlined=True,
                    color="primary",
                    classes=["hs-pin"],
                )
            else:
                solara.Button(
                    "Unpin",
                    on_click=session.unpin,
                    outlined=True,
                    color="primary",
                    classes=["hs-unpin"],
                )
            solara.Select("Scenario", values=SCENARIOS, value=session.scenario)
            solara.InputText("Seed (whole number)", value=session.seed_text, continuous_update=True)
            solara.Text("scenario and seed act on RESET", classes=["hs-muted"])


# ----------------------------------------------------------------------------- header
@solara.component
def Header(session: Session, version: int = 0):
    model = session.drawn_model()
    solara.Style(CSS)
    with solara.Card(classes=["hs-card", "hs-header"], margin=0):
        solara.Text(
            f"{model.scenario_name}: {scenario_description(model.scenario_name)}",
            classes=["hs-big", "hs-scenario"],
        )
        with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap", "gap": "6px 28px"}):
            solara.Text(
                f"{model.date.isoformat()}  ·  step {model.steps} of {model.horizon}",
                classes=["hs-big", "hs-date"],
                style={"white-space": "nowrap"},
            )
            solara.Text(
                f"seed {model.seed}", classes=["hs-big", "hs-seed"], style={"white-space": "nowrap"}
            )
            pinned = session.pinned.value
            if pinned is not None:
                solara.Text(f"pinned: {pinned[0]}", classes=["hs-muted", "hs-pinned"])
        solara.Text(CAVEAT, classes=["hs-caveat"])
        if model.input_error:
            solara.Text(model.input_error, classes=["hs-error", "hs-input-error"])


# ----------------------------------------------------------------------------- at a glance
def _stance(model, code: str) -> dict[str, str]:
    state = model.agent(code)
    return {
        "security": f"{state.security:+.2f}",
        "economy": f"{state.economic:+.2f}",
        "own defence": f"{state.autonomy:.2f}",
        "gap": f"{abs(state.security - state.economic):.2f}",
        "posture": posture_of(model, state),
    }


@solara.component
def Glance(session: Session, version: int = 0):
    """The focus state's (and a chosen second state's) position as large numbers."""
    model = session.drawn_model()
    others = [code for code in model.state_codes if code != model.focus]
    names = all_names(model)
    second = session.selected.value if session.selected.value in others else ""
    with solara.Card("At a glance", classes=["hs-card", "hs-glance"], margin=0):
        for code in [model.focus, *([second] if second else [])]:
            solara.Text(names[code], classes=["hs-big"])
            with solara.Div(classes=["hs-glance-grid"]):
                for label, value in _stance(model, code).items():
                    key = label.split()[-1]
                    wide = ["hs-glance-wide"] if key == "posture" else []
                    with solara.Div(classes=["hs-glance-cell", *wide]):
                        solara.Text(label, classes=["hs-muted"], style={"display": "block"})
                        solara.Text(
                            value,
                            classes=["hs-number", f"hs-glance-{key}-{code}"],
                            style={"font-size": "20px"} if key == "posture" else {},
                        )
        if others:
            with solara.Div(style={"margin-top": "22px"}):
                solara.Select(
                    "Also show",
                    values=["", *others],
                    value=second,
                    on_value=session.selected.set,
                    dense=True,
                )
        solara.Text(
            "security and economy from −1 (China) to +1 (US); gap: |security − economy|",
            classes=["hs-muted"],
        )


# ----------------------------------------------------------------------------- levers
@solara.component
def Levers(session: Session, version: int = 0):
    model = session.drawn_model()
    plus, minus = _poles(model)
    summit_partner, set_summit_partner = solara.use_state(plus)
    names = names_of(model)
    partner_names = {code: name_of(model, code) for code in SUMMIT_PARTNERS}
    by_hand = model.set_by_hand()

    def set_pressure(name, value):
        session.set_pressure(name, round(float(value), 2))

    refused, set_refused = solara.use_state("")

    def fire(kind, partner=""):
        try:
            session.fire_event(kind, partner=partner)
            set_refused("")
        except ParamError as error:  # e.g. the horizon is reached: say so, keep the lesson going
            set_refused(str(error))

    with solara.Card(
        "Pressures",
        subtitle="turn one: it acts from the next step",
        classes=["hs-card", "hs-levers"],
        margin=0,
    ):
        for name, label in PRESSURE_LABELS.items():
            # "set": the slider, i.e. the level the class gave (pending, or last given), or the
            # scenario's; "now": what the world feels, which a schedule or an event may move.
            value = model.pending_pressures.get(name, by_hand.get(name, model.pressures[name]))
            now = felt(model, name)
            pending = "  → next step" if name in model.pending_pressures else ""
            shown = f"{label}: {value:.2f}{pending}"
            if f"{now:.2f}" != f"{value:.2f}" and not pending:
                shown = f"{label}: set {value:.2f} · now {now:.2f}"
            with solara.Tooltip(PRESSURE_MEANINGS[name]):
                solara.Text(shown, classes=["hs-lever-label", f"hs-pressure-{name}"])
            with solara.Div(classes=[f"hs-slider-{name}"]):
                solara.SliderFloat(
                    "",
                    value=value,
                    min=0.0,
                    max=1.0,
                    step=0.05,
                    on_value=lambda v, name=name: set_pressure(name, v),
                    thumb_label=False,
                )
        solara.Text("Events: they happen at the next step", classes=["hs-big"])
        with solara.Row(style={"flex-wrap": "wrap", "gap": "0px"}):
            for kind, (label, partner, meaning) in EVENTS.items():
                who = partner_names[summit_partner] if kind == "summit" else fill(partner, names)
                shown = f"{label} ({who})" if who else label
                needs_partner = bool(partner) and not who  # no neighbour in this world
                with solara.Tooltip(fill(meaning, {**names, "neighbour": who or "a neighbour"})):
                    solara.Button(
                        shown,
                        on_click=lambda kind=kind: fire(
                            kind, summit_partner if kind == "summit" else ""
                        ),
                        color="primary",
                        outlined=True,
                        small=True,
                        disabled=not model.running or needs_partner,
                        classes=[f"hs-event-{kind}"],
                    )
        with solara.Div(classes=["hs-summit-partner"]):
            solara.Select(
                "Summit with",
                values=[partner_names[code] for code in SUMMIT_PARTNERS],
                value=partner_names[summit_partner],
                on_value=lambda name: set_summit_partner(
                    next(code for code, shown in partner_names.items() if shown == name)
                ),
                dense=True,
            )
        queued = [e.label for e in model.pending_events]
        solara.Text(
            "Queued: " + (", ".join(queued) if queued else "nothing"),
            classes=["hs-queued", "hs-pending"],
        )
        if refused:
            solara.Text(refused, classes=["hs-error", "hs-refused"])


# ----------------------------------------------------------------------------- schedule
@solara.component
def Schedule(session: Session, version: int = 0):
    """The scenario's dated changes and events, numbered as on the time axis."""
    model = session.drawn_model()
    rows = schedule_of(model)
    with solara.Card("The scenario's schedule", classes=["hs-card", "hs-schedule"], margin=0):
        if not rows:
            solara.Text(
                "Nothing scheduled: only chance and the class move this world.",
                classes=["hs-muted"],
            )
        for number, (when, what) in enumerate(rows, start=1):
            past = when <= model.date
            solara.Text(
                f"{number}. {when.isoformat()}: {what}" + ("  ✓" if past else ""),
                classes=["hs-schedule-line"] + (["hs-schedule-past"] if past else []),
            )


# ----------------------------------------------------------------------------- pictures
@solara.component
def AlignmentMap(session: Session, version: int = 0):
    model = session.drawn_model()
    pinned = session.pinned.value
    names = all_names(model)
    image = _picture(
        session,
        lambda model, ds: map_picture(
            ds, figsize=(5.0, 4.9), names=names, pinned=pinned[1] if pinned else None
        ),
        kept_while=[model.scenario_name, id(pinned)],
    )
    with solara.Card(classes=["hs-card", "hs-map-card"], margin=0):
        solara.Image(image, classes=["hs-map"])
        solara.FileDownload(
            image,
            filename=f"{_file_stem(model)}_map.png",
            label="Map (PNG)",
            mime_type="image/png",
        )


def _file_stem(model) -> str:
    return f"hedgesim_{model.scenario_name}_seed{model.seed}_{model.date.isoformat()}"


def _schedule_marks(model) -> list[tuple[np.datetime64, str]]:
    return [(np.datetime64(when), what) for when, what in schedule_of(model)]


@solara.component
def TimeSeries(session: Session, version: int = 0):
    model = session.drawn_model()
    pinned = session.pinned.value
    span = (np.datetime64(model.world.dates[0]), np.datetime64(model.world.dates[-1]))
    marks = [(np.datetime64(e.date), e.label) for e in model.hand_events]

    def keep(model, ds):
        return series_picture(
            ds,
            marks=marks,
            figsize=(5.6, 4.4),
            span=span,
            schedule=_schedule_marks(model),
            pinned=pinned[1] if pinned else None,
            name=name_of(model, model.focus),
        )

    image = _picture(session, keep, kept_while=[model.scenario_name, id(pinned), marks])
    with solara.Card(classes=["hs-card", "hs-series-card"], margin=0):
        solara.Image(image, classes=["hs-series"])
        solara.Text(
            "numbered ticks: the scenario's schedule (list on the right)", classes=["hs-muted"]
        )
        Readout(session, version)
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(
                image,
                filename=f"{_file_stem(model)}_series.png",
                label="Chart (PNG)",
                mime_type="image/png",
            )
            solara.FileDownload(
                lambda: run_csv(model),
                filename=f"{_file_stem(model)}.csv",
                label="Run (CSV)",
                mime_type="text/csv",
            )


def run_csv(model) -> str:
    """The run so far, one row per step and state: date, choices, posture, the forces."""
    ds = model.to_dataset().isel(run=0)
    plus, minus = _poles(model)
    frame = ds[["security", "economic", "autonomy", "hedging"]].to_dataframe().reset_index()
    labels = model.posture_labels
    frame["posture"] = [
        labels[int(c)] for c in ds["posture"].transpose("step", "state").values.ravel()
    ]
    frame["threat"] = np.repeat(ds["threat"].values, ds.sizes["state"])
    frame["rivalry"] = np.repeat(ds["rivalry"].values, ds.sizes["state"])
    frame = frame.drop(columns=[c for c in ("run",) if c in frame.columns])
    return frame.to_csv(index=False, float_format="%.4f")


@solara.component
def Readout(session: Session, version: int = 0):
    """The charts' values at any date of the run so far: a slider over the steps done."""
    model = session.drawn_model()
    at, set_at = solara.use_state(-1)
    step = model.steps if at < 0 or at > model.steps else at
    ds = session.dataset().isel(run=0, step=step)
    focus = ds.sel(state=model.focus)
    solara.SliderInt(
        "Read the charts at step",
        value=step,
        min=0,
        max=max(model.steps, 1),
        on_value=set_at,
        disabled=model.steps == 0,
        thumb_label=False,
    )
    when = model.world.dates[step].isoformat()
    solara.Text(
        f"{when}: security {float(focus['security']):+.2f}, economy "
        f"{float(focus['economic']):+.2f}, own defence {float(focus['autonomy']):.2f}, "
        f"threat {float(ds['threat']):.2f}, rivalry {float(ds['rivalry']):.2f}",
        classes=["hs-readout"],
    )


# ----------------------------------------------------------------------------- why
@solara.component
def Why(session: Session, version: int = 0):
    model = session.drawn_model()
    names = names_of(model)
    explanation = model.why(model.focus)
    focus = model.agent(model.focus)
    with solara.Card(
        f"Why did {names['focus']} move?",
        subtitle=f"its last step, to {model.date.isoformat()}",
        classes=["hs-card", "hs-why"],
        margin=0,
    ):
        if model.steps == 0:
            solara.Text(
                "Press STEP: then this card tells which forces pushed the last move.",
                classes=["hs-muted"],
            )
        else:
            solara.Text(
                describe_move(names["focus"], explanation.before, explanation.after, names),
                classes=["hs-why-move"],
            )
            for line in explain_terms(explanation.rows(), names):
                solara.Text("• " + line, classes=["hs-why-line"])
        solara.Text(
            f"Posture now: {posture_of(model, focus)}  ·  government: {focus.government}",
            classes=["hs-posture"],
        )
        if model.steps > 0:
            words = every_name(model)
            solara.Text("The great powers and Pyongyang", classes=["hs-big"])
            for code in model.pole_codes:
                for line in describe_levers(words[code], model.why(code), words):
                    solara.Text("• " + line, classes=["hs-why-line", f"hs-why-{code}"])
            prk = model.challenger.code
            for line in describe_provocation(words[prk], model.why(prk), words):
                solara.Text("• " + line, classes=["hs-why-line", f"hs-why-{prk}"])


# ----------------------------------------------------------------------------- blocs
def _bloc_of(posture: int) -> str:
    return "plus" if posture >= 3 else "minus" if posture <= 1 else "hedge"


@solara.component
def Blocs(session: Session, version: int = 0):
    model = session.drawn_model()
    plus, minus = _poles(model)
    members = {
        "plus": [(plus, name_of(model, plus))],
        "hedge": [],
        "minus": [
            (code, name_of(model, code))
            for code in (minus, model.challenger.code, *[b.code for b in model.backers])
        ],
    }
    for state in model.middle_powers:
        members[_bloc_of(state.posture)].append(
            (state.code, f"{name_of(model, state.code)} · {posture_of(model, state)}")
        )
    with solara.Card("The blocs now", classes=["hs-card", "hs-blocs"], margin=0):
        for side, title in (
            ("plus", f"With {in_sentence(name_of(model, plus))}"),
            ("hedge", "Hedging"),
            ("minus", f"With {name_of(model, minus)}"),
        ):
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Text(f"{title}:", classes=["hs-big"], style={"min-width": "110px"})
                for code, member in members[side] or [("", "nobody")]:
                    solara.Text(member, classes=["hs-chip", f"hs-bloc-{side}", f"hs-member-{code}"])
        _forces(model, plus, minus)


def seen_reliability(model, code: str) -> float:
    """Great power `code`'s reliability as the focus state sees it (its commitment lever,
    a Taiwan crisis drawing its attention away, its shocks)."""
    focus = model.agent(model.focus)
    return float(focus.pairs().reliability.reshape(-1)[model.pole_codes.index(code)])


def forces(model) -> list[tuple[str, str, str]]:
    """The forces on the focus state as the blocs card lists them: (class, label, value)."""
    plus, minus = _poles(model)
    focus = model.agent(model.focus)
    reliability = next(p.reliability for p in model.great_powers if p.code == plus)
    restriction = (focus.restrictions or {}).get(minus, 0.0)
    plus_name, minus_name = name_of(model, plus), name_of(model, minus)
    focus_name = name_of(model, model.focus)
    people = f"{focus_name}'s public favourable to"
    return [
        ("hs-threat", "North Korean threat", f"{model.challenger.threat:.3f}"),
        (
            "hs-provocation",
            "North Korea's course (−1 dialogue … +1 provocation)",
            f"{model.challenger.provocation:+.2f}",
        ),
        ("hs-rivalry", "US–China rivalry", f"{model.rivalry:.2f}"),
        ("hs-reliability", f"{plus_name}'s reliability", f"{reliability:.2f}"),
        (
            "hs-seen-reliability",
            f"… as {focus_name} sees it",
            f"{seen_reliability(model, plus):.2f}",
        ),
        (
            "hs-restriction",
            f"{minus_name}'s trade restriction on {focus_name}",
            f"{restriction:.2f}",
        ),
        ("hs-taiwan", "Taiwan risk", f"{model.taiwan_risk:.2f}"),
        (
            f"hs-favourable-{plus}",
            f"{people} {in_sentence(plus_name)}",
            f"{100 * focus.favourability[plus]:.0f}%",
        ),
        (
            f"hs-favourable-{minus}",
            f"{people} {minus_name}",
            f"{100 * focus.favourability[minus]:.0f}%",
        ),
        (
            "hs-odds",
            "odds the other camp wins an election now",
            f"{float(focus.odds[0]):.2f}",
        ),
    ]


def _forces(model, plus: str, minus: str) -> None:
    happened = {kind: n for kind, n in (model.last_events or {}).items() if n}
    rows = forces(model)
    with solara.Column(gap="0px", style={"margin-top": "8px"}):
        for css, label, value in rows:
            with solara.Row(justify="space-between", style={"flex-wrap": "nowrap"}):
                solara.Text(label)
                solara.Text(value, classes=["hs-big", css])
        shown = (
            ", ".join(
                counted(n, EVENT_NOUNS.get(kind, kind.replace("_", " ")))
                for kind, n in happened.items()
            )
            or "none"
        )
        solara.Text(f"Events in the last step: {shown}", classes=["hs-muted", "hs-last-events"])


# ----------------------------------------------------------------------------- compare
@solara.component
def Ensemble(session: Session, version: int = 0):
    """Many worlds of the current settings, one click, the vectorised engine."""
    model = session.drawn_model()
    ensemble = session.ensemble.value
    names = names_of(model)

    def draw() -> bytes | None:
        if ensemble is None:
            return None
        page_run = session.dataset()
        return png(ensemble_figure(ensemble, page_run, name=names["focus"]))

    image = solara.use_memo(draw, dependencies=[id(ensemble), _data_version(session)])
    with solara.Card(
        f"Many worlds: {ENSEMBLE_RUNS} runs of these settings",
        subtitle="the scenario, the seed and everything done by hand so far, run by the engine",
        classes=["hs-card", "hs-ensemble-card"],
        margin=0,
    ):
        solara.Button(
            f"Run {ENSEMBLE_RUNS} worlds",
            on_click=session.run_ensemble,
            color="primary",
            classes=["hs-run-ensemble"],
        )
        if ensemble is None:
            solara.Text(
                "One run is one possible history (events happen by chance). Press the button to "
                "see the median, the 5–95% band and how often each posture occurs.",
                classes=["hs-muted"],
            )
            return
        solara.Image(image, classes=["hs-ensemble"])
        step = min(model.steps, ensemble.sizes["step"] - 1)
        shares = posture_shares(ensemble).iloc[step]
        focus = ensemble.sel(state=model.focus).isel(step=step)
        solara.Text(
            f"At {model.date.isoformat()}: median security "
            f"{float(focus['security'].median()):+.2f}, economy "
            f"{float(focus['economic'].median()):+.2f}",
            classes=["hs-big", "hs-ensemble-median"],
        )
        solara.Text(
            "Posture shares: "
            + ", ".join(
                f"{posture_words(label, every_name(model))} {share:.0%}"
                for label, share in shares.items()
            ),
            classes=["hs-ensemble-shares"],
        )


# ----------------------------------------------------------------------------- info
@solara.component
def Info(session: Session, version: int = 0):
    model = session.drawn_model()
    names = names_of(model)
    with solara.Card("About this model", classes=["hs-card", "hs-info"], margin=0):
        solara.Markdown(
            f"""
**{CAVEAT}**

**What it is.** hedgesim is an agent-based model of how middle powers — here
{names["focus"]} and its neighbours — align between {names["plus"]} and {names["minus"]}.
Each quarter every middle power chooses three things: its **security** alignment (−1 with
{names["minus"]}'s camp … +1 in {names["plus"]}'s alliance), its **economic** orientation
(−1 trade toward {names["minus"]} … +1 toward {names["plus"]}) and its **own defence**
(0 … 1). It moves a little toward what serves it best, weighing protection, fear of
abandonment and of entrapment, the gains of trade, exposure to punishment, the cost of
splitting security from economy under rivalry, its neighbours and its government. The
great powers coerce, tax and reassure; North Korea tests. Posture (Kuik's zones): the mean
of security and economy, from anchored with one side through leaning to **hedging** in the
middle.

**The sliders** (each in 0 … 1; a change acts from the next step, as a scheduled change would):
"""
            + "\n".join(
                f"- **{label}**: {PRESSURE_MEANINGS[name]}"
                for name, label in PRESSURE_LABELS.items()
            )
            + """

**The lesson.** Three exercises (THAAD 2016–17, a Taiwan “dual contingency”, US
retrenchment): `docs/teaching.md` in the project, with the questions of the *Answers* tab.

**Sources.** The mechanisms and their sources: `docs/model.md`; the scenarios' dates and
notes: `conf/scenario/*.yaml`; the world's numbers (trade, capability): `conf/world/` and
`data/`. Kuik (2008) for hedging postures; Snyder (1984) for the alliance security dilemma.
"""
        )


# ----------------------------------------------------------------------------- answers
@solara.component
def Answers(session: Session, join: str = ""):
    """One answer sheet per exercise of docs/teaching.md, downloadable as a file."""
    answers = session.answers.value

    def write(key: str, text: str) -> None:
        session.answers.value = {**session.answers.value, key: text}

    for exercise in EXERCISES:
        with solara.Card(
            exercise.title,
            subtitle=f"scenario {exercise.scenario}",
            classes=["hs-card", f"hs-answers-{exercise.key}"],
            margin=0,
        ):
            for number, question in enumerate(exercise.questions, start=1):
                key = question_id(exercise, number)
                solara.Text(f"{number}. {question}", style={"display": "block"})
                with solara.Div(classes=[f"hs-answer-{key}"]):
                    solara.InputTextArea(
                        "your answer",
                        value=answers.get(key, ""),
                        on_value=lambda text, key=key: write(key, text),
                        continuous_update=True,
                        rows=2,
                    )
            solara.FileDownload(
                # the address when the sheet is downloaded: the world as it is then
                lambda exercise=exercise: answer_sheet(
                    exercise, session.answers.value, session.address(join)
                ),
                filename=f"answers_{exercise.key}.md",
                label="Download the answer sheet",
                mime_type="text/markdown",
            )


# ----------------------------------------------------------------------------- role play
POSITION_WORDS = {
    "security": ("Security", -1.0, 1.0, "-1 {minus}'s camp … +1 alliance with {plus}"),
    "economic": ("Economy", -1.0, 1.0, "-1 toward {minus} … +1 toward {plus}"),
    "autonomy": ("Own defence", 0.0, 1.0, "0 none … 1 full"),
}
# Pyongyang's seat: its course, one number (agents.seats.PROVOCATION_BOUNDS)
COURSE_WORDS = {"provocation": ("Its course", -1.0, 1.0, "-1 dialogue … +1 provocation")}


def seat_now(model, code: str) -> dict[str, float]:
    """Where seat `code` stands now: a middle power's positions, a great power's levers in
    force toward the focus."""
    agent = model.agent(code)
    if code in model.state_codes:
        return {name: float(getattr(agent, name)) for name in POSITION_WORDS}
    if code == model.challenger.code:
        return {"provocation": float(agent.provocation)}
    return agent.levers_in_force[model.focus]


def chooses(model) -> bool:
    """Whether Pyongyang chooses in this world (dynamics.challenger=strategic), so that its
    seat can be taken."""
    return model.world.dynamics.challenger == "strategic"


@solara.component
def Seats(session: Session, version: int = 0):
    """Play a side: this tab takes Seoul's, Washington's, Beijing's or Pyongyang's seat and
    chooses for it each quarter; the world steps when every seat taken has chosen (or on STEP). Then the
    debrief: what the model's own agent would have chosen, and why."""
    model = session.drawn_model()
    words = every_name(model)
    seat = session.seat.value
    draft = solara.use_reactive({})
    refused, set_refused = solara.use_state("")

    def take(code: str) -> None:
        draft.set({})
        session.take_seat(code)

    def choose() -> None:
        try:
            session.choose(**{**seat_now(model, seat), **draft.value})
            draft.set({})
            set_refused("")
        except ParamError as error:
            set_refused(str(error))

    with solara.Card(
        "Play a side",
        subtitle="take a seat; the model plays the others",
        classes=["hs-card", "hs-seats"],
        margin=0,
    ):
        with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
            for code in SEATS:
                if code not in (*model.state_codes, *model.pole_codes, model.challenger.code):
                    continue
                if code == model.challenger.code and not chooses(model):
                    continue
                solara.Button(
                    f"Play {words[code]}",
                    on_click=lambda code=code: take(code),
                    color="primary",
                    outlined=seat != code,
                    small=True,
                    classes=[f"hs-seat-{code}"],
                )
            if seat:
                solara.Button(
                    "Leave the seat",
                    on_click=session.leave_seat,
                    small=True,
                    text=True,
                    classes=["hs-seat-leave"],
                )
        taken = model.seats
        if taken:
            status = [
                f"{words[code]}: {'waiting' if code in model.waiting else 'chosen'}"
                for code in taken
            ]
            solara.Text("Seats: " + " · ".join(status), classes=["hs-seat-status"])
        if not seat:
            solara.Text("Take a seat to choose for that side each quarter.", classes=["hs-muted"])
            return
        now = seat_now(model, seat)
        if seat in model.state_codes:
            solara.Text(f"{words[seat]}'s positions next quarter", classes=["hs-big"])
            rows = [
                (name, label, lo, hi, fill(hint, words))
                for name, (label, lo, hi, hint) in POSITION_WORDS.items()
            ]
        elif seat == model.challenger.code:
            solara.Text(f"{words[seat]}'s course next quarter", classes=["hs-big"])
            rows = [(name, *spec) for name, spec in COURSE_WORDS.items()]
        else:
            toward = words[model.focus]
            solara.Text(f"{words[seat]}'s levers toward {toward}", classes=["hs-big"])
            rows = [
                (lever, fill(LEVER_WORDS[lever], {**words, "toward": toward}), 0.0, 1.0, "")
                for lever in LEVERS
            ]
        for name, label, lo, hi, hint in rows:
            value = draft.value.get(name, now[name])
            solara.Text(f"{label[0].upper()}{label[1:]}: {value:.2f}", classes=["hs-seat-label"])
            with solara.Div(classes=[f"hs-seat-slider-{name}"]):
                solara.SliderFloat(
                    hint,
                    value=value,
                    min=lo,
                    max=hi,
                    step=0.05,
                    on_value=lambda v, name=name: draft.set(
                        {**draft.value, name: round(float(v), 2)}
                    ),
                    thumb_label=False,
                )
        # Chosen already (or queued again by a step back): choosing again replaces it.
        chosen = seat not in model.waiting and seat in model.seats
        solara.Button(
            "Chosen (choose again to change)" if chosen else "Choose",
            on_click=choose,
            color="primary",
            outlined=chosen,
            disabled=not model.running,
            classes=["hs-seat-choose"],
        )
        if chosen and model.waiting:
            solara.Text("Waiting for the others.", classes=["hs-muted"])
        if refused:
            solara.Text(refused, classes=["hs-error", "hs-refused"])
        Debriefing(session, version)


@solara.component
def Debriefing(session: Session, version: int = 0):
    """What the model's own agent would have chosen last quarter in this tab's seat, and why."""
    model = session.drawn_model()
    seat = session.seat.value
    debrief = model.debrief(seat) if seat else None
    if debrief is None:
        return
    words = every_name(model)
    actor = words[seat]
    with solara.Div(classes=["hs-debrief"]):
        solara.Text(f"Debrief, quarter to {model.date.isoformat()}", classes=["hs-big"])
        solara.Text(describe_seat_choice(actor, debrief, words), classes=["hs-debrief-choice"])
        why = debrief.why
        if seat in model.state_codes:
            solara.Text(
                describe_move(f"The model's {actor}", why.before, why.after, words),
                classes=["hs-debrief-line"],
            )
            lines = explain_terms(why.rows(), words, limit=3)
        elif seat == model.challenger.code:
            lines = describe_provocation(f"The model's {actor}", why, words, limit=3)
        else:
            lines = describe_levers(f"The model's {actor}", why, words)
        for line in lines:
            solara.Text("• " + line, classes=["hs-debrief-line"])
