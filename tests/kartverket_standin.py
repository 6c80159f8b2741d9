"""A local stand-in for Kartverket's kommuneinfo API, serving the shared boundary files.

It answers like the real API (see ../shared/reference/kartverket-api.md): /fylker/{nr} lists the
county's municipalities, /kommuner/{nr}/omrade gives one boundary as a GeoJSON geometry with an
optional `crs` member. Tests script failures per path: HTTP errors before success, delays,
malformed JSON, missing municipalities.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from tests.standin import ScriptedServer

PREFIX = "/kommuneinfo/v1"


def _map_xy(geometry: dict, fn) -> list:
    """The coordinates of a GeoJSON Polygon or MultiPolygon with fn applied to every point."""

    def walk(node):
        if isinstance(node[0], int | float):
            return list(fn(node[0], node[1]))
        return [walk(child) for child in node]

    return walk(geometry["coordinates"])


def _collinear(lon: float, lat: float) -> tuple[float, float]:
    """Every point moved onto one line through Østfold: rings of zero area."""
    return lon, 59.0 + 0.5 * (lon - 10.0)


def _dense(points: int) -> dict:
    """A valid ring of `points` coordinates (the last = the first) around Østfold's middle (a
    wavy circle)."""
    points -= 1
    ring = [
        [
            11.0 + 0.1 * (1 + 0.01 * (k % 2)) * math.cos(2 * math.pi * k / points),
            59.3 + 0.05 * (1 + 0.01 * (k % 2)) * math.sin(2 * math.pi * k / points),
        ]
        for k in range(points)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _scattered(parts: int) -> dict:
    """`parts` small squares side by side, apart."""
    squares = [
        [[[x, y], [x + 0.0005, y], [x + 0.0005, y + 0.0005], [x, y + 0.0005], [x, y]]]
        for k in range(parts)
        for x, y in [(10.8 + 0.001 * (k % 200), 59.2 + 0.001 * (k // 200))]
    ]
    return {"type": "MultiPolygon", "coordinates": squares}


def _tangled(points: int) -> dict:
    """A ring through `points` random points: it crosses itself about points² / 10 times,
    and repairing it costs accordingly (1 000 points: minutes)."""
    rng = random.Random(points)
    ring = [[10.9 + 0.2 * rng.random(), 59.2 + 0.2 * rng.random()] for _ in range(points)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _utm33(lon: float, lat: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs(4326, 25833, always_xy=True).transform(lon, lat)


class StandIn(ScriptedServer):
    prefix = PREFIX

    def __init__(self, geojson: Path, county: str = "31", county_name: str = "Østfold"):
        super().__init__()
        data = json.loads(geojson.read_text(encoding="utf-8"))
        self.county, self.county_name = county, county_name
        self.areas: dict[str, tuple[str, dict]] = {}
        for k, feature in enumerate(data["features"]):
            props = feature["properties"]
            geometry = feature["geometry"]
            if geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 1:
                geometry = {"type": "Polygon", "coordinates": geometry["coordinates"][0]}
            if k % 2 == 0:  # the crs member is optional: send it on every other answer
                geometry = {
                    **geometry,
                    "crs": {"type": "name", "properties": {"name": "EPSG:4258"}},
                }
            self.areas[props["kommunenummer"]] = (props["kommunenavn"], geometry)
        self.missing: set[str] = set()  # municipality numbers answered with 404
        self.omitted: set[str] = set()  # numbers left out of the county list
        self.swapped: set[str] = set()  # numbers answered latitude-first
        self.projected: set[str] = set()  # numbers answered in metres (UTM 33N)
        self.flat: set[str] = set()  # numbers answered with zero-area rings (collinear points)
        self.dense: dict[str, int] = {}  # numbers answered with a valid ring of so many points
        self.scattered: dict[str, int] = {}  # ... with so many parts (small squares)
        self.tangled: dict[str, int] = {}  # ... with a ring through so many random points

    def county_answer(self, county: str | None = None) -> dict:
        """The stand-in's county lists every municipality it has; another county (of a
        national file) those whose numbers start with its number."""
        county = county or self.county
        return {
            "fylkesnavn": self.county_name,
            "fylkesnummer": county,
            "kommuner": [
                {"kommunenavn": name, "kommunenummer": number}
                for number, (name, _) in sorted(self.areas.items())
                if number not in self.omitted
                and (county == self.county or number.startswith(county))
            ],
        }

    def route(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        parts = path[len(PREFIX) :].strip("/").split("/")
        if len(parts) == 2 and parts[0] == "fylker":
            answer = self.county_answer(parts[1])
            if answer["kommuner"] or parts[1] == self.county:
                return 200, json.dumps(answer).encode()
        if len(parts) == 3 and parts[0] == "kommuner" and parts[2] == "omrade":
            number = parts[1]
            if number in self.areas and number not in self.missing:
                name, geometry = self.areas[number]
                if number in self.swapped:
                    geometry = {**geometry, "coordinates": _map_xy(geometry, lambda x, y: (y, x))}
                if number in self.projected:
                    geometry = {**geometry, "coordinates": _map_xy(geometry, _utm33)}
                if number in self.flat:  # every point on one line: repaired, only lines remain
                    geometry = {**geometry, "coordinates": _map_xy(geometry, _collinear)}
                if number in self.dense:
                    geometry = _dense(self.dense[number])
                if number in self.scattered:
                    geometry = _scattered(self.scattered[number])
                if number in self.tangled:
                    geometry = _tangled(self.tangled[number])
                body = {"kommunenavn": name, "kommunenummer": number, "omrade": geometry}
                return 200, json.dumps(body, ensure_ascii=False).encode()
        return 404, b'{"feil": "Fant ikke"}'
