"""The Tiltak view: the chosen measure in full, and a map of how it concerns each municipality."""

from __future__ import annotations

from dash import Dash, Input, Output, Patch, ctx, html

from app import figures
from app.controls import state_from_controls
from app.model import NOT_CONCERNED, View, measure_vias
from app.views import measure_detail

NO_MEASURE = "Søk på nummer eller ord for å se hvilke kommuner tiltaket berører."


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "figure": Output("tiltak-map", "figure"),
            "detail": Output("tiltak-detail", "children"),
        },
        inputs={"measure_id": Input("tiltak-select", "value"), "layout": Input("layout", "value")},
    )
    def update_measure_view(measure_id, layout):
        """Draw the highlight map when the shapes change; otherwise patch the colours only."""
        measure = view.bundle.measure(measure_id) if isinstance(measure_id, str) else None
        vias = measure_vias(view, measure) if measure else [NOT_CONCERNED] * len(view.numbers)
        title = f"Tiltak {measure['id']}" if measure else "Velg et tiltak"
        if measure:
            detail = measure_detail(measure)
        else:
            detail = html.P(NO_MEASURE, className="text-body-secondary")
        if ctx.triggered_id == "tiltak-select":
            codes, texts, colours = figures.highlight_values(view.names, vias)
            patch = Patch()
            patch["data"][0]["z"] = codes
            patch["data"][0]["text"] = texts
            patch["data"][1]["textfont"]["color"] = colours
            patch["layout"]["title"]["text"] = title
            return {"figure": patch, "detail": detail}
        state = state_from_controls({"layout": layout}, view.choices)
        fig = figures.highlight_map(
            view.shapes_for(state),
            view.numbers,
            view.names,
            vias,
            title,
            view.attribution_for(state),
        )
        return {"figure": fig, "detail": detail}
