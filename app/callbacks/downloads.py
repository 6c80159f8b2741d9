"""Downloads: the table as CSV or Excel, the map as HTML (server) or PNG (in the browser)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, ctx

from app.model import View
from app.state import parse_state
from app.views import html_map_download, table_download

PNG_DOWNLOAD = """function(n) {
    if (!n) { return window.dash_clientside.no_update; }
    const graph = document.querySelector('#map .js-plotly-plot');
    if (graph) { Plotly.downloadImage(graph, {format: 'png', width: 1600, height: 1000,
                                              filename: 'tiltakskart'}); }
    return window.dash_clientside.no_update;
}"""


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
            "kommune": State("kommune-select", "value"),
            "search": State("url", "search"),
        },
        prevent_initial_call=True,
    )
    def download(csv, xlsx, html, rows, kommune, search):
        """The filtered table as CSV or Excel, or the map as a standalone HTML file."""
        state = parse_state(search, view.choices)
        if ctx.triggered_id == "download-html-button":
            return {"download": html_map_download(view, state)}
        name = view.name_of(kommune) if kommune in view.numbers else "alle"
        rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
        excel = ctx.triggered_id == "download-xlsx-button"
        return {"download": table_download(rows, name, excel)}

    app.clientside_callback(
        PNG_DOWNLOAD,
        Output("download-png-button", "title"),
        Input("download-png-button", "n_clicks"),
        prevent_initial_call=True,
    )
