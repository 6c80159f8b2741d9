"""The presentation: one slide per URL state."""

from __future__ import annotations

from dash import Dash, Input, Output, no_update

from app.model import View
from app.state import parse_state
from app.views import slide

SLIDE_PARTS = ("title", "subtitle", "map", "body")


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={
            "title": Output("slide-title", "children"),
            "subtitle": Output("slide-subtitle", "children"),
            "map": Output("slide-map", "figure"),
            "body": Output("slide-body", "children"),
            "counter": Output("slide-counter", "children"),
        },
        inputs={"search": Input("url", "search"), "pathname": Input("url", "pathname")},
    )
    def render_slide(search, pathname):
        if not (isinstance(pathname, str) and pathname.rstrip("/").endswith("/presentasjon")):
            return dict.fromkeys((*SLIDE_PARTS, "counter"), no_update)
        state = parse_state(search, view.choices)
        parts = slide(view, state)
        counter = f"{state.slide + 1} / {view.choices.slides}"
        return {**dict(zip(SLIDE_PARTS, parts, strict=True)), "counter": counter}
