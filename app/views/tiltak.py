"""Tiltak: one search box over numbers, words, actors and the places a measure concerns; the
chosen measure in full, and a map of how it concerns each municipality."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from app import figures, ids, status
from app.components import dropdown, graph_config, label, measure_detail
from app.model import NOT_CONCERNED, View, measure_plan, measure_vias
from app.router import link
from app.state import PageState

NAME = "tiltak"
LABEL = "Tiltak"
PNG = ids.TILTAK_MAP
LIBRARIES: tuple[str, ...] = ()
LIVE = False

NO_MEASURE = "Søk på nummer, ord, kommune eller sted for å se hvilke kommuner tiltaket berører."


def section(view: View) -> html.Section:
    """One search box over numbers, words, actors and the places a measure concerns; its
    options (with their search text, most of the layout's weight) come with the view's first
    answer (register)."""
    return html.Section(
        [
            label("Søk etter tiltak: nummer, ord, aktør, kommune eller sted", ids.TILTAK_SELECT),
            dropdown(
                ids.TILTAK_SELECT,
                "F.eks. 1.3.2, «Pilgrimsleden», Sarpsborg eller Kalnes",
                [],
                clearable=True,
                optionHeight="auto",
            ),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=ids.TILTAK_MAP_SLOT), lg=7),  # graph(), once shown
                    dbc.Col(
                        html.Div(
                            id=ids.TILTAK_DETAIL,
                            className="measure-detail",
                            tabIndex="0",  # it scrolls: reachable by keyboard
                            **{"aria-live": "polite", "aria-label": "Valgt tiltak"},
                        ),
                        lg=5,
                    ),
                ],
                className="mt-3",
            ),
        ],
        id=ids.section(NAME),
        hidden=True,
    )


def graph(view: View, figure) -> dcc.Graph:
    """The highlight map, sent with the view's first answer (an empty graph costs Plotly
    15–30 ms to draw on every page load)."""
    return dcc.Graph(
        id=ids.TILTAK_MAP,
        figure=figure,
        config=graph_config(view.prefix),
        style={"height": "62vh", "minHeight": "360px"},
    )


def stores(view: View) -> list[dcc.Store]:
    """What the highlight map on the page draws (its layout), once drawn."""
    return [dcc.Store(id=ids.drawn(NAME))]


def table(
    view: View, state: PageState, shown: object = None
) -> tuple[pd.DataFrame, str, str] | None:
    """The chosen measure and where it lands (none chosen: no table of its own)."""
    if not state.tiltak:
        return None
    return measure_frame(view, state.tiltak), f"tiltak-{state.tiltak}", ""


def measure_frame(view: View, measure_id: str) -> pd.DataFrame:
    """One measure and where it lands: one row per municipality it concerns."""
    measure = view.programme.measure(measure_id)
    rows = []
    for number, name in view.programme.municipalities:
        for row in view.rows[number]:
            if measure and row["id"] == measure["id"]:
                rows.append(
                    {
                        "Tiltak": measure["id"],
                        "Tittel": measure["title"],
                        "Kommunenummer": number,
                        "Kommune": name,
                        "Hvordan": row["klasse_tekst"],
                        "Via": row["via"],
                        "Rolle": row["rolle"],
                        "Belegg i teksten": row["belegg"],
                    }
                )
    return pd.DataFrame(rows)


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "figure": Output(ids.TILTAK_MAP_SLOT, "children"),
            "detail": Output(ids.TILTAK_DETAIL, "children"),
            "drawn": Output(ids.drawn(NAME), "data"),
            "options": Output(ids.TILTAK_SELECT, "options", allow_duplicate=True),
            "url": Output(ids.canon(NAME), "data"),
        },
        inputs={"asked": Input(ids.ask(NAME), "data")},
        state={"drawn": State(ids.drawn(NAME), "data")},
        prevent_initial_call=True,
    )
    def render_measure(asked, drawn):
        """Draw the highlight map when its shapes change; otherwise patch the colours only."""
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        measure = view.programme.measure(state.tiltak) if state.tiltak else None
        vias = measure_vias(view, measure) if measure else [NOT_CONCERNED] * len(view.numbers)
        title = f"Tiltak {measure['id']}" if measure else "Velg et tiltak"
        if measure:
            user = view.access.user() if view.access else None
            detail = [
                *measure_detail(measure, measure_plan(view, measure)),
                *status.measure_followup(view, measure["id"], user),
            ]
        else:
            detail = html.P(NO_MEASURE, className="text-body-secondary")
        url = link(view, state, asked)
        if drawn == state.layout:
            figure = figures.highlight_patch(view.names, vias, title)
        else:
            figure = graph(
                view,
                figures.highlight_map(
                    view.shapes_for(state),
                    view.numbers,
                    view.names,
                    vias,
                    title,
                    view.attribution_for(state),
                ),
            )
        options = view.measure_options if drawn is None else no_update  # sent once per page
        return {
            "figure": figure,
            "detail": detail,
            "drawn": state.layout,
            "url": url,
            "options": options,
        }
