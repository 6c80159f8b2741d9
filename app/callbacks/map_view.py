"""The Kart view: recolour the map with a Patch, redraw it when the shapes change."""

from __future__ import annotations

from dash import Dash, Input, Output, Patch, State, ctx

from app import figures
from app.controls import FILTERS, inputs, state_from_controls
from app.model import View, map_data, map_title
from app.state import parse_state
from app.views import map_figure, words_of


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={"figure": Output("map", "figure"), "words": Output("map-words", "children")},
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
        data = map_data(view, state)
        words = words_of(data)
        if {"layout.value", "bakgrunn.value"} & set(ctx.triggered_prop_ids):
            return {"figure": map_figure(view, state), "words": words}
        patch = Patch()
        patch["data"][0]["z"] = [v if v is not None else 0 for v in data.values]
        patch["data"][0]["customdata"] = data.customdata
        patch["data"][0]["hovertemplate"] = data.hovertemplate
        for key, value in figures.colour_axis(data).items():
            if key == "colorbar":  # keep the bar's size and fonts: only its title and ticks
                for part, setting in value.items():
                    patch["data"][0]["colorbar"][part] = setting
            else:
                patch["data"][0][key] = value
        patch["layout"]["title"]["text"] = map_title(view, state)
        return {"figure": patch, "words": words}
