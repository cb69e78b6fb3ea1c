"""hedgesim's classroom dashboard: a Solara page around the Mesa layer's model.

Start it with `make demo`, i.e. `python -m experiments.classroom.app` (see
`experiments.classroom.launch`), or as any Solara app: `solara run experiments.classroom.app`.
The page: a sidebar with the controls (RESET, play/pause, STEP) and the scenario and seed,
then the cards of `experiments.classroom.components`: where we are, the pressures and events
a class can turn and fire, the alignment map, the time series, why the focus state moved,
and the blocs.

Each browser tab gets its own `Session` (created in `Page`), so a class of students can each
steer their own world from one server. The model is stepped in this process.
"""

from __future__ import annotations

if __name__ == "__main__":
    # `python -m experiments.classroom.app` only launches the server, which imports this module
    # afresh; building the page here as well would be wasted work.
    from experiments.classroom.launch import main

    main()
else:
    import solara

    from experiments.classroom.components import (
        AlignmentMap,
        Blocs,
        Choices,
        Controls,
        Header,
        Levers,
        TimeSeries,
        Why,
    )
    from experiments.classroom.session import Session

    TITLE = "hedgesim · Seoul between Washington and Beijing"
    # Where each card goes. Every card is a component called as `Card(session)`; to add one,
    # write it in `components` and put it in a list here.
    SIDEBAR = [Controls, Choices]
    TOP = [Header]
    # The columns below the header, left to right: (width out of 12, cards top to bottom).
    # The levers down the left; the map and its time line in the middle, wide enough to read
    # from the back of a classroom; "why" and the blocs on the right.
    COLUMNS = [
        (3, [Levers]),
        (5, [AlignmentMap, TimeSeries]),
        (4, [Why, Blocs]),
    ]

    GAP = "16px"  # between the cards of a column

    @solara.component
    def Page():
        session = solara.use_memo(Session, dependencies=[])
        solara.Title("hedgesim dashboard")
        solara.AppBarTitle(TITLE)
        with solara.Sidebar(), solara.Column(gap=GAP):
            for card in SIDEBAR:
                card(session)
        for card in TOP:
            card(session)
        with solara.Columns([width for width, _ in COLUMNS], gutters_dense=True):
            for _, cards in COLUMNS:
                with solara.Column(gap=GAP):
                    for card in cards:
                        card(session)
