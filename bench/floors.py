"""The two floors bench/pageload.py measures beside Tiltakskart and the naive app: what a browser
can do with the same shapes when no Dash is in the way.

  /        "Plotly only": the page holds the partial Plotly bundle Tiltakskart serves and a
           choropleth of the same simplified shapes; Plotly fetches the geometry (preloaded as
           the page arrives) and the base topojson, as on Tiltakskart's first load before.
  /svg     "static SVG": the same shapes as inline SVG paths with their fills, nothing to run.

Both draw into `#map` with the paths classed `choroplethlocation`, so the bench's paint probe
sees them as it sees the apps' maps. Files are served as Tiltakskart serves its own (app.served:
content-named, compressed, kept for good). Run under gunicorn from the project root:

    FLOORS_BOUNDARIES=../shared/kommuner/ostfold-kommuner-2024.geojson FLOORS_COUNTY=31 \\
        gunicorn -c python:app.gunicorn_conf 'bench.floors:server'
"""

from __future__ import annotations

import html
import json
import math
import sys
from importlib.resources import files
from pathlib import Path

from flask import Flask, Response
from flask_compress import Compress

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import served  # noqa: E402
from bench.naive_app import boundaries_from_env, lazy_server, load_shapes  # noqa: E402

WIDTH, HEIGHT = 1000, 600  # the SVG's drawing box (CSS pixels)
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")


def values_for(numbers: list[str]) -> list[int]:
    """A value per municipality that spreads over the colour scale (what is drawn, not what
    it means, is measured here)."""
    return [int(n) % 7 for n in numbers]


def plotly_page(plotly_url: str, geo_url: str, numbers: list[str], names: list[str]) -> str:
    figure = {
        "data": [
            {
                "type": "choropleth",
                "geojson": geo_url,
                "featureidkey": "properties.kommunenummer",
                "locations": numbers,
                "z": values_for(numbers),
                "text": names,
                "colorscale": "Blues",
                "marker": {"line": {"color": "white", "width": 0.5}},
            }
        ],
        "layout": {
            "title": {"text": "Plotly alene"},
            "geo": {"visible": False, "fitbounds": "locations", "scope": "europe"},
            "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        },
    }
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Plotly alene</title>
<link rel="icon" href="data:,">
<link rel="preload" as="fetch" crossorigin="anonymous" href="{geo_url}">
<script src="{plotly_url}"></script></head>
<body><div id="map" style="height: calc(100vh - 160px); min-height: 480px"></div>
<script>
Plotly.newPlot("map", ...(f => [f.data, f.layout])({json.dumps(figure)}),
               {{topojsonURL: "/topojson/", displaylogo: false}});
</script></body></html>"""


def mercator(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def svg_page(geojson: dict) -> str:
    """Every municipality as one SVG path (exterior and holes), Mercator, fitted to the box."""
    rings = []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings.append(
            (
                feature["properties"]["kommunenummer"],
                [[mercator(x, y) for x, y in ring] for polygon in polygons for ring in polygon],
            )
        )
    xs = [x for _, parts in rings for ring in parts for x, _ in ring]
    ys = [y for _, parts in rings for ring in parts for _, y in ring]
    scale = min(WIDTH / (max(xs) - min(xs)), HEIGHT / (max(ys) - min(ys)))
    paths = []
    for number, parts in rings:
        d = "".join(
            "M"
            + "L".join(f"{(x - min(xs)) * scale:.1f},{(max(ys) - y) * scale:.1f}" for x, y in ring)
            + "Z"
            for ring in parts
        )
        fill = BLUES[int(number) % len(BLUES)]
        paths.append(
            f'<path class="choroplethlocation" d="{d}" style="fill: {fill}; stroke: white">'
            f"<title>{html.escape(number)}</title></path>"
        )
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Statisk SVG</title>
<link rel="icon" href="data:,"></head>
<body><div id="map"><svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">
{"".join(paths)}</svg></div></body></html>"""


def create_server(path: Path, county: str) -> Flask:
    table, geojson = load_shapes(path, county)
    plotly_file = files("app").joinpath("plotly/plotly-tiltakskart.min.js")
    plotly = served.script(
        plotly_file.read_bytes(),
        "plotly",
        files("app").joinpath("plotly/plotly-tiltakskart.min.js.br").read_bytes(),
    )
    geometry = served.geometry(json.dumps(geojson, separators=(",", ":")))
    numbers = [str(n) for n in table["kommunenummer"]]
    names = [str(n) for n in table["kommunenavn"]]
    page = plotly_page(served.url_of("/", plotly), served.url_of("/", geometry), numbers, names)
    svg = svg_page(geojson)
    topojson = files("app").joinpath("assets/topojson")

    server = Flask(__name__)
    server.config.update(COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_BR_LEVEL=5)  # as ours
    Compress(server)
    served.install(server, [plotly, geometry], "/")
    server.add_url_rule("/", "plotly", lambda: Response(page, mimetype="text/html"))
    server.add_url_rule("/svg", "svg", lambda: Response(svg, mimetype="text/html"))

    def base_map(name: str) -> Response:
        data = topojson.joinpath(name)
        if not name.endswith(".json") or "/" in name or not data.is_file():
            return Response("not found", status=404)
        # Kept a day, as Tiltakskart serves its base map (app.served.install_caching).
        headers = {"Cache-Control": "public, max-age=86400"}
        return Response(data.read_bytes(), mimetype="application/json", headers=headers)

    server.add_url_rule("/topojson/<name>", "topojson", base_map)
    return server


def make_server():
    """The Flask server, configured by FLOORS_BOUNDARIES and FLOORS_COUNTY."""
    return create_server(*boundaries_from_env("FLOORS"))


__getattr__ = lazy_server(make_server)


if __name__ == "__main__":
    import argparse

    argparse.ArgumentParser(
        description="The two floors of bench/pageload.py (Plotly only at /, static SVG at /svg); "
        "run them under gunicorn: FLOORS_COUNTY=31|all FLOORS_BOUNDARIES=FILE gunicorn -c "
        "python:app.gunicorn_conf 'bench.floors:server' (from the repository root)."
    ).parse_args()
