"""Municipal boundaries: from Kartverket's API (cached), or from a file for offline use.

The cache holds one GeoPackage per county and date of fetch (`kommuner-31-2026-11-27.gpkg`),
reused until a refresh. Every boundary set is validated before use or caching: all expected
numbers present, geometries non-empty, invalid ones repaired with `make_valid`, CRS set. A
cache is written to a temporary file and renamed, so a failed fetch never replaces a good one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from geo.renumber import to_2024
from geo.source import InputError

NUMBER_COLUMN = "kommunenummer"
NAME_COLUMN = "kommunenavn"
WEB_CRS = "EPSG:4326"
_CACHE_NAME = re.compile(r"^kommuner-(?P<county>\d\d)-(?P<date>\d{4}-\d\d-\d\d)\.gpkg$")


class BoundaryError(InputError):
    """Boundaries could not be had; the message names the way out."""


@dataclass
class Boundaries:
    """A validated boundary set and where it came from."""

    frame: gpd.GeoDataFrame  # kommunenummer, kommunenavn, geometry; EPSG:4326
    source: str  # "api", "cache", "file"
    detail: str  # URL, cache path or file path
    fetched: dt.date | None = None
    warnings: list[str] = field(default_factory=list)


def _read_table(path: Path, read_geometry: bool):
    import pyogrio

    if not path.exists():
        raise BoundaryError(f"--boundaries {path}: no such file; give a GeoJSON or GeoPackage path")
    try:
        if read_geometry:
            return gpd.read_file(path, engine="pyogrio")
        return pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as exc:  # pyogrio raises its own DataSourceError and friends
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BoundaryError(
            f"--boundaries {path}: cannot be read as GeoJSON or GeoPackage ({first})"
        ) from None


def _renumber(table, path: Path, county: str | None, warnings: list[str]):
    missing = [c for c in (NUMBER_COLUMN, NAME_COLUMN) if c not in table.columns]
    if missing:
        raise BoundaryError(
            f"--boundaries {path}: no {' or '.join(missing)} column; the file needs "
            f"'{NUMBER_COLUMN}' and '{NAME_COLUMN}' (as Kartverket's data has)"
        )
    table = table.copy()
    old = table[NUMBER_COLUMN].astype(str).str.zfill(4)
    mapped = [to_2024(n) for n in old]
    table[NUMBER_COLUMN] = [n for n, _ in mapped]
    changed = sorted({f"{o}→{n}" for o, (n, _) in zip(old, mapped, strict=True) if o != n})
    if changed:
        warnings.append(f"{path.name}: 2020–2023 numbers mapped to 2024: {', '.join(changed)}")
    unknown = sorted({n for n, known in mapped if not known})
    if unknown:
        warnings.append(
            f"{path.name}: unknown municipality numbers {', '.join(unknown)} "
            "(neither 2024 numbers nor in the 2020–2023 table); left out"
        )
        table = table[[known for _, known in mapped]]
    if county is not None:
        table = table[table[NUMBER_COLUMN].str.startswith(county)]
        if table.empty:
            raise BoundaryError(
                f"--boundaries {path}: no municipality of county {county} in it "
                "(numbers must start with the county number)"
            )
    return table


def read_municipality_names(path: str | Path, county: str) -> list[tuple[str, str]]:
    """(number, name) of county `county`'s municipalities listed in a boundary file."""
    path = Path(path)
    table = _renumber(_read_table(path, read_geometry=False), path, county, [])
    return sorted(
        {(n, str(name)) for n, name in zip(table[NUMBER_COLUMN], table[NAME_COLUMN], strict=True)}
    )


def validate(
    frame: gpd.GeoDataFrame, expected: list[str] | None, origin: str, warnings: list[str]
) -> gpd.GeoDataFrame:
    """Check and repair a boundary set; returns it in EPSG:4326, one row per municipality."""
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryError(f"{origin}: no CRS and the coordinates are not degrees")
        warnings.append(f"{origin}: no CRS given; assumed {WEB_CRS}")
        frame = frame.set_crs(WEB_CRS)
    frame = frame[[NUMBER_COLUMN, NAME_COLUMN, "geometry"]].copy()
    empty = frame[frame.geometry.isna() | frame.geometry.is_empty][NUMBER_COLUMN].tolist()
    if empty:
        raise BoundaryError(f"{origin}: empty boundary for {', '.join(sorted(set(empty)))}")
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        warnings.append(f"{origin}: repaired {int(invalid.sum())} invalid geometries")
        repaired = shapely.make_valid(frame.geometry[invalid].values)
        frame.loc[invalid, "geometry"] = [_polygonal(g) for g in repaired]
    if frame[NUMBER_COLUMN].duplicated().any():  # several rows for one municipality: merge
        frame = frame.dissolve(by=NUMBER_COLUMN, aggfunc="first", as_index=False)
    if expected is not None:
        missing = sorted(set(expected) - set(frame[NUMBER_COLUMN]))
        if missing:
            raise BoundaryError(f"{origin}: no boundary for {', '.join(missing)}")
    return frame.to_crs(WEB_CRS).sort_values(NUMBER_COLUMN).reset_index(drop=True)


def _polygonal(geometry):
    """Keep the polygon parts of a repaired geometry (make_valid may add lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else geometry


def read_boundary_file(
    path: str | Path, county: str | None, expected: list[str] | None = None
) -> Boundaries:
    """A boundary file (GeoJSON or GeoPackage with kommunenummer), validated."""
    path = Path(path)
    warnings: list[str] = []
    table = _renumber(_read_table(path, read_geometry=True), path, county, warnings)
    frame = validate(table, expected, str(path), warnings)
    return Boundaries(frame, "file", str(path), None, warnings)


# --- The cache -----------------------------------------------------------------------------


def cache_files(cache_dir: str | Path, county: str) -> list[tuple[dt.date, Path]]:
    """The county's cache files, newest first."""
    out = []
    for path in Path(cache_dir).glob(f"kommuner-{county}-*.gpkg"):
        match = _CACHE_NAME.match(path.name)
        if match:
            out.append((dt.date.fromisoformat(match["date"]), path))
    return sorted(out, reverse=True)


def write_cache(frame: gpd.GeoDataFrame, cache_dir: str | Path, county: str, day: dt.date) -> Path:
    """Write a validated boundary set as the cache of `day`, atomically."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"kommuner-{county}-{day.isoformat()}.gpkg"
    fd, tmp = tempfile.mkstemp(prefix=".partial-", suffix=".gpkg", dir=cache_dir)
    os.close(fd)
    os.unlink(tmp)  # the GPKG driver wants to create the file itself
    try:
        frame.to_file(tmp, driver="GPKG", layer="kommuner", engine="pyogrio")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_cache(path: Path, expected: list[str] | None) -> gpd.GeoDataFrame:
    warnings: list[str] = []
    frame = gpd.read_file(path, layer="kommuner", engine="pyogrio")
    return validate(frame, expected, str(path), warnings)


def get_boundaries(
    county: str,
    cache_dir: str | Path,
    api_url: str,
    refresh: bool = False,
    boundaries_file: str | Path | None = None,
    expected: list[str] | None = None,
    session=None,
    timeout: float = 20.0,
    today: dt.date | None = None,
    progress=None,
) -> Boundaries:
    """Boundaries for a county: from a file if given, else the cache, else the API.

    A failed fetch falls back to the newest good cache with a warning; with no cache it raises
    BoundaryError naming the way out (a boundary file).
    """
    from geo.kartverket import FetchError, fetch_county

    if boundaries_file is not None:
        return read_boundary_file(boundaries_file, county, expected)
    warnings: list[str] = []
    caches = cache_files(cache_dir, county)
    good_cache = None
    for day, path in caches:
        try:
            good_cache = (day, path, read_cache(path, expected))
            break
        except Exception as exc:  # a damaged cache file is skipped, not fatal
            warnings.append(f"cache {path.name} is unusable ({str(exc).splitlines()[0][:80]})")
    if good_cache and not refresh:
        day, path, frame = good_cache
        return Boundaries(frame, "cache", str(path), day, warnings)
    try:
        fetched = fetch_county(api_url, county, session=session, timeout=timeout, progress=progress)
        frame = validate(fetched, expected or fetched[NUMBER_COLUMN].tolist(), api_url, warnings)
        day = today or dt.date.today()
        path = write_cache(frame, cache_dir, county, day)
        return Boundaries(frame, "api", str(path), day, warnings)
    except (FetchError, BoundaryError) as exc:
        if good_cache:
            day, path, frame = good_cache
            warnings.append(f"could not refresh boundaries ({exc}); using the cache of {day}")
            return Boundaries(frame, "cache", str(path), day, warnings)
        raise BoundaryError(
            f"could not fetch boundaries: {exc}; no cached copy either — pass --boundaries FILE "
            "(GeoJSON or GeoPackage) to work offline"
        ) from None
