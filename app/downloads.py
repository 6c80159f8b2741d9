"""Downloads of what the current view shows: its table as CSV or Excel (built on the server;
each view says what its table is, app.views.download_table), the map as a standalone HTML
file, and the view's chart as PNG (in the browser: the graph each view names)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import geopandas as gpd
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, no_update

from app import ids
from app.model import View, filters_of, metric_key, title_parts
from app.state import PageState
from app.views import download_table
from geo.load import join_shapes
from geo.outputs.spreadsheet import NORWEGIAN, PLAIN, csv_bytes, write_xlsx
from geo.outputs.webmap import build_map
from geo.terms import Layout

# The graph of the view on screen (the config's "png" names it per view), saved by Plotly.
PNG_DOWNLOAD = """function(n, state, config) {
    if (!n) { return window.dash_clientside.no_update; }
    const view = (state && state.view) || config.views[0];
    const id = config.png[view] || config.png[config.views[0]];
    const graph = document.querySelector('#' + id + ' .js-plotly-plot');
    if (graph) { Plotly.downloadImage(graph, {format: 'png', width: 1600, height: 1000,
                                              filename: 'tiltakskart-' + view}); }
    return window.dash_clientside.no_update;
}"""


class Made:
    """Expensive downloads, made once per key and kept (the last `size`), one at a time: many
    clients asking for maps at once cost one map's work each, not the server."""

    def __init__(self, size: int = 16):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, str] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], str]) -> str:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            made = self._items[key] = make()
            if len(self._items) > self.size:
                self._items.popitem(last=False)
            return made


def html_map_key(view: View, state: PageState) -> Hashable:
    """What the HTML map of a page state depends on."""
    return (view.shape_kind(state), str(state.metric), filters_of(state, view))


def html_map(view: View, state: PageState) -> str:
    """The standalone folium map of the page state, as HTML."""
    kind = view.shape_kind(state)
    shapes = gpd.GeoDataFrame.from_features(view.programme.web[kind].geojson, crs="EPSG:4326")
    table = view.programme.index.table(filters_of(state, view), view.programme.population)
    title, filters = title_parts(view, state)
    fmap = build_map(
        join_shapes(shapes, table),
        view.programme.measures,
        metric=metric_key(view, state),
        title=f"{title} ({filters})" if filters else title,
        schematic=kind == Layout.TILES,
        notice=view.programme.notice,
    )
    return fmap.get_root().render()


def frame_download(frame: pd.DataFrame, name: str, kind: str) -> dict:
    """A table as CSV for Norwegian Excel ('csv'), plain CSV for tools ('csv-plain') or a
    formatted Excel file ('xlsx'); text a spreadsheet would evaluate is neutralised."""
    if kind == "xlsx":
        return dcc.send_bytes(lambda buffer: write_xlsx(buffer, {"tiltak": frame}), f"{name}.xlsx")
    dialect = PLAIN if kind == "csv-plain" else NORWEGIAN
    return dcc.send_bytes(csv_bytes(frame, dialect), f"{name}.csv")


def register(app: Dash, view: View) -> None:
    maps = Made()

    @app.callback(
        output={"download": Output(ids.DOWNLOAD, "data")},
        inputs={
            name.replace("-", "_"): Input(button, "n_clicks")
            for button, name in ids.DOWNLOAD_BUTTONS.items()
        },
        state={"state": State(ids.STATE, "data")},
        prevent_initial_call=True,
    )
    def download(state, **clicks):
        """The current view's table as CSV (for Norwegian Excel, or plain) or Excel, or the
        map as a standalone HTML file. The page state comes from the router, checked here."""
        page = view.choices.state(state if isinstance(state, dict) else {})
        kind = ids.DOWNLOAD_BUTTONS.get(ctx.triggered_id or "")
        if kind is None:
            return {"download": no_update}
        if kind == "html":
            made = maps.get(html_map_key(view, page), lambda: html_map(view, page))
            return {"download": dcc.send_string(made, "tiltakskart.html")}
        frame, name = download_table(view, page)
        return {"download": frame_download(frame, name, kind)}

    app.clientside_callback(
        PNG_DOWNLOAD,
        Output(ids.DOWNLOAD_PNG, "title"),
        Input(ids.DOWNLOAD_PNG, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.CONFIG, "data"),
        prevent_initial_call=True,
    )
