"""Make the boundary snapshot bundled with the package: the last fallback before tiles.

A snapshot is a county's municipal boundaries simplified as one coverage (neighbours keep one
shared border), coordinates rounded for the web, small enough to ship (≤ 150 kB), with a
sidecar naming its source, date, licence and how it was made. Regenerate it with
`tiltakskart snapshot --boundaries FILE`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from geo.atomic import write_text_atomic
from geo.errors import InputError
from geo.fetch.kartverket import ATTRIBUTION
from geo.geometry.boundaries import NAME_COLUMN, NUMBER_COLUMN, read_boundary_file
from geo.geometry.simplify import geojson_text, simplify_coverage

MAX_BYTES = 150_000
DEFAULT_TOLERANCE_M = 50.0
LICENCE = "CC BY 4.0"
TERMS_URL = "https://www.kartverket.no/api-og-data/vilkar-for-bruk"


@dataclass(frozen=True)
class Snapshot:
    geojson: Path
    sidecar: Path
    size: int
    displacement_m: float


def make_snapshot(
    source: Path,
    county: str,
    numbers: list[str],
    out_dir: Path,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    division: str = "2024",
    today: dt.date | None = None,
) -> Snapshot:
    """Simplify `source`'s municipalities of `county` into `out_dir/kommuner-NN.geojson` with
    its sidecar `kommuner-NN.json`; refuse (InputError) if the result exceeds 150 kB."""
    boundaries = read_boundary_file(source, county, numbers)
    frame = boundaries.frame[boundaries.frame[NUMBER_COLUMN].isin(numbers)]
    simplified, displacement = simplify_coverage(frame, tolerance_m, measure=True)
    simplified = simplified[[NUMBER_COLUMN, NAME_COLUMN, "geometry"]]
    text = geojson_text(simplified.sort_values(NUMBER_COLUMN)) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise InputError(
            f"the snapshot would be {size / 1000:.0f} kB, over {MAX_BYTES / 1000:.0f} kB; "
            "pass a larger --tolerance",
            value=source,
            setting="boundaries",
        )
    geojson = out_dir / f"kommuner-{county}.geojson"
    sidecar = out_dir / f"kommuner-{county}.json"
    info = {
        "county": county,
        "municipalities": len(simplified),
        "division": division,
        "source": {
            "name": f"Kartverket, administrative enheter – kommuner ({division})",
            "file": source.name,
            "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
            "date": division,
            "licence": LICENCE,
            "attribution": ATTRIBUTION,
            "terms": TERMS_URL,
        },
        "made": (today or dt.date.today()).isoformat(),
        "method": (
            f"shapely.coverage_simplify at {tolerance_m:g} m in EPSG:25833 (shared borders "
            "kept), coordinates rounded to 5 decimals (about 1 m), EPSG:4326"
        ),
        "largest_displacement_m": round(displacement, 1),
        "bytes": size,
        "command": f"tiltakskart snapshot --boundaries {source.name} --county {county} "
        f"--tolerance {tolerance_m:g}",
    }
    write_text_atomic(geojson, text)
    write_text_atomic(sidecar, json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    return Snapshot(geojson, sidecar, size, displacement)
