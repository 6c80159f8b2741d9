"""Downloads of what the current view shows: its table as CSV or Excel (built on the server;
each view says what its table is, app.views.download_table), the map as a standalone HTML
file, and the view's chart as PNG (in the browser: the graph each view names)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import geopandas as gpd
import pandas as pd
from dash import Dash, Input, Output, State, ctx, dcc, no_update

from app import ids
from app.model import View, filters_of, metric_key, metric_label, title_parts
from app.state import PageState
from app.views import download_table, tab_named
from geo.load import join_shapes
from geo.outputs.spreadsheet import NORWEGIAN, PLAIN, csv_bytes, write_xlsx
from geo.terms import ROLE_LABELS, Layout

# The graph of the view on screen (the config's "png" names it per view), saved by Plotly. The
# Kommune view has no graph: its PNG is the load map with that municipality outlined.
PNG_DOWNLOAD = """function(n, state, config) {
    if (!n) { return window.dash_clientside.no_update; }
    const view = (state && state.view) || config.views[0];
    const id = config.png[view] || config.png[config.views[0]];
    const graph = document.querySelector('#' + id + ' .js-plotly-plot');
    if (!graph) { return window.dash_clientside.no_update; }
    const options = {format: 'png', width: 1600, height: 1000, filename: 'tiltakskart-' + view};
    const kommune = view === 'kommune' && state && state.kommune;
    if (!kommune) { Plotly.downloadImage(graph, options); return window.dash_clientside.no_update; }
    const figure = JSON.parse(JSON.stringify({data: graph.data, layout: graph.layout}));
    const trace = figure.data[0];
    const at = (trace.locations || []).indexOf(kommune);
    if (at >= 0) {
        trace.marker = trace.marker || {};
        trace.marker.line = {
            width: trace.locations.map((_, i) => i === at ? 5 : 0.8),
            color: trace.locations.map((_, i) => i === at ? '#d7301f' : '#333333'),
        };
    }
    // Titled with the municipality and the map's own title (what it counts, its filters):
    // the map is coloured for the state the Kart view last drew.
    const name = (config.names || {})[kommune] || kommune;
    const old = ((figure.layout.title && figure.layout.title.text) || '')
        .split('<br>').map(p => p.replace(/<[/]?sup>/g, '')).join(' · ');
    const text = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    figure.layout.title = Object.assign({}, figure.layout.title,
                                        {text: '<b>' + text + '</b><br><sup>' + old + '</sup>'});
    const file = 'tiltakskart-kommune-' + name.replace(/[^\\p{L}\\p{N}]+/gu, '-');
    Plotly.downloadImage(figure, Object.assign(options, {filename: file}));
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


def build_map(*args, **kwargs):
    """geo.outputs.webmap.build_map, imported when a map is first asked for: folium takes a
    tenth of a second to load, at every start otherwise."""
    from geo.outputs.webmap import build_map as build

    return build(*args, **kwargs)


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


SUFFIXES = {"csv": ".csv", "csv-plain": "-maskinlesbar.csv", "xlsx": ".xlsx"}
MAX_SLUG = 40  # characters of one filter in a file name


def slug(text: str) -> str:
    """A file-name word: lower case, letters and digits (æøå kept), '-' between."""
    words = re.findall(r"[^\W_]+", text.lower())
    return "-".join(words)[:MAX_SLUG].strip("-")


def file_name(
    view: View, state: PageState, base: str, kind: str, table_filter: str, today: dt.date
) -> str:
    """The view's table name, then each filter, the grid's own filter and the date, then the
    format: 'tiltak-Sarpsborg-plan-3-2026-tabellfilter-2026-12-07-maskinlesbar.csv'."""
    parts = [base]
    if state.plan and state.plan in view.plans:
        parts.append(f"plan-{state.plan}")
    parts += [slug(p) for p in (state.theme, state.strategy and f"strategi {state.strategy}") if p]
    parts += [str(state.year)] if state.year else []
    parts += [f"aktor-{slug(state.actor)}"] if state.actor else []
    parts += [f"rolle-{ROLE_LABELS[state.role]}"] if state.role else []
    parts += ["tabellfilter"] if table_filter else []
    return "-".join([*parts, today.isoformat()]) + SUFFIXES[kind]


def selection(
    view: View, state: PageState, table_filter: str, rows: int, today: dt.date
) -> pd.DataFrame:
    """The 'Utvalg' sheet: what was chosen when the file was made, so the file says it."""
    _, filters = title_parts(view, state)
    items = [
        ("Visning", tab_named(state.view).LABEL),
        ("Kommune", view.name_of(state.kommune) if state.kommune else ""),
        ("Tiltak", state.tiltak or ""),
        ("Kartet viser", metric_label(view, state) if state.view == "kart" else ""),
        ("Utvalg i panelet", filters or "ingen (alle tiltak)"),
        ("Filter i tabellen", table_filter or "ingen"),
        ("Rader", rows),
        ("Handlingsprogram", view.programme.period_label),
        ("Revisjon (fil)", view.programme.document.name),
        ("Laget", today.strftime("%d.%m.%Y")),
        ("Kilde", "Tiltakskart"),
    ]
    return pd.DataFrame([(k, v) for k, v in items if v != ""], columns=["Valg", "Verdi"])


def frame_download(
    frame: pd.DataFrame, name: str, kind: str, chosen: pd.DataFrame | None = None
) -> dict:
    """A table as CSV for Norwegian Excel ('csv'), plain CSV for tools ('csv-plain') or a
    formatted Excel file ('xlsx', with the sheet 'Utvalg' saying what was `chosen`); text a
    spreadsheet would evaluate is neutralised. `name` ends in its format's suffix."""
    if kind == "xlsx":
        sheets = {"tiltak": frame, **({"Utvalg": chosen} if chosen is not None else {})}
        return dcc.send_bytes(lambda buffer: write_xlsx(buffer, sheets), name)
    dialect = PLAIN if kind == "csv-plain" else NORWEGIAN
    return dcc.send_bytes(csv_bytes(frame, dialect), name)


def register(app: Dash, view: View) -> None:
    maps = Made()

    @app.callback(
        output={"download": Output(ids.DOWNLOAD, "data")},
        inputs={
            name.replace("-", "_"): Input(button, "n_clicks")
            for button, name in ids.DOWNLOAD_BUTTONS.items()
        },
        state={
            "state": State(ids.STATE, "data"),
            "shown": State(ids.KOMMUNE_SHOWN, "data"),
        },
        prevent_initial_call=True,
    )
    def download(state, shown, **clicks):
        """The current view's table as CSV (for Norwegian Excel, or plain) or Excel, or the
        map as a standalone HTML file. The page state comes from the router, checked here."""
        page = view.choices.state(state if isinstance(state, dict) else {})
        kind = ids.DOWNLOAD_BUTTONS.get(ctx.triggered_id or "")
        if kind is None:
            return {"download": no_update}
        if kind == "html":
            made = maps.get(html_map_key(view, page), lambda: html_map(view, page))
            return {"download": dcc.send_string(made, "tiltakskart.html")}
        frame, base, table_filter = download_table(view, page, shown)
        today = dt.date.today()
        name = file_name(view, page, base, kind, table_filter, today)
        chosen = selection(view, page, table_filter, len(frame), today)
        return {"download": frame_download(frame, name, kind, chosen)}

    app.clientside_callback(
        PNG_DOWNLOAD,
        Output(ids.DOWNLOAD_PNG, "title"),
        Input(ids.DOWNLOAD_PNG, "n_clicks"),
        State(ids.STATE, "data"),
        State(ids.CONFIG, "data"),
        prevent_initial_call=True,
    )
