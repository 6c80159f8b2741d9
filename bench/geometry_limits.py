"""What boundary processing costs up to the size limits (geo.geometry.repair): validation and
the coverage simplification the app draws from, for Norway's real boundaries, Østfold with one
municipality at the vertex limit, a whole set at the total limit, and a small ring whose repair
would take hours (stopped at the repair time limit). Each case runs in this process.

Run: python bench/geometry_limits.py [--kommuner ../shared/kommuner]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]


def ring(points: int, lon: float, lat: float, radius: float):
    from shapely.geometry import Polygon

    coords = [
        (
            lon + radius * (1 + 0.01 * (k % 2)) * math.cos(2 * math.pi * k / points),
            lat + radius / 2 * (1 + 0.01 * (k % 2)) * math.sin(2 * math.pi * k / points),
        )
        for k in range(points - 1)
    ]
    return Polygon(coords)


def tangled(points: int):
    from shapely.geometry import Polygon

    rng = random.Random(points)
    return Polygon([(10.9 + 0.2 * rng.random(), 59.2 + 0.2 * rng.random()) for _ in range(points)])


def measure(label: str, frame) -> None:
    import shapely

    from geo.errors import BoundaryError
    from geo.geometry.boundaries import validate
    from geo.geometry.simplify import simplify_coverage

    vertices = int(shapely.get_num_coordinates(frame.geometry.values).sum())
    start = time.perf_counter()
    try:
        valid = validate(frame, None, label, [])
        checked = time.perf_counter()
        simplify_coverage(valid)
        done = time.perf_counter()
        said = f"validate {checked - start:6.2f} s   simplify {done - checked:6.2f} s"
    except BoundaryError as exc:
        said = f"refused after {time.perf_counter() - start:.2f} s: {str(exc)[:70]}"
    print(f"{label:<44} {vertices:>10,}  {said}")


def main() -> None:
    import geopandas as gpd

    from geo.geometry.repair import MAX_VERTICES, MAX_VERTICES_PER_AREA

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=Path, default=ROOT.parent / "shared" / "kommuner")
    args = parser.parse_args()
    norway = gpd.read_file(args.kommuner / "norge-kommuner-2024.geojson")
    ostfold = gpd.read_file(args.kommuner / "ostfold-kommuner-2024.geojson")
    print(f"{'case':<44} {'vertices':>10}")
    measure("Norway, 357 municipalities (real)", norway)
    one = ostfold.copy()
    one.loc[0, "geometry"] = ring(MAX_VERTICES_PER_AREA, 11.0, 59.3, 0.1)
    measure("Østfold, one at the per-area limit", one)
    areas = MAX_VERTICES // MAX_VERTICES_PER_AREA
    many = gpd.GeoDataFrame(
        {
            "kommunenummer": [f"{3100 + k}" for k in range(areas)],
            "kommunenavn": [f"K{k}" for k in range(areas)],
        },
        geometry=[
            ring(MAX_VERTICES_PER_AREA, 5 + 2 * (k % 5), 59 + 2 * (k // 5), 0.5)
            for k in range(areas)
        ],
        crs="EPSG:4326",
    )
    measure(f"{areas} areas at the per-area limit (= total)", many)
    bad = ostfold.copy()
    bad.loc[0, "geometry"] = tangled(1000)
    measure("Østfold, one ring through 1 000 random points", bad)


if __name__ == "__main__":
    main()
