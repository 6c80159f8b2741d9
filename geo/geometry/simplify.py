"""Simplify boundaries for the web with topology preserved.

`shapely.coverage_simplify` simplifies the municipalities as one coverage: a border shared by
two neighbours is simplified once, so they keep one common border with no gaps or slivers.
The tolerance is in metres, applied in EPSG:25833 (UTM 33N, Kartverket's national projection).
DEFAULT_TOLERANCE_M = 100 m keeps every municipality and island recognisable at county zoom
(a 1920-pixel-wide map of Østfold is ~90 m per pixel) while cutting the payload several-fold;
`bench/load.py` prints the payload and the largest displacement.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

METRIC_CRS = "EPSG:25833"
DEFAULT_TOLERANCE_M = 100.0


def simplify_coverage(
    frame: gpd.GeoDataFrame, tolerance_m: float = DEFAULT_TOLERANCE_M, measure: bool = False
) -> tuple[gpd.GeoDataFrame, float]:
    """(simplified frame in the input CRS, largest displacement in metres); the displacement
    (a Hausdorff distance per area, seconds for all of Norway) only when `measure`, else NaN."""
    projected = frame.to_crs(METRIC_CRS)
    source = projected.geometry.values
    simplified = shapely.coverage_simplify(source, tolerance_m)
    displacement = (
        float(np.max(shapely.hausdorff_distance(source, simplified))) if measure else np.nan
    )
    out = projected.copy()
    out.geometry = simplified
    return out.to_crs(frame.crs), displacement


def geojson_text(frame: gpd.GeoDataFrame, precision: int = 5) -> str:
    """Compact GeoJSON (coordinates rounded; 5 decimals of a degree is about 1 m)."""
    rounded = frame.copy()
    rounded.geometry = shapely.set_precision(rounded.geometry.values, 10.0**-precision)
    data = json.loads(rounded.to_json(drop_id=True))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
