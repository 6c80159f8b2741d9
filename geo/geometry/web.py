"""Shapes for the web maps: simplified with topology kept, names placed, and, on a national map,
the borders between counties and each county's bounds. Made once per boundary set and cached in
the cache folder (simplifying all of Norway takes seconds; reading it back, milliseconds)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from geo.atomic import is_plain_file, private_folder, write_cache_atomic
from geo.geometry.simplify import METRIC_CRS, geojson_text, simplify_coverage

log = logging.getLogger(__name__)
WEB_SHAPES_VERSION = 3  # bump when web_shapes changes what it makes
# What the cache file holds: the WebShapes fields but the parsed GeoJSON and the URL.
CACHED_FIELDS = {
    "text",
    "labels",
    "bounds",
    "home_bounds",
    "others",
    "borders",
    "county_bounds",
}
# A country on a 1366-pixel screen is ~1.3 km per pixel: simplify and drop islets to match.
NATIONAL_TOLERANCE_M = 600.0
NATIONAL_ISLET_M2 = 500_000.0


@dataclass
class WebShapes:
    """Shapes as a GeoJSON dict keyed by kommunenummer, with label points."""

    geojson: dict
    labels: dict[str, tuple[float, float]]  # number -> (lon, lat)
    bounds: tuple[float, float, float, float]
    text: str = ""  # the GeoJSON as sent to browsers
    url: str | None = None  # where browsers fetch it; figures then carry no geometry
    home_bounds: tuple[float, float, float, float] | None = None  # the programme's county
    others: list[tuple[str, str]] = field(default_factory=list)  # drawn as context, not counted
    borders: list[list[tuple[float, float]]] = field(default_factory=list)  # between counties
    county_bounds: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)

    @property
    def home(self) -> tuple[float, float, float, float]:
        """The bounds of the programme's municipalities."""
        return self.home_bounds or self.bounds

    @property
    def neighbourhood(self) -> tuple[float, float, float, float]:
        """The programme's municipalities with their neighbours around them: the home bounds
        grown by half their size each way, within the whole map's bounds."""
        minx, miny, maxx, maxy = self.home
        dx, dy = (maxx - minx) / 2, (maxy - miny) / 2
        bx, by, bX, bY = self.bounds
        return (max(bx, minx - dx), max(by, miny - dy), min(bX, maxx + dx), min(bY, maxy + dy))

    @property
    def source(self) -> str | dict:
        """What a figure's `geojson` names: the URL when served, else the shapes."""
        return self.url or self.geojson


def label_points(frame: gpd.GeoDataFrame) -> list:
    """Where each name goes: the point of the largest part farthest from its edges (the pole
    of inaccessibility), so names sit in the middle of a municipality, clear of its
    neighbours' names; computed in metres."""
    metric = frame.to_crs("EPSG:25833")
    points = []
    for geometry in metric.geometry:
        part = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
        points.append(polylabel(part, tolerance=50.0))
    return list(gpd.GeoSeries(points, crs="EPSG:25833").to_crs("EPSG:4326"))


def county_borders(frame: gpd.GeoDataFrame) -> list[list[tuple[float, float]]]:
    """The borders between counties (the first two digits of the municipality numbers) as
    lines of (lon, lat): where two counties' municipalities meet, coasts left out, so they
    lie exactly on the simplified municipal borders and stay small enough to send as lines."""
    groups = frame.groupby(frame["kommunenummer"].str[:2], sort=True)
    # The municipalities are a coverage (simplified as one): its union is much faster than a
    # general union (seconds for Norway's 15 counties).
    counties = [shapely.make_valid(_union(g.geometry.values)) for _, g in groups]
    lines = []
    for i, county in enumerate(counties):
        others = _union([c for j, c in enumerate(counties) if j > i])
        if others is None or others.is_empty:
            continue
        shared = shapely.line_merge(shapely.intersection(county.boundary, others.boundary))
        for part in getattr(shared, "geoms", [shared]):
            if part.geom_type == "LineString" and part.length > 0:
                lines.append([(round(x, 4), round(y, 4)) for x, y in part.coords])
    return lines


def _union(geometries) -> BaseGeometry:
    """The union of areas that form a coverage (edge-matched, not overlapping)."""
    return shapely.coverage_union_all(np.asarray(geometries, dtype=object))


def drop_islets(frame: gpd.GeoDataFrame, min_area_m2: float) -> gpd.GeoDataFrame:
    """Leave out the parts smaller than `min_area_m2` (a municipality keeps its largest part):
    at the scale of a country they are below a pixel but most of the coastline's vertices."""
    metric = frame.geometry.to_crs(METRIC_CRS)
    kept = []
    for geometry, projected in zip(frame.geometry, metric, strict=True):
        parts = list(getattr(geometry, "geoms", [geometry]))
        areas = [p.area for p in getattr(projected, "geoms", [projected])]
        largest = max(range(len(parts)), key=lambda k: areas[k])
        keep = [p for k, p in enumerate(parts) if areas[k] >= min_area_m2 or k == largest]
        kept.append(keep[0] if len(keep) == 1 else shapely.MultiPolygon(keep))
    out = frame.copy()
    out.geometry = kept
    return out


def web_shapes(
    frame: gpd.GeoDataFrame, home: Collection[str] | None = None, precision: int = 5
) -> WebShapes:
    """GeoJSON for Plotly's geo maps: 5 decimals, exterior rings clockwise (d3-geo's order).
    With `home` (the programme's municipalities) given and others in the frame, the others are
    context, and the borders between counties and each county's bounds are added."""
    frame = frame.to_crs("EPSG:4326")[["kommunenummer", "kommunenavn", "geometry"]].copy()
    frame.geometry = shapely.orient_polygons(frame.geometry.values, exterior_cw=True)
    text = geojson_text(frame, precision)
    geojson = json.loads(text)
    labels = {
        n: (round(p.x, 5), round(p.y, 5))
        for n, p in zip(frame["kommunenummer"], label_points(frame), strict=True)
    }
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    shapes = WebShapes(geojson, labels, (minx, miny, maxx, maxy), text)
    if home is not None and not frame["kommunenummer"].isin(home).all():
        inside = frame[frame["kommunenummer"].isin(home)]
        hx, hy, hX, hY = (float(v) for v in inside.total_bounds)
        shapes.home_bounds = (hx, hy, hX, hY)
        outside = frame[~frame["kommunenummer"].isin(home)]
        shapes.others = list(zip(outside["kommunenummer"], outside["kommunenavn"], strict=True))
        shapes.borders = county_borders(frame)
        shapes.county_bounds = {
            str(county): tuple(float(v) for v in group.total_bounds)  # type: ignore[misc]
            for county, group in frame.groupby(frame["kommunenummer"].str[:2], sort=True)
        }
    return shapes


def simplified_for_web(
    frame: gpd.GeoDataFrame, tolerance_m: float, national: bool
) -> tuple[gpd.GeoDataFrame, int]:
    """The frame simplified for the web and the decimals to send it with. A country on one
    screen is ~1.3 km per pixel: coarser, without islets, 4 decimals (~10 m)."""
    if not national:
        return simplify_coverage(frame, tolerance_m)[0], 5
    simplified, _ = simplify_coverage(frame, max(tolerance_m, NATIONAL_TOLERANCE_M))
    return drop_islets(simplified, NATIONAL_ISLET_M2), 4


def _shapes_key(frame: gpd.GeoDataFrame, tolerance_m: float, home: Collection[str]) -> str:
    digest = hashlib.sha256(f"{WEB_SHAPES_VERSION} {tolerance_m} {sorted(home)}".encode())
    digest.update("|".join(frame["kommunenummer"].astype(str)).encode())
    digest.update("|".join(frame["kommunenavn"].astype(str)).encode())
    for wkb in shapely.to_wkb(frame.geometry.values):
        digest.update(wkb)
    return digest.hexdigest()[:24]


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"not a number: {str(value)[:20]}")
    return float(value)


def _box(value: object) -> tuple[float, float, float, float]:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError("bounds are not four numbers")
    minx, miny, maxx, maxy = (_number(v) for v in value)
    return (minx, miny, maxx, maxy)


def _listed(value: object) -> list:
    if not isinstance(value, list):
        raise ValueError("a border is not a list of points")
    return value


def _point(value: object) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("a point is not two numbers")
    return _number(value[0]), _number(value[1])


def read_web_shapes(path: Path, numbers: Collection[str]) -> WebShapes:
    """The web shapes cached at `path`, checked field by field against what web_shapes makes
    for these municipality `numbers`; ValueError naming the first mismatch."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != CACHED_FIELDS:
        raise ValueError("not a web-shapes record")
    text, labels, others = data["text"], data["labels"], data["others"]
    borders, counties = data["borders"], data["county_bounds"]
    if not isinstance(text, str):
        raise ValueError("no GeoJSON text")
    geojson = json.loads(text)
    features = geojson.get("features") if isinstance(geojson, dict) else None
    if not isinstance(features, list):
        raise ValueError("no features")
    found = set()
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not isinstance(geometry, dict):
            raise ValueError("a feature without properties or geometry")
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise ValueError("a feature that is not a polygon")
        if not isinstance(geometry.get("coordinates"), list) or not geometry["coordinates"]:
            raise ValueError("a polygon without coordinates")
        found.add(props.get("kommunenummer"))
    if found != set(numbers):
        raise ValueError("its municipalities are not the boundaries'")
    if not isinstance(labels, dict) or set(labels) != found:
        raise ValueError("a label for each municipality is missing")
    if not isinstance(others, list) or not isinstance(borders, list):
        raise ValueError("others or borders are not lists")
    if not isinstance(counties, dict):
        raise ValueError("county bounds are not a mapping")
    for pair in others:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)
        ):
            raise ValueError("an entry of others is not a number and a name")
    return WebShapes(
        geojson,
        {str(n): _point(p) for n, p in labels.items()},
        _box(data["bounds"]),
        text,
        home_bounds=_box(data["home_bounds"]) if data["home_bounds"] is not None else None,
        others=[(n, name) for n, name in others],
        borders=[[_point(p) for p in _listed(line)] for line in borders],
        county_bounds={str(k): _box(v) for k, v in counties.items()},
    )


def cached_web_shapes(
    frame: gpd.GeoDataFrame,
    tolerance_m: float,
    home: Collection[str],
    cache_dir: Path,
    warnings: list[str],
) -> WebShapes:
    """Simplified web shapes, made once per boundary set and tolerance and then read from the
    cache folder (simplifying all of Norway takes seconds; reading it back, milliseconds)."""
    path = Path(cache_dir) / f"web-shapes-{_shapes_key(frame, tolerance_m, home)}.json"
    if is_plain_file(path):  # absent, or a link, FIFO or device: made again
        try:
            shapes = read_web_shapes(path, set(frame["kommunenummer"]))
            log.info("web shapes from %s", path)
            return shapes
        except (OSError, ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else type(exc).__name__
            warnings.append(f"the cached web shapes {path.name} are damaged ({reason}); made again")
    national = not frame["kommunenummer"].isin(home).all()
    simplified, precision = simplified_for_web(frame, tolerance_m, national)
    shapes = web_shapes(simplified, home, precision)
    # The fields themselves (json writes tuples as lists): asdict would deep-copy the parsed
    # GeoJSON first, half a second for all of Norway, to leave it out.
    record = {k: getattr(shapes, k) for k in sorted(CACHED_FIELDS)}
    try:
        private_folder(path.parent)
        text = json.dumps(record, ensure_ascii=False)
        write_cache_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError as exc:
        warnings.append(f"the simplified boundaries could not be cached in {path.parent} ({exc})")
    return shapes
