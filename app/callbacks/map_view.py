"""The Kart view: recolour the map with a Patch, redraw it when the shapes change."""

from __future__ import annotations

from dash import Dash, Input, Output, Patch, State, ctx

from app.controls import FILTERS, inputs, state_from_controls
from app.model import View, map_title, map_values, metric_label
from app.state import parse_state
from app.views import map_figure


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={"figure": Output("map", "figure")},
        inputs={
            "filters": inputs(FILTERS),
            "layout": Input("layout", "value"),
            "bakgrunn": Input("bakgrunn", "value"),
        },
        state={"search": State("url", "search")},
        prevent_initial_call=True,
    )
    def update_map(filters, layout, bakgrunn, search):
        """Recolour with a Patch (values and labels only); redraw when the shapes change."""
        url_state = parse_state(search, view.choices)
        state = state_from_controls(
            {**filters, "layout": layout, "bakgrunn": bakgrunn}, view.choices, url_state
        )
        if {"layout.value", "bakgrunn.value"} & set(ctx.triggered_prop_ids):
            return {"figure": map_figure(view, state)}
        values, custom = map_values(view, state)
        patch = Patch()
        patch["data"][0]["z"] = values
        patch["data"][0]["customdata"] = custom
        patch["data"][0]["zmin"] = min(values)
        patch["data"][0]["zmax"] = max(max(values), min(values) + 1)
        patch["data"][0]["colorbar"]["title"]["text"] = metric_label(view, state)
        patch["layout"]["title"]["text"] = map_title(view, state)
        return {"figure": patch}
