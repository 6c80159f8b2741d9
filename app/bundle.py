"""Everything the app needs, computed once at start-up: tagged measures, the load index and
web-ready shapes (boundaries simplified with topology kept, and the tile map)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import shapely
from shapely.ops import polylabel

from geo.boundaries import Boundaries
from geo.errors import InputError
from geo.extract import extract_and_tag
from geo.gazetteer import Area, Gazetteer
from geo.load import LoadIndex
from geo.periods import programme_years
from geo.population import Population, get_population
from geo.records import ExtractRecord, MeasureRecord
from geo.settings import Settings
from geo.shapes import shapes_for, tiles_for
from geo.simplify import DEFAULT_TOLERANCE_M, geojson_text, simplify_coverage
from geo.terms import Layout


@dataclass
class WebShapes:
    """Shapes as a GeoJSON dict keyed by kommunenummer, with label points."""

    geojson: dict
    labels: dict[str, tuple[float, float]]  # number -> (lon, lat)
    bounds: tuple[float, float, float, float]
    text: str = ""  # the GeoJSON as sent to browsers
    url: str | None = None  # where browsers fetch it; figures then carry no geometry

    @property
    def source(self) -> str | dict:
        """What a figure's `geojson` names: the URL when served, else the shapes."""
        return self.url or self.geojson


@dataclass
class Bundle:
    data: ExtractRecord
    gazetteer: Gazetteer
    index: LoadIndex
    shapes: dict[Layout, WebShapes]  # BOUNDARIES (when loaded) and TILES
    boundaries: Boundaries | None = None  # where the boundaries came from
    population: Population | None = None  # inhabitants (SSB), for the per 1 000 figures
    notice: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def measures(self) -> list[MeasureRecord]:
        return self.data["measures"]

    @property
    def municipalities(self) -> list[tuple[str, str]]:
        return [(m.number, m.name) for m in self.gazetteer.municipalities]

    @property
    def years(self) -> tuple[int, ...]:
        """The programme's years (from the document)."""
        return self.index.years

    @property
    def period_label(self) -> str:
        """'2025–2028', or '' when the document names no period."""
        return f"{self.years[0]}–{self.years[-1]}" if self.years else ""

    @property
    def has_boundaries(self) -> bool:
        return Layout.BOUNDARIES in self.shapes

    def measure(self, measure_id: str) -> MeasureRecord | None:
        return next((m for m in self.measures if measure_id in (m["id"], *m["aliases"])), None)

    def options(self, key: str) -> list[str]:
        """Distinct plan, theme or strategy values in document order."""
        values = (m.get(key) for m in self.measures)
        return list(dict.fromkeys(v for v in values if isinstance(v, str) and v))

    def actors(self) -> list[str]:
        """Every actor named in a Hvem field, the most frequent first."""
        counts = Counter(a for m in self.measures for a in m["actors"])
        return [a for a, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def councils(self) -> list[Area]:
        """The IPR councils (regions whose key starts with 'ipr-')."""
        return [r for r in self.gazetteer.regions if r.key.startswith("ipr-")]

    def council_regions(self, council: Area) -> list[str]:
        """The keys of the council and of the regions with exactly its members ("its region")."""
        same = [r.key for r in self.gazetteer.regions if set(r.members) == set(council.members)]
        return list(dict.fromkeys([council.key, *same]))


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


def web_shapes(frame: gpd.GeoDataFrame) -> WebShapes:
    """GeoJSON for Plotly's geo maps: 5 decimals, exterior rings clockwise (d3-geo's order)."""
    frame = frame.to_crs("EPSG:4326")[["kommunenummer", "kommunenavn", "geometry"]].copy()
    frame.geometry = shapely.orient_polygons(frame.geometry.values, exterior_cw=True)
    text = geojson_text(frame)
    geojson = json.loads(text)
    labels = {
        n: (round(p.x, 5), round(p.y, 5))
        for n, p in zip(frame["kommunenummer"], label_points(frame), strict=True)
    }
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    return WebShapes(geojson, labels, (minx, miny, maxx, maxy), text)


def build_bundle(
    settings: Settings, tolerance_m: float = DEFAULT_TOLERANCE_M, refresh: bool = False
) -> Bundle:
    """Parse, tag, get boundaries (or fall back to tiles) and prepare everything for the app."""
    tagged = extract_and_tag(settings)
    if (problem := tagged.extraction.problem()) is not None:
        raise InputError(
            f"{problem}; run `tiltakskart extract --report` to see it all",
            value=tagged.document.name,
            setting="document",
        )
    data = tagged.record()
    gazetteer = tagged.gazetteer
    shapes = shapes_for(gazetteer, settings, Layout.AUTO, refresh=refresh)
    web = {Layout.TILES: web_shapes(tiles_for(gazetteer, shapes.boundaries))}
    if shapes.kind == Layout.BOUNDARIES:
        if shapes.boundaries is not None and shapes.boundaries.source == "snapshot":
            web[Layout.BOUNDARIES] = web_shapes(shapes.frame)  # simplified already
        else:
            simplified, _ = simplify_coverage(shapes.frame, tolerance_m)
            web[Layout.BOUNDARIES] = web_shapes(simplified)
    years = programme_years(tagged.extraction.programme)
    pairs = [(m.number, m.name) for m in gazetteer.municipalities]
    index = LoadIndex(data["measures"], pairs, years)
    warnings = [*tagged.document.warnings, *gazetteer.warnings, *shapes.warnings]
    population: Population | None
    try:
        population = get_population(settings, list(gazetteer.numbers), refresh=refresh)
        warnings += population.warnings
    except InputError as exc:
        population = None
        warnings.append(f"no population figures ({exc}): the per 1 000 figures are left out")
    return Bundle(
        data, gazetteer, index, web, shapes.boundaries, population, shapes.notice, warnings
    )
