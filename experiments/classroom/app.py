"""hedgesim's classroom dashboard: a Solara page around the Mesa layer's model.

Start it with `make demo`, i.e. `python -m experiments.classroom.app` (see
`experiments.classroom.launch`), or as any Solara app: `solara run experiments.classroom.app`.
The page: the controls bar and the header on top (never in a sidebar, so a projector or a
phone always shows them), then four tabs: the dashboard (the cards of
`experiments.classroom.components`), compare (many worlds of the current settings), info
(what the model is, each slider, the caveat) and answers (one sheet per exercise).

Each browser tab gets its own `Session` (created in `Page`), so a class of students can each
steer their own world from one server. The model is stepped in this process. The page's
address holds the world (`experiments.classroom.address`): a reload or a shared link brings
it back. In class mode (`launch.py --class`) the page asks for the join code printed when the
server started.

Play a side (role play): the `Seats` card lets a tab take Seoul's, Washington's or
Beijing's seat (`Session.take_seat`, `Session.choose`, over the Mesa layer's
`model.take_seat`/`model.choose`). Tabs opened with the same class session in the address
(`?session=abc`) share one world (`session_for`, `experiments.classroom.session.Classroom`):
each takes a seat, the world steps when every seat taken has chosen (or on STEP), and every
tab draws the new state (`Follow`).
"""

from __future__ import annotations

import hmac
import os
import threading
from urllib.parse import parse_qs, urlencode

if __name__ == "__main__":
    # `python -m experiments.classroom.app` only launches the server, which imports this module
    # afresh; building the page here as well would be wasted work.
    from experiments.classroom.launch import main

    main()
else:
    import solara
    import solara.lab

    from experiments.classroom import address as page_address
    from experiments.classroom import warmup
    from experiments.classroom.components import (
        AlignmentMap,
        Answers,
        Blocs,
        Controls,
        Ensemble,
        Glance,
        Header,
        Info,
        Levers,
        Schedule,
        Seats,
        TimeSeries,
        Why,
    )
    from experiments.classroom.launch import JOIN_CODE_ENV
    from experiments.classroom.session import Session, classroom

    # A served dashboard loads what a page's first steps load now, not on a student's click.
    warmup.start()

    TITLE = "hedgesim · Seoul between Washington and Beijing"
    # Where each card goes. Every card is a component called as `Card(session, version)`; to
    # add one, write it in `components` and put it in a list here.
    TOP = [Controls, Header]
    # The dashboard tab's columns, left to right: (width out of 12 on a wide screen, cards top
    # to bottom); on a narrow screen (a phone, a half-width window) they stack.
    COLUMNS = [
        (3, [Glance, Levers]),
        (5, [AlignmentMap, TimeSeries]),
        (4, [Seats, Why, Schedule, Blocs]),
    ]
    COMPARE = [Ensemble]
    GAP = "16px"  # between the cards of a column

    def session_for(found: page_address.Address, class_session: str = "") -> Session:
        """The world a page load starts from: the one its address describes, or, with a class
        session (`?session=abc`), that class's shared world (made from the address of the
        first tab that names it)."""
        if not class_session:
            return Session(found.scenario, found.seed, found.actions, found.step, seat=found.seat)
        shared = classroom(class_session, found.scenario, found.seed, found.actions, found.step)
        return Session(found.scenario, found.seed, shared=shared, seat=found.seat)

    def class_session_of(search: str | None) -> str:
        """The class session named in the address (`session=`), or ""."""
        return parse_qs(search or "").get("session", [""])[-1].strip()

    @solara.component
    def Follow(session: Session):
        """In a class session, draws this tab again when another tab changes the world."""

        def follow(stop: threading.Event) -> None:
            if session.shared is not None:
                session.follow(stop)

        solara.use_thread(follow, dependencies=[], intrusive_cancel=False)

    def admitted(join: str) -> bool:
        """In class mode, only a page load that carries the printed join code."""
        code = os.environ.get(JOIN_CODE_ENV, "")
        return not code or hmac.compare_digest(join.strip().upper(), code)

    @solara.component
    def AddressBar(session: Session, join: str, class_session: str = "", version: int = 0):
        """Keeps the browser's address in step with the world, so a reload restores it (and,
        in a class session, keeps the session's name so a reload rejoins it)."""
        router = solara.use_router()
        query = session.address(join)
        if class_session:
            query += "&" + urlencode({"session": class_session})

        def push() -> None:
            # Rendered outside a server (solara.render in the tests) there is no address bar.
            if router.set_path is not None and (router.search or "") != query:
                router.push(f"{router.path}?{query}")

        solara.use_effect(push, [query])

    @solara.component
    def Refused():
        solara.Title("hedgesim dashboard: join code needed")
        with solara.Card("This class needs its join code", classes=["hs-card", "hs-refused-page"]):
            solara.Markdown(
                "The teacher started this dashboard for a class. Open the address the teacher "
                "gave, which ends in `?join=` and the code, or type the code after `?join=` "
                "in the address bar. (A wrong code, or none, leads here.)"
            )

    @solara.component
    def Page():
        router = solara.use_router()
        found = solara.use_memo(lambda: page_address.decode(router.search), dependencies=[])
        class_session = solara.use_memo(lambda: class_session_of(router.search), dependencies=[])
        solara.AppBarTitle(TITLE)
        with solara.AppBar():
            solara.lab.ThemeToggle()
        if admitted(found.join):
            Dashboard(found, class_session)
        else:
            Refused()

    @solara.component
    def Dashboard(found: page_address.Address, class_session: str = ""):
        session = solara.use_memo(lambda: session_for(found, class_session), dependencies=[])
        if found.problems and not session.model.value.input_error:
            session.model.value.input_error = "; ".join(found.problems)
        solara.Title("hedgesim dashboard")
        # The one component that watches the world: the cards are drawn again with `version`.
        session.watched_model()
        version = session.version.value
        AddressBar(session, found.join, class_session, version)
        Follow(session)
        with solara.Column(gap=GAP, classes=["hs-page"]):
            for card in TOP:
                card(session, version)
            with solara.lab.Tabs():
                with solara.lab.Tab("Dashboard", classes=["hs-tab-dashboard"]):
                    with solara.ColumnsResponsive(
                        default=12, large=[width for width, _ in COLUMNS], gutters_dense=True
                    ):
                        for _, cards in COLUMNS:
                            with solara.Column(gap=GAP):
                                for card in cards:
                                    card(session, version)
                with solara.lab.Tab("Compare", classes=["hs-tab-compare"]):
                    with solara.Column(gap=GAP):
                        for card in COMPARE:
                            card(session, version)
                with solara.lab.Tab("Info", classes=["hs-tab-info"]):
                    Info(session, version)
                with solara.lab.Tab("Answers", classes=["hs-tab-answers"]):
                    with solara.Column(gap=GAP):
                        Answers(session, found.join)
