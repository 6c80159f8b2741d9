"""Everything the app needs, computed once at start-up: tagged measures, the load index and
web-ready shapes (boundaries simplified with topology kept, and the tile map)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from geo.export import extract_dict
from geo.extract import (
    DEFAULT_CACHE_DIR,
    DEFAULT_COUNTY,
    DEFAULT_DOCUMENT,
    GAZETTEER_DIR,
    extract_and_tag,
)
from geo.gazetteer import Gazetteer
from geo.load import LoadIndex
from geo.options import DEFAULT_API_URL
from geo.shapes import shapes_for, tiles_for
from geo.simplify import DEFAULT_TOLERANCE_M, geojson_text, simplify_coverage


@dataclass
class WebShapes:
    """Shapes as a GeoJSON dict keyed by kommunenummer, with label points."""

    geojson: dict
    labels: dict[str, tuple[float, float]]  # number -> (lon, lat)
    bounds: tuple[float, float, float, float]


@dataclass
class Bundle:
    data: dict
    gazetteer: Gazetteer
    index: LoadIndex
    shapes: dict[str, WebShapes]  # "boundaries" (when loaded) and "tiles"
    notice: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def measures(self) -> list[dict]:
        return self.data["measures"]

    @property
    def municipalities(self) -> list[tuple[str, str]]:
        return [(m.number, m.name) for m in self.gazetteer.municipalities]

    def measure(self, measure_id: str) -> dict | None:
        return next((m for m in self.measures if measure_id in (m["id"], *m["aliases"])), None)

    def options(self, key: str) -> list[str]:
        """Distinct plan, theme or strategy values in document order."""
        return list(dict.fromkeys(m[key] for m in self.measures if m.get(key)))

    def common_actors(self, limit: int = 40) -> list[str]:
        counts = Counter(a for m in self.measures for a in m["actors"])
        return [a for a, _ in counts.most_common(limit)]

    def councils(self) -> list:
        """The IPR councils (regions whose key starts with 'ipr-')."""
        return [r for r in self.gazetteer.regions if r.key.startswith("ipr-")]


def web_shapes(frame: gpd.GeoDataFrame) -> WebShapes:
    """GeoJSON for Plotly's geo maps: 5 decimals, exterior rings clockwise (d3-geo's order)."""
    frame = frame.to_crs("EPSG:4326")[["kommunenummer", "kommunenavn", "geometry"]].copy()
    frame.geometry = shapely.orient_polygons(frame.geometry.values, exterior_cw=True)
    geojson = json.loads(geojson_text(frame))
    labels = {
        n: (round(p.x, 5), round(p.y, 5))
        for n, p in zip(frame["kommunenummer"], frame.geometry.representative_point(), strict=True)
    }
    return WebShapes(geojson, labels, tuple(float(v) for v in frame.total_bounds))


def build_bundle(
    document: str | Path | None = None,
    county: str = DEFAULT_COUNTY,
    boundaries_file: str | Path | None = None,
    cache_dir: str | Path = DEFAULT_CACHE_DIR,
    api_url: str = DEFAULT_API_URL,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    session=None,
) -> Bundle:
    """Parse, tag, load boundaries (or fall back to tiles) and prepare everything for the app."""
    doc, extraction, gazetteer, tags = extract_and_tag(
        document or DEFAULT_DOCUMENT, county, GAZETTEER_DIR, boundaries_file
    )
    data = extract_dict(doc, extraction.measures, tags, gazetteer)
    shapes = shapes_for(
        gazetteer,
        "auto",
        cache_dir=cache_dir,
        api_url=api_url,
        boundaries_file=boundaries_file,
        session=session,
    )
    web = {"tiles": web_shapes(tiles_for(gazetteer, shapes.boundaries))}
    if shapes.kind == "boundaries":
        simplified, _ = simplify_coverage(shapes.frame, tolerance_m)
        web["boundaries"] = web_shapes(simplified)
    index = LoadIndex(data["measures"], [(m.number, m.name) for m in gazetteer.municipalities])
    return Bundle(
        data,
        gazetteer,
        index,
        web,
        shapes.notice,
        [*doc.warnings, *gazetteer.warnings, *shapes.warnings],
    )
