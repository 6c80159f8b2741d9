"""A schematic tile map: one equal square per municipality, laid out roughly geographically.

Tiles give a small municipality like Hvaler the same weight on screen as Indre Østfold, which
presentations often prefer, and they need no boundaries at all. A county's layout is authored
in its gazetteer file (`[tiles]`: number = [column, row], row 0 at the top); without one it is
derived from boundary centroids, or else laid out alphabetically.
"""

from __future__ import annotations

import math

import geopandas as gpd
from shapely.geometry import box

from geo.geometry.boundaries import NAME_COLUMN, NUMBER_COLUMN, WEB_CRS

# Tile size in degrees: about 12 km square at 59° N (one degree of longitude is ~57 km there).
TILE_W, TILE_H, GAP = 0.21, 0.108, 0.012


def tile_frame(
    municipalities: list[tuple[str, str]],
    layout: dict[str, tuple[int, int]],
    origin: tuple[float, float] = (10.55, 59.85),
) -> gpd.GeoDataFrame:
    """Square tiles at layout (column, row) cells; origin is the top-left corner (lon, lat)."""
    x0, y0 = origin
    rows = []
    for number, name in municipalities:
        col, row = layout[number]
        left = x0 + col * (TILE_W + GAP)
        top = y0 - row * (TILE_H + GAP)
        rows.append(
            {
                NUMBER_COLUMN: number,
                NAME_COLUMN: name,
                "geometry": box(left, top - TILE_H, left + TILE_W, top),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WEB_CRS)


def grid_layout(numbers: list[str]) -> dict[str, tuple[int, int]]:
    """A plain near-square grid, in the given order."""
    cols = math.ceil(math.sqrt(len(numbers)))
    return {n: (i % cols, i // cols) for i, n in enumerate(numbers)}


def layout_from_centroids(frame: gpd.GeoDataFrame) -> dict[str, tuple[int, int]]:
    """Place each municipality in the free grid cell nearest its centroid, largest first."""
    n = len(frame)
    cols = math.ceil(math.sqrt(n)) + 1
    rows = math.ceil(n / cols) + 1
    projected = frame.to_crs(3035)
    cent = projected.geometry.centroid
    minx, miny, maxx, maxy = cent.total_bounds
    width, height = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    order = projected.geometry.area.sort_values(ascending=False).index
    free = {(c, r) for c in range(cols) for r in range(rows)}
    layout = {}
    for i in order:
        fx = (cent[i].x - minx) / width * (cols - 1)
        fy = (maxy - cent[i].y) / height * (rows - 1)
        cell = min(free, key=lambda cr: (cr[0] - fx) ** 2 + (cr[1] - fy) ** 2)
        free.discard(cell)
        layout[frame.loc[i, NUMBER_COLUMN]] = cell
    return layout
