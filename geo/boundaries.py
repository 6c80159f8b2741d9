"""Municipal boundaries: read from a file (GeoJSON or GeoPackage with `kommunenummer`)."""

from __future__ import annotations

from pathlib import Path

from geo.source import InputError

NUMBER_COLUMN = "kommunenummer"
NAME_COLUMN = "kommunenavn"


def read_municipality_names(path: str | Path, county: str) -> list[tuple[str, str]]:
    """(number, name) of county `county`'s municipalities listed in a boundary file."""
    import pyogrio  # GDAL-backed; imported here so plain extraction starts fast

    path = Path(path)
    if not path.exists():
        raise InputError(f"--boundaries {path}: no such file; give a GeoJSON or GeoPackage path")
    try:
        table = pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as exc:  # pyogrio raises its own DataSourceError and friends
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"--boundaries {path}: cannot be read as GeoJSON or GeoPackage ({first})"
        ) from None
    missing = [c for c in (NUMBER_COLUMN, NAME_COLUMN) if c not in table.columns]
    if missing:
        raise InputError(
            f"--boundaries {path}: no {' or '.join(missing)} column; the file needs "
            f"'{NUMBER_COLUMN}' and '{NAME_COLUMN}' (as Kartverket's data has)"
        )
    numbers = table[NUMBER_COLUMN].astype(str).str.zfill(4)
    rows = sorted(
        {
            (n, str(name))
            for n, name in zip(numbers, table[NAME_COLUMN], strict=True)
            if n.startswith(county)
        }
    )
    if not rows:
        raise InputError(
            f"--boundaries {path}: no municipality of county {county} in it "
            "(numbers must start with the county number)"
        )
    return rows
