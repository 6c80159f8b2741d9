"""Downloads of what the current view shows: its table as CSV or Excel, the map as a
standalone HTML file (server), and the view's chart as PNG (in the browser)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, no_update

from app.model import View
from app.views import frame_download, html_map_download, view_frame

# The chart each view shows, for the PNG button (the Kommune view has none: its map).
PNG_DOWNLOAD = """function(n, state) {
    if (!n) { return window.dash_clientside.no_update; }
    const view = (state && state.view) || "kart";
    const id = {ipr: "ipr-graph", tiltak: "tiltak-map"}[view] || "map";
    const graph = document.querySelector('#' + id + ' .js-plotly-plot');
    if (graph) { Plotly.downloadImage(graph, {format: 'png', width: 1600, height: 1000,
                                              filename: 'tiltakskart-' + view}); }
    return window.dash_clientside.no_update;
}"""
BUTTONS = {
    "download-csv-button": "csv",
    "download-csv-plain-button": "csv-plain",
    "download-xlsx-button": "xlsx",
    "download-html-button": "html",
}


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={"download": Output("download", "data")},
        inputs={
            name.replace("-", "_"): Input(button, "n_clicks") for button, name in BUTTONS.items()
        },
        state={"state": State("state", "data")},
        prevent_initial_call=True,
    )
    def download(state, **clicks):
        """The current view's table as CSV (for Norwegian Excel, or plain) or Excel, or the
        map as a standalone HTML file. The page state comes from the router, checked here."""
        page = view.choices.state(state if isinstance(state, dict) else {})
        kind = BUTTONS.get(ctx.triggered_id or "")
        if kind is None:
            return {"download": no_update}
        if kind == "html":
            return {"download": html_map_download(view, page)}
        frame, name = view_frame(view, page)
        return {"download": frame_download(frame, name, kind)}

    app.clientside_callback(
        PNG_DOWNLOAD,
        Output("download-png-button", "title"),
        Input("download-png-button", "n_clicks"),
        State("state", "data"),
        prevent_initial_call=True,
    )
