"""The shapes a map draws: real boundaries when they can be had, else a tile map."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from geo.boundaries import Boundaries, BoundaryError, get_boundaries
from geo.gazetteer import Gazetteer
from geo.tiles import grid_layout, layout_from_centroids, tile_frame


@dataclass
class Shapes:
    frame: gpd.GeoDataFrame
    kind: str  # "boundaries" or "tiles"
    notice: str | None = None  # shown to users when real boundaries are missing
    boundaries: Boundaries | None = None
    warnings: list[str] = field(default_factory=list)


def tiles_for(gazetteer: Gazetteer, boundaries: Boundaries | None = None) -> gpd.GeoDataFrame:
    """The county's tile map: the authored layout, else one derived from the boundaries."""
    pairs = [(m.number, m.name) for m in gazetteer.municipalities]
    if gazetteer.tiles:
        layout = gazetteer.tiles
    elif boundaries is not None:
        layout = layout_from_centroids(boundaries.frame)
    else:
        layout = grid_layout([n for n, _ in pairs])
    if boundaries is not None:
        minx, _, _, maxy = boundaries.frame.total_bounds
        return tile_frame(pairs, layout, origin=(minx, maxy))
    return tile_frame(pairs, layout)


def shapes_for(
    gazetteer: Gazetteer,
    layout: str = "auto",
    *,
    cache_dir: str | Path,
    api_url: str,
    boundaries_file: str | Path | None = None,
    refresh: bool = False,
    session=None,
) -> Shapes:
    """Boundaries or tiles per `layout`; 'auto' falls back to tiles with a notice."""
    if layout == "tiles" and boundaries_file is None:
        return Shapes(tiles_for(gazetteer), "tiles")
    try:
        boundaries = get_boundaries(
            gazetteer.county,
            cache_dir,
            api_url,
            refresh=refresh,
            boundaries_file=boundaries_file,
            expected=list(gazetteer.numbers),
            session=session,
        )
    except BoundaryError as exc:
        if layout == "boundaries":
            raise
        notice = "Kommunegrensene er ikke lastet; kartet viser én rute per kommune."
        return Shapes(tiles_for(gazetteer), "tiles", notice, None, [str(exc)])
    if layout == "tiles":
        return Shapes(
            tiles_for(gazetteer, boundaries), "tiles", None, boundaries, boundaries.warnings
        )
    frame = boundaries.frame[boundaries.frame["kommunenummer"].isin(gazetteer.numbers)]
    return Shapes(frame.reset_index(drop=True), "boundaries", None, boundaries, boundaries.warnings)
