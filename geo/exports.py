"""GIS and spreadsheet exports of the load, and the measure tables behind them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd


def measures_table(measures: list[dict]) -> pd.DataFrame:
    """One row per measure, lists joined with '; ' (for GIS tools and spreadsheets)."""
    rows = []
    for m in measures:
        tags = m.get("municipalities", [])
        rows.append(
            {
                "id": m["id"],
                "aliases": "; ".join(m["aliases"]),
                "title": m["title"],
                "plan": m["plan"],
                "theme": m["theme"],
                "strategy": m["strategy"],
                "strategy_title": m["strategy_title"],
                "actors": "; ".join(m["actors"]),
                "period_text": m["period"]["text"],
                "period_start": m["period"]["start"],
                "period_end": m["period"]["end"],
                "kommuner": "; ".join(sorted({t["kommunenummer"] for t in tags})),
                "why_how": m["why_how"],
            }
        )
    return pd.DataFrame(rows).astype({"period_start": "Int64", "period_end": "Int64"})


def tags_table(measures: list[dict]) -> pd.DataFrame:
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


def _atomic(path: Path, write) -> None:
    """Call write(tmp_path) for a temporary file beside `path`, then rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # some drivers (GPKG) insist on creating the file themselves
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_load(
    path: str | Path, fmt: str, frame: gpd.GeoDataFrame | pd.DataFrame, measures: list[dict]
) -> None:
    """Write the load as CSV, GeoJSON, GeoPackage (layers kommuner, tiltak, tagger) or Excel."""
    path = Path(path)
    table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if fmt == "csv":
        _atomic(path, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8"))
    elif fmt == "geojson":
        _require_geometry(frame, fmt)
        _atomic(path, lambda tmp: frame.to_file(tmp, driver="GeoJSON", engine="pyogrio"))
    elif fmt == "gpkg":
        _require_geometry(frame, fmt)

        def write_gpkg(tmp: str) -> None:
            import pyogrio

            frame.to_file(tmp, driver="GPKG", layer="kommuner", engine="pyogrio")
            pyogrio.write_dataframe(measures_table(measures), tmp, layer="tiltak", driver="GPKG")
            pyogrio.write_dataframe(tags_table(measures), tmp, layer="tagger", driver="GPKG")

        _atomic(path, write_gpkg)
    elif fmt == "xlsx":

        def write_xlsx(tmp: str) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                table.to_excel(writer, sheet_name="belastning", index=False)
                measures_table(measures).to_excel(writer, sheet_name="tiltak", index=False)
                tags_table(measures).to_excel(writer, sheet_name="tagger", index=False)

        _atomic(path, write_xlsx)
    else:
        raise ValueError(f"unknown format {fmt}")


def _require_geometry(frame, fmt: str) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValueError(f"{fmt} needs boundaries or tiles")
