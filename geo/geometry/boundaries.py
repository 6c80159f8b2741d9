"""Municipal boundaries: from a file, the cache, Kartverket's API or the bundled snapshot.

Sources in order (`get_boundaries`): a boundary file if one is given; else a fresh cache
(younger than `cache_max_age_days`); else the API (one quick attempt when the network is
unreachable); else the last good cache; else the snapshot bundled with the package. Callers
that can draw without boundaries (`geo.geometry.shapes`) fall back to the tile map after that.

The cache holds one GeoPackage per county and date of fetch (`kommuner-31-2026-11-27.gpkg`)
in the user's cache folder. Every boundary set is validated before use or caching: all
expected numbers present, geometries non-empty and within the size limits (geo.geometry.repair),
invalid ones repaired with `make_valid` (in a child process with a time limit), polygonal with
area after repair, CRS set. A cache is written to a temporary file and renamed, so a failed
fetch never replaces a good one; a cache folder that cannot be written is a warning, not an
error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.atomic import is_plain_file, private_folder, write_cache_atomic
from geo.division import to_2024
from geo.errors import BoundaryError, InputError
from geo.fetch.cache import DatedCache, Sourced, first_source
from geo.fetch.kartverket import Progress
from geo.geometry.repair import check_size, make_valid_within
from geo.resources import snapshot_path, snapshot_sidecar
from geo.settings import Settings

log = logging.getLogger(__name__)
NUMBER_COLUMN = "kommunenummer"
NAME_COLUMN = "kommunenavn"
WEB_CRS = "EPSG:4326"
CHECKED_VERSION = 1  # bump when validate changes what a checked copy holds


@dataclass
class Boundaries:
    """A validated boundary set and where it came from."""

    frame: gpd.GeoDataFrame  # kommunenummer, kommunenavn, geometry; EPSG:4326
    source: str  # "file", "cache", "api" or "snapshot"
    detail: str  # file path, cache path, API URL or the snapshot's description
    fetched: dt.date | None = None
    warnings: list[str] = field(default_factory=list)
    vintage: str | None = None  # the municipal division of a snapshot ("2024")


def _read_table(path: Path, read_geometry: bool):
    import pyogrio

    if not path.exists():
        raise BoundaryError(
            "no such file; give a GeoJSON or GeoPackage path", value=path, setting="boundaries"
        )
    try:
        if read_geometry:
            return gpd.read_file(path, engine="pyogrio")
        return pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as exc:  # pyogrio raises its own DataSourceError and friends
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BoundaryError(
            f"cannot be read as GeoJSON or GeoPackage ({first})", value=path, setting="boundaries"
        ) from None


def _renumber(table, path: Path, county: str | None, warnings: list[str]):
    missing = [c for c in (NUMBER_COLUMN, NAME_COLUMN) if c not in table.columns]
    if missing:
        raise BoundaryError(
            f"no {' or '.join(missing)} column; the file needs "
            f"'{NUMBER_COLUMN}' and '{NAME_COLUMN}' (as Kartverket's data has)",
            value=path,
            setting="boundaries",
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
                f"no municipality of county {county} in it "
                "(numbers must start with the county number)",
                value=path,
                setting="boundaries",
            )
    return table


def read_municipality_names(
    path: str | Path, county: str, cache_dir: str | Path | None = None
) -> list[tuple[str, str]]:
    """(number, name) of county `county`'s municipalities listed in a boundary file (from its
    checked copy in `cache_dir` when there is one: the file is then not read)."""
    path = Path(path)
    table = None
    if cache_dir is not None:
        for scope in (county, None):
            copy = _checked_copy(path, scope, Path(cache_dir))
            if copy is not None and (found := read_checked_copy(copy, path, False)) is not None:
                table = found.frame[found.frame[NUMBER_COLUMN].str.startswith(county)]
                break
    if table is None or table.empty:
        table = _renumber(_read_table(path, read_geometry=False), path, county, [])
    return sorted(
        {(n, str(name)) for n, name in zip(table[NUMBER_COLUMN], table[NAME_COLUMN], strict=True)}
    )


def validate(
    frame: gpd.GeoDataFrame, expected: Sequence[str] | None, origin: str, warnings: list[str]
) -> gpd.GeoDataFrame:
    """Check and repair a boundary set; returns it in EPSG:4326, one row per municipality."""
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise BoundaryError("no CRS and the coordinates are not degrees", value=origin)
        warnings.append(f"{origin}: no CRS given; assumed {WEB_CRS}")
        frame = frame.set_crs(WEB_CRS)
    frame = frame[[NUMBER_COLUMN, NAME_COLUMN, "geometry"]].copy()
    empty = frame[frame.geometry.isna() | frame.geometry.is_empty][NUMBER_COLUMN].tolist()
    if empty:
        raise BoundaryError(f"empty boundary for {', '.join(sorted(set(empty)))}", value=origin)
    check_size(frame[NUMBER_COLUMN].tolist(), frame.geometry.values, origin)
    invalid = ~frame.geometry.is_valid
    if invalid.any():
        warnings.append(f"{origin}: repaired {int(invalid.sum())} invalid geometries")
        repaired = make_valid_within(frame.geometry[invalid].values, origin)
        frame.loc[invalid, "geometry"] = [_polygonal(g) for g in repaired]
        check_size(frame[NUMBER_COLUMN].tolist(), frame.geometry.values, origin)
    polygonal = frame.geometry.geom_type.isin(("Polygon", "MultiPolygon"))
    flat = ~polygonal | (shapely.area(frame.geometry.values) <= 0)  # any CRS: only > 0 counts
    if flat.any():  # e.g. rings of zero area, which make_valid turns into lines
        numbers = ", ".join(sorted(set(frame[flat][NUMBER_COLUMN])))
        raise BoundaryError(f"boundary of {numbers} has no area (not a polygon)", value=origin)
    if frame[NUMBER_COLUMN].duplicated().any():  # several rows for one municipality: merge
        frame = frame.dissolve(by=NUMBER_COLUMN, aggfunc="first", as_index=False)
    if expected is not None:
        missing = sorted(set(expected) - set(frame[NUMBER_COLUMN]))
        if missing:
            raise BoundaryError(f"no boundary for {', '.join(missing)}", value=origin)
    return frame.to_crs(WEB_CRS).sort_values(NUMBER_COLUMN).reset_index(drop=True)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Keep the polygon parts of a repaired geometry (make_valid may add lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else geometry


def read_boundary_file(
    path: str | Path,
    county: str | None,
    expected: Sequence[str] | None = None,
    cache_dir: str | Path | None = None,
) -> Boundaries:
    """A boundary file (GeoJSON or GeoPackage with kommunenummer), validated. With `cache_dir`,
    the checked and repaired set is kept there and read back while the file is unchanged (same
    path, size and modification time): all of Norway's file takes 1.5 s to read and repair,
    its checked copy a fraction of that."""
    path = Path(path)
    # Named before the file is read: a file replaced meanwhile is not kept under its name.
    copy = _checked_copy(path, county, Path(cache_dir)) if cache_dir is not None else None
    if copy is not None and (found := read_checked_copy(copy, path)):
        missing = sorted(set(expected or ()) - set(found.frame[NUMBER_COLUMN]))
        if missing:
            raise BoundaryError(f"no boundary for {', '.join(missing)}", value=str(path))
        return found
    warnings: list[str] = []
    table = _renumber(_read_table(path, read_geometry=True), path, county, warnings)
    frame = validate(table, expected, str(path), warnings)
    if copy is not None:
        write_checked_copy(frame, warnings, path, copy)
    return Boundaries(frame, "file", str(path), None, warnings)


def _checked_copy(path: Path, county: str | None, cache_dir: Path) -> tuple[Path, Path] | None:
    """(GeoPackage, sidecar) of a boundary file's checked copy; None if the file is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    identity = [str(path.resolve()), info.st_size, info.st_mtime_ns, county, CHECKED_VERSION]
    key = hashlib.sha256(json.dumps(identity).encode("utf-8")).hexdigest()[:20]
    stem = cache_dir / f"boundary-file-{key}"
    return stem.with_suffix(".gpkg"), stem.with_suffix(".json")


def _write_exact_gpkg(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A GeoPackage that keeps each geometry's type (polygons are not made multipolygons), so
    the copy hashes as the file did (the web shapes' cache key, geo.geometry.web)."""
    frame.to_file(
        path,
        driver="GPKG",
        layer="kommuner",
        engine="pyogrio",
        promote_to_multi=False,
        geometry_type="Unknown",
    )


def read_checked_copy(
    copy: tuple[Path, Path], path: Path, read_geometry: bool = True
) -> Boundaries | None:
    """The checked copy (GeoPackage, sidecar) of the boundary file `path`, if it was made of
    the file as it is now. The sidecar (written last) holds the reading's warnings and the
    copy's row count; a copy without it, or that does not match it, is not used. Without
    `read_geometry`, the numbers and names only (a GeoDataFrame without geometry)."""
    import pyogrio

    if not (is_plain_file(copy[0]) and is_plain_file(copy[1])):
        return None
    try:
        side = json.loads(copy[1].read_text(encoding="utf-8"))
        warnings = [str(w) for w in side["warnings"]]
        if read_geometry:
            frame = gpd.read_file(copy[0], layer="kommuner", engine="pyogrio")
            usable = frame.crs is not None and not frame.geometry.isna().any()
            frame = frame.to_crs(WEB_CRS)
        else:
            frame = pyogrio.read_dataframe(
                copy[0], layer="kommuner", read_geometry=False, columns=[NUMBER_COLUMN, NAME_COLUMN]
            )
            usable = True
        if not usable or len(frame) != int(side["rows"]):
            return None
        frame[NUMBER_COLUMN] = frame[NUMBER_COLUMN].astype(str)
    except Exception as exc:  # a damaged copy is made again
        log.info("the checked copy of %s is not usable (%s); reading the file", path.name, exc)
        return None
    return Boundaries(frame, "file", str(path), None, warnings)


def write_checked_copy(
    frame: gpd.GeoDataFrame, warnings: list[str], path: Path, copy: tuple[Path, Path]
) -> None:
    """Keep a checked boundary set for the next start; a folder that cannot be written (or a
    full disk) is logged, not an error: the file is then read each time."""
    side = json.dumps({"source": str(path), "rows": len(frame), "warnings": warnings})
    try:
        private_folder(copy[0].parent)
        write_cache_atomic(copy[0], lambda tmp: _write_exact_gpkg(frame, tmp))
        write_cache_atomic(copy[1], lambda tmp: tmp.write_text(side, encoding="utf-8"))
    except Exception as exc:  # OSError, or pyogrio's own errors for the GeoPackage
        log.info("no checked copy of %s kept in %s (%s)", path.name, copy[0].parent, exc)


# --- The bundled snapshot ----------------------------------------------------------------------


def snapshot_info(county: str) -> dict | None:
    """The sidecar of a county's bundled snapshot (source, date, licence), if there is one."""
    sidecar = snapshot_sidecar(county)
    if not (sidecar.exists() and snapshot_path(county).exists()):
        return None
    return json.loads(sidecar.read_text(encoding="utf-8"))


def read_snapshot(county: str, expected: Sequence[str] | None) -> Boundaries | None:
    """The boundary snapshot bundled with the package, validated; None if there is none."""
    info = snapshot_info(county)
    if info is None:
        return None
    warnings: list[str] = []
    frame = gpd.read_file(snapshot_path(county), engine="pyogrio")
    frame = validate(frame, expected, snapshot_path(county).name, warnings)
    detail = f"bundled snapshot ({info['source']['name']}, made {info['made']})"
    return Boundaries(frame, "snapshot", detail, None, warnings, str(info["division"]))


# --- The cache and the order of sources --------------------------------------------------------


def boundary_cache(settings: Settings) -> DatedCache:
    return DatedCache(settings.cache_dir, "kommuner", settings.county, ".gpkg")


def cache_files(cache_dir: str | Path, county: str) -> list[tuple[dt.date, Path]]:
    """The county's boundary cache files, newest first."""
    return DatedCache(Path(cache_dir), "kommuner", county, ".gpkg").files()


def write_cache(frame: gpd.GeoDataFrame, cache_dir: str | Path, county: str, day: dt.date) -> Path:
    """Write a validated boundary set as the cache of `day`, atomically."""
    return DatedCache(Path(cache_dir), "kommuner", county, ".gpkg").write(
        day, lambda tmp: _write_gpkg(frame, tmp)
    )


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame.to_file(path, driver="GPKG", layer="kommuner", engine="pyogrio")


def read_cache(path: Path, expected: Sequence[str] | None) -> gpd.GeoDataFrame:
    warnings: list[str] = []
    frame = gpd.read_file(path, layer="kommuner", engine="pyogrio")
    return validate(frame, expected, str(path), warnings)


def get_boundaries(
    settings: Settings,
    expected: Sequence[str] | None = None,
    *,
    refresh: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    fetcher=None,
) -> Boundaries:
    """Boundaries for the settings' county: the boundary file if one is given, else the first
    of a fresh cache, the API, the last good cache and the bundled snapshot.

    Raises BoundaryError naming the way out when no source has them.
    """
    if settings.boundaries is not None:
        county = None if settings.national else settings.county
        return read_boundary_file(settings.boundaries, county, expected, settings.cache_dir)

    def fetch() -> tuple[gpd.GeoDataFrame, list[str], str]:
        from geo.fetch.http import Fetcher
        from geo.fetch.kartverket import fetch_country, fetch_county

        assert settings.api_url is not None
        fetched, warnings = (fetch_country if settings.national else fetch_county)(
            fetcher or Fetcher.from_settings(settings),
            settings.api_url,
            settings.county,
            progress,
        )
        numbers = expected or fetched[NUMBER_COLUMN].tolist()
        return validate(fetched, numbers, settings.api_url, warnings), warnings, settings.api_url

    def snapshot() -> Sourced[gpd.GeoDataFrame] | None:
        found = read_snapshot(settings.county, expected)
        if found is None:
            return None
        return Sourced(found.frame, "snapshot", found.detail, None, found.warnings)

    try:
        got = first_source(
            "boundaries",
            boundary_cache(settings),
            read_cache=lambda path: read_cache(path, expected),
            fetch=fetch if settings.api_url is not None else None,
            write_cache=_write_gpkg,
            snapshot=snapshot,
            max_age_days=settings.cache_max_age_days,
            refresh=refresh,
            today=today,
        )
    except InputError as exc:
        raise BoundaryError(
            f"{exc} — pass --boundaries FILE (GeoJSON or GeoPackage) to work offline",
            value=f"county {settings.county}",
        ) from None
    info = snapshot_info(settings.county) if got.source == "snapshot" else None
    vintage = str(info["division"]) if info else None
    return Boundaries(got.value, got.source, got.detail, got.fetched, got.warnings, vintage)
