"""The Tiltak view: the chosen measure in full, and a map of how it concerns each municipality."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html, no_update

from app import figures
from app.callbacks.url import link
from app.layout import tiltak_graph
from app.model import NOT_CONCERNED, View, measure_vias
from app.views import measure_detail

NO_MEASURE = "Søk på nummer, ord, kommune eller sted for å se hvilke kommuner tiltaket berører."


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "figure": Output("tiltak-map-slot", "children"),
            "detail": Output("tiltak-detail", "children"),
            "drawn": Output("drawn-tiltak", "data"),
            "options": Output("tiltak-select", "options", allow_duplicate=True),
            "url": Output("canon-tiltak", "data"),
        },
        inputs={"asked": Input("ask-tiltak", "data")},
        state={"drawn": State("drawn-tiltak", "data")},
        prevent_initial_call=True,
    )
    def render_measure(asked, drawn):
        """Draw the highlight map when its shapes change; otherwise patch the colours only."""
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        measure = view.bundle.measure(state.tiltak) if state.tiltak else None
        vias = measure_vias(view, measure) if measure else [NOT_CONCERNED] * len(view.numbers)
        title = f"Tiltak {measure['id']}" if measure else "Velg et tiltak"
        if measure:
            detail = measure_detail(measure)
        else:
            detail = html.P(NO_MEASURE, className="text-body-secondary")
        url = link(view, state, asked)
        if drawn == state.layout:
            figure = figures.highlight_patch(view.names, vias, title)
        else:
            figure = tiltak_graph(
                figures.highlight_map(
                    view.shapes_for(state),
                    view.numbers,
                    view.names,
                    vias,
                    title,
                    view.attribution_for(state),
                )
            )
        options = view.measure_options if drawn is None else no_update  # sent once per page
        return {
            "figure": figure,
            "detail": detail,
            "drawn": state.layout,
            "url": url,
            "options": options,
        }
