"""hedgesim's classroom dashboard: Mesa's SolaraViz around the Mesa layer's model.

Start it with `make demo`, i.e. `python -m experiments.classroom.app` (see `experiments.classroom.launch`), or as any
Solara app: `solara run experiments.classroom.app`. The page: Mesa's sidebar (Reset / play / Step, the
scenario and the seed), then the cards of `experiments.classroom.components`: where we are, the
pressures and events a class can turn and fire, the alignment map, the time series, why the
focus state moved, and the blocs.

Each browser tab gets its own model (created in `Page`), so a class of students can each
steer their own world from one server.
"""

from __future__ import annotations

if __name__ == "__main__":
    # `python -m experiments.classroom.app` only launches the server, which imports this module afresh;
    # building the page here as well would be wasted work.
    from experiments.classroom.launch import main

    main()
else:
    import solara
    from mesa.visualization import SolaraViz
    from mesa.visualization import solara_viz as _mesa_viz

    from experiments.classroom.components import (
        AlignmentMap,
        Blocs,
        Header,
        Levers,
        TimeSeries,
        Why,
    )
    from experiments.classroom.session import MODEL_PARAMS, ClassroomModel

    CARDS = [Header, Levers, AlignmentMap, TimeSeries, Why, Blocs]
    # Grid cells (12 columns, rows of 30 px) in the order of CARDS: the levers down the left, the map and
    # the time series in the middle, "why" beside the map and the blocs below it. Mesa 3.5 gives every component the same
    # half-width cell, too small for a map read from the back of a classroom, and offers no
    # argument for the layout, so its `make_initial_grid_layout` is replaced for this page.
    LAYOUT = [
        {"i": 0, "x": 0, "y": 0, "w": 12, "h": 3},
        {"i": 1, "x": 0, "y": 3, "w": 3, "h": 25},
        {"i": 2, "x": 3, "y": 3, "w": 5, "h": 13},
        {"i": 3, "x": 3, "y": 16, "w": 5, "h": 12},
        {"i": 4, "x": 8, "y": 3, "w": 4, "h": 13},
        {"i": 5, "x": 8, "y": 16, "w": 4, "h": 12},
    ]
    _mesa_layout = _mesa_viz.make_initial_grid_layout

    def classroom_layout(num_components: int) -> list[dict]:
        if num_components != len(LAYOUT):
            return _mesa_layout(num_components)
        return [{**cell, "moved": False} for cell in LAYOUT]

    _mesa_viz.make_initial_grid_layout = classroom_layout

    @solara.component
    def Page():
        model = solara.use_memo(ClassroomModel, dependencies=[])
        solara.Title("hedgesim dashboard")
        SolaraViz(
            model,
            components=[(card, 0) for card in CARDS],
            model_params=MODEL_PARAMS,
            name="hedgesim · Seoul between Washington and Beijing",
            play_interval=600,
        )
