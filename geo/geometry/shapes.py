"""The shapes a map draws: real boundaries when they can be had, else a tile map."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd

from geo.errors import BoundaryError
from geo.geometry.boundaries import NUMBER_COLUMN, Boundaries, get_boundaries
from geo.geometry.tiles import grid_layout, layout_from_centroids, tile_frame
from geo.settings import Settings
from geo.tagging.gazetteer import Gazetteer
from geo.terms import Layout

log = logging.getLogger(__name__)
NO_BOUNDARIES = "Kommunegrensene er ikke lastet; kartet viser én rute per kommune."


@dataclass
class Shapes:
    frame: gpd.GeoDataFrame
    kind: Layout  # BOUNDARIES or TILES
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
    settings: Settings,
    layout: Layout = Layout.AUTO,
    *,
    refresh: bool = False,
    fetcher=None,
) -> Shapes:
    """Boundaries or tiles per `layout`; AUTO falls back to tiles with a notice."""
    if layout == Layout.TILES and settings.boundaries is None:
        return Shapes(tiles_for(gazetteer), Layout.TILES)
    try:
        boundaries = get_boundaries(
            settings, list(gazetteer.numbers), refresh=refresh, fetcher=fetcher
        )
    except BoundaryError as exc:
        if layout == Layout.BOUNDARIES:
            raise
        log.info("no boundaries (%s); drawing the tile map", exc)
        return Shapes(tiles_for(gazetteer), Layout.TILES, NO_BOUNDARIES, None, [str(exc)])
    if layout == Layout.TILES:
        return Shapes(
            tiles_for(gazetteer, boundaries), Layout.TILES, None, boundaries, boundaries.warnings
        )
    frame = boundaries.frame
    if not settings.national:  # national: every municipality, the others drawn as context
        frame = frame[frame[NUMBER_COLUMN].isin(gazetteer.numbers)]
    return Shapes(
        frame.reset_index(drop=True), Layout.BOUNDARIES, None, boundaries, boundaries.warnings
    )
