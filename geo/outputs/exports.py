"""GIS and spreadsheet exports of the load, and the measure tables behind them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.atomic import write_atomic
from geo.outputs.spreadsheet import write_csv, write_xlsx
from geo.records import PERIOD_COLUMNS, MeasureRecord, flat_measure

# The measure columns of the GIS and spreadsheet exports (a choice from geo.records'
# flat form), with the municipalities the measure tags.
MEASURE_COLUMNS = (
    "id",
    "aliases",
    "title",
    "plan",
    "theme",
    "strategy",
    "strategy_title",
    "actors",
    *PERIOD_COLUMNS,
    "kommuner",
    "why_how",
)


def measures_frame(measures: Sequence[MeasureRecord]) -> pd.DataFrame:
    """One row per measure, lists joined with '; ' (for GIS tools and spreadsheets)."""
    rows = []
    for m in measures:
        numbers = sorted({t["kommunenummer"] for t in m.get("municipalities", [])})
        row = {**flat_measure(m), "kommuner": "; ".join(numbers)}
        rows.append({column: row[column] for column in MEASURE_COLUMNS})
    frame = pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))
    return frame.astype({"period_start": "Int64", "period_end": "Int64"})


def tags_frame(measures: Sequence[MeasureRecord]) -> pd.DataFrame:
    """One row per tag evidence: measure, municipality, via, role, field and the words."""
    rows = [
        {
            "id": m["id"],
            "kommunenummer": t["kommunenummer"],
            "kommunenavn": t["name"],
            "via": t["via"],
            "role": ev["role"],
            "field": ev["field"],
            "evidence": ev["text"],
        }
        for m in measures
        for t in m.get("municipalities", [])
        for ev in t["evidences"]
    ]
    return pd.DataFrame(
        rows, columns=["id", "kommunenummer", "kommunenavn", "via", "role", "field", "evidence"]
    )


def write_load(
    path: str | Path,
    fmt: str,
    frame: gpd.GeoDataFrame | pd.DataFrame,
    measures: Sequence[MeasureRecord],
) -> None:
    """Write the load as CSV, GeoJSON, GeoPackage (layers kommuner, tiltak, tagger) or Excel."""
    path = Path(path)
    table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if fmt == "csv":
        write_atomic(path, lambda tmp: write_csv(tmp, table))
    elif fmt == "geojson":
        shapes = _require_geometry(frame, fmt)
        write_atomic(  # named after the file, not its temporary name
            path,
            lambda tmp: shapes.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=path.stem),
        )
    elif fmt == "gpkg":
        shapes = _require_geometry(frame, fmt)

        def write_gpkg(tmp: Path) -> None:
            import pyogrio

            shapes.to_file(tmp, driver="GPKG", layer="kommuner", engine="pyogrio")
            pyogrio.write_dataframe(measures_frame(measures), tmp, layer="tiltak", driver="GPKG")
            pyogrio.write_dataframe(tags_frame(measures), tmp, layer="tagger", driver="GPKG")

        write_atomic(path, write_gpkg)
    elif fmt == "xlsx":
        sheets = {
            "belastning": table,
            "tiltak": measures_frame(measures),
            "tagger": tags_frame(measures),
        }
        write_atomic(path, lambda tmp: write_xlsx(tmp, sheets))
    else:
        raise ValueError(f"unknown format {fmt}")


def _require_geometry(frame: pd.DataFrame, fmt: str) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValueError(f"{fmt} needs boundaries or tiles")
    return frame
