"""A local stand-in for Kartverket's kommuneinfo API, serving the shared boundary files.

It answers like the real API (see ../shared/reference/kartverket-api.md): /fylker/{nr} lists the
county's municipalities, /kommuner/{nr}/omrade gives one boundary as a GeoJSON geometry with an
optional `crs` member. Tests script failures per path: HTTP errors before success, delays,
malformed JSON, missing municipalities.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

PREFIX = "/kommuneinfo/v1"


def _map_xy(geometry: dict, fn) -> list:
    """The coordinates of a GeoJSON Polygon or MultiPolygon with fn applied to every point."""

    def walk(node):
        if isinstance(node[0], int | float):
            return list(fn(node[0], node[1]))
        return [walk(child) for child in node]

    return walk(geometry["coordinates"])


def _utm33(lon: float, lat: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs(4326, 25833, always_xy=True).transform(lon, lat)


class StandIn:
    def __init__(self, geojson: Path, county: str = "31", county_name: str = "Østfold"):
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
        self.fail_first: dict[str, list[int]] = {}  # path -> statuses to answer first
        self.delay: dict[str, float] = {}  # path -> seconds before answering
        self.malformed: set[str] = set()  # paths answered with broken JSON
        self.missing: set[str] = set()  # municipality numbers answered with 404
        self.omitted: set[str] = set()  # numbers left out of the county list
        self.swapped: set[str] = set()  # numbers answered latitude-first
        self.projected: set[str] = set()  # numbers answered in metres (UTM 33N)
        self.requests: Counter = Counter()
        self.user_agents: set[str] = set()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def county_answer(self) -> dict:
        return {
            "fylkesnavn": self.county_name,
            "fylkesnummer": self.county,
            "kommuner": [
                {"kommunenavn": name, "kommunenummer": number}
                for number, (name, _) in sorted(self.areas.items())
                if number not in self.omitted
            ],
        }

    def answer(self, path: str) -> tuple[int, bytes]:
        self.requests[path] += 1
        if self.fail_first.get(path):
            return self.fail_first[path].pop(0), b'{"feil": "intern feil"}'
        if path in self.delay:
            time.sleep(self.delay[path])
        if path in self.malformed:
            return 200, b'{"kommunenummer": "31'
        parts = path[len(PREFIX) :].strip("/").split("/")
        if parts == ["fylker", self.county]:
            return 200, json.dumps(self.county_answer()).encode()
        if len(parts) == 3 and parts[0] == "kommuner" and parts[2] == "omrade":
            number = parts[1]
            if number in self.areas and number not in self.missing:
                name, geometry = self.areas[number]
                if number in self.swapped:
                    geometry = {**geometry, "coordinates": _map_xy(geometry, lambda x, y: (y, x))}
                if number in self.projected:
                    geometry = {**geometry, "coordinates": _map_xy(geometry, _utm33)}
                body = {"kommunenavn": name, "kommunenummer": number, "omrade": geometry}
                return 200, json.dumps(body, ensure_ascii=False).encode()
        return 404, b'{"feil": "Fant ikke"}'

    def start(self) -> StandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                standin.user_agents.add(self.headers.get("User-Agent", ""))
                status, body = standin.answer(urlparse(self.path).path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
