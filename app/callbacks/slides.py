"""The presentation: one slide per step; stepping between municipalities patches the map."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

from app import figures
from app.layout import slide_graph
from app.model import View
from app.state import PageState
from app.views import slide, slide_kind
from geo.terms import Via


def register(app: Dash, view: View) -> None:
    app.clientside_callback(
        ClientsideFunction("tiltakskart", "stepSlide"),
        Output("slide", "data", allow_duplicate=True),
        Input("slide-prev", "n_clicks"),
        Input("slide-next", "n_clicks"),
        State("slide", "data"),
        State("config", "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        output={
            "title": Output("slide-title", "children"),
            "subtitle": Output("slide-subtitle", "children"),
            "map": Output("slide-map-slot", "children"),
            "body": Output("slide-body", "children"),
            "counter": Output("slide-counter", "children"),
            "drawn": Output("drawn-slide", "data"),
            "url": Output("canon-slide", "data"),
        },
        inputs={"number": Input("slide", "data")},
        state={"drawn": State("drawn-slide", "data")},
        prevent_initial_call=True,
    )
    def render_slide(number, drawn):
        k = view.choices.state({"slide": number}).slide
        state = PageState(slide=k, layout=view.choices.default.layout)
        kind = slide_kind(view, k)
        if kind == "kommune" and drawn == "kommune":  # the same map, another municipality lit
            title, subtitle, _, body = slide(view, state, with_map=False)
            here = view.numbers[k - 1]
            vias = [Via.NAME if n == here else "none" for n in view.numbers]
            fig = figures.highlight_patch(view.names, vias, "")
        else:
            title, subtitle, figure, body = slide(view, state)
            fig = slide_graph(figure)
        return {
            "title": title,
            "subtitle": subtitle,
            "map": fig,
            "body": body,
            "counter": f"{k + 1} / {view.choices.slides}",
            "drawn": kind,
            "url": {"search": f"?slide={k}" if k else "", "for": number},
        }
