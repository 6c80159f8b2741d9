"""Names and defaults shared by the library and the command line, kept free of heavy imports
so that `tiltakskart extract` starts fast."""

from __future__ import annotations

YEARS = (2025, 2026, 2027, 2028)  # the programme period, one load column per year
FORMATS = ("csv", "geojson", "gpkg", "xlsx")  # `tiltakskart load` outputs
LAYOUTS = ("auto", "boundaries", "tiles")  # real boundaries, the tile map, or whichever works
METRICS = (
    "geographic",
    "name",
    "region",
    "place",
    "organisation",
    "all",
    "actor",
    "target",
    "share",
    *(f"y{y}" for y in YEARS),
)
DEFAULT_API_URL = "https://api.kartverket.no/kommuneinfo/v1"
API_URL_ENV = "TILTAKSKART_API_URL"
