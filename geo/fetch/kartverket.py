"""Kartverket's kommuneinfo API: a county's municipalities and their boundaries.

Response shapes and CRS rules: `omrade` is a GeoJSON Polygon or MultiPolygon, its `crs` member
optional (default: the `utkoordsys` asked for, 4258); numbers are 4-character strings.
EPSG:4258 is officially latitude-first while GeoJSON is longitude-first, so every boundary is
checked against Norway's extent: swapped axes are corrected with a warning, projected
coordinates (metres) are refused. Licence: CC BY 4.0, "© Kartverket".
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from geo.division import COUNTIES_2024
from geo.errors import ValidationError
from geo.fetch.http import Fetcher

log = logging.getLogger(__name__)
ATTRIBUTION = "© Kartverket"
CRS = "EPSG:4258"
# Mainland Norway and its islands in longitude/latitude, with a margin (the sea areas of
# coastal municipalities included): lon 4.5–31.2 E, lat 57.9–71.2 N.
NORWAY_LON = (2.0, 34.0)
NORWAY_LAT = (56.5, 72.5)

Progress = Callable[[list[tuple[str, str]]], Iterable[tuple[str, str]]]


def county_municipalities(fetcher: Fetcher, base: str, county: str) -> list[tuple[str, str]]:
    """(number, name) of a county's municipalities, from GET {base}/fylker/{county}."""
    url = f"{base}/fylker/{county}?filtrer=kommuner,fylkesnavn,fylkesnummer"
    data = fetcher.get_json(url)
    try:
        pairs = [
            (str(k["kommunenummer"]).zfill(4), str(k["kommunenavn"])) for k in data["kommuner"]
        ]
    except (KeyError, TypeError):
        raise ValidationError("unexpected answer (no 'kommuner' list)", value=url) from None
    bad = [n for n, _ in pairs if not (n.isascii() and n.isdigit() and len(n) == 4)]
    if bad:
        raise ValidationError(f"unexpected municipality numbers {bad[:3]}", value=url)
    if not pairs:
        raise ValidationError("the county has no municipalities in the answer", value=url)
    return pairs


def _within(bounds: tuple[float, float, float, float], lon: tuple, lat: tuple) -> bool:
    minx, miny, maxx, maxy = bounds
    return lon[0] <= minx <= maxx <= lon[1] and lat[0] <= miny <= maxy <= lat[1]


def check_lonlat(geometry: BaseGeometry, url: str) -> tuple[BaseGeometry, str | None]:
    """The geometry in longitude/latitude over Norway, and a warning if its axes were swapped.

    Raises ValidationError for projected coordinates (metres) or places outside Norway.
    """
    bounds = geometry.bounds
    if _within(bounds, NORWAY_LON, NORWAY_LAT):
        return geometry, None
    if _within(bounds, NORWAY_LAT, NORWAY_LON):
        swapped = shapely.transform(geometry, lambda xy: xy[:, ::-1])
        return swapped, (
            f"{url}: coordinates came latitude-first (EPSG:4258's official axis order); "
            "swapped to longitude, latitude"
        )
    minx, miny, maxx, maxy = bounds
    if max(abs(minx), abs(miny), abs(maxx), abs(maxy)) > 360:
        raise ValidationError(
            f"the boundary is in projected coordinates (metres, e.g. {minx:.0f}, {miny:.0f}), "
            "not longitude/latitude; expected EPSG:4258",
            value=url,
        )
    raise ValidationError(
        f"the boundary lies outside Norway (longitude {minx:.2f}–{maxx:.2f}, "
        f"latitude {miny:.2f}–{maxy:.2f})",
        value=url,
    )


def municipality_area(fetcher: Fetcher, base: str, number: str) -> tuple[BaseGeometry, list[str]]:
    """The boundary of one municipality in EPSG:4258 (longitude first), with any warnings."""
    url = f"{base}/kommuner/{number}/omrade?utkoordsys=4258"
    data = fetcher.get_json(url)
    omrade = data.get("omrade") if isinstance(data, dict) else None
    if not isinstance(omrade, dict) or omrade.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError("no Polygon or MultiPolygon 'omrade' in the answer", value=url)
    crs_member: Any = omrade.get("crs") or {}
    crs = (
        (crs_member.get("properties") or {}).get("name", CRS)
        if isinstance(crs_member, dict)
        else CRS
    )
    if not str(crs).upper().endswith("4258"):
        raise ValidationError(f"boundary in {crs}, expected EPSG:4258", value=url)
    try:
        geometry = shapely.geometry.shape(
            {"type": omrade["type"], "coordinates": omrade["coordinates"]}
        )
    except Exception:  # shapely raises several types for bad coordinates
        raise ValidationError("the boundary coordinates are malformed", value=url) from None
    if geometry.is_empty:
        raise ValidationError("the boundary is empty", value=url)
    if str(data.get("kommunenummer", number)).zfill(4) != number:
        raise ValidationError(f"answer is for municipality {data.get('kommunenummer')}", value=url)
    geometry, warning = check_lonlat(geometry, url)
    return geometry, [warning] if warning else []


def fetch_county(
    fetcher: Fetcher, base: str, county: str, progress: Progress | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """All municipality boundaries of a county (one row per municipality, EPSG:4258), and the
    warnings about them.

    `progress` wraps the list of municipalities (e.g. a tqdm); by default a progress bar is
    shown when standard error is a terminal.
    """
    base = base.rstrip("/")
    pairs = county_municipalities(fetcher, base, county)
    rows, warnings = [], []
    for number, name in (progress or _terminal_progress)(pairs):
        geometry, notes = municipality_area(fetcher, base, number)
        warnings += notes
        rows.append({"kommunenummer": number, "kommunenavn": name, "geometry": geometry})
    log.info("fetched %d boundaries of county %s from %s", len(rows), county, base)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS), _summarise(warnings)


def fetch_country(
    fetcher: Fetcher, base: str, county: str = "all", progress: Progress | None = None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Every municipality of Norway: the counties of 2024 one after another."""
    frames, warnings = [], []
    for number in COUNTIES_2024:
        frame, notes = fetch_county(fetcher, base, number, progress)
        frames.append(frame)
        warnings += notes
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CRS), warnings


def _summarise(warnings: list[str]) -> list[str]:
    """One line for axis swaps however many municipalities had them."""
    swaps = [w for w in warnings if "latitude-first" in w]
    if len(swaps) <= 1:
        return warnings
    rest = [w for w in warnings if w not in swaps]
    return [
        *rest,
        f"{len(swaps)} boundaries came latitude-first (EPSG:4258's official axis order); "
        "swapped to longitude, latitude",
    ]


def _terminal_progress(pairs: list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    from tqdm import tqdm

    return tqdm(pairs, desc="Kommunegrenser", unit="kommune", disable=not sys.stderr.isatty())
