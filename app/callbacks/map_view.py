"""The Kart view: recolour the map with a Patch, redraw it only when its shapes change."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, Patch, State, no_update

from app import figures
from app.callbacks.url import link
from app.model import View, drawn_key, map_data, map_title
from app.views import map_figure, words_of


def register(app: Dash, view: View) -> None:
    if "fylke" in app.layout:  # a national map: its county chooser zooms in the browser
        app.clientside_callback(
            ClientsideFunction("tiltakskart", "zoomCounty"),
            Output("zoomed", "data"),
            Input("fylke", "value"),
            State("config", "data"),
            prevent_initial_call=True,
        )

    @app.callback(
        output={
            "figure": Output("map", "figure"),
            "words": Output("map-words", "children"),
            "drawn": Output("drawn-kart", "data"),
            "url": Output("canon-kart", "data"),
        },
        inputs={"asked": Input("ask-kart", "data")},
        state={"drawn": State("drawn-kart", "data")},
        prevent_initial_call=True,
    )
    def render_map(asked, drawn):
        """Nothing to draw when the map already shows this state; a Patch of values and labels
        when only the figures change; the whole figure when the shapes or background change."""
        state = view.choices.state(asked if isinstance(asked, dict) else {})
        url = link(view, state, asked)
        key = drawn_key(state)
        if drawn == key:
            return {"figure": no_update, "words": no_update, "drawn": no_update, "url": url}
        data = map_data(view, state)
        words = words_of(data)
        if not isinstance(drawn, dict) or drawn.get("shapes") != key["shapes"]:
            return {"figure": map_figure(view, state), "words": words, "drawn": key, "url": url}
        patch = Patch()
        patch["data"][0]["z"] = [v if v is not None else 0 for v in data.values]
        patch["data"][0]["customdata"] = data.customdata
        patch["data"][0]["hovertemplate"] = data.hovertemplate
        for name, value in figures.colour_axis(data).items():
            if name == "colorbar":  # keep the bar's size and fonts: only its title and ticks
                for part, setting in value.items():
                    patch["data"][0]["colorbar"][part] = setting
            else:
                patch["data"][0][name] = value
        patch["layout"]["title"]["text"] = map_title(view, state)
        return {"figure": patch, "words": words, "drawn": key, "url": url}
