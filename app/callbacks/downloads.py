"""Downloads of what the current view shows: its table as CSV or Excel, the map as a
standalone HTML file (server), and the view's chart as PNG (in the browser)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx

from app.model import View
from app.state import parse_state
from app.views import frame_download, html_map_download, view_frame

# The chart each view shows, for the PNG button (the Kommune view has none: its map).
PNG_DOWNLOAD = """function(n, search) {
    if (!n) { return window.dash_clientside.no_update; }
    const view = new URLSearchParams(search || "").get("view") || "kart";
    const id = {ipr: "ipr-graph", tiltak: "tiltak-map"}[view] || "map";
    const graph = document.querySelector('#' + id + ' .js-plotly-plot');
    if (graph) { Plotly.downloadImage(graph, {format: 'png', width: 1600, height: 1000,
                                              filename: 'tiltakskart-' + view}); }
    return window.dash_clientside.no_update;
}"""


def grid_ids(rows: object) -> list[str] | None:
    """The measure ids of the grid's rows as the browser reports them (None: not reported)."""
    if not isinstance(rows, list):
        return None
    return [r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), str)]


def register(app: Dash, view: View) -> None:
    @app.callback(
        output={"download": Output("download", "data")},
        inputs={
            "csv": Input("download-csv-button", "n_clicks"),
            "xlsx": Input("download-xlsx-button", "n_clicks"),
            "html": Input("download-html-button", "n_clicks"),
        },
        state={
            "rows": State("kommune-grid", "virtualRowData"),
            "search": State("url", "search"),
        },
        prevent_initial_call=True,
    )
    def download(csv, xlsx, html, rows, search):
        """The current view's table as CSV or Excel, or the map as a standalone HTML file."""
        state = parse_state(search, view.choices)
        if ctx.triggered_id == "download-html-button":
            return {"download": html_map_download(view, state)}
        frame, name = view_frame(view, state, grid_ids(rows))
        excel = ctx.triggered_id == "download-xlsx-button"
        return {"download": frame_download(frame, name, excel)}

    app.clientside_callback(
        PNG_DOWNLOAD,
        Output("download-png-button", "title"),
        Input("download-png-button", "n_clicks"),
        State("url", "search"),
        prevent_initial_call=True,
    )
