"""Kart: the load per municipality on a map, recoloured with a Patch, redrawn only when its
shapes change; a click opens the municipality in the Kommune view (the router does that)."""

from __future__ import annotations

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, dcc, html, no_update

from app import figures, ids
from app.components import graph_config, words_of
from app.model import View, drawn_key, load_table, map_data, map_title
from app.router import link
from app.state import PageState
from geo.terms import column_label

NAME = "kart"
LABEL = "Kart"
PNG = ids.MAP  # the graph the PNG button saves
LIBRARIES: tuple[str, ...] = ()
LIVE = True


def section(view: View) -> html.Section:
    """The map of the default state, drawn into the first page so that it needs no callback."""
    start = view.choices.default
    return html.Section(
        [
            html.Div(words_of(map_data(view, start)), id=ids.MAP_WORDS, **{"aria-live": "polite"}),
            dcc.Graph(
                id=ids.MAP,
                figure=figures.map_figure(view, start),
                config=graph_config(view.prefix),
                style={"height": "calc(100vh - 160px)", "minHeight": "480px"},
            ),
            html.P(
                "Klikk på en kommune for å se tiltakene som berører den.",
                className="text-body-secondary small mt-2",
            ),
        ],
        id=ids.section(NAME),
        **{"aria-label": "Kart"},
    )


def stores(view: View) -> list[dcc.Store]:
    """What the map on the page draws (the first page carries the default state's map), and
    the county a national map is zoomed to."""
    return [
        dcc.Store(id=ids.drawn(NAME), data=drawn_key(view.choices.default)),
        dcc.Store(id=ids.ZOOMED),
    ]


def table(view: View, state: PageState, shown: object = None) -> tuple[pd.DataFrame, str, str]:
    """The municipalities' figures under the filters, with Norwegian headers."""
    return load_table(view, state).rename(columns=column_label), "tiltak-per-kommune", ""


def register(app: Dash, view: View) -> None:
    if view.county_bounds:  # a national map: its county chooser zooms in the browser
        app.clientside_callback(
            ClientsideFunction("tiltakskart", "zoomCounty"),
            Output(ids.ZOOMED, "data"),
            Input(ids.COUNTY, "value"),
            State(ids.CONFIG, "data"),
            prevent_initial_call=True,
        )

    @app.callback(
        output={
            "figure": Output(ids.MAP, "figure"),
            "words": Output(ids.MAP_WORDS, "children"),
            "drawn": Output(ids.drawn(NAME), "data"),
            "url": Output(ids.canon(NAME), "data"),
        },
        inputs={"asked": Input(ids.ask(NAME), "data")},
        state={"drawn": State(ids.drawn(NAME), "data")},
        prevent_initial_call=True,
    )
    def render_map(asked, drawn):
        """Nothing to draw when the map already shows this state; a Patch of values and labels
        when only the figures change; the whole figure when the shapes or background change."""
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        url = link(view, state, asked)
        key = drawn_key(state, asked)
        if drawn == key:
            return {"figure": no_update, "words": no_update, "drawn": no_update, "url": url}
        data = map_data(view, state)
        words = words_of(data)
        if not isinstance(drawn, dict) or drawn.get("shapes") != key["shapes"]:
            figure = figures.map_figure(view, state)
            return {"figure": figure, "words": words, "drawn": key, "url": url}
        patch = Patch()
        patch["data"][0]["z"] = [v if v is not None else 0 for v in data.values]
        patch["data"][0]["customdata"] = data.customdata
        patch["data"][0]["hovertemplate"] = data.hovertemplate
        for name, value in figures.colour_axis(data).items():
            if name == "colorbar":  # keep the bar's size, fonts and title side: title and ticks
                for part, setting in value.items():
                    if part == "title":
                        patch["data"][0]["colorbar"]["title"]["text"] = setting["text"]
                    else:
                        patch["data"][0]["colorbar"][part] = setting
            else:
                patch["data"][0][name] = value
        patch["layout"]["title"]["text"] = map_title(view, state)
        return {"figure": patch, "words": words, "drawn": key, "url": url}
