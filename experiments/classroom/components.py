"""The cards of the classroom dashboard, each a Solara component of one tab's `Session`.

Every card is called as `Card(session)` and gets its model from `session.watched_model()`, so
it is drawn again whenever the model changes; a card that changes the world
does it through the session (`step`, `reset`, `set_pressure`, `fire_event`), which moves the
version, so every card shows the change at once. A new card is one more such component,
placed on the page in `experiments.classroom.app`. Numbers a test or a student reads are in
elements with `hs-*` classes.
"""

from __future__ import annotations

import io
import threading

import numpy as np
import solara

from experiments.classroom.drawing import alignment_map, time_series
from experiments.classroom.scenarios import scenario_description
from experiments.classroom.session import SCENARIOS, Session
from experiments.classroom.words import EVENTS, describe_move, explain_terms, fill
from sim.params import ParamError

PRESSURE_LABELS = {
    "rivalry": "US–China rivalry",
    "dprk_threat": "North Korean threat",
    "china_coercion": "China's readiness to coerce",
    "us_reliability": "US reliability",
    "us_trade_pressure": "US trade pressure",
    "russia_dprk": "Russian backing for North Korea",
    "taiwan_risk": "Taiwan risk",
}
SUMMIT_PARTNERS = ("USA", "CHN", "PRK")

CSS = """
.hs-card, .hs-card .v-card__text { font-size: 17px; line-height: 1.45; color: #222 !important; }
.hs-card .v-card__title { font-size: 21px; font-weight: 600; }
.hs-card .v-card__subtitle { font-size: 15px; }
.hs-big { font-size: 21px; font-weight: 600; }
.hs-scenario { display: block; color: #111; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.hs-hint { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; flex: 1 1 0; }
.hs-why-move { display: block; font-size: 18px; font-weight: 600; margin-bottom: 6px; }
.hs-why-line, .hs-posture, .hs-last-events, .hs-queued, .hs-input-error, .hs-refused { display: block; }
.hs-posture { margin-top: 8px; font-weight: 600; }
/* pictures fill their column and stay whole on a 1000-px-high projector */
.hs-map, .hs-series { display: block; margin: 0 auto; width: 100%; height: auto; object-fit: contain; }
.hs-map { max-height: 470px; }
.hs-series { max-height: 435px; }
.hs-controls .v-btn { min-width: 72px; }
.hs-muted { color: #555; }
.hs-error { color: #b2182b; font-weight: 600; }
.hs-queued { color: #8c510a; font-weight: 600; }
.hs-why-line { margin: 3px 0; }
.hs-chip { display: inline-block; padding: 3px 10px; margin: 3px; border-radius: 14px;
           font-weight: 600; font-size: 16px; }
.hs-bloc-plus { background: #d1e5f0; }
.hs-bloc-hedge { background: #f2ecd9; }
.hs-bloc-minus { background: #fddbc7; }
.hs-lever-label { display: block; margin-top: 4px; font-weight: 500; }
.hs-levers .v-input { margin-top: 0 !important; }
.hs-levers .v-messages { display: none; }
.hs-levers .v-btn { margin: 3px; text-transform: none; font-size: 15px !important; letter-spacing: 0; }
"""


def names_of(model) -> dict[str, str]:
    """The words the plain-language templates fill in: the poles, the focus and the
    neighbour it is most tied to (for history disputes)."""
    plus, minus = _poles(model)
    ties = model.params.world.middle_powers[model.focus].neighbours
    others = [a.code for a in model.middle_powers if a.code != model.focus]
    neighbour = (
        max(ties, key=lambda code: (ties[code], code)) if ties else (others[0] if others else "")
    )
    return {"plus": plus, "minus": minus, "focus": model.focus, "neighbour": neighbour}


def _poles(model) -> tuple[str, str]:
    plus = minus = None
    for power in model.great_powers:
        if power.pole > 0:
            plus = power.code
        else:
            minus = power.code
    return plus, minus


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _data_version(model) -> tuple:
    """What a picture depends on: the model object, its step and what was done by hand."""
    return (id(model), model.steps, len(model.hand_events))


def _picture(session: Session, draw) -> bytes:
    """A PNG of `draw(model)`, drawn again only when what it shows has changed."""
    model = session.model.value

    def render() -> bytes:
        with session.lock:  # never from a step half taken by the play loop
            return _png(draw(model))

    return solara.use_memo(render, dependencies=[_data_version(model)])


# ----------------------------------------------------------------------------- sidebar
@solara.component
def Controls(session: Session):
    """RESET, play/pause and STEP; while the world plays, a thread steps it (`Session.play`)."""
    model = session.watched_model()
    playing = session.playing.value

    def play(stop: threading.Event) -> None:
        if playing:
            session.play(stop)

    # A new thread whenever `playing` changes; pausing or closing the tab sets `stop`. Not
    # `intrusive_cancel`: that traces every line of the model's step to be able to stop it.
    solara.use_thread(play, dependencies=[playing], intrusive_cancel=False)

    with solara.Card("Controls", classes=["hs-card", "hs-controls"], margin=0):
        with solara.Row(justify="space-between"):
            solara.Button("Reset", on_click=session.reset, color="primary", classes=["hs-reset"])
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


@solara.component
def Choices(session: Session):
    """The scenario and the seed of the next RESET."""
    with solara.Card("Model Parameters", classes=["hs-card", "hs-choices"], margin=0):
        solara.Select("Scenario", values=SCENARIOS, value=session.scenario)
        solara.InputText("Seed (whole number)", value=session.seed_text, continuous_update=True)
        solara.Text("a change takes effect on RESET", classes=["hs-muted"])


# ----------------------------------------------------------------------------- header
@solara.component
def Header(session: Session):
    model = session.watched_model()
    solara.Style(CSS)
    with solara.Card(classes=["hs-card"], margin=0):
        solara.Text(
            f"{model.scenario_name}: {scenario_description(model.scenario_name)}",
            classes=["hs-big", "hs-scenario"],
        )
        with solara.Row(style={"align-items": "baseline", "flex-wrap": "nowrap", "gap": "28px"}):
            solara.Text(
                f"{model.date.isoformat()}  ·  step {model.steps} of {model.horizon}",
                classes=["hs-big", "hs-date"],
                style={"white-space": "nowrap"},
            )
            solara.Text(
                f"seed {model.seed}", classes=["hs-big", "hs-seed"], style={"white-space": "nowrap"}
            )
            solara.Text(
                "scenario and seed: sidebar, then RESET · STEP: one quarter · ▶: play",
                classes=["hs-muted", "hs-hint"],
            )
        if model.input_error:
            solara.Text(model.input_error, classes=["hs-error", "hs-input-error"])


# ----------------------------------------------------------------------------- levers
@solara.component
def Levers(session: Session):
    model = session.watched_model()
    summit_partner, set_summit_partner = solara.use_state("USA")
    names = names_of(model)

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
            value = model.pending_pressures.get(name, model.pressures[name])
            mark = "  → next step" if name in model.pending_pressures else ""
            solara.Text(
                f"{label}: {value:.2f}{mark}", classes=["hs-lever-label", f"hs-pressure-{name}"]
            )
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
                who = summit_partner if kind == "summit" else fill(partner, names)
                shown = f"{label} ({who})" if who else label
                needs_partner = bool(partner) and not who  # no neighbour in this world
                with solara.Tooltip(fill(meaning, {**names, "neighbour": who or "a neighbour"})):
                    solara.Button(
                        shown,
                        on_click=lambda kind=kind, who=who: fire(kind, who),
                        color="primary",
                        outlined=True,
                        small=True,
                        disabled=not model.running or needs_partner,
                        classes=[f"hs-event-{kind}"],
                    )
        with solara.Row(style={"align-items": "center"}):
            solara.Text("Summit with:")
            solara.ToggleButtonsSingle(
                value=summit_partner,
                values=list(SUMMIT_PARTNERS),
                on_value=set_summit_partner,
                dense=True,
            )
        queued = [e.label for e in model.pending_events]
        solara.Text(
            "Queued: " + (", ".join(queued) if queued else "nothing"),
            classes=["hs-queued", "hs-pending"],
        )
        if refused:
            solara.Text(refused, classes=["hs-error", "hs-refused"])


# ----------------------------------------------------------------------------- pictures
@solara.component
def AlignmentMap(session: Session):
    session.watched_model()
    image = _picture(session, lambda model: alignment_map(model.to_dataset(), figsize=(5.0, 4.9)))
    with solara.Card(classes=["hs-card", "hs-map-card"], margin=0):
        solara.Image(image, classes=["hs-map"])


@solara.component
def TimeSeries(session: Session):
    session.watched_model()

    def draw(model):
        marks = [(np.datetime64(e.date), e.label) for e in model.hand_events]
        return time_series(model.to_dataset(), marks=marks, figsize=(5.6, 4.4))

    image = _picture(session, draw)
    with solara.Card(classes=["hs-card", "hs-series-card"], margin=0):
        solara.Image(image, classes=["hs-series"])


# ----------------------------------------------------------------------------- why
@solara.component
def Why(session: Session):
    model = session.watched_model()
    names = names_of(model)
    explanation = model.why(model.focus)
    focus = model.agent(model.focus)
    with solara.Card(
        f"Why did {model.focus} move?",
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
                describe_move(model.focus, explanation.before, explanation.after, names),
                classes=["hs-why-move"],
            )
            for line in explain_terms(explanation.rows(), names):
                solara.Text("• " + line, classes=["hs-why-line"])
        solara.Text(
            f"Posture now: {focus.posture_label}  ·  government: {focus.government}",
            classes=["hs-posture"],
        )


# ----------------------------------------------------------------------------- blocs
def _bloc_of(posture: int) -> str:
    return "plus" if posture >= 3 else "minus" if posture <= 1 else "hedge"


@solara.component
def Blocs(session: Session):
    model = session.watched_model()
    plus, minus = _poles(model)
    members = {
        "plus": [plus],
        "hedge": [],
        "minus": [minus, model.challenger.code, *[b.code for b in model.backers]],
    }
    for state in model.middle_powers:
        members[_bloc_of(state.posture)].append(f"{state.code} · {state.posture_label}")
    with solara.Card("The blocs now", classes=["hs-card", "hs-blocs"], margin=0):
        for side, title in (
            ("plus", f"With {plus}"),
            ("hedge", "Hedging"),
            ("minus", f"With {minus}"),
        ):
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Text(f"{title}:", classes=["hs-big"], style={"min-width": "110px"})
                for member in members[side] or ["nobody"]:
                    solara.Text(
                        member, classes=["hs-chip", f"hs-bloc-{side}", f"hs-member-{member[:3]}"]
                    )
        _forces(model, plus, minus)


def _forces(model, plus: str, minus: str) -> None:
    focus = model.agent(model.focus)
    reliability = next(p.reliability for p in model.great_powers if p.code == plus)
    restriction = (focus.restrictions or {}).get(minus, 0.0)
    happened = {kind: n for kind, n in (model.last_events or {}).items() if n}
    rows = [
        ("hs-threat", "North Korean threat", f"{model.challenger.threat:.3f}"),
        ("hs-rivalry", "US–China rivalry", f"{model.rivalry:.2f}"),
        ("hs-reliability", f"{plus} reliability", f"{reliability:.2f}"),
        ("hs-restriction", f"{minus} trade restriction on {model.focus}", f"{restriction:.2f}"),
        ("hs-taiwan", "Taiwan risk", f"{model.taiwan_risk:.2f}"),
    ]
    with solara.Column(gap="0px", style={"margin-top": "8px"}):
        for css, label, value in rows:
            with solara.Row(justify="space-between"):
                solara.Text(label)
                solara.Text(value, classes=["hs-big", css])
        shown = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in happened.items()) or "none"
        solara.Text(f"Events in the last step: {shown}", classes=["hs-muted", "hs-last-events"])
