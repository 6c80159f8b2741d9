"""The naive baseline for bench/pageload.py: a plain Dash app that re-sends a whole
`px.choropleth` figure (geometry included, compressed) on every change, on the same simplified
boundaries and load numbers as Tiltakskart.

Run under gunicorn from the project root (not with --chdir bench: bench/app.py would shadow the
`app` package):

    NAIVE_BOUNDARIES=../shared/kommuner/ostfold-kommuner-2024.geojson NAIVE_COUNTY=31 \
        gunicorn -c python:app.gunicorn_conf 'bench.naive_app:server'

NAIVE_COUNTY is a county number (the map shows its municipalities) or `all` (every municipality
in the file). The numbers are the programme's (county 31); other municipalities get 0.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import shapely
from dash import Dash, Input, Output, dcc, html

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.geometry.boundaries import read_boundary_file  # noqa: E402
from geo.geometry.simplify import DEFAULT_TOLERANCE_M, geojson_text  # noqa: E402
from geo.geometry.web import simplified_for_web  # noqa: E402
from geo.load.index import Filters, LoadIndex  # noqa: E402
from geo.pipeline import build_programme  # noqa: E402
from geo.settings import DEFAULT_COUNTY, Settings  # noqa: E402
from geo.terms import METRIC_CHOICE_LABELS, Metric  # noqa: E402

METRICS = (Metric.SPECIFIC, Metric.TOTAL)  # the labels match Tiltakskart's radio list
TITLES = {Metric.SPECIFIC: "Særskilte tiltak", Metric.TOTAL: "Alle tiltak"}
# Plotly's geo subplot fetches a base topojson even when hidden; the CDN is not reachable
# offline, so serve the same file Tiltakskart serves (app/assets/topojson) and use its scope.
TOPOJSON_DIR = ROOT / "app" / "assets" / "topojson"


def load_shapes(path: Path, county: str) -> tuple[pd.DataFrame, dict]:
    """(kommunenummer, kommunenavn per feature; GeoJSON) simplified as Tiltakskart does (for
    the whole country coarser, islets dropped, 4 decimals: the same detail as ours)."""
    frame = read_boundary_file(path, None if county == "all" else county).frame
    simplified, precision = simplified_for_web(frame, DEFAULT_TOLERANCE_M, county == "all")
    simplified = simplified.to_crs("EPSG:4326")[["kommunenummer", "kommunenavn", "geometry"]]
    # d3-geo (Plotly) wants exterior rings clockwise, as geo.geometry.web.web_shapes makes them.
    simplified.geometry = shapely.orient_polygons(simplified.geometry.values, exterior_cw=True)
    geojson = json.loads(geojson_text(simplified, precision))
    return pd.DataFrame(simplified[["kommunenummer", "kommunenavn"]]), geojson


def load_index(path: Path) -> LoadIndex:
    """The programme's load index (its county's municipalities), as the pipeline makes it."""
    settings = Settings(county=DEFAULT_COUNTY, boundaries=path, api_url=None, ssb_url=None)
    return build_programme(settings).index


def create_app(path: Path, county: str) -> Dash:
    """The naive app: one callback returns the whole figure every time."""
    table, geojson = load_shapes(path, county)
    index = load_index(path)
    plans = list(dict.fromkeys(m["plan"] for m in index.measures if m["plan"]))

    app = Dash(
        __name__,
        title="Naiv tiltakskart",
        compress=True,
        serve_locally=True,
        assets_folder=str(TOPOJSON_DIR),
    )
    app.layout = html.Div(
        [
            html.H1("Tiltak per kommune"),
            dcc.RadioItems(
                id="metric",
                options=[{"label": METRIC_CHOICE_LABELS[m], "value": str(m)} for m in METRICS],
                value=str(Metric.SPECIFIC),
            ),
            dcc.Dropdown(id="plan", options=plans, placeholder="Alle planer"),
            dcc.Graph(
                id="map",
                config={"topojsonURL": "/assets/"},
                style={"height": "calc(100vh - 160px)", "minHeight": "480px"},
            ),
        ]
    )

    @app.callback(Output("map", "figure"), Input("metric", "value"), Input("plan", "value"))
    def draw(metric: str, plan: str | None) -> go.Figure:
        counts = dict(
            zip(index.numbers, index.metric(metric, Filters(plan=plan or None)), strict=True)
        )
        frame = table.assign(tiltak=[int(counts.get(n, 0)) for n in table["kommunenummer"]])
        return px.choropleth(
            frame,
            geojson=geojson,
            locations="kommunenummer",
            featureidkey="properties.kommunenummer",
            color="tiltak",
            hover_name="kommunenavn",
            scope="europe",
            fitbounds="locations",
            basemap_visible=False,
            title=f"{TITLES[Metric(metric)]} per kommune",
        )

    return app


# What the bench's WSGI apps (this one and bench/floors.py) share: the boundary file and county
# from the environment, and a `server` made only when gunicorn asks for it, so that importing
# one of them for its functions builds nothing.
SHARED = ROOT.parent / "shared" / "kommuner"


def boundaries_from_env(prefix: str) -> tuple[Path, str]:
    """(boundary file, county) from `{prefix}_BOUNDARIES` and `{prefix}_COUNTY`; by default
    the shared file of the county (all of Norway for `all`)."""
    county = os.environ.get(f"{prefix}_COUNTY", "").strip() or DEFAULT_COUNTY
    default = "norge-kommuner-2024.geojson" if county == "all" else "ostfold-kommuner-2024.geojson"
    return Path(os.environ.get(f"{prefix}_BOUNDARIES") or SHARED / default), county


def lazy_server(make: Callable[[], object]) -> Callable[[str], object]:
    """A module `__getattr__` that answers `server` with `make()`, made once."""
    made = functools.cache(make)

    def module_getattr(name: str) -> object:
        if name == "server":
            return made()
        raise AttributeError(name)

    return module_getattr


def make_server():
    """The Flask server, configured by NAIVE_BOUNDARIES and NAIVE_COUNTY."""
    return create_app(*boundaries_from_env("NAIVE")).server


__getattr__ = lazy_server(make_server)


if __name__ == "__main__":
    import argparse

    argparse.ArgumentParser(
        description="The naive baseline app for bench/pageload.py; run it under gunicorn: "
        "NAIVE_COUNTY=31|all NAIVE_BOUNDARIES=FILE gunicorn -c python:app.gunicorn_conf "
        "'bench.naive_app:server' (from the repository root)."
    ).parse_args()
